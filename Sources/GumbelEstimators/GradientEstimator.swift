import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// A way to estimate `d/d logits E_{z ~ Categorical(softmax(logits))}[f(z)]` for a
/// differentiable `f` of a one-hot (or relaxed) vector, with Swift's automatic differentiation.
///
/// An estimator draws `z` with ``sample(logits:using:)`` (a differentiable function of the logits
/// whose derivative is the estimator's), the caller computes the per-row loss `f(z)`, and
/// ``surrogateLoss(logits:sample:loss:)`` turns it into the scalar-per-row objective whose gradient
/// is the estimate. Everything else in the model (an encoder before the logits, a decoder in `f`)
/// is differentiated as usual:
///
///     let z = estimator.sample(logits: logits, using: key)        // [batch, K]
///     let loss = f(z)                                             // [batch]
///     let objective = estimator.surrogateLoss(logits: logits, sample: z, loss: loss).mean()
///
/// Estimators that pass gradients through the sample (straight-through, Gumbel-softmax and
/// their refinements) return `loss` unchanged from ``surrogateLoss(logits:sample:loss:)``; the
/// score-function estimator adds `stop_gradient(loss - baseline) * log p(z)`.
public protocol GradientEstimator<Scalar> {
  associatedtype Scalar: DistributionFloatingPoint

  /// A sample for each row of `logits` (`[..., K]`): what the forward pass sees, differentiable
  /// with respect to the logits in this estimator's way.
  @differentiable(reverse, wrt: logits)
  func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar>

  /// The per-row objective whose gradient is this estimator's estimate, given the per-row
  /// `loss = f(sample)`. Its derivative with respect to `sample` itself is zero: the sample's
  /// own gradient reaches the logits through `loss`.
  @differentiable(reverse, wrt: (logits, sample, loss))
  func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar>
}

extension GradientEstimator {
  /// The loss itself: the gradient flows through the sample.
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    loss
  }
}
