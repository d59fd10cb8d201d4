import _Differentiation
import GumbelRandom
import GumbelTensor

/// The categorical distribution over `K` categories with probabilities `softmax(logits)`.
///
/// Sampling uses the Gumbel-max trick, `argmax_k (logits_k + g_k)` with standard Gumbel noise
/// `g`, and equals `jax.random.categorical` for the same key. Sampling is not differentiable
/// (its gradient is 0 almost everywhere, which is what the Gumbel-softmax relaxation is for);
/// the log-probability, the entropy and the KL divergence are differentiable with respect to
/// the logits. A logit of `-infinity` masks its category: it has probability 0, is never
/// drawn, and contributes 0 (not NaN) to the entropy and to the KL divergence.
public struct Categorical<Scalar: DistributionFloatingPoint>: Differentiable {
  /// Unnormalised log-probabilities, shape `[..., K]`.
  public var logits: Tensor<Scalar>

  /// A distribution from logits, checked: at least one category, logits finite or `-infinity`,
  /// no row fully masked.
  public init(logits: Tensor<Scalar>) throws(DistributionError) {
    try DistributionLimits.validate(logits: logits.scalars, categories: logits.columnCount)
    self.init(trustedLogits: logits)
  }

  /// A distribution from probabilities, checked: non-negative, each row summing to 1 within
  /// ``DistributionLimits/simplexTolerance``.
  public init(probabilities: Tensor<Scalar>) throws(DistributionError) {
    try DistributionLimits.validate(probabilities: probabilities.scalars, categories: probabilities.columnCount)
    try self.init(logits: probabilities.log())
  }

  /// A distribution from logits that are not checked, for use inside differentiable code.
  @differentiable(reverse)
  public init(trustedLogits logits: Tensor<Scalar>) {
    self.logits = logits
  }

  /// The number of categories `K`.
  public var categoryCount: Int { logits.columnCount }

  /// `softmax(logits)`.
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { logits.softmax() }

  /// Category indices, one per row of logits, or `count` per row (shape `[count] + batch`).
  /// Equal to `jax.random.categorical(key, logits, shape=...)`.
  public func sample(using key: PRNGKey, count: Int? = nil) throws(RandomError) -> [Int] {
    let batch = Array(logits.shape.dropLast())
    return try key.categorical(logits: logits.scalars, logitsShape: logits.shape, shape: count.map { [$0] + batch })
  }

  /// `log p(index)` for one index per row: `log_softmax(logits)[index]`.
  @differentiable(reverse, wrt: self)
  public func logProbability(of indices: [Int]) -> Tensor<Scalar> {
    logits.logSoftmax().picking(columns: indices)
  }

  /// The entropy `H = -sum_k p_k log p_k` of each row (categories with `p_k = 0`, masked or
  /// underflowed, contribute 0).
  @differentiable(reverse)
  public func entropy() -> Tensor<Scalar> {
    let p = logits.softmax()
    let zero = Self.zeroProbabilities(withoutDerivative(at: p))
    let logP = logits.logSoftmax().replacing(where: zero, with: 0)
    return -(p * logP).sumAlongLastAxis()
  }

  /// Which probabilities are exactly 0, where `p log p` is taken as 0.
  static func zeroProbabilities(_ p: Tensor<Scalar>) -> [Bool] { p.scalars.map { $0 == 0 } }

  /// The Kullback-Leibler divergence `KL(self || other) = sum_k p_k (log p_k - log q_k)` of each
  /// row; categories with `p_k = 0` contribute 0, and `+infinity` results where `q_k = 0 < p_k`.
  /// `other` has the shape of `self`, or is one row that applies to every row.
  @differentiable(reverse)
  public func klDivergence(to other: Categorical) -> Tensor<Scalar> {
    let p = logits.softmax()
    let zero = Self.zeroProbabilities(withoutDerivative(at: p))
    let logRatio = (logits.logSoftmax() - other.logits.logSoftmax()).replacing(where: zero, with: 0)
    return (p * logRatio).sumAlongLastAxis()
  }
}
