import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The ReinMax estimator: a second-order (Heun's method) refinement of straight-through.
///
/// `f` sees a one-hot sample `D ~ Categorical(pi_0)` with `pi_0 = softmax(logits)`; with
/// `pi_1 = (D + softmax(logits / temperature)) / 2`, the gradient is that of
///
///     pi_2 = 2 pi_1 - pi_0 / 2,   i.e.   grad = 2 J(pi_1)^T v - J(pi_0)^T v / 2
///
/// where `J(p)^T v = p * (v - <v, p>)` is the softmax Jacobian at `p` applied to the upstream
/// gradient `v`. The authors define it for temperatures of at least 1.
///
/// Reference: L. Liu, C. Dong, X. Liu, B. Yu, J. Gao, "Bridging Discrete and Backpropagation:
/// Straight-Through and Beyond", NeurIPS 2023 (arXiv:2304.08612), Algorithm 2.
public struct ReinMaxEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public let temperature: Scalar

  /// An estimator, checked: the temperature must be finite and at least 1.
  public init(temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    guard Double(temperature) >= EstimatorKind.reinmax.minimumTemperature else { throw .invalidParameter(name: "ReinMax temperature (must be >= 1)", value: Double(temperature)) }
    self.temperature = temperature
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    Self.reinMax(logits: logits, oneHot: OneHotSampling.gumbelMax(logits: withoutDerivative(at: logits), key: key), temperature: temperature)
  }

  /// `oneHot` forward; the ReinMax gradient backward.
  static func reinMax(logits: Tensor<Scalar>, oneHot: Tensor<Scalar>, temperature: Scalar) -> Tensor<Scalar> {
    oneHot
  }

  @derivative(of: reinMax, wrt: logits)
  static func _vjpReinMax(logits: Tensor<Scalar>, oneHot: Tensor<Scalar>, temperature: Scalar)
    -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> Tensor<Scalar>)
  {
    let pi0 = logits.softmax()
    let pi1 = (logits.softmax(temperature: temperature) + oneHot) * Scalar(0.5)
    return (oneHot, { v in
      let v = v.unbroadcast(to: logits.shape)
      return softmaxJacobianTransposed(at: pi1, times: v) * Scalar(2) - softmaxJacobianTransposed(at: pi0, times: v) * Scalar(0.5)
    })
  }
}

/// `p * (v - <v, p>)` per row: the transposed Jacobian of the softmax, evaluated where the
/// softmax equals `p`, applied to `v`.
func softmaxJacobianTransposed<Scalar: DistributionFloatingPoint>(at p: Tensor<Scalar>, times v: Tensor<Scalar>) -> Tensor<Scalar> {
  let k = p.columnCount
  // Each array read once out of `scalars`: reading the property in the loops retained and
  // released it at every element.
  let (ps, vs) = (p.scalars, v.scalars)
  var out = [Scalar](repeating: 0, count: ps.count)
  for r in 0..<p.rowCount {
    let range = (r * k)..<((r + 1) * k)
    let dot = range.reduce(Scalar(0)) { $0 + vs[$1] * ps[$1] }
    for i in range { out[i] = ps[i] * (vs[i] - dot) }
  }
  return Tensor(shape: p.shape, scalars: out)
}
