import _Differentiation
import _GumbelTestSupport
import GumbelTensor
import Testing

/// The fused dense layer and ReLU, `affineReLU`: its value and derivatives against the two
/// operations it replaces and against finite differences.
@Suite struct AffineReLUTests {
  static func random(_ shape: [Int], seed: UInt64) -> Tensor<Double> {
    var generator = SplitMix64(seed: seed)
    return randomTensor(shape: shape, using: &generator)
  }

  static let (x, w, b) = (random([5, 13], seed: 1), random([13, 11], seed: 2), random([11], seed: 3))

  static func expectAgreement(_ pairs: [(analytic: Double, numeric: Double)], sourceLocation: SourceLocation = #_sourceLocation) {
    for (analytic, numeric) in pairs {
      #expect(isClose(analytic, numeric, relative: 1e-6, absolute: 1e-8), "pullback \(analytic) vs finite difference \(numeric)", sourceLocation: sourceLocation)
    }
  }

  /// Where an element is away from the ReLU's kink, the derivative with respect to each
  /// argument, with random upstream tangents, matches central differences.
  @Test func pullbackAgreesWithFiniteDifferences() {
    let (x, w, b) = (Self.x, Self.w, Self.b)
    Self.expectAgreement(pullbackAgreement(at: x) { affineReLU($0, w, b) })
    Self.expectAgreement(pullbackAgreement(at: w) { affineReLU(x, $0, b) })
    Self.expectAgreement(pullbackAgreement(at: b) { affineReLU(x, w, $0) })
  }

  /// The same values and gradients as `affine(...).relu()`, bit for bit, for `Float` (the
  /// vector kernels) and `Double`; the parameters-only derivative gives the same parameter
  /// gradients.
  @Test func matchesAffineThenReLU() {
    func check<T: TensorFloatingPoint>(_: T.Type) {
      let (x, w, b) = (Self.x.converted(to: T.self), Self.w.converted(to: T.self), Self.b.converted(to: T.self))
      var generator = SplitMix64(seed: 4)
      let upstream = randomTensor(shape: [5, 11], using: &generator).converted(to: T.self)
      let (fused, fusedPullback) = valueWithPullback(at: x, w, b) { affineReLU($0, $1, $2) }
      let (plain, plainPullback) = valueWithPullback(at: x, w, b) { affine($0, $1, $2).relu() }
      #expect(fused == plain)
      #expect(fused.scalars.allSatisfy { $0 >= 0 } && fused.scalars.contains(0))
      let (f, p) = (fusedPullback(upstream), plainPullback(upstream))
      #expect(f.0 == p.0 && f.1 == p.1 && f.2 == p.2)
      let parametersOnly = gradient(at: w, b) { w, b in (affineReLU(x, w, b) * upstream).sum() }
      #expect(parametersOnly.0 == f.1 && parametersOnly.1 == f.2)
    }
    check(Float.self)
    check(Double.self)
  }

  /// Rows of widths that end in partial groups of eight lanes, and a NaN product (ReLU gives 0).
  @Test func partialGroupsAndNaN() {
    for columns in [1, 7, 8, 9, 17] {
      let x = Tensor<Float>(shape: [3, 2], scalars: [1, -2, 0.5, .nan, -1, 3])
      let w = Tensor<Float>(shape: [2, columns], scalars: (0..<(2 * columns)).map { Float($0 % 5) - 2 })
      let b = Tensor<Float>(shape: [columns], scalars: (0..<columns).map { Float($0 % 3) - 1 })
      let y = affineReLU(x, w, b)
      #expect(y == affine(x, w, b).relu())
      #expect(y.scalars[columns..<(2 * columns)].allSatisfy { $0 == 0 })  // the NaN row
    }
  }
}

extension Tensor where Scalar == Double {
  func converted<T: TensorFloatingPoint>(to _: T.Type) -> Tensor<T> {
    Tensor<T>(shape: shape, scalars: scalars.map { T($0) })
  }
}
