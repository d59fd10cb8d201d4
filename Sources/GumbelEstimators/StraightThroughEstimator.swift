import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The straight-through estimator: `f` sees a one-hot sample `D ~ Categorical(softmax(logits))`,
/// and the gradient is that of the class probabilities, `D - stop_gradient(pi) + pi` with
/// `pi = softmax(logits)`. It needs no temperature; it is biased, with low variance.
///
/// Reference: Y. Bengio, N. Léonard, A. Courville, "Estimating or Propagating Gradients Through
/// Stochastic Neurons for Conditional Computation", arXiv:1308.3432, 2013.
public struct StraightThroughEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public init() {}

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    let oneHot = OneHotSampling.gumbelMax(logits: withoutDerivative(at: logits), key: key)
    return Tensor.straightThrough(oneHot, gradientFrom: logits.softmax())
  }
}

/// One-hot draws shared by the estimators and the models that use them.
public enum OneHotSampling {
  /// `one_hot(argmax(logits + g))`, `g` standard Gumbel noise from `key`: a draw from
  /// `Categorical(softmax(logits))` per row (the Gumbel-max trick), the category that
  /// `jax.random.categorical(key, logits)` returns; ties go to the first category.
  ///
  /// Reference: E. J. Gumbel, "Statistical theory of extreme values and some practical
  /// applications", 1954; C. J. Maddison, D. Tarlow, T. Minka, "A* Sampling", NeurIPS 2014.
  @inlinable
  public static func gumbelMax<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    (logits + Tensor(shape: logits.shape, scalars: key.gumbel(count: logits.scalarCount))).oneHotArgmax()
  }
}
