import _Differentiation
import GumbelDistributions
import GumbelTensor

/// The exact expectation `E_{z ~ Categorical(softmax(logits))}[f(z)] = sum_k pi_k f(e_k)` by
/// enumerating the categories, differentiable in the logits: the reference that the sampling
/// estimators approximate (practical for a small number of categories).
///
/// Its gradient is `pi * (f - <pi, f>)` per row, with `f_k = f(e_k)` given in `values`
/// (shape `[K]` or the shape of `logits`).
@differentiable(reverse, wrt: logits)
public func exactExpectation<Scalar: DistributionFloatingPoint>(
  logits: Tensor<Scalar>, values: Tensor<Scalar>
) -> Tensor<Scalar> {
  let masked = withoutDerivative(at: logits).maskedElements
  return (logits.softmax() * values.replacing(where: masked, with: 0)).sumAlongLastAxis()
}
