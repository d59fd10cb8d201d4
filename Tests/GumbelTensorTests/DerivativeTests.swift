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
    // With respect to one operand only (these use the one-operand derivatives).
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0 / y })
    Self.expectAgreement(pullbackAgreement(at: Self.y) { Self.x * $0 })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0 * row })
    Self.expectAgreement(pullbackAgreement(at: Self.x) { $0 / row })
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

  /// `Float`'s eight-lane softmax kernels (row maximum, exp, lane-ordered sums, pullback row)
  /// against `Double`'s one-element-at-a-time loops, on rows of every length from 1 to 40
  /// (full groups of eight and every partial one), with masked categories and ties.
  @Test(arguments: [0.05, 0.5, 1.0, 7.0])
  func floatKernelsAgreeWithDouble(temperature: Double) {
    var rng = SplitMix64(seed: 21)
    for k in 1...40 {
      var scalars = randomTensor(shape: [3, k], in: -6...6, using: &rng).scalars
      if k > 2 {
        scalars[1] = -.infinity  // a masked category
        scalars[k + k / 2] = scalars[k]  // a tie with the row's first element
      }
      let logits = Tensor(shape: [3, k], scalars: scalars)
      let u = randomTensor(shape: [3, k], using: &rng)
      let float = Tensor<Float>(shape: logits.shape, scalars: logits.scalars.map { Float($0) })
      let (y32, pullback32) = valueWithPullback(at: float, Float(temperature)) { x, t in x.softmax(temperature: t) }
      let (g32, t32) = pullback32(Tensor(shape: u.shape, scalars: u.scalars.map { Float($0) }))
      // The oracle: the same Float inputs, in Double.
      let double = Tensor<Double>(shape: logits.shape, scalars: float.scalars.map { Double($0) })
      let (y64, pullback64) = valueWithPullback(at: double, temperature) { x, t in x.softmax(temperature: t) }
      let (g64, t64) = pullback64(u)
      // Float rounds z = (x - max) / t to a relative 2^-24, which moves exp(z) by about
      // |z| 2^-24: the tolerances grow with |z|.
      let z = (0..<double.scalarCount).map { i -> Double in
        let row = i / k, rowMax = double.scalars[(row * k)..<(row * k + k)].max()!
        return (double.scalars[i] - rowMax) / temperature
      }
      for (i, (a, b)) in zip(y32.scalars, y64.scalars).enumerated() where z[i].isFinite {
        #expect(abs(Double(a) - b) <= 1e-6 * (1 + abs(z[i])) * b + 1e-44, "softmax, k = \(k): \(a) vs \(b)")
      }
      // dx_i = y_i (u_i - <u, y>) / t: Float's error in u_i - <u, y> is relative to
      // |u_i| + sum_j |u_j| y_j, not to the (possibly cancelled) difference.
      for (i, (a, b)) in zip(g32.scalars, g64.scalars).enumerated() where z[i].isFinite {
        let row = (i / k) * k
        let absoluteDot = (row..<(row + k)).reduce(0.0) { $0 + abs(u.scalars[$1]) * y64.scalars[$1] }
        let tolerance = 1e-6 * (1 + abs(z[i])) * y64.scalars[i] * (abs(u.scalars[i]) + absoluteDot) / temperature
        #expect(abs(Double(a) - b) <= tolerance + 1e-40, "logit gradient, k = \(k): \(a) vs \(b)")
      }
      // The temperature gradient -sum dz_i z_i / t cancels: its scale is the sum of the terms' sizes.
      var termScale = 0.0
      for row in 0..<3 {
        let range = (row * k)..<(row * k + k)
        let dot = range.reduce(0.0) { $0 + u.scalars[$1] * y64.scalars[$1] }
        for i in range where z[i].isFinite { termScale += abs(y64.scalars[i] * (u.scalars[i] - dot) * z[i]) / temperature }
      }
      #expect(abs(Double(t32) - t64) <= 1e-5 * termScale + 1e-30, "temperature gradient, k = \(k): \(t32) vs \(t64)")
      #expect(y32.scalars[1] == 0 || k <= 2)
    }
  }
}
