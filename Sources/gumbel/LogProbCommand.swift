import ArgumentParser
import GumbelKit

/// `gumbel log-prob`: the Concrete log-density of a point of the simplex.
struct LogProb: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log-prob",
    abstract: "The Gumbel-softmax (Concrete) log-density of a point of the simplex, in float64.")

  @OptionGroup var categories: CategoryOptions
  @Option(parsing: .unconditional, help: "The temperature T > 0.")
  var temperature: Double
  @Option(parsing: .unconditional, help: "A point of the open simplex, comma-separated (0 only for masked categories).")
  var value: NumberList<Double>
  @Option(help: "text or json.")
  var format: OutputFormat = .text

  func run() throws {
    let logits = try categories.checkedLogits(as: Double.self)
    let distribution = try GumbelSoftmax(logits: Tensor(logits), temperature: temperature)
    let point = Tensor(value.values)
    try distribution.validate(value: point)
    let logProb = distribution.logDensity(of: point).scalars[0]
    switch format {
    case .json: print(JSONText.object(["logProb": JSONText.number(logProb)]))
    case .text: print("log p(y) = \(logProb)")
    }
  }
}
