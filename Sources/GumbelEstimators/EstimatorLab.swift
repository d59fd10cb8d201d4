import Foundation
import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// Measures the bias and variance of gradient estimators on the objective
/// `f(z) = (V . z - T)^2`, against the exact gradient by enumeration.
public enum EstimatorLab {
  /// What an estimator is measured against: one of the sampling estimators, or the exact
  /// gradient itself.
  public enum Method: Equatable, Sendable {
    case exact
    case sampling(EstimatorKind)

    /// Every method for categorical variables, exact first, by the names the command line uses.
    public static var all: [Method] { [.exact] + EstimatorKind.allCases.filter(\.appliesToCategories).map { .sampling($0) } }

    /// The methods for bits (``BitProblem``): exact, `reinforce`, `rloo`, `st`, `gs`, `st-gs`
    /// and `disarm`.
    public static var allForBits: [Method] { [.exact] + [.reinforce, .rloo, .st, .gs, .stGS, .disarm].map { .sampling($0) } }

    public var name: String {
      switch self {
      case .exact: return "exact"
      case .sampling(let kind): return kind.rawValue
      }
    }

    public init?(name: String) {
      if name == "exact" { self = .exact } else if let kind = EstimatorKind(rawValue: name) { self = .sampling(kind) } else { return nil }
    }
  }

  /// The objective `f(z) = (V . z - T)^2` and its distribution.
  public struct Problem: Equatable, Sendable {
    public let logits: [Double]
    public let values: [Double]
    public let target: Double

    /// A problem, checked: logits valid, as many values as logits (default `0..<K`).
    public init(logits: [Double], values: [Double]? = nil, target: Double = 0) throws(DistributionError) {
      try DistributionLimits.validate(logits: logits, categories: logits.count)
      let values = values ?? (0..<logits.count).map(Double.init)
      guard values.count == logits.count else { throw .shapeMismatch(expected: [logits.count], actual: [values.count]) }
      guard values.allSatisfy(\.isFinite), target.isFinite else { throw .invalidParameter(name: "values and target", value: .nan) }
      self.logits = logits
      self.values = values
      self.target = target
    }

    /// `f(e_k) = (V_k - T)^2` for each category.
    public var oneHotObjective: [Double] { values.map { ($0 - target) * ($0 - target) } }

    /// `d/d logits E[f(z)]`, exactly.
    public var exactGradient: [Double] {
      let f = Tensor(oneHotObjective)
      return gradient(at: Tensor(logits)) { l in exactExpectation(logits: l, values: f).sum() }.scalars
    }
  }

  /// The objective `f(b) = (V . b - T)^2` of independent bits `b_i ~ Bernoulli(sigmoid(l_i))`.
  public struct BitProblem: Equatable, Sendable {
    public let logits: [Double]
    public let values: [Double]
    public let target: Double
    /// The most bits a problem may have: its exact gradient enumerates `2^n` values.
    public static let maximumBits = 16

    /// A problem, checked: 1 to ``maximumBits`` finite logits, as many finite values (default
    /// `1, 2, ..., n`), a finite target.
    public init(logits: [Double], values: [Double]? = nil, target: Double = 0) throws(DistributionError) {
      guard !logits.isEmpty else { throw .empty }
      guard logits.count <= Self.maximumBits else {
        throw .invalidParameter(name: "number of bits (at most \(Self.maximumBits))", value: Double(logits.count))
      }
      if let bad = logits.firstIndex(where: { !$0.isFinite }) {
        throw .unsupported("logit \(bad) is \(logits[bad]): the logits of bits must be finite")
      }
      let values = values ?? (1...logits.count).map(Double.init)
      guard values.count == logits.count else { throw .shapeMismatch(expected: [logits.count], actual: [values.count]) }
      guard values.allSatisfy(\.isFinite), target.isFinite else { throw .invalidParameter(name: "values and target", value: .nan) }
      self.logits = logits
      self.values = values
      self.target = target
    }

    /// `f(b)`.
    public func objective(_ bits: [Double]) -> Double {
      let dot = zip(values, bits).reduce(0) { $0 + $1.0 * $1.1 }
      return (dot - target) * (dot - target)
    }

    /// `d/dl_i E[f(b)] = sum_b P(b) (b_i - p_i) f(b)`, exactly, over the `2^n` values of `b`.
    public var exactGradient: [Double] {
      let n = logits.count
      let p = logits.map { 1 / (1 + Foundation.exp(-$0)) }
      var gradient = [Double](repeating: 0, count: n)
      for index in 0..<(1 << n) {
        let b = (0..<n).map { Double((index >> $0) & 1) }
        let probability = (0..<n).reduce(1.0) { $0 * (b[$1] == 1 ? p[$1] : 1 - p[$1]) }
        let f = objective(b)
        for i in 0..<n { gradient[i] += probability * (b[i] - p[i]) * f }
      }
      return gradient
    }
  }

  /// `samples` independent estimates of the gradient of `E[f(b)]` for bits by `method` (each
  /// from `drawsPerEstimate` consecutive draws, averaged: 2 for DisARM, `draws` for RLOO).
  /// - Returns: one row of `n` per estimate.
  public static func estimates(
    of problem: BitProblem, method: Method, temperature: Double, samples: Int, key: PRNGKey, draws: Int = 4
  ) throws(DistributionError) -> [[Double]] {
    guard samples >= 1 else { throw .invalidParameter(name: "sample count", value: Double(samples)) }
    guard case .sampling(let kind) = method else { return Array(repeating: problem.exactGradient, count: samples) }
    let estimator = try Estimator<Double>(kind, temperature: temperature, draws: draws, bits: true)
    return sampledGradients(estimator, logits: problem.logits, values: problem.values, target: problem.target, samples: samples,
                            key: key, bits: true)
  }

