import _Differentiation
import GumbelDistributions
import GumbelKernels
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
  /// ``GappedStraightThroughEstimator`` with a fixed gap (1 unless set).
  case gst
  /// ``GappedStraightThroughEstimator`` with the gap `-log(1 - p_d) / p_d` of the sample's probability.
  case gstP = "gst-p"
  /// ``ReinforceEstimator`` with `S` draws per estimate and the leave-one-out baseline among them
  /// (``ReinforceEstimator/Baseline/leaveOneOutPerGroup(draws:)``): unbiased.
  case rloo
  /// DisARM, for bits only: antithetic pairs of draws, unbiased (see
  /// ``Estimator/disarmSurrogate(logits:sample:loss:)``).
  case disarm

  /// The estimator called `name` (its raw value, such as `st-gs`).
  ///
  /// - Throws: ``UnknownEstimatorName`` when no estimator has that name.
  public init(name: String) throws(UnknownEstimatorName) {
    guard let kind = EstimatorKind(rawValue: name) else { throw UnknownEstimatorName(name: name) }
    self = kind
  }

  /// Whether the estimator's gradient depends on a temperature (REINFORCE, RLOO and plain
  /// straight-through ignore it).
  public var usesTemperature: Bool { self != .reinforce && self != .st && self != .rloo && self != .disarm }

  /// Whether the estimator is defined for categorical variables (every one but DisARM, which is
  /// defined for bits).
  public var appliesToCategories: Bool { self != .disarm }

  /// Whether the estimator adds a score-function term to the loss (REINFORCE and RLOO) rather
  /// than passing the gradient through its sample.
  public var usesScoreFunction: Bool { self == .reinforce || self == .rloo }

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
  /// The `gst` estimator's gap (unused by the other kinds).
  public let gap: Scalar
  /// The `rloo` estimator's draws per estimate, `S` (unused by the other kinds).
  public let draws: Int
  private var gumbelRao: GumbelRaoEstimator<Scalar>?
  private var reinMax: ReinMaxEstimator<Scalar>?
  private var gapped: GappedStraightThroughEstimator<Scalar>?
  private var reinforce: ReinforceEstimator<Scalar>

  /// An estimator, checked: a finite positive temperature (at least
  /// ``EstimatorKind/minimumTemperature``), at least one conditional draw for `gumbel-rao`, a
  /// finite positive `gap` for `gst`, and 2 to ``maximumDraws`` `draws` for `rloo` (whose
  /// baseline is then the leave-one-out among them, whatever `baseline` says). `movingAverage`
  /// starts REINFORCE's moving-average baseline (as saved from ``movingAverage``, to continue a run).
  /// `bits` says that the estimator will draw bits (``sampleBits(logits:using:)``), which
  /// `disarm` requires.
  public init(
    _ kind: EstimatorKind, temperature: Scalar, conditionalSamples: Int = 10,
    baseline: ReinforceEstimator<Scalar>.Baseline = .none, movingAverage: Scalar = 0, gap: Scalar = 1, draws: Int = 4,
    bits: Bool = false
  ) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    if !bits, !kind.appliesToCategories { throw .unsupported("\(kind.rawValue) is defined for Bernoulli variables only") }
    if kind == .rloo, !(2...Self.maximumDraws).contains(draws) {
      throw .invalidParameter(name: "RLOO draws (must be 2 to \(Self.maximumDraws))", value: Double(draws))
    }
    self.kind = kind
    self.temperature = temperature
    self.conditionalSamples = conditionalSamples
    self.gap = gap
    self.draws = draws
    reinforce = ReinforceEstimator(baseline: kind == .rloo ? .leaveOneOutPerGroup(draws: draws) : baseline,
                                   movingAverage: movingAverage)
    try setTemperature(temperature)
  }

  /// Changes the temperature (for an annealing schedule), checked as by the initialiser; the
  /// rest of the state, REINFORCE's moving average included, is kept.
  public mutating func setTemperature(_ temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    switch kind {
    case .gumbelRao: gumbelRao = try GumbelRaoEstimator(temperature: temperature, conditionalSamples: conditionalSamples)
    case .reinmax: reinMax = try ReinMaxEstimator(temperature: temperature)
    case .gst: gapped = try GappedStraightThroughEstimator(temperature: temperature, gap: .fixed(gap))
    case .gstP: gapped = try GappedStraightThroughEstimator(temperature: temperature, gap: .probabilityDependent)
    case .reinforce, .st, .gs, .stGS, .rloo, .disarm: break
    }
    self.temperature = temperature
  }

  /// The most draws per estimate ``init(_:temperature:conditionalSamples:baseline:movingAverage:gap:draws:bits:)`` accepts.
  public static var maximumDraws: Int { 1024 }

  /// The draws of the variables that one estimate uses: `draws` for `rloo`, 1 for the others.
  /// A caller gives the estimator each row of logits this many times in a row (and averages
  /// the estimates of the copies), as ``EstimatorLab`` and the VAE do.
  public var drawsPerEstimate: Int {
    switch kind {
    case .rloo: draws
    case .disarm: 2
    default: 1
    }
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
    sampleBody(logits: logits, using: key)
  }

  /// The body of ``sample(logits:using:)``, the estimator of ``kind``; its derivative runs
  /// `Float`'s by name (see `_vjpSample`).
  @differentiable(reverse, wrt: logits)
  func sampleBody(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    switch kind {
    case .reinforce, .rloo: return reinforce.sample(logits: logits, using: key)
    case .st: return StraightThroughEstimator().sample(logits: logits, using: key)
    case .gs: return GumbelSoftmaxEstimator(checkedTemperature: temperature).sample(logits: logits, using: key)
    case .stGS: return StraightThroughGumbelSoftmaxEstimator(checkedTemperature: temperature).sample(logits: logits, using: key)
    case .gumbelRao: return gumbelRao!.sample(logits: logits, using: key)
    case .reinmax: return reinMax!.sample(logits: logits, using: key)
    case .gst, .gstP: return gapped!.sample(logits: logits, using: key)
    case .disarm: preconditionFailure("disarm draws bits only (sampleBits), as its initialiser was told")
    }
  }

  /// Whether ``surrogateLoss(logits:sample:loss:)`` returns the loss unchanged: every
  /// estimator but REINFORCE, RLOO and DisARM, whose terms (score function, antithetic
  /// difference) the others carry in their samples' derivatives instead. A caller may then skip the surrogate's (zero-valued) terms.
  public var surrogateIsTheLoss: Bool { !kind.usesScoreFunction && kind != .disarm }

  /// The grouped surrogate with one row per group (``groupedSurrogateLoss(logits:sample:loss:bits:)``).
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    groupedSurrogateLoss(logits: logits, sample: sample, loss: loss, bits: false)
  }

  /// The surrogate loss of groups of latents that share one loss (an image's latents; see
  /// ``ReinforceEstimator/groupedSurrogateLoss(logits:sample:loss:bits:)``): the loss itself,
  /// plus REINFORCE's score-function term for `reinforce` and `rloo`, and DisARM's for `disarm`.
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func groupedSurrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>, bits: Bool) -> Tensor<Scalar> {
    groupedSurrogateLossBody(logits: logits, sample: sample, loss: loss, bits: bits)
  }

  /// The body of ``groupedSurrogateLoss(logits:sample:loss:bits:)``; its derivative runs
  /// `Float`'s by name (see `_vjpGroupedSurrogateLoss`).
  @differentiable(reverse, wrt: (logits, sample, loss))
  func groupedSurrogateLossBody(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>, bits: Bool) -> Tensor<Scalar> {
    if surrogateIsTheLoss { return loss }
    if kind == .disarm { return disarmSurrogate(logits: logits, sample: sample, loss: loss) }
    return reinforce.groupedSurrogateLoss(logits: logits, sample: sample, loss: loss, bits: bits)
  }

  /// Advances a moving-average baseline past `losses` (only `reinforce` keeps one).
  public mutating func observe(losses: Tensor<Scalar>) {
    reinforce.observe(losses: losses)
  }
}

