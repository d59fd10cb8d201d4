import _Differentiation
import ArgumentParser
import GumbelKit

/// `gumbel sample`: Gumbel-softmax samples, and optionally their gradient.
struct Sample: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw Gumbel-softmax samples softmax((logits + g) / T), one per row, and optionally their gradient.")

  /// The most numbers the command line prints: count x categories.
  static let maxElements = 1 << 24

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, csv }

  @OptionGroup var categories: CategoryOptions
  @Option(parsing: .unconditional, help: "The temperature T > 0.")
  var temperature: Float
  @Option(help: "How many samples (rows).")
  var count: Int = 1
  @OptionGroup var key: KeyOptions
  @Flag(help: "Straight-through: one-hot forward, soft gradient backward.")
  var hard = false
  @Option(name: .customLong("grad-weights"), parsing: .unconditional,
          help: "Weights W (count x K values, or K for every row): also print the gradient of sum(W * y) with respect to the logits and T.")
  var gradWeights: NumberList<Float>?
  @Option(help: "text, json or csv (samples only).")
  var format: Format = .text

  func run() throws {
    let logits = try categories.checkedLogits(as: Float.self)
    let k = logits.count
    guard count >= 0 else { throw CLIError("--count must be non-negative, not \(count)") }
    guard count <= Self.maxElements / k else { throw CLIError("--count \(count) x \(k) categories exceeds \(Self.maxElements) numbers") }
    let distribution = try GumbelSoftmax(logits: Tensor(logits), temperature: temperature)
    let (key, count, hard) = (self.key.prngKey, self.count, self.hard)
    let samples = hard ? distribution.hardSample(using: key, count: count) : distribution.sample(using: key, count: count)

    var gradient: GumbelSoftmax<Float>.TangentVector?
    if let gradWeights {
      guard format != .csv else { throw CLIError("--format csv prints samples only; use json for --grad-weights") }
      let w = gradWeights.values
      guard w.count == k || w.count == count * k else {
        throw CLIError("--grad-weights has \(w.count) values; expected \(k) or \(count * k)")
      }
      let weights = Tensor(shape: w.count == k ? [k] : [count, k], scalars: w)
      gradient = _Differentiation.gradient(at: distribution) { d in
        let y = hard ? d.hardSample(using: key, count: count) : d.sample(using: key, count: count)
        return (y * weights).sum()
      }
    }
    print(render(samples: samples.rows, gradient: gradient))
  }

  func render(samples: [[Float]], gradient: GumbelSoftmax<Float>.TangentVector?) -> String {
    switch format {
    case .csv:
      let header = (0..<(categories.logits?.values.count ?? categories.probabilities!.values.count)).map { "y\($0)" }
      return ([header.joined(separator: ",")] + samples.map { $0.map { "\($0)" }.joined(separator: ",") }).joined(separator: "\n")
    case .json:
      let rows = JSONText.array(samples.map { JSONText.array($0) })
      guard let gradient else { return JSONText.object(["samples": rows]) }
      return JSONText.object([
        "samples": rows,
        "gradient": JSONText.object([
          "logits": JSONText.array(gradient.logits.unbroadcast(to: [samples.first?.count ?? 0]).scalars),
          "temperature": JSONText.number(gradient.temperature),
        ]),
      ])
    case .text:
      var lines = samples.enumerated().map { "sample \($0.offset): " + $0.element.map { "\($0)" }.joined(separator: "  ") }
      if let gradient {
        lines.append("d/dlogits:      " + gradient.logits.unbroadcast(to: [samples.first?.count ?? 0]).scalars.map { "\($0)" }.joined(separator: "  "))
        lines.append("d/dtemperature: \(gradient.temperature)")
      }
      return lines.joined(separator: "\n")
    }
  }
}
