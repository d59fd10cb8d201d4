import _Differentiation
import Foundation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The gapped straight-through estimator (GST): straight-through through the softmax of logits
/// moved, by constants, so that the sampled category leads by a gap.
///
/// `f` sees a one-hot sample `D ~ Categorical(softmax(l))`, of category `d`. With `m = max_j l_j`,
/// the logits are moved by
///
///     l'_d = l_d + (m - l_d)                          (the sample raised to the largest logit)
///     l'_j = l_j - max(0, l_j - m + gap),   j != d     (every other one at least `gap` below)
///
/// the moves held constant (`stop_gradient`), and the gradient is that of `softmax(l' / tau)`:
/// `D - stop_gradient(p') + p'`. Softmax is unchanged by a shift of its inputs, so the
/// authors' centring of `l'` changes neither the value nor the gradient and is left out.
///
/// - ``Gap/fixed(_:)``: the same gap for every sample (`gst` uses 1);
/// - ``Gap/probabilityDependent``: `gap = -log(1 - p_d) / p_d` for the sample's probability
///   `p_d` (`gst-p`), large for a likely sample and near 1 for an unlikely one.
///
/// Reference: T.-H. Fan, T.-C. Chi, A. I. Rudnicky, P. J. Ramadge, "Training Discrete Deep Generative
/// Models via Gapped Straight-Through Estimator", ICML 2022 (arXiv:2206.07235), section 4.
public struct GappedStraightThroughEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  /// How far below the sample's moved logit the others are pushed.
  public enum Gap: Equatable, Sendable {
    case fixed(Scalar)
    case probabilityDependent
  }

  public let temperature: Scalar
  public let gap: Gap

  /// An estimator, checked: a finite positive temperature, and a fixed gap that is finite and
  /// positive.
  public init(temperature: Scalar, gap: Gap = .fixed(1)) throws(DistributionError) {
    try DistributionLimits.validate(temperature: temperature)
    if case .fixed(let value) = gap, !(value > 0 && value.isFinite) {
      throw .invalidParameter(name: "GST gap (must be finite and positive)", value: Double(value))
    }
    self.temperature = temperature
    self.gap = gap
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    let oneHot = OneHotSampling.gumbelMax(logits: withoutDerivative(at: logits), key: key)
    let moves = Self.moves(logits: withoutDerivative(at: logits), oneHot: oneHot, gap: gap)
    return Tensor.straightThrough(oneHot, gradientFrom: (logits + moves).softmax(temperature: temperature))
  }

  /// `l' - l` for each row: `m - l_d` at the sampled category `d`, `-max(0, l_j - m + gap)`
  /// elsewhere (0 for masked, `-inf`, categories).
  static func moves(logits: Tensor<Scalar>, oneHot: Tensor<Scalar>, gap: Gap) -> Tensor<Scalar> {
    let k = logits.columnCount
    var out = [Scalar](repeating: 0, count: logits.scalarCount)
    let (l, h) = (logits.scalars, oneHot.scalars)
    let probabilities = gap == .probabilityDependent ? logits.softmax().scalars : []
    for r in 0..<logits.rowCount {
      let row = (r * k)..<((r + 1) * k)
      guard let d = row.first(where: { h[$0] > 0 }), let top = l[row].max() else { continue }
      let rowGap: Scalar
      switch gap {
      case .fixed(let value):
        rowGap = value
      case .probabilityDependent:
        // p_d shrunk by 1e-5 as the authors do, so that p_d = 1 stays finite.
        let p = Double(probabilities[d]) * (1 - 1e-5)
        rowGap = p > 0 ? Scalar(-Foundation.log1p(-p) / p) : 1  // the limit as p -> 0 is 1
      }
      for j in row where l[j] > -.infinity {
        out[j] = j == d ? top - l[j] : -Swift.max(0, l[j] - top + rowGap)
      }
    }
    return Tensor(shape: logits.shape, scalars: out)
  }
}