/// The derivatives of ``Estimator``'s sample and surrogate loss, which run `Float`'s bodies by
/// name.
///
/// A model's training step is generic code in another module (the VAE of GumbelExperiments),
/// so it calls the estimator unspecialised. Then every estimator step that loops in Swift went
/// through protocol calls and value witnesses for every element: ReinMax's two softmax
/// Jacobians, Gumbel-Rao's conditional noise and mean, REINFORCE's log-softmax pullback. On the
/// 5k set, a ReinMax epoch took 2.8, a Gumbel-Rao one 10 and a REINFORCE one 2.2 times an
/// ST-GS epoch. Called by name, `Estimator<Float>`'s bodies are specialised: the same
/// operations in the same order, so the same bits. `Double` (the tests' type) runs the generic bodies.
///
/// (They share this file with the functions they differentiate: registered in another file, a
/// debug build, which compiles file by file, defines their derivatives twice.)
extension Estimator {
  @derivative(of: sample, wrt: logits)
  public func _vjpSample(logits: Tensor<Scalar>, using key: PRNGKey)
    -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>)
  {
    if Scalar.self == Float.self {
      let estimator = kernelCast(self, to: Estimator<Float>.self)
      let (value, pullback) = valueWithPullback(at: kernelCast(logits, to: Tensor<Float>.self)) { logits in
        estimator.sampleBody(logits: logits, using: key)
      }
      return (kernelCast(value, to: Tensor<Scalar>.self),
              { v in kernelCast(pullback(kernelCast(v, to: Tensor<Float>.self)), to: Tensor<Scalar>.self) })
    }
    return valueWithPullback(at: logits) { logits in sampleBody(logits: logits, using: key) }
  }

  @derivative(of: groupedSurrogateLoss, wrt: (logits, sample, loss))
  public func _vjpGroupedSurrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>, bits: Bool)
    -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>))
  {
    if Scalar.self == Float.self {
      let estimator = kernelCast(self, to: Estimator<Float>.self)
      let (value, pullback) = valueWithPullback(
        at: kernelCast(logits, to: Tensor<Float>.self), kernelCast(sample, to: Tensor<Float>.self),
        kernelCast(loss, to: Tensor<Float>.self)
      ) { logits, sample, loss in
        estimator.groupedSurrogateLossBody(logits: logits, sample: sample, loss: loss, bits: bits)
      }
      return (kernelCast(value, to: Tensor<Scalar>.self), { v in
        kernelCast(pullback(kernelCast(v, to: Tensor<Float>.self)), to: (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>).self)
      })
    }
    return valueWithPullback(at: logits, sample, loss) { logits, sample, loss in
      groupedSurrogateLossBody(logits: logits, sample: sample, loss: loss, bits: bits)
    }
  }
}
