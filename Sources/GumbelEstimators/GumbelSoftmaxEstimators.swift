import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The Gumbel-softmax estimator: `f` is evaluated at the relaxed sample
/// `y = softmax((logits + g) / temperature)`, and differentiated through it.
/// Biased for `f` of a one-hot vector (f sees a point inside the simplex), with low variance.
///
/// Reference: Jang, Gu & Poole (2017); Maddison, Mnih & Teh (2017).
public struct GumbelSoftmaxEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public var temperature: Scalar

  public init(temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.init(checkedTemperature: temperature)
  }

  init(checkedTemperature temperature: Scalar) { self.temperature = temperature }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    GumbelSoftmax(trustedLogits: logits, temperature: temperature).sample(using: key)
  }
}

/// The straight-through Gumbel-softmax estimator (the notebook's): `f` sees the one-hot sample
/// `D = one_hot(argmax(logits + g))`, and the gradient is that of the relaxed sample,
/// `D - stop_gradient(y) + y`.
///
/// Reference: Jang, Gu & Poole (2017), section 2.2; Bengio, Léonard & Courville (2013).
public struct StraightThroughGumbelSoftmaxEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public var temperature: Scalar

  public init(temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.init(checkedTemperature: temperature)
  }

  init(checkedTemperature temperature: Scalar) { self.temperature = temperature }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    GumbelSoftmax(trustedLogits: logits, temperature: temperature).hardSample(using: key)
  }
}
