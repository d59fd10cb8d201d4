import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// The gapped straight-through estimator against its definition (Fan et al., 2022): for the
/// category each row drew, the moved logits are written out by hand and the gradient is
/// softmax's transposed Jacobian there; and its arguments are checked.
@Suite struct GappedStraightThroughTests {
  static let logits: [Double] = [0.5, -1, 2, 0.1]

  /// `p * (v - <v, p>) / tau` with `p = softmax(moved / tau)`.
  static func softmaxGradient(moved: [Double], upstream v: [Double], temperature: Double) -> [Double] {
    let e = moved.map { exp(($0 - moved.max()!) / temperature) }
    let p = e.map { $0 / e.reduce(0, +) }
    let dot = zip(p, v).reduce(0) { $0 + $1.0 * $1.1 }
    return zip(p, v).map { $0 * ($1 - dot) / temperature }
  }

  /// The moved logits of `logits` when category `d` is drawn, from the paper's two rules.
  static func moved(_ logits: [Double], drawn d: Int, gap: Double) -> [Double] {
    let top = logits.max()!
    return logits.indices.map { j in j == d ? top : logits[j] - max(0, logits[j] - top + gap) }
  }

  @Test(arguments: [(EstimatorKind.gst, 0.5), (.gst, 2.0), (.gstP, 0.5), (.gstP, 2.0)])
  func theGradientIsSoftmaxsAtTheMovedLogits(kind: EstimatorKind, temperature: Double) throws {
    let rows = 64
    let logits = Tensor(shape: [rows, 4], scalars: (0..<rows).flatMap { _ in Self.logits })
    let v: [Double] = [0.3, -1.2, 0.7, 2.0]
    let estimator = try Estimator<Double>(kind, temperature: temperature)
    let key = PRNGKey(seed: 4)
    let sample = estimator.sample(logits: logits, using: key)
    let g = gradient(at: logits) { l in (estimator.sample(logits: l, using: key) * Tensor(v)).sum() }
    let probabilities = Self.logits.map { exp($0) / Self.logits.map(exp).reduce(0, +) }
    var drawn = Set<Int>()
    for r in 0..<rows {
      let d = try #require(sample.rows[r].firstIndex(of: 1))
      drawn.insert(d)
      let p = probabilities[d] * (1 - 1e-5)
      let gap = kind == .gst ? 1 : -log1p(-p) / p
      let expected = Self.softmaxGradient(moved: Self.moved(Self.logits, drawn: d, gap: gap), upstream: v, temperature: temperature)
      for k in 0..<4 {
        #expect(abs(g.rows[r][k] - expected[k]) <= 1e-12, "row \(r) (drew \(d)), category \(k)")
      }
    }
    #expect(drawn.count >= 3)  // the rows exercise several samples, not only the largest logit
  }

  /// A sampled category with the largest logit and the others already `gap` below is not moved:
  /// GST is then straight-through Gumbel-softmax's backward pass without the noise.
  @Test func nothingMovesWhenTheLeaderIsFarAhead() throws {
    let logits = Tensor<Double>(shape: [1, 3], scalars: [40, 0, -3])
    let estimator = try Estimator<Double>(.gst, temperature: 0.7)
    let v: [Double] = [1, -2, 0.5]
    let g = gradient(at: logits) { l in (estimator.sample(logits: l, using: PRNGKey(seed: 1)) * Tensor(v)).sum() }
    let expected = Self.softmaxGradient(moved: [40, 0, -3], upstream: v, temperature: 0.7)
    for k in 0..<3 { #expect(abs(g.scalars[k] - expected[k]) <= 1e-15) }
  }

  /// A larger gap pushes the other logits further down.
  @Test func theGapIsAParameter() throws {
    let logits = Tensor<Double>(shape: [1, 3], scalars: [1, 0.8, 0.5])
    let v: [Double] = [1, 0, 0]
    for gap in [0.5, 3.0] {
      let estimator = try Estimator<Double>(.gst, temperature: 1, gap: gap)
      let key = PRNGKey(seed: 2)
      let d = try #require(estimator.sample(logits: logits, using: key).scalars.firstIndex(of: 1))
      let g = gradient(at: logits) { l in (estimator.sample(logits: l, using: key) * Tensor(v)).sum() }
      let expected = Self.softmaxGradient(moved: Self.moved([1, 0.8, 0.5], drawn: d, gap: gap), upstream: v, temperature: 1)
      for k in 0..<3 { #expect(abs(g.scalars[k] - expected[k]) <= 1e-14, "gap \(gap), category \(k)") }
    }
  }

  @Test func badArgumentsAreTypedErrors() {
    for gap in [0.0, -1, .infinity, .nan] {
      #expect(throws: DistributionError.self, "gap \(gap)") { try GappedStraightThroughEstimator<Double>(temperature: 1, gap: .fixed(gap)) }
      #expect(throws: DistributionError.self, "gap \(gap)") { try Estimator<Double>(.gst, temperature: 1, gap: gap) }
    }
    #expect(throws: DistributionError.self) { try GappedStraightThroughEstimator<Double>(temperature: 0, gap: .probabilityDependent) }
  }

  /// A masked (`-inf`) category is never drawn, is not moved, and gets a gradient of 0.
  @Test(arguments: [EstimatorKind.gst, .gstP])
  func maskedCategoriesStayOut(kind: EstimatorKind) throws {
    let logits = Tensor<Float>(shape: [50, 3], scalars: (0..<50).flatMap { _ in [0.2, -Float.infinity, 1.0] })
    let estimator = try Estimator<Float>(kind, temperature: 0.5)
    let key = PRNGKey(seed: 6)
    let sample = estimator.sample(logits: logits, using: key)
    let g = gradient(at: logits) { l in (estimator.sample(logits: l, using: key) * Tensor<Float>([1, 5, -2])).sum() }
    #expect(sample.rows.allSatisfy { $0[1] == 0 })
    #expect(g.scalars.allSatisfy { $0.isFinite })
    #expect(g.rows.allSatisfy { $0[1] == 0 })
  }
}
