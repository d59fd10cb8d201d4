import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The estimators by name, as the command line and training code choose them.
public enum EstimatorKind: String, CaseIterable, Sendable {
  /// ``GumbelSoftmaxEstimator``.
  case gs
  /// ``StraightThroughGumbelSoftmaxEstimator``.
  case stGS = "st-gs"
}

/// Any estimator of ``EstimatorKind``, as one concrete ``GradientEstimator`` that dispatches on
/// its kind (so models can switch estimators at run time without existentials in
/// differentiable code).
public struct Estimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public let kind: EstimatorKind
  public let temperature: Scalar

  /// An estimator, checked: the temperature must be finite and positive.
  public init(_ kind: EstimatorKind, temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.kind = kind
    self.temperature = temperature
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    let distribution = GumbelSoftmax(trustedLogits: logits, temperature: temperature)
    switch kind {
    case .gs: return distribution.sample(using: key)
    case .stGS: return distribution.hardSample(using: key)
    }
  }
}
