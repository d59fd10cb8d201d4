import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// A layer that turns logits into a relaxed one-hot sample, for use inside a model: the
/// counterpart of a Haiku module that calls `hk.next_rng_key()`.
///
/// It has no trainable parameters. Its input is a batch of logits `[..., K]`; its output has
/// the same shape: a soft sample `softmax((logits + g) / temperature)`, or, with `hard`, the
/// straight-through one-hot sample (see ``GumbelSoftmax``). Keys come from a
/// ``PRNGSequence`` (like `hk.PRNGSequence`) or are passed explicitly.
///
///     var keys = PRNGSequence(seed: 0)
///     let layer = GumbelSoftmaxLayer<Float>(temperature: 0.5, hard: true)
///     let z = layer(logits, key: keys.nextKey())
public struct GumbelSoftmaxLayer<Scalar: DistributionFloatingPoint>: Differentiable {
  /// The temperature `tau > 0`.
  @noDerivative public var temperature: Scalar
  /// Whether the forward pass is one-hot (straight-through) rather than soft.
  @noDerivative public var hard: Bool

  /// A layer, checked: the temperature must be finite and positive.
  public init(temperature: Scalar, hard: Bool = false) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    self.temperature = temperature
    self.hard = hard
  }

  /// A sample for the given logits with the given key.
  @differentiable(reverse, wrt: logits)
  public func callAsFunction(_ logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    let distribution = GumbelSoftmax(trustedLogits: logits, temperature: temperature)
    return hard ? distribution.hardSample(using: key) : distribution.sample(using: key)
  }

  /// A sample for the given logits with the next key of `keys`.
  @differentiable(reverse, wrt: logits)
  public func callAsFunction(_ logits: Tensor<Scalar>, keys: inout PRNGSequence) -> Tensor<Scalar> {
    callAsFunction(logits, key: keys.nextKey())
  }
}
