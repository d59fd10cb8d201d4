import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// DisARM, the antithetic estimator for independent bits `b_i ~ Bernoulli(sigmoid(l_i))`
/// (`disarm`):
///
///     b_i = 1[u_i < sigmoid(l_i)],   b~_i = 1[1 - u_i < sigmoid(l_i)],   u ~ U(0, 1)^n
///     g_i = 1/2 (f(b) - f(b~)) (-1)^(b~_i) 1[b_i != b~_i] sigmoid(|l_i|)
///
/// unbiased for `d/dl_i E[f(b)]`, and with less variance than REINFORCE with two draws and
/// the leave-one-out baseline (the paper's comparison, its section 4). The two draws of an
/// estimate are consecutive rows (``Estimator/drawsPerEstimate`` is 2): ``Estimator/sampleBits(logits:using:)``
/// draws row `2k + 1` from `1 - u` of row `2k`, and ``Estimator/disarmSurrogate(logits:sample:loss:)``
/// gives both rows the pair's `g` (their mean is the estimate).
///
/// Reference: Z. Dong, A. Mnih, G. Tucker, "DisARM: An Antithetic Gradient Estimator for
/// Binary Latent Variables", NeurIPS 2020 (arXiv:2006.10680), equation 6.
extension Estimator {
  /// The loss plus a term of value 0 whose gradient with respect to the logits is each pair's
  /// `g`: `loss` holds one loss per group of consecutive rows (an image's bits, or a row of
  /// bits), groups `2k` and `2k + 1` being a pair's two draws (a last unpaired group gets no
  /// gradient).
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func disarmSurrogate(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    let groups = withoutDerivative(at: loss).scalarCount
    let coefficients = DisARM.coefficients(logits: withoutDerivative(at: logits), bits: withoutDerivative(at: sample),
                                           losses: withoutDerivative(at: loss))
    let count = withoutDerivative(at: logits).scalarCount
    let term = (logits * coefficients).reshaped(to: [groups, count / groups]).sumAlongLastAxis()
    return loss + (term - withoutDerivative(at: term))
  }
}

/// DisARM's draws and coefficients.
public enum DisARM {
  /// Bits in antithetic pairs of rows: row `2k` is `1[u < sigmoid(l)]` and row `2k + 1` is
  /// `1[1 - u < sigmoid(l)]` for the same uniform `u` (a last unpaired row draws its own).
  public static func antitheticBits<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    // Float by name, so that a generic caller runs the loop specialised (as `BitSampling.bernoulli`;
    // the same reinterpreting casts).
    if Scalar.self == Float.self {
      return unsafeBitCast(antitheticBitsBody(logits: unsafeBitCast(logits, to: Tensor<Float>.self), key: key), to: Tensor<Scalar>.self)
    }
    return antitheticBitsBody(logits: logits, key: key)
  }

  static func antitheticBitsBody<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    let width = logits.columnCount, rows = logits.rowCount
    let u: [Scalar] = key.uniform(count: ((rows + 1) / 2) * width)
    let p = logits.sigmoid().scalars
    var bits = [Scalar](repeating: 0, count: p.count)
    for r in 0..<rows {
      for i in 0..<width {
        let draw = u[(r / 2) * width + i]
        bits[r * width + i] = (r % 2 == 0 ? draw : 1 - draw) < p[r * width + i] ? 1 : 0
      }
    }
    return Tensor(shape: logits.shape, scalars: bits)
  }

  /// `g` of each pair of groups, given to both: `logits`, `bits` and their `groups =
  /// losses.count` groups of consecutive elements.
  static func coefficients<Scalar: DistributionFloatingPoint>(logits: Tensor<Scalar>, bits: Tensor<Scalar>, losses: Tensor<Scalar>) -> Tensor<Scalar> {
    let groups = losses.scalarCount, size = logits.scalarCount / Swift.max(groups, 1)
    let (l, b, f) = (logits.scalars, bits.scalars, losses.scalars)
    var out = [Scalar](repeating: 0, count: l.count)
    for pair in 0..<(groups / 2) {
      let (first, second) = (2 * pair * size, (2 * pair + 1) * size)
      let half = (f[2 * pair] - f[2 * pair + 1]) / 2
      for i in 0..<size where b[first + i] != b[second + i] {
        let g = half * (b[second + i] > 0 ? -1 : 1) / (1 + Scalar.exp(-Swift.abs(l[first + i])))  // sigmoid(|l|)
        out[first + i] = g
        out[second + i] = g
      }
    }
    return Tensor(shape: logits.shape, scalars: out)
  }
}
