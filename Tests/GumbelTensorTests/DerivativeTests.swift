import _Differentiation
import _GumbelTestSupport
import GumbelTensor
import Testing

/// Every primitive's pullback against central finite differences, with random upstream
/// tangents and random directions (tolerance: 1e-6 relative, in Double).
@Suite struct DerivativeTests {
  static let x = Tensor<Double>(rows: [[0.3, -1.2, 2.0, 0.5], [1.1, 0.4, -0.7, -2.5], [0.0, 0.9, 0.2, 1.5]])
  static let y = Tensor<Double>(rows: [[1.3, 0.8, 2.2, 0.6], [1.9, 1.4, 0.7, 1.5], [0.5, 2.9, 1.2, 0.9]])
  static let row = Tensor<Double>([0.5, -0.25, 1.5, 2.0])

  static func expectAgreement(_ pairs: [(analytic: Double, numeric: Double)], sourceLocation: SourceLocation = #_sourceLocation) {
    for (analytic, numeric) in pairs {
      #expect(isClose(analytic, numeric, relative: 1e-6, absolute: 1e-8), "pullback \(analytic) vs finite difference \(numeric)", sourceLocation: sourceLocation)
    }
  }

  @Test func binaryArithmetic() {
    let y = Self.y, row = Self.row
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0 + y })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { y - $0 })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0 * y })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { y / ($0 + 3) })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { -$0 * 2 })
  }

  @Test func broadcastingOperandsReceiveSummedGradients() {
    let x = Self.x
    // The row [K] broadcast over [N, K]: its gradient sums over rows.
    Self.expectAgreement(pullbackAgreement(at: Self.row) { x * $0 + $0 })
    Self.expectAgreement(pullbackAgreement(at: Self.row) { x / ($0 + 3) - $0 })
    // A scalar tensor broadcast everywhere.
    Self.expectAgreement(pullbackAgreement(at: Tensor(0.7)) { x * $0 })
  }

  @Test func scalarOperands() {
    Self.expectAgreement(pullbackAgreement(at: Self.x, 0.8) { x, t in x * t + t })
    Self.expectAgreement(pullbackAgreement(at: Self.x, 0.8) { x, t in x / t - t })
  }

  @Test func elementaryFunctions() {
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0.exp() })
    Self.expectAgreement(pullbackAgreement(at: Self.y) { $0.log() })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0.squared() })
  }

  @Test func reductions() {
    Self.expectAgreement(pullbackAgreement(at: Self.x) { Tensor($0.sum()) })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { Tensor($0.mean()) })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0.sumAlongLastAxis() })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0.logSumExp() })
  }

  @Test(arguments: [0.1, 0.5, 1.0, 3.0])
  func softmaxAndLogSoftmaxWithTemperature(temperature: Double) {
    Self.expectAgreement(pullbackAgreement(at: Self.x, temperature, step: 1e-7) { x, t in x.softmax(temperature: t) })
    Self.expectAgreement(pullbackAgreement(at: Self.x, temperature, step: 1e-7) { x, t in x.logSoftmax(temperature: t) })
  }

  @Test func indexingAndReshaping() {
    Self.expectAgreement(pullbackAgreement(at: Self.x) { Tensor($0.scalar(at: 5)) })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0.reshaped(to: [4, 3]).softmax() })
  }

  @Test func straightThroughPassesTheUpstreamTangentToTheSoftOperand() {
    let hard = Self.x.oneHotArgmax()
    let (value, pullback) = valueWithPullback(at: Self.x) { x in Tensor.straightThrough(hard, gradientFrom: x.softmax()) }
    #expect(value == hard)
    var rng = SplitMix64(seed: 9)
    let u = randomTensor(shape: Self.x.shape, using: &rng)
    let expected = pullbackOf(Self.x, u) { $0.softmax() }
    for (a, b) in zip(pullback(u).scalars, expected.scalars) { #expect(isClose(a, b, relative: 1e-12)) }
  }

  @Test func maskedLogitsLeaveSoftmaxGradientsFinite() {
    let masked = Tensor<Double>(rows: [[0.3, -.infinity, 2.0], [-.infinity, 0.4, -.infinity]])
    var rng = SplitMix64(seed: 3)
    let u = randomTensor(shape: masked.shape, using: &rng)
    for t in [1e-4, 0.5, 1e4] {
      let (y, pullback) = valueWithPullback(at: masked, t) { x, t in x.softmax(temperature: t) }
      #expect(y.scalars[1] == 0 && y.scalars[3] == 0 && y.scalars[5] == 0)
      let (gx, gt) = pullback(u)
      #expect(gx.scalars.allSatisfy { $0.isFinite } && gt.isFinite)
      let (_, logPullback) = valueWithPullback(at: masked, t) { x, t in x.logSoftmax(temperature: t) }
      let (lx, lt) = logPullback(u)
      #expect(lx.scalars.allSatisfy { $0.isFinite } && lt.isFinite)
    }
  }

  func pullbackOf(_ x: Tensor<Double>, _ u: Tensor<Double>, _ f: @differentiable(reverse) (Tensor<Double>) -> Tensor<Double>) -> Tensor<Double> {
    valueWithPullback(at: x, of: f).1(u)
  }
}
