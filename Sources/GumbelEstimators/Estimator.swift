import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The sampling estimators by name, as the command line and training code choose them.
public enum EstimatorKind: String, CaseIterable, Sendable {
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
}

/// Any estimator of ``EstimatorKind``, as one concrete ``GradientEstimator`` that dispatches on
/// its kind (so that models can switch estimators at run time without existentials in
/// differentiable code).
public struct Estimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public let kind: EstimatorKind
  /// The temperature of the relaxation (unused by `reinforce` and `st`).
  public let temperature: Scalar
  private let gumbelRao: GumbelRaoEstimator<Scalar>?
  private let reinMax: ReinMaxEstimator<Scalar>?
  private var reinforce: ReinforceEstimator<Scalar>

  /// An estimator, checked: a finite positive temperature (at least 1 for `reinmax`), and at
  /// least one conditional draw for `gumbel-rao`.
  public init(
    _ kind: EstimatorKind, temperature: Scalar, conditionalSamples: Int = 10,
    baseline: ReinforceEstimator<Scalar>.Baseline = .none
  ) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.kind = kind
    self.temperature = temperature
    gumbelRao = kind == .gumbelRao ? try GumbelRaoEstimator(temperature: temperature, conditionalSamples: conditionalSamples) : nil
    reinMax = kind == .reinmax ? try ReinMaxEstimator(temperature: temperature) : nil
    reinforce = ReinforceEstimator(baseline: baseline)
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

  @differentiable(reverse, wrt: (logits, sample, loss))
  public func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    kind == .reinforce ? reinforce.surrogateLoss(logits: logits, sample: sample, loss: loss) : loss
  }

  /// Advances a moving-average baseline past `losses` (only `reinforce` keeps one).
  public mutating func observe(losses: Tensor<Scalar>) {
    reinforce.observe(losses: losses)
  }
}