  /// Bias, variance and mean squared error of `method` on bits from `samples` estimates.
  public static func measure(
    _ problem: BitProblem, method: Method, temperature: Double, samples: Int, key: PRNGKey, draws: Int = 4
  ) throws(DistributionError) -> Statistics {
    let exact = problem.exactGradient
    if method == .exact { return statistics(of: [exact], method: .exact, exact: exact) }
    let rows = try estimates(of: problem, method: method, temperature: temperature, samples: samples, key: key, draws: draws)
    return statistics(of: rows, method: method, exact: exact)
  }

  /// The mean of each group of `size` consecutive rows.
  static func averagedGroups(_ rows: [[Double]], size: Int) -> [[Double]] {
    guard size > 1 else { return rows }
    return stride(from: 0, to: rows.count, by: size).map { (first: Int) -> [Double] in
      var mean = [Double](repeating: 0, count: rows[first].count)
      for row in rows[first..<(first + size)] {
        for j in mean.indices { mean[j] += row[j] / Double(size) }
      }
      return mean
    }
  }

  /// The mean and variance of `samples` independent estimates.
  public struct Statistics: Sendable {
    public let method: Method
    public let mean: [Double]
    public let variance: [Double]
    public let exact: [Double]
    /// `|| mean - exact ||`, the Euclidean norm of the bias.
    public let bias: Double
    /// The mean of `|| estimate - exact ||^2` over the estimates.
    public let meanSquaredError: Double
  }

  /// `samples` independent estimates of the gradient of `E[f(z)]` by `method`, each from one
  /// draw (`draws` for `rloo`; `gap` is the `gst` estimator's).
  /// - Returns: one row of `K` per estimate.
  public static func estimates(
    of problem: Problem, method: Method, temperature: Double, samples: Int, key: PRNGKey,
    conditionalSamples: Int = 10, baseline: ReinforceEstimator<Double>.Baseline = .none, gap: Double = 1, draws: Int = 4
  ) throws(DistributionError) -> [[Double]] {
    guard samples >= 1 else { throw .invalidParameter(name: "sample count", value: Double(samples)) }
    guard case .sampling(let kind) = method else { return Array(repeating: problem.exactGradient, count: samples) }
    let estimator = try Estimator<Double>(kind, temperature: temperature, conditionalSamples: conditionalSamples, baseline: baseline,
                                          gap: gap, draws: draws)
    return sampledGradients(estimator, logits: problem.logits, values: problem.values, target: problem.target, samples: samples,
                            key: key, bits: false)
  }

  /// `samples` estimates by `estimator` of the gradient of `E[(V . z - T)^2]` with respect to
  /// `logits`, `z` a one-hot row or (`bits`) a row of bits: each estimate's draws are
  /// consecutive rows (``Estimator/drawsPerEstimate``, one but for RLOO and DisARM), averaged.
  static func sampledGradients(_ estimator: Estimator<Double>, logits row: [Double], values: [Double], target: Double,
                               samples: Int, key: PRNGKey, bits: Bool) -> [[Double]] {
    let perEstimate = estimator.drawsPerEstimate
    let logits = Tensor(shape: [samples * perEstimate, row.count], scalars: (0..<(samples * perEstimate)).flatMap { _ in row })
    let v = Tensor(values)
    let gradients = gradient(at: logits) { l in
      let z = bits ? estimator.sampleBits(logits: l, using: key) : estimator.sample(logits: l, using: key)
      let loss = ((z * v).sumAlongLastAxis() - target).squared()
      return estimator.groupedSurrogateLoss(logits: l, sample: z, loss: loss, bits: bits).sum()
    }
    return averagedGroups(gradients.rows, size: perEstimate)
  }

  /// Bias, variance and mean squared error of `method` from `samples` estimates.
  public static func measure(
    _ problem: Problem, method: Method, temperature: Double, samples: Int, key: PRNGKey,
    conditionalSamples: Int = 10, baseline: ReinforceEstimator<Double>.Baseline = .none, gap: Double = 1, draws: Int = 4
  ) throws(DistributionError) -> Statistics {
    let exact = problem.exactGradient
    if method == .exact { return statistics(of: [exact], method: .exact, exact: exact) }
    let rows = try estimates(of: problem, method: method, temperature: temperature, samples: samples, key: key,
                             conditionalSamples: conditionalSamples, baseline: baseline, gap: gap, draws: draws)
    return statistics(of: rows, method: method, exact: exact)
  }

  /// The statistics of `rows` of estimates against `exact` (zero variance for one row).
  static func statistics(of rows: [[Double]], method: Method, exact: [Double]) -> Statistics {
    let n = Double(rows.count)
    let mean = (0..<exact.count).map { j in rows.reduce(0) { $0 + $1[j] } / n }
    let variance = (0..<exact.count).map { j in
      rows.count > 1 ? rows.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / (n - 1) : 0
    }
    let squaredNorm = { (a: [Double]) in a.reduce(0) { $0 + $1 * $1 } }
    return Statistics(
      method: method, mean: mean, variance: variance, exact: exact,
      bias: squaredNorm(zip(mean, exact).map { $0 - $1 }).squareRoot(),
      meanSquaredError: rows.reduce(0) { $0 + squaredNorm(zip($1, exact).map { $0 - $1 }) } / n)
  }
}
