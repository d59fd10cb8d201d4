import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The estimators of ``Estimator`` for independent bits `b_j ~ Bernoulli(sigmoid(logit_j))`, the
/// binary latents of a VAE (Jang, Gu & Poole, 2017, section 4.2, "Bernoulli (200)"):
///
/// - `reinforce` and `rloo`: `b` itself, no gradient through it;
///   ``groupedSurrogateLoss(logits:sample:loss:bits:)`` adds the score-function term
///   `stop_gradient(f - baseline) * sum_j log p(b_j)`;
/// - `disarm`: `b` in antithetic pairs of rows (``DisARM/antitheticBits(logits:key:)``), no
///   gradient through it; ``disarmSurrogate(logits:sample:loss:)`` adds DisARM's term;
/// - `st`: `b` forward, the gradient of `sigmoid(logits)` backward (Bengio et al., 2013);
/// - `gs`: the relaxed sample `sigmoid((logit + L) / tau)` of ``RelaxedBernoulli`` (the binary
///   Concrete of Maddison, Mnih & Teh, 2017), `L` standard logistic noise;
/// - `st-gs`: the relaxed sample's hard value `1[logit + L > 0]` forward, its gradient backward;
/// - `gumbel-rao`, `reinmax`, `gst` and `gst-p`: their two-category form, each bit the second
///   class of a categorical variable with logits `(0, logit)` (whose probabilities are
///   `(1 - p, p)`, so the draw is the same Bernoulli variable; Paulus et al., 2021, and Liu et
///   al., 2023, define the binary case so).
extension Estimator {
  /// A draw of every bit (or its relaxation, for `gs`), shaped as `logits`, carrying this
  /// estimator's gradient.
  @differentiable(reverse, wrt: logits)
  public func sampleBits(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    switch kind {
    case .reinforce, .rloo:
      return BitSampling.bernoulli(logits: withoutDerivative(at: logits), key: key)
    case .disarm:
      return DisARM.antitheticBits(logits: withoutDerivative(at: logits), key: key)
    case .st:
      let bits = BitSampling.bernoulli(logits: withoutDerivative(at: logits), key: key)
      return Tensor.straightThrough(bits, gradientFrom: logits.sigmoid())
    case .gs:
      return RelaxedBernoulli(trustedLogits: logits, temperature: temperature).sample(using: key)
    case .stGS:
      return RelaxedBernoulli(trustedLogits: logits, temperature: temperature).hardSample(using: key)
    case .gumbelRao, .reinmax, .gst, .gstP:
      let count = withoutDerivative(at: logits).scalarCount
      let pairs = matmul(logits.reshaped(to: [count, 1]), Tensor(shape: [1, 2], scalars: [0, 1]))
      let classes = sample(logits: pairs, using: key)
      return matmul(classes, Tensor(shape: [2, 1], scalars: [0, 1])).reshaped(to: withoutDerivative(at: logits).shape)
    }
  }
}

/// Bernoulli draws shared by the bit estimators and the models that use them.
public enum BitSampling {
  /// `1` where `u < sigmoid(logit)` for `u` uniform in [0, 1) from `key`, else `0`: the draw of
  /// `jax.random.bernoulli(key, sigmoid(logits))`.
  ///
  /// Inlinable, so that specialised callers run it specialised; a generic caller that the
  /// compiler did not specialise (such as ``Estimator/sampleBits(logits:using:)``) runs
  /// `Float`'s draw by name, the same operations, instead of protocol calls for every element.
  @inlinable
  public static func bernoulli<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    // Float only: the models train in Float (Double's callers are tests). Tensor<Scalar> is
    // Tensor<Float> in the branch, so the casts reinterpret, they do not convert.
    if Scalar.self == Float.self {
      return unsafeBitCast(bernoulliOfFloats(logits: unsafeBitCast(logits, to: Tensor<Float>.self), key: key), to: Tensor<Scalar>.self)
    }
    return bernoulliBody(logits: logits, key: key)
  }

  @usableFromInline
  static func bernoulliOfFloats(logits: Tensor<Float>, key: PRNGKey) -> Tensor<Float> {
    bernoulliBody(logits: logits, key: key)
  }

  @inlinable
  static func bernoulliBody<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    let u: [Scalar] = key.uniform(count: logits.scalarCount)
    let p = logits.sigmoid().scalars
    return Tensor(shape: logits.shape, scalars: [Scalar](unsafeUninitializedCapacity: p.count) { bits, initialized in
      for i in 0..<p.count { bits[i] = u[i] < p[i] ? 1 : 0 }
      initialized = p.count
    })
  }
}
