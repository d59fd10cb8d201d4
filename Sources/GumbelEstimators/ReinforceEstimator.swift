import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The score-function (REINFORCE) estimator: unbiased, with high variance.
///
///     grad = (f(D) - b) * d/d logits log p(D),   D ~ Categorical(softmax(logits))
///
/// The sample `D` is one-hot and carries no gradient; ``surrogateLoss(logits:sample:loss:)``
/// returns `f(D) + stop_gradient(f(D) - b) * log p(D)`, whose gradient is the estimate (and
/// whose value is `f(D)`). The baseline `b` reduces the variance without adding bias, as long
/// as it does not depend on the row's own sample:
/// - ``Baseline/none``: `b = 0`;
/// - ``Baseline/movingAverage(decay:)``: `b_i = decay * b_(i-1) + (1 - decay) * f_(i-1)`, carried
///   across rows and across calls by ``observe(losses:)``;
/// - ``Baseline/leaveOneOut``: `b_i = mean_(j != i) f_j` over the other rows of the batch
///   (Kool, van Hoof & Welling, "Buy 4 REINFORCE Samples, Get a Baseline for Free!", 2019);
/// - ``Baseline/leaveOneOutPerGroup(draws:)``: the same within each group of `draws`
///   consecutive rows, the draws of one estimate (the `rloo` estimator): averaged over the
///   group, the gradient is `1/(S-1) sum_s (f_s - mean_j f_j) d log p(D_s)` with `S = draws`.
///
/// Reference: R. J. Williams, "Simple statistical gradient-following algorithms for
/// connectionist reinforcement learning", Machine Learning 8, 1992.
public struct ReinforceEstimator<Scalar: DistributionFloatingPoint>: GradientEstimator {
  /// How the baseline is chosen.
  public enum Baseline: Equatable, Sendable {
    case none
    case movingAverage(decay: Scalar)
    case leaveOneOut
    case leaveOneOutPerGroup(draws: Int)
  }

  public var baseline: Baseline
  /// The moving average carried to the next row (used by ``Baseline/movingAverage(decay:)``).
  public private(set) var movingAverage: Scalar = 0

  /// An estimator with `baseline`; `movingAverage` starts the moving average (0 for a new run,
  /// a saved ``movingAverage`` to continue one).
  public init(baseline: Baseline = .none, movingAverage: Scalar = 0) {
    self.baseline = baseline
    self.movingAverage = movingAverage
  }

  @differentiable(reverse, wrt: logits)
  public func sample(logits: Tensor<Scalar>, using key: PRNGKey) -> Tensor<Scalar> {
    OneHotSampling.gumbelMax(logits: withoutDerivative(at: logits), key: key)
  }

  @differentiable(reverse, wrt: (logits, sample, loss))
  public func surrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>) -> Tensor<Scalar> {
    groupedSurrogateLoss(logits: logits, sample: sample, loss: loss, bits: false)  // a group per row
  }

  /// The surrogate for groups of latents that share one loss (the latents of one image in a
  /// VAE): `logits` and `sample` hold `loss.count` consecutive groups of rows (one-hot rows of
  /// categorical latents, or rows of bits when `bits` is set), and each group's value is
  /// `f + stop_gradient(f - b) * sum log p(z)` over the group's latents. The baseline is taken
  /// over groups, so no latent's baseline contains its own group's loss, which depends on that
  /// latent's sample: a moving average advanced latent by latent would (and would scale latent
  /// `j`'s gradient by `decay^j`).
  @differentiable(reverse, wrt: (logits, sample, loss))
  public func groupedSurrogateLoss(logits: Tensor<Scalar>, sample: Tensor<Scalar>, loss: Tensor<Scalar>, bits: Bool) -> Tensor<Scalar> {
    let groups = withoutDerivative(at: loss).scalarCount
    let advantage = Self.advantages(losses: withoutDerivative(at: loss), baseline: baseline, movingAverage: movingAverage)
    let rowLogProbability = bits
      ? Bernoulli(trustedLogits: logits).logProbability(of: withoutDerivative(at: sample)).sumAlongLastAxis()
      : logits.logSoftmax().picking(columns: withoutDerivative(at: sample).argmax())
    let rows = withoutDerivative(at: rowLogProbability).scalarCount
    let logProbability = rowLogProbability.reshaped(to: [groups, rows / groups]).sumAlongLastAxis()
    return loss + advantage * logProbability
  }

  /// Advances the moving-average baseline past `losses` (one per row, in order).
  public mutating func observe(losses: Tensor<Scalar>) {
    guard case .movingAverage(let decay) = baseline else { return }
    for loss in losses.scalars { movingAverage = decay * movingAverage + (1 - decay) * loss }
  }

  /// `f_i - mean_(j != i) f_j` within each group of `groupSize` consecutive losses (a group of
  /// one keeps its loss: it has no other draw).
  static func leaveOneOutAdvantages(_ f: [Scalar], groupSize: Int) -> [Scalar] {
    var out = f
    for start in stride(from: 0, to: f.count, by: Swift.max(groupSize, 1)) {
      let group = start..<Swift.min(start + groupSize, f.count)
      guard group.count > 1 else { continue }
      let total = group.reduce(Scalar(0)) { $0 + f[$1] }
      let others = Scalar(group.count - 1)
      for i in group { out[i] = f[i] - (total - f[i]) / others }
    }
    return out
  }

  /// `f_i - b_i` for each row.
  static func advantages(losses: Tensor<Scalar>, baseline: Baseline, movingAverage: Scalar) -> Tensor<Scalar> {
    let f = losses.scalars
    switch baseline {
    case .none:
      return losses
    case .leaveOneOut:
      return Tensor(shape: losses.shape, scalars: leaveOneOutAdvantages(f, groupSize: f.count))
    case .leaveOneOutPerGroup(let draws):
      return Tensor(shape: losses.shape, scalars: leaveOneOutAdvantages(f, groupSize: draws))
    case .movingAverage(let decay):
      var b = movingAverage
      return Tensor(shape: losses.shape, scalars: f.map { loss in
        defer { b = decay * b + (1 - decay) * loss }
        return loss - b
      })
    }
  }
}
