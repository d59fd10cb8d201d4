import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The Gumbel-Rao estimator: straight-through Gumbel-softmax, Rao-Blackwellised over the noise.
///
/// `f` sees the one-hot sample `D = one_hot(argmax(logits + g))`; the gradient is the average
/// over `m` draws of Gumbel noise conditioned on that argmax,
///
///     grad = (1/m) sum_s d/d logits softmax((logits + g_s) / temperature),  g_s ~ Gumbel | argmax = D
///
/// with the noise held fixed, as in straight-through Gumbel-softmax. So it has the mean of
/// ``StraightThroughGumbelSoftmaxEstimator`` and no more variance. The conditional draws follow
/// the top-down construction of Maddison, Tarlow & Minka (2014): with `log pi = log_softmax(logits)`
/// and exponentials `E`, the perturbed logit of the sampled category `k` is `z_k = -log E_k`, and
/// of every other category `z_j = -log(E_j / pi_j + E_k)`, computed in log space.
///
/// Reference: M. B. Paulus, C. J. Maddison, A. Krause, "Rao-Blackwellizing the Straight-Through
/// Gumbel-Softmax Gradient Estimator", ICLR 2021 (arXiv:2010.04838).
public struct GumbelRaoEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  public let temperature: Scalar
  /// The number `m` of conditional draws averaged.
  public let conditionalSamples: Int

  /// An estimator, checked: a finite positive temperature and at least one conditional draw.
  public init(temperature: Scalar, conditionalSamples: Int) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    guard conditionalSamples >= 1, conditionalSamples <= 100_000 else {
      throw .invalidParameter(name: "number of conditional samples", value: Double(conditionalSamples))
    }
    self.temperature = temperature
    self.conditionalSamples = conditionalSamples
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    let (sampleKey, noiseKey) = key.split()
    let constantLogits = withoutDerivative(at: logits)
    let oneHot = OneHotSampling.gumbelMax(logits: constantLogits, key: sampleKey)
    let m = conditionalSamples
    // The m conditional noises, stacked: shape [m, ..., K].
    let noise = Self.conditionalNoise(logits: constantLogits, oneHot: oneHot, count: m, key: noiseKey)
    let relaxed = (logits + noise).softmax(temperature: temperature)
    let mean = relaxed.reshaped(to: [m, withoutDerivative(at: logits).scalarCount]).meanOverFirstAxis()
    return Tensor.straightThrough(oneHot, gradientFrom: mean.reshaped(to: withoutDerivative(at: logits).shape))
  }

  /// Gumbel noise `g = z - log pi` conditioned on `argmax(logits + g) = oneHot`, `count` times.
  /// Masked categories (logit `-infinity`) get noise 0, so `logits + g` stays `-infinity` there.
  static func conditionalNoise(logits: Tensor<Scalar>, oneHot: Tensor<Scalar>, count: Int, key: PRNGKey) -> Tensor<Scalar> {
    let logPi = logits.logSoftmax().scalars
    let k = logits.columnCount
    let chosen = oneHot.argmax()
    // log E = log(-log u): exponential draws from uniforms in [tiny, 1).
    let logE = key.gumbel(count: count * logits.scalarCount, as: Scalar.self).map { -$0 }
    var noise = [Scalar](repeating: 0, count: count * logits.scalarCount)
    for s in 0..<count {
      for r in 0..<logits.rowCount {
        let base = s * logits.scalarCount + r * k
        let logEk = logE[base + chosen[r]]
        for j in 0..<k {
          let lp = logPi[r * k + j]
          guard lp != -.infinity else { continue }
          let z = j == chosen[r] ? -logEk : -logAddExp(logE[base + j] - lp, logEk)
          noise[base + j] = z - lp
        }
      }
    }
    return Tensor(shape: [count] + logits.shape, scalars: noise)
  }
}

/// `log(exp(a) + exp(b))`, stably.
@usableFromInline
func logAddExp<Scalar: DistributionFloatingPoint>(_ a: Scalar, _ b: Scalar) -> Scalar {
  let m = max(a, b)
  guard m.isFinite else { return m }
  return m + Scalar.log(Scalar.exp(a - m) + Scalar.exp(b - m))
}

extension Tensor {
  /// The mean over the first axis: shape `[m, ...]` becomes `[...]`.
  @inlinable
  func meanOverFirstAxis() -> Tensor {
    let m = shape[0]
    let size = scalarCount / Swift.max(m, 1)
    var out = [Scalar](repeating: 0, count: size)
    // One array read out of `scalars`: reading the property in the loop retained and released
    // the array at every element.
    let x = scalars
    for s in 0..<m { for i in 0..<size { out[i] += x[s * size + i] } }
    return Tensor(shape: Array(shape.dropFirst()), scalars: out.map { $0 / Scalar(m) })
  }

  @inlinable
  @derivative(of: meanOverFirstAxis)
  func _vjpMeanOverFirstAxis() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (shape, m) = (self.shape, self.shape[0])
    let value = meanOverFirstAxis()
    return (value, { v in
      // Each element divided once, then repeated m times (unbroadcast repeats a smaller tensor).
      (v.unbroadcast(to: value.shape) / Scalar(m)).unbroadcast(to: shape)
    })
  }
}
