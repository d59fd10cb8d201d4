import _Differentiation
import GumbelKernels
import GumbelRandom
import GumbelTensor

/// The Bernoulli distribution with probabilities `sigmoid(logits)`, element-wise.
///
/// Samples are `u < sigmoid(logit)` with `u` from `jax.random.uniform`, so they equal
/// `jax.random.bernoulli(key, sigmoid(logits))`. The log-probability and the entropy are
/// differentiable in the logits:
/// `log p(x) = x log sigmoid(l) + (1 - x) log sigmoid(-l)` and
/// `H = softplus(l) - l sigmoid(l)`.
public struct Bernoulli<Scalar: DistributionFloatingPoint>: Differentiable {
  /// Log-odds of each variable.
  public var logits: Tensor<Scalar>

  /// A distribution, checked: finite logits.
  public init(logits: Tensor<Scalar>) throws(DistributionError) {
    try Self.validate(logits: logits)
    self.logits = logits
  }

  /// A distribution from logits that are not checked, for differentiable code.
  @differentiable(reverse)
  public init(trustedLogits logits: Tensor<Scalar>) {
    self.logits = logits
  }

  /// `sigmoid(logits)`.
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { logits.sigmoid() }

  /// Samples in {0, 1}, one per variable (or `count` per variable, shape `[count] + logits.shape`).
  public func sample(using key: PRNGKey, count: Int? = nil) throws(RandomError) -> Tensor<Scalar> {
    let shape = count.map { [$0] + logits.shape } ?? logits.shape
    let u: [Scalar] = try key.uniform(shape: shape)
    let p = logits.sigmoid().scalars
    return Tensor(shape: shape, scalars: u.indices.map { u[$0] < p[$0 % p.count] ? 1 : 0 })
  }

  /// `log p(x)` for `x` in {0, 1}, element-wise.
  @differentiable(reverse, wrt: self)
  public func logProbability(of x: Tensor<Scalar>) -> Tensor<Scalar> {
    logProbabilityBody(of: x)
  }

  @differentiable(reverse, wrt: self)
  func logProbabilityBody(of x: Tensor<Scalar>) -> Tensor<Scalar> {
    let complement = Tensor(repeating: 1, shape: withoutDerivative(at: x).shape) - x
    return x * logits.logSigmoid() + complement * (-logits).logSigmoid()
  }

  /// The derivative of ``logProbability(of:)``: the body's own, which `Float` runs by name.
  /// Called from generic code in another module (REINFORCE's surrogate on bits), the body would
  /// run unspecialised, with protocol calls for every element of its element-wise steps;
  /// by name it runs specialised, the same operations, so the same bits.
  @derivative(of: logProbability, wrt: self)
  public func _vjpLogProbability(of x: Tensor<Scalar>) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> TangentVector) {
    if Scalar.self == Float.self {
      let (value, pullback) = valueWithPullback(at: kernelCast(self, to: Bernoulli<Float>.self)) { distribution in
        distribution.logProbabilityBody(of: kernelCast(x, to: Tensor<Float>.self))
      }
      return (kernelCast(value, to: Tensor<Scalar>.self),
              { v in kernelCast(pullback(kernelCast(v, to: Tensor<Float>.self)), to: TangentVector.self) })
    }
    return valueWithPullback(at: self) { distribution in distribution.logProbabilityBody(of: x) }
  }

  /// The entropy of each variable, `softplus(l) - l sigmoid(l)`.
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    logits.softplus() - logits * logits.sigmoid()
  }

  static func validate(logits: Tensor<Scalar>) throws(DistributionError) {
    guard logits.scalarCount > 0 else { throw .empty }
    if let bad = logits.scalars.firstIndex(where: { !$0.isFinite }) {
      throw .invalidLogit(index: bad, value: Double(logits.scalars[bad]))
    }
  }
}
