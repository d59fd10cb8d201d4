import ArgumentParser
import Foundation
import GumbelExperiments
import GumbelKit

/// `gumbel estimate`: the bias and variance of gradient estimators on one objective.
struct Estimate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure gradient estimators of d/dlogits E[(V . z - T)^2] against the exact gradient.")

  @Option(help: "exact, \(EstimatorKind.nameList), or all (default: all; disarm is for bits).", transform: EstimatorChoice.parse)
  var estimator: EstimatorChoice = .all
  @Option(help: "categorical (one variable; --logits or --probs of its classes) or bernoulli (independent bits; --logits or --probs of each bit).")
  var latent: LatentType = .categorical
  @OptionGroup var categories: CategoryOptions
  @Option(parsing: .unconditional, help: "The values V (default 0,1,...,K-1).")
  var values: NumberList<Double>?
  @Option(parsing: .unconditional, help: "The target T.")
  var target: Double = 0
  @Option(parsing: .unconditional, help: "The temperature of the relaxed estimators.")
  var temperature: Double = 1
  @Option(help: "How many independent single-sample estimates.")
  var samples: Int = 1000
  @Option(help: "Integer seed of the key.")
  var seed: Int64 = 0
  @Option(help: "Conditional draws of gumbel-rao.")
  var raoSamples: Int = 10
  @Option(parsing: .unconditional, help: "The gap of gst (finite and positive).")
  var gap: Double = 1
  @Option(parsing: .unconditional, help: "Draws per estimate of rloo (at least 2).")
  var draws: Int = 4
  @Option(help: "REINFORCE baseline: none, moving-average or leave-one-out.")
  var baseline: BaselineName = .none
  @Option(help: "text or json.")
  var format: OutputFormat = .text

  enum BaselineName: String, ExpressibleByArgument, CaseIterable {
    case none, movingAverage = "moving-average", leaveOneOut = "leave-one-out"
    var baseline: ReinforceEstimator<Double>.Baseline {
      switch self {
      case .none: .none
      case .movingAverage: .movingAverage(decay: 0.9)
      case .leaveOneOut: .leaveOneOut
      }
    }
  }

  func run() throws {
    let methods = estimator.methods(for: latent)
    guard samples >= 1, samples <= 10_000_000 else { throw CLIError("--samples must be between 1 and 10000000, not \(samples)") }
    guard (2...Estimator<Double>.maximumDraws).contains(draws) else {
      throw CLIError("--draws must be between 2 and \(Estimator<Double>.maximumDraws), not \(draws)")
    }
    try DistributionLimits.validate(temperature: temperature)
    guard gap > 0, gap.isFinite else { throw CLIError("--gap must be finite and positive, not \(gap)") }
    // Either a categorical problem or one of bits, the other nil.
    let problem = latent == .categorical
      ? try EstimatorLab.Problem(logits: try categories.checkedLogits(as: Double.self), values: values?.values, target: target) : nil
    let bitProblem = latent == .bernoulli
      ? try EstimatorLab.BitProblem(logits: try bitLogits(), values: values?.values, target: target) : nil
    let width = problem?.logits.count ?? bitProblem!.logits.count
    guard samples * width * max(raoSamples, draws, 1) <= 1 << 26 else {
      throw CLIError("--samples x categories x --rao-samples (or --draws) exceeds \(1 << 26)")
    }

    var results: [(EstimatorLab.Method, Result<EstimatorLab.Statistics, DistributionError>)] = []
    for method in methods {
      do {
        let key = PRNGKey(seed: seed)
        let statistics = if let bitProblem {
          try EstimatorLab.measure(bitProblem, method: method, temperature: temperature, samples: samples, key: key, draws: draws)
        } else {
          try EstimatorLab.measure(problem!, method: method, temperature: temperature, samples: samples, key: key,
                                   conditionalSamples: raoSamples, baseline: baseline.baseline, gap: gap, draws: draws)
        }
        results.append((method, .success(statistics)))
      } catch {
        // With one estimator the error is the answer; in a table it is a row.
        if methods.count == 1 { throw error }
        results.append((method, .failure(error)))
      }
    }
    print(format == .json ? json(results) : table(results))
  }

  /// Each bit's logit: `--logits` (finite), or `log(p / (1 - p))` of `--probs` (each in (0, 1)).
  func bitLogits() throws -> [Double] {
    if let logits = categories.logits?.values { return logits }
    let probabilities = categories.probabilities!.values
    if let bad = probabilities.firstIndex(where: { !($0 > 0 && $0 < 1) }) {
      throw CLIError("--probs of bits must each be in (0, 1); probability \(bad) is \(probabilities[bad])")
    }
    return probabilities.map { Foundation.log($0 / (1 - $0)) }
  }

  func json(_ results: [(EstimatorLab.Method, Result<EstimatorLab.Statistics, DistributionError>)]) -> String {
    let objects = results.map { method, result in
      switch result {
      case .success(let s):
        return JSONText.object([
          "estimator": JSONText.string(method.name), "mean": JSONText.array(s.mean), "variance": JSONText.array(s.variance),
          "exact": JSONText.array(s.exact), "bias": JSONText.number(s.bias), "mse": JSONText.number(s.meanSquaredError),
        ])
      case .failure(let error):
        return JSONText.object(["estimator": JSONText.string(method.name), "error": JSONText.string(error.description)])
      }
    }
    return objects.count == 1 ? objects[0] : JSONText.object(["estimators": JSONText.array(objects)])
  }

  func table(_ results: [(EstimatorLab.Method, Result<EstimatorLab.Statistics, DistributionError>)]) -> String {
    func cell(_ x: Double) -> String { x.formatted(digits: 5) }
    var lines = [
      (latent == .bernoulli ? "f(b) = (V . b - T)^2 of independent bits" : "f(z) = (V . z - T)^2")
        + ", temperature \(temperature), \(samples) estimates each (seed \(seed))",
      "estimator    bias        mse         total variance  mean gradient",
    ]
    for (method, result) in results {
      let name = method.name.padding(toLength: 12, withPad: " ", startingAt: 0)
      switch result {
      case .success(let s):
        lines.append("\(name) \(cell(s.bias).padded(11)) \(cell(s.meanSquaredError).padded(11)) \(cell(s.variance.reduce(0, +)).padded(15)) [\(s.mean.map(cell).joined(separator: ", "))]")
      case .failure(let error):
        lines.append("\(name) (\(error.description))")
      }
    }
    return lines.joined(separator: "\n")
  }
}

extension Double {
  /// This number with `digits` significant digits.
  func formatted(digits: Int) -> String { String(format: "%.\(digits)g", self) }
}

extension String {
  func padded(_ width: Int) -> String { padding(toLength: Swift.max(width, count), withPad: " ", startingAt: 0) }
}
