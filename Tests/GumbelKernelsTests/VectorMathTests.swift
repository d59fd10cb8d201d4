import GumbelKernels
import RealModule
import Testing

/// The vector `exp` and `log` against the correctly rounded `Double` result.
@Suite struct VectorMathTests {
  /// The distance from `approximation` to `exact` in units in the last place of the float
  /// nearest `exact`.
  static func ulps(_ approximation: Float, _ exact: Double) -> Double {
    let nearest = Float(exact)
    return abs(Double(approximation) - exact) / Double(nearest.ulp)
  }

  /// Every 4,099th float bit pattern in the range, eight at a time.
  static func sweep(from low: Float, to high: Float, _ check: (SIMD8<Float>) -> Void) {
    var bits = low.bitPattern
    while bits <= high.bitPattern {
      var x = SIMD8<Float>()
      for lane in 0..<8 { x[lane] = min(high, Float(bitPattern: bits &+ UInt32(lane * 4099))) }
      check(x)
      bits &+= 8 * 4099
    }
  }

  @Test func expIsWithinTwoUlpsOnItsNormalRange() {
    var worst = 0.0
    for (sign, largest): (Float, Float) in [(1, 88.7), (-1, 87.3)] {
      Self.sweep(from: 0, to: largest) { magnitude in
        let x = sign * magnitude
        let e = VectorMath.exp(x)
        for lane in 0..<8 { worst = max(worst, Self.ulps(e[lane], Double.exp(Double(x[lane])))) }
      }
    }
    #expect(worst <= 2, "worst error \(worst) ulps")
  }

  @Test func expEdges() {
    let x = SIMD8<Float>(-.infinity, -200, -103.98, -100, 0, 88.8, .infinity, .nan)
    let e = VectorMath.exp(x)
    #expect(e[0] == 0 && e[1] == 0 && e[2] == 0)
    #expect(e[3] > 0 && e[3] < Float.leastNormalMagnitude && Self.ulps(e[3], Double.exp(-100)) <= 2)
    #expect(e[4] == 1 && e[5] == .infinity && e[6] == .infinity && e[7].isNaN)
  }

  /// Below -87.34 the result is subnormal: its error is counted in units of the smallest
  /// subnormal, 2^-149 (one rounding of an accurate value), and below -103.973 it is 0.
  @Test func expIsWithinOneSubnormalUnitWhereItsResultIsSubnormal() {
    var worst = 0.0
    var x: Float = -104.5
    while x < -87.34 {
      let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 1e-3 })
      let e = VectorMath.exp(lanes)
      for lane in 0..<8 {
        let exact = Double.exp(Double(lanes[lane]))
        worst = max(worst, abs(Double(e[lane]) - exact) / 0x1p-149)
        if lanes[lane] < -103.973 { #expect(e[lane] == 0, "exp(\(lanes[lane])) = \(e[lane])") }
      }
      x += 0.0171
    }
    #expect(worst <= 1, "worst error \(worst) units of 2^-149")
  }

  /// The softmax's exponential skips the overflow steps: on every lane at most 0 (and on
  /// `-infinity`, `-0` and NaN) it gives `exp`'s bits.
  @Test func expOfNonPositiveEqualsExp() {
    var groups = 0, mismatches = 0
    func check(_ x: SIMD8<Float>) {
      let a = VectorMath.expOfNonPositive(x), b = VectorMath.exp(x)
      for lane in 0..<8 where a.bitPattern[lane] != b.bitPattern[lane] {
        mismatches += 1
      }
      groups += 1
    }
    Self.sweep(from: 0, to: .greatestFiniteMagnitude) { magnitude in check(-magnitude) }
    check(SIMD8(-.infinity, -0.0, .nan, -.nan, 0, -103.973, -104, -88.8))
    #expect(groups > 60_000)
    #expect(mismatches == 0)
  }

  @Test func logIsWithinTwoUlpsOnPositiveNormals() {
    var worst = 0.0
    Self.sweep(from: .leastNormalMagnitude, to: .greatestFiniteMagnitude) { x in
      let l = VectorMath.logOfPositiveNormal(x)
      for lane in 0..<8 where x[lane] != 1 {
        worst = max(worst, Self.ulps(l[lane], Double.log(Double(x[lane]))))
      }
    }
    #expect(worst <= 2, "worst error \(worst) ulps")
    #expect(VectorMath.logOfPositiveNormal(SIMD8(repeating: 1)) == SIMD8(repeating: 0))
  }

  /// Sixteen lanes at once give each lane the bits that eight at once give it, so a sampler
  /// may take either width without changing a sample.
  @Test func logOfSixteenLanesEqualsTwoGroupsOfEight() {
    var previous = SIMD8<Float>(repeating: .leastNormalMagnitude)
    var groups = 0, mismatches = 0
    Self.sweep(from: .leastNormalMagnitude, to: .greatestFiniteMagnitude) { x in
      let wide = VectorMath.logOfPositiveNormal(SIMD16(lowHalf: previous, highHalf: x))
      let low = VectorMath.logOfPositiveNormal(previous), high = VectorMath.logOfPositiveNormal(x)
      if wide.lowHalf.bitPattern != low.bitPattern || wide.highHalf.bitPattern != high.bitPattern { mismatches += 1 }
      groups += 1
      previous = x
    }
    #expect(groups > 60_000)
    #expect(mismatches == 0)
  }
}

/// The row-parallel loop: fixed blocks, every row visited once, any thread count.
@Suite struct ParallelismTests {
  @Test(arguments: [1, 2, 3])
  func blocksCoverEveryRowOnceWithTheSameBoundaries(threads: Int) {
    let rows = 10_001
    var visits = [Int](repeating: 0, count: rows)
    var boundaries = [Int](repeating: -1, count: rows)
    visits.withUnsafeMutableBufferPointer { visits in
      boundaries.withUnsafeMutableBufferPointer { boundaries in
        let (v, b) = (visits.baseAddress!, boundaries.baseAddress!)
        Parallelism.$maxThreads.withValue(threads) {
          Parallelism.forEachBlock(rows: rows, elementsPerRow: 64, blockRows: 256) { block, range in
            for r in range { v[r] += 1; b[r] = block }
          }
        }
      }
    }
    #expect(visits.allSatisfy { $0 == 1 })
    #expect(boundaries.enumerated().allSatisfy { $0.element == $0.offset / 256 })
  }
}
