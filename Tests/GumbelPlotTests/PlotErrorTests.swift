import GumbelPlot
import Testing

/// Errors read as one sentence that names the bad value.
@Suite struct PlotErrorTests {
  @Test func descriptionsNameTheValue() {
    #expect(PlotError.invalidTemperature(-1).description == "temperature -1.0 is not finite and positive")
    #expect(PlotError.categoryCount(figure: "simplex", required: "exactly 3", actual: 2).description
      == "the simplex figure needs exactly 3 categories, got 2")
    #expect(PlotError.cannotWrite(path: "/x/y.svg", reason: "no such directory").description.hasPrefix("cannot write /x/y.svg"))
  }
}
