import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GumbelExperiments
import GumbelPlot
import GumbelRandom
import Testing

/// End-to-end tests of `gumbel plot estimators`: the library's figure, byte for byte, and
/// one-line errors.
@Suite struct PlotEstimatorsCommandTests {
  @Test func plotEstimatorsWritesTheFigure() throws {
    let directory = try PlotCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let path = directory + "/estimators.svg"
    let options = ["plot", "estimators", "--logits=-1,0,1", "--values", "0,1,4", "--target=-0.5", "--temperatures", "0.5,2",
                   "--samples", "40", "--rao-samples", "2", "--seed", "7", "--out", path]
    let result = try PlotCommandTests.run(options)
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    _ = try XMLDocument(xmlString: text, options: [])
    #expect(text.components(separatedBy: "class=\"panel\"").count - 1 == 2)
    #expect(text.contains("V = (0, 1, 4), T = -0.5"))
    // The same as the library's figure, byte for byte.
    let figure = try EstimatorFigure(logits: [-1, 0, 1], values: [0, 1, 4], target: -0.5, temperatures: [0.5, 2],
                                     sampleCount: 40, conditionalSamples: 2, key: PRNGKey(seed: 7))
    #expect(text == figure.svg())
  }

  @Test func plotEstimatorsRefusesBadInputInOneLine() throws {
    let directory = try PlotCommandTests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let out = directory + "/x.svg"
    let cases: [([String], String)] = [
      (["--logits", "0"], "the estimators figure needs at least 2 categories, got 1"),
      (["--probs", "0.5,0.5", "--values", "1,2,3"], "shape [3] does not match the expected shape [2]"),
      (["--probs", "0.5,0.5", "--temperatures", "1,-1"], "temperature -1.0 is not finite and positive"),
      (["--probs", "0.5,0.5", "--samples", "0"], "sample count 0 is out of range"),
      (["--probs", "0.5,0.5", "--samples", "9223372036854775807"], "sample count 9223372036854775807 is out of range"),
      (["--probs", "0.5,0.5", "--rao-samples", "9223372036854775807"], "conditional sample count 9223372036854775807 is out of range"),
      (["--probs", "0.5,0.5", "--rao-samples", "0"], "conditional sample count 0 is out of range"),
      (["--logits", "0,0,0,0,0,0,0,0", "--samples", "100000", "--rao-samples", "100"], "exceeds"),
      (["--logits", "0,1", "--probs", "0.5,0.5"], "exactly one of --logits and --probs"),
    ]
    for (arguments, message) in cases {
      PlotCommandTests.expectOneLineError(try PlotCommandTests.run(["plot", "estimators"] + arguments + ["--out", out]),
                                          containing: message)
    }
    PlotCommandTests.expectOneLineError(try PlotCommandTests.run(["plot", "estimators", "--probs", "0.5,0.5"]), containing: "--out")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
