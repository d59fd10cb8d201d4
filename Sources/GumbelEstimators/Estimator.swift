import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The sampling estimators by name, as the command line, the training configuration and
/// checkpoints choose them. It is `Codable` as its name (`"st-gs"`); decoding an unknown name
/// fails with ``UnknownEstimatorName``'s message.
public enum EstimatorKind: String, CaseIterable, Codable, Sendable {
  /// ``ReinforceEstimator``: the score function, unbiased.
  case reinforce
  /// ``StraightThroughEstimator``: one-hot forward, softmax gradient backward.
  case st
  /// ``GumbelSoftmaxEstimator``: `f` at the relaxed sample.
  case gs
  /// ``StraightThroughGumbelSoftmaxEstimator``: one-hot forward, relaxed gradient backward.
  case stGS = "st-gs"
  /// ``GumbelRaoEstimator``: straight-through Gumbel-softmax averaged over conditional noise.
  case gumbelRao = "gumbel-rao"
  /// ``ReinMaxEstimator``: the second-order straight-through estimator (temperature >= 1).
  case reinmax

  /// The estimator called `name` (its raw value, such as `st-gs`).
  ///
  /// - Throws: ``UnknownEstimatorName`` when no estimator has that name.
  public init(name: String) throws(UnknownEstimatorName) {
    guard let kind = EstimatorKind(rawValue: name) else { throw UnknownEstimatorName(name: name) }
    self = kind
  }

  /// Whether the estimator's gradient depends on a temperature (REINFORCE and plain
  /// straight-through ignore it).
  public var usesTemperature: Bool { self != .reinforce && self != .st }

  /// The smallest temperature at which the estimator is defined: 1 for ReinMax (Liu et al.,
  /// 2023, define it for `tau >= 1`), 0 (any positive temperature) for the others.
  public var minimumTemperature: Double { self == .reinmax ? 1 : 0 }

  /// `temperature`, raised to ``minimumTemperature`` where it is below it: the temperature a
  /// schedule's value gives this estimator.
  public func usableTemperature(_ temperature: Double) -> Double { Swift.max(minimumTemperature, temperature) }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    let name = try container.decode(String.self)
    do {
      self = try EstimatorKind(name: name)
    } catch {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(rawValue)
  }
}

/// A name that is not one of ``EstimatorKind``'s: the one message for an unknown estimator, from
/// the command line, a configuration or a checkpoint.
public struct UnknownEstimatorName: Error, Equatable, CustomStringConvertible {
  /// The name that was asked for.
  public let name: String
  /// The names that would have been accepted: the estimators', and any others of the caller
  /// (such as `exact` and `all`).
  public let expected: [String]

  public init(name: String, expected: [String] = EstimatorKind.allCases.map(\.rawValue)) {
    self.name = name
    self.expected = expected
  }

  public var description: String {
    "unknown estimator \"\(name)\"; expected one of " + expected.joined(separator: ", ")
  }
}

/// Any estimator of ``EstimatorKind``, as one concrete ``GradientEstimator`` that dispatches on
/// its kind (so that models can switch estimators at run time without existentials in
/// differentiable code).
public struct Estimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public let kind: EstimatorKind
  /// The temperature of the relaxation (unused by `reinforce` and `st`); see
  /// ``setTemperature(_:)``.
  public private(set) var temperature: Scalar
  /// The Gumbel-Rao estimator's conditional draws per estimate.
  public let conditionalSamples: Int
  private var gumbelRao: GumbelRaoEstimator<Scalar>?
  private var reinMax: ReinMaxEstimator<Scalar>?
  private var reinforce: ReinforceEstimator<Scalar>

  /// An estimator, checked: a finite positive temperature (at least
  /// ``EstimatorKind/minimumTemperature``), and at least one conditional draw for `gumbel-rao`.
  /// `movingAverage` starts REINFORCE's moving-average baseline (as saved from
  /// ``movingAverage``, to continue a run).
  public init(
    _ kind: EstimatorKind, temperature: Scalar, conditionalSamples: Int = 10,
    baseline: ReinforceEstimator<Scalar>.Baseline = .none, movingAverage: Scalar = 0
  ) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.kind = kind
    self.temperature = temperature
    self.conditionalSamples = conditionalSamples
    gumbelRao = kind == .gumbelRao ? try GumbelRaoEstimator(temperature: temperature, conditionalSamples: conditionalSamples) : nil
    reinMax = kind == .reinmax ? try ReinMaxEstimator(temperature: temperature) : nil
    reinforce = ReinforceEstimator(baseline: baseline, movingAverage: movingAverage)
  }

  /// Changes the temperature (for an annealing schedule), checked as by the initialiser; the
  /// rest of the state, REINFORCE's moving average included, is kept.
  public mutating func setTemperature(_ temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    if kind == .gumbelRao { gumbelRao = try GumbelRaoEstimator(temperature: temperature, conditionalSamples: conditionalSamples) }
    if kind == .reinmax { reinMax = try ReinMaxEstimator(temperature: temperature) }
    self.temperature = temperature
  }

  /// REINFORCE's baseline (unused by the other kinds).
  public var baseline: ReinforceEstimator<Scalar>.Baseline { reinforce.baseline }

  /// The moving average REINFORCE's ``ReinforceEstimator/Baseline/movingAverage(decay:)``
  /// baseline has reached: the state to save and pass back to the initialiser.
  public var movingAverage: Scalar { reinforce.movingAverage }

  /// Whether ``observe(losses:)`` changes anything: a REINFORCE estimator with a moving-average
  /// baseline.
  public var observesLosses: Bool {
    guard kind == .reinforce, case .movingAverage = reinforce.baseline else { return false }
    return true
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    switch kind {
    case .reinforce: return reinforce.sample(logits: logits, using: key)
    case .st: return StraightThroughEstimator().sample(logits: logits, using: key)
    case .gs: return GumbelSoftmaxEstimator(checkedTemperature: temperature).sample(logits: logits, using: key)
    case .stGS: return StraightThroughGumbelSoftmaxEstimator(checkedTemperature: temperature).sample(logits: logits, using: key)
    case .gumbelRao: return gumbelRao!.sample(logits: logits, using: key)
    case .reinmax: return reinMax!.sample(logits: logits, using: key)
    }
  }

  /// Whether ``surrogateLoss(logits:sample:loss:)`` returns the loss unchanged: every
  /// estimator but REINFORCE, whose score-function term the others carry in their samples'
  /// derivatives instead. A caller may then skip the surrogate's (zero-valued) terms.
  public var surrogateIsTheLoss: Bool { kind != .reinforce }

  @differentiable(reverse, wrt: (logits, sample, loss))
  public func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    surrogateIsTheLoss ? loss : reinforce.surrogateLoss(logits: logits, sample: sample, loss: loss)
  }

  /// The surrogate loss of groups of latents that share one loss (an image's latents; see
  /// ``ReinforceEstimator/groupedSurrogateLoss(logits:sample:loss:bits:)``): the loss itself,
  /// plus REINFORCE's score-function term for `reinforce`.
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func groupedSurrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>, bits: Bool) -> Tensor<Scalar> {
    surrogateIsTheLoss ? loss : reinforce.groupedSurrogateLoss(logits: logits, sample: sample, loss: loss, bits: bits)
  }

  /// Advances a moving-average baseline past `losses` (only `reinforce` keeps one).
  public mutating func observe(losses: Tensor<Scalar>) {
    reinforce.observe(losses: losses)
  }
}
