@testable import GumbelTensor
import Testing
import _GumbelTestSupport

/// Tensors that carry an ``ElementPattern`` (a uniform tensor, one-hot rows), and whose
/// elements may be made only when first read, against tensors holding the same elements
/// without a pattern: the same elements, and the same bits from every product that uses the
/// pattern instead of reading them.
@Suite struct ElementPatternTests {
  /// Shapes below and above `Tensor.patternMinimum` elements (made at once without a pattern,
  /// and deferred).
  static let shapes: [[Int]] = [[3, 5], [1, 7], [100, 64], [1000, 7], [5000, 1]]

  /// Weights with every kind of sign and magnitude a product can meet: negative values (whose
  /// products with 0 are -0), zeros of both signs, infinities (whose products with 0 are NaN)
  /// and NaN.
  static func weights(count: Int, using rng: inout SplitMix64) -> [Float] {
    (0..<count).map { _ in
      switch Int.random(in: 0..<12, using: &rng) {
      case 0: -0.0
      case 1: 0
      case 2: .infinity
      case 3: -.infinity
      case 4: .nan
      default: Float.random(in: -100...100, using: &rng)
      }
    }
  }

  static func bits(_ t: Tensor<Float>) -> [UInt32] { t.scalars.map(\.bitPattern) }

  /// The one-hot rows with a 1 at `indices`, written out.
  static func denseOneHot(_ indices: [Int32], columns k: Int) -> [Float] {
    var out = [Float](repeating: 0, count: indices.count * k)
    for (r, i) in indices.enumerated() { out[r * k + Int(i)] = 1 }
    return out
  }

  @Test(arguments: shapes)
  func oneHotTensorsHoldTheirRowsAndMultiplyWithTheSameBits(shape: [Int]) {
    var rng = SplitMix64(seed: UInt64(shape.reduce(1, *)))
    let k = shape.last!, rows = shape.reduce(1, *) / k
    let indices = (0..<rows).map { _ in Int32.random(in: 0..<Int32(k), using: &rng) }
    let patterned = Tensor<Float>(shape: shape, deferring: .oneHot(indices))
    let dense = Tensor<Float>(shape: shape, scalars: Self.denseOneHot(indices, columns: k))
    #expect(patterned.scalarCount == dense.scalarCount && patterned.rowCount == rows)
    #expect(patterned.isPatterned == (dense.scalarCount >= Tensor<Float>.patternMinimum))
    if case .patterned(let elements) = patterned.storage { #expect(elements.isDeferred) }
    let w = Tensor<Float>(shape: shape, scalars: Self.weights(count: dense.scalarCount, using: &rng))
    // The products are computed before the one-hot tensor's elements are first read.
    let left = patterned * w, right = w * patterned
    #expect(Self.bits(left) == Self.bits(dense * w))
    #expect(Self.bits(right) == Self.bits(w * dense))
    #expect(patterned.scalars == dense.scalars)
    #expect(patterned == dense)
  }

  @Test(arguments: shapes)
  func uniformTensorsHoldTheirValueAndMultiplyWithTheSameBits(shape: [Int]) {
    var rng = SplitMix64(seed: 7 &+ UInt64(shape.reduce(1, *)))
    let count = shape.reduce(1, *)
    let w = Tensor<Float>(shape: shape, scalars: Self.weights(count: count, using: &rng))
    for value: Float in [1, 2, -1, 0] {
      let patterned = Tensor<Float>(repeating: value, shape: shape)
      let dense = Tensor<Float>(shape: shape, scalars: [Float](repeating: value, count: count))
      let left = patterned * w, right = w * patterned
      // NaN payloads can differ between `1 * nan` and `nan` only for signalling NaNs, which
      // these weights do not hold; so the bits must match everywhere.
      #expect(Self.bits(left) == Self.bits(dense * w), "value \(value)")
      #expect(Self.bits(right) == Self.bits(w * dense), "value \(value)")
      #expect(patterned.scalars == dense.scalars && patterned == dense, "value \(value)")
    }
  }

  /// A ones tensor of another shape broadcasts, as any tensor would.
  @Test func uniformTensorsOfAnotherShapeBroadcast() {
    var rng = SplitMix64(seed: 3)
    let w = Tensor<Float>(shape: [3, 5], scalars: Self.weights(count: 15, using: &rng))
    let row = Tensor<Float>(repeating: 1, shape: [5])
    #expect(Self.bits(row * w) == Self.bits(Tensor<Float>(shape: [5], scalars: [1, 1, 1, 1, 1]) * w))
    #expect((row * w).shape == [3, 5])
  }

  /// Deferred elements are made once, whichever thread reads them first, and every reader gets
  /// the same elements.
  @Test func deferredElementsAreTheSameFromEveryThread() async {
    let indices = (0..<2000).map { Int32($0 % 9) }
    let patterned = Tensor<Float>(shape: [2000, 9], deferring: .oneHot(indices))
    let expected = Self.denseOneHot(indices, columns: 9)
    let matches = await withTaskGroup(of: Bool.self) { group in
      for _ in 0..<8 { group.addTask { patterned.scalars == expected } }
      return await group.reduce(into: 0) { count, match in count += match ? 1 : 0 }
    }
    #expect(matches == 8)
  }

  @Test func patternsDescribeOnlyTheirElements() {
    #expect(ElementPattern<Float>.oneHot([1, 0]).describes([0, 1, 1, 0], columns: 2))
    #expect(!ElementPattern<Float>.oneHot([1, 0]).describes([1, 0, 1, 0], columns: 2))
    #expect(ElementPattern<Float>.uniform(3).describes([3, 3, 3], columns: 3))
    #expect(!ElementPattern<Float>.uniform(3).describes([3, 3, 2], columns: 3))
    #expect(ElementPattern<Float>.uniform(1).isUniformOne && !ElementPattern<Float>.uniform(2).isUniformOne)
  }
}
