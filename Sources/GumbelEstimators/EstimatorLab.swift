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

    /// Every method, exact first, by the names the command line uses.
    public static var all: [Method] { [.exact] + EstimatorKind.allCases.map { .sampling($0) } }

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
    let k = problem.logits.count
    guard samples >= 1 else { throw .invalidParameter(name: "sample count", value: Double(samples)) }
    guard case .sampling(let kind) = method else { return Array(repeating: problem.exactGradient, count: samples) }
    let estimator = try Estimator<Double>(kind, temperature: temperature, conditionalSamples: conditionalSamples, baseline: baseline,
                                          gap: gap, draws: draws)
    // Each estimate's draws are consecutive rows (one row, but for RLOO), averaged below.
    let perEstimate = estimator.drawsPerEstimate
    let logits = Tensor(shape: [samples * perEstimate, k], scalars: (0..<(samples * perEstimate)).flatMap { _ in problem.logits })
    let values = Tensor(problem.values)
    let target = problem.target
    let gradients = gradient(at: logits) { l in
      let z = estimator.sample(logits: l, using: key)
      let loss = ((z * values).sumAlongLastAxis() - target).squared()
      return estimator.surrogateLoss(logits: l, sample: z, loss: loss).sum()
    }
    let rows = gradients.rows
    guard perEstimate > 1 else { return rows }
    return (0..<samples).map { e in
      (0..<k).map { j in (0..<perEstimate).reduce(0) { $0 + rows[e * perEstimate + $1][j] } / Double(perEstimate) }
    }
  }

  /// Bias, variance and mean squared error of `method` from `samples` estimates.
  public static func measure(
    _ problem: Problem, method: Method, temperature: Double, samples: Int, key: PRNGKey,
    conditionalSamples: Int = 10, baseline: ReinforceEstimator<Double>.Baseline = .none, gap: Double = 1, draws: Int = 4
  ) throws(DistributionError) -> Statistics {
    if method == .exact {
      let exact = problem.exactGradient
      let zeros = [Double](repeating: 0, count: exact.count)
      return Statistics(method: .exact, mean: exact, variance: zeros, exact: exact, bias: 0, meanSquaredError: 0)
    }
    let rows = try estimates(of: problem, method: method, temperature: temperature, samples: samples, key: key,
                             conditionalSamples: conditionalSamples, baseline: baseline, gap: gap, draws: draws)
    let exact = problem.exactGradient
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
