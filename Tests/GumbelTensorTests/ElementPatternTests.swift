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

  /// Shapes whose one-hot products are summed from the pattern: rows of one to 67 elements, so
  /// that selected elements fall in every lane and in the last partial group of eight.
  static let sumShapes: [[Int]] = [[4096, 1], [1000, 7], [700, 8], [300, 67], [64, 64], [2, 3, 1111]]

  /// The sum of a one-hot product is read from the factors it selects, with the bits of the sum
  /// of the written-out product (itself checked against the plain product above), for finite
  /// weights of mixed magnitudes (whose sum depends on the order of the additions, so a wrong
  /// lane or a wrong order shows), zeros of both signs, and all-negative weights (every
  /// unselected product `-0`); and weights with an infinity or NaN, whose sum is NaN.
  @Test(arguments: sumShapes)
  func oneHotProductsSumWithTheBitsOfTheirElements(shape: [Int]) {
    var rng = SplitMix64(seed: 11 &+ UInt64(shape.reduce(1, *)))
    let count = shape.reduce(1, *), k = shape.last!, rows = count / k
    let indices = (0..<rows).map { _ in Int32.random(in: 0..<Int32(k), using: &rng) }
    let mixed = (0..<count).map { _ in
      Float.random(in: -1...1, using: &rng) * Float(sign: .plus, exponent: Int.random(in: -20...20, using: &rng), significand: 1)
    }
    let negative = (0..<count).map { _ in -Float.random(in: 0.5...2, using: &rng) }
    var signedZeros = mixed
    for i in stride(from: 0, to: count, by: 3) { signedZeros[i] = i % 2 == 0 ? -0.0 : 0 }
    for (name, values) in [("mixed", mixed), ("negative", negative), ("signed zeros", signedZeros)] {
      for scalars in [values, values.map { -$0 }] {
        let w = Tensor<Float>(shape: shape, scalars: scalars)
        let product = Tensor<Float>(shape: shape, deferring: .oneHot(indices)) * w
        #expect(product.pattern.sumInLaneOrder(count: count, columns: k) != nil, "\(name)")
        let dense = Tensor<Float>(shape: shape, scalars: product.scalars)
        #expect(product.sum().bitPattern == dense.sum().bitPattern, "\(name)")
        let wide = Tensor<Double>(shape: shape, scalars: scalars.map(Double.init))
        let wideProduct = wide * Tensor<Double>(shape: shape, deferring: .oneHot(indices))
        let wideDense = Tensor<Double>(shape: shape, scalars: wideProduct.scalars)
        #expect(wideProduct.sum().bitPattern == wideDense.sum().bitPattern, "\(name)")
      }
    }
    for bad: Float in [.infinity, -.infinity, .nan] {
      var scalars = mixed
      scalars[Int.random(in: 0..<count, using: &rng)] = bad
      let product = Tensor<Float>(shape: shape, deferring: .oneHot(indices)) * Tensor(shape: shape, scalars: scalars)
      #expect(product.pattern.sumInLaneOrder(count: count, columns: k) == nil)
      #expect(product.sum().isNaN || (product.sum().isInfinite && !bad.isNaN))
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
    #expect(ElementPattern<Float>.oneHotTimes([1, 0], factor: [-2, 3, .infinity, 5]).describes([-0.0, 3, .infinity, 0], columns: 2))
    #expect(!ElementPattern<Float>.oneHotTimes([1, 0], factor: [-2, 3, .infinity, 5]).describes([-0.0, 3, .nan, 0], columns: 2))
    #expect(ElementPattern<Float>.uniform(1).isUniformOne && !ElementPattern<Float>.uniform(2).isUniformOne)
  }

  /// The check made once when a tensor defers its elements: an index per row, each inside
  /// the row, and as many factors as elements.
  @Test func patternsFitOnlyTheirShapes() {
    #expect(ElementPattern<Float>.oneHot([1, 0]).fits(count: 4, columns: 2))
    #expect(!ElementPattern<Float>.oneHot([2, 0]).fits(count: 4, columns: 2))
    #expect(!ElementPattern<Float>.oneHot([-1, 0]).fits(count: 4, columns: 2))
    #expect(!ElementPattern<Float>.oneHot([1]).fits(count: 4, columns: 2))
    #expect(ElementPattern<Float>.oneHotTimes([1, 0], factor: [1, 2, 3, 4]).fits(count: 4, columns: 2))
    #expect(!ElementPattern<Float>.oneHotTimes([1, 0], factor: [1, 2, 3]).fits(count: 4, columns: 2))
    #expect(ElementPattern<Float>.uniform(3).fits(count: 4, columns: 2))
    #expect(!ElementPattern<Float>.none.fits(count: 4, columns: 2))
  }
}
