import GumbelDistributions
import GumbelRandom

/// The bias and the variance of every gradient estimator against the temperature, measured by
/// ``EstimatorLab`` on one ``EstimatorLab/Problem``, `f(z) = (V . z - T)^2`, against its exact
/// gradient:
///
///     bias = || mean_s g_s - grad ||,   variance = sum_k Var_s(g_s[k]),   s = 1 ... sampleCount
///
/// over single-sample estimates `g_s`. Estimators that ignore the temperature
/// (``EstimatorKind/usesTemperature``) are measured once; the others at every temperature they
/// are defined at (``EstimatorKind/minimumTemperature``). Every point uses the same key, so the
/// points differ by the temperature and the estimator alone. The measured bias includes Monte
/// Carlo noise of about `sqrt(variance / sampleCount)` (``Measurement/standardError``).
public struct EstimatorSweep: Equatable, Sendable {
  /// One measured point of an estimator.
  public struct Measurement: Equatable, Sendable {
    /// The temperature, or `nil` for an estimator that does not use one.
    public let temperature: Double?
    /// `|| mean - exact ||`.
    public let bias: Double
    /// The sum over categories of the variance of single-sample estimates.
    public let variance: Double
    /// The standard error of the measured bias, `sqrt(variance / sampleCount)`: the norm of
    /// the Monte Carlo error of the mean of the estimates.
    public let standardError: Double

    public init(temperature: Double?, bias: Double, variance: Double, standardError: Double) {
      self.temperature = temperature
      self.bias = bias
      self.variance = variance
      self.standardError = standardError
    }

    /// Whether the bias is within two standard errors of 0: not distinguishable from the noise.
    public var biasIsWithinNoise: Bool { bias < 2 * standardError }
  }

  /// The measurements of one estimator, by increasing temperature.
  public struct Series: Equatable, Sendable {
    /// The estimator.
    public let kind: EstimatorKind
    /// One measurement per temperature, or a single one without a temperature for the
    /// estimators that do not use one.
    public let measurements: [Measurement]

    public init(kind: EstimatorKind, measurements: [Measurement]) {
      self.kind = kind
      self.measurements = measurements
    }

    /// Whether the estimator ignores the temperature.
    public var isTemperatureFree: Bool { !kind.usesTemperature }
  }

  /// The objective and its exact gradient.
  public let problem: EstimatorLab.Problem
  /// The temperatures, increasing and without repeats.
  public let temperatures: [Double]
  /// How many single-sample estimates each point is measured from.
  public let sampleCount: Int
  /// The conditional draws of the Gumbel-Rao estimator.
  public let conditionalSamples: Int
  /// One series per estimator of ``EstimatorKind`` (ReinMax only when some temperature is at
  /// least 1).
  public let series: [Series]

  /// Measures every estimator at `temperatures` (sorted and deduplicated here) with
  /// `sampleCount` estimates from `key`; the Gumbel-Rao estimator draws `conditionalSamples`
  /// per estimate.
  ///
  /// - Throws: ``DistributionError`` when the lab refuses a temperature or a count.
  public init(problem: EstimatorLab.Problem, temperatures: [Double], sampleCount: Int, conditionalSamples: Int = 10,
              key: PRNGKey) throws(DistributionError) {
    let temperatures = Array(Set(temperatures)).sorted()
    func measure(_ kind: EstimatorKind, at temperature: Double?) throws(DistributionError) -> Measurement {
      let statistics = try EstimatorLab.measure(problem, method: .sampling(kind), temperature: temperature ?? 1,
                                                samples: sampleCount, key: key, conditionalSamples: conditionalSamples)
      let variance = statistics.variance.reduce(0, +)
      return Measurement(temperature: temperature, bias: statistics.bias, variance: variance,
                         standardError: (variance / Double(sampleCount)).squareRoot())
    }
    var series: [Series] = []
    for kind in EstimatorKind.allCases where kind.appliesToCategories {
      guard kind.usesTemperature else {
        series.append(Series(kind: kind, measurements: [try measure(kind, at: nil)]))
        continue
      }
      let usable = temperatures.filter { $0 >= kind.minimumTemperature }
      guard !usable.isEmpty else { continue }
      var measurements: [Measurement] = []
      for temperature in usable { measurements.append(try measure(kind, at: temperature)) }
      series.append(Series(kind: kind, measurements: measurements))
    }
    self.problem = problem
    self.temperatures = temperatures
    self.sampleCount = sampleCount
    self.conditionalSamples = conditionalSamples
    self.series = series
  }

  /// The series of `kind`, if it was measured.
  public func series(_ kind: EstimatorKind) -> Series? { series.first { $0.kind == kind } }
}
