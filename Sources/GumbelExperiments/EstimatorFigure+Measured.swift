import GumbelEstimators
import GumbelPlot
import GumbelRandom

extension EstimatorFigure {
  /// Measures every estimator at every temperature with `sampleCount` estimates from `key`
  /// (an ``EstimatorSweep``), after checking the inputs as the other figures do, and draws it.
  ///
  /// - Parameters:
  ///   - values: `V`, one per category (default `0, 1, ..., K-1`, so that with `target` 0 the
  ///     objective is the square of the sampled index).
  ///   - conditionalSamples: the Gumbel-Rao estimator's draws per estimate.
  /// - Throws: ``PlotError`` for invalid logits, values or temperatures, fewer than two
  ///   categories, or counts out of range.
  public init(logits: [Double], values: [Double]? = nil, target: Double = 0, temperatures: [Double],
              sampleCount: Int = 2000, conditionalSamples: Int = 10, key: PRNGKey) throws(PlotError) {
    let logits = try FigureInput.checked(logits: logits)
    guard logits.count >= 2 else { throw .categoryCount(figure: "estimators", required: "at least 2", actual: logits.count) }
    let temperatures = Array(Set(try FigureInput.checked(temperatures: temperatures))).sorted()
    try FigureInput.check("sample count", sampleCount, in: 1...Self.maxSampleCount)
    try FigureInput.check("conditional sample count", conditionalSamples, in: 1...Self.maxConditionalSamples)
    do {
      let problem = try EstimatorLab.Problem(logits: logits, values: values, target: target)
      self.init(try EstimatorSweep(problem: problem, temperatures: temperatures, sampleCount: sampleCount,
                                   conditionalSamples: conditionalSamples, key: key))
    } catch {
      throw .distribution(error)
    }
  }

  /// The same figure from class probabilities (a probability of 0 masks its category).
  public init(probabilities: [Double], values: [Double]? = nil, target: Double = 0, temperatures: [Double],
              sampleCount: Int = 2000, conditionalSamples: Int = 10, key: PRNGKey) throws(PlotError) {
    try self.init(logits: FigureInput.logits(fromProbabilities: probabilities), values: values, target: target,
                  temperatures: temperatures, sampleCount: sampleCount, conditionalSamples: conditionalSamples, key: key)
  }
}
