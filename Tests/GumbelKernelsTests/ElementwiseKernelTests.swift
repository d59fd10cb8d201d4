import GumbelKernels
import RealModule
import Testing
import _GumbelTestSupport

/// The AVX2 exponential against the Swift one: the same bits on every input, or the softmax
/// would depend on the processor.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct ExponentialCFormTests {
  /// C's results for `x`, eight lanes through a buffer.
  static func avx2Exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var buffer = (0..<8).map { x[$0] }
    buffer.withUnsafeMutableBufferPointer { Kernels.exponentiateInC($0.baseAddress!, count: 8) }
    return SIMD8(buffer)
  }

  @Test func expOfNonPositiveHasTheSwiftKernelsBits() {
    var groups = 0, mismatches = 0
    func check(_ x: SIMD8<Float>) {
      let a = Self.avx2Exp(x), b = VectorMath.expOfNonPositive(x)
      for lane in 0..<8 where a.bitPattern[lane] != b.bitPattern[lane] { mismatches += 1 }
      groups += 1
    }
    VectorMathTests.sweep(from: 0, to: .greatestFiniteMagnitude) { magnitude in check(-magnitude) }
    check(SIMD8(-.infinity, -0.0, .nan, -.nan, 0, -103.973, -104, -88.8))
    check(SIMD8(-.leastNonzeroMagnitude, -149 * 0.693_147, -87.336_54, -87.336_55, -0.5, -1, -2, -3))
    #expect(groups > 60_000)
    #expect(mismatches == 0)
  }

  /// Every length from 0 to 40 (full groups of sixteen and eight, and partial ones): each
  /// element is replaced by its exponential, and nothing past `count` is written.
  @Test func expOfNonPositiveWritesExactlyCountElements() {
    for count in 0...40 {
      let input = (0..<count).map { -Float($0) / 7 }
      var buffer = input + [12345]
      buffer.withUnsafeMutableBufferPointer { Kernels.exponentiateInC($0.baseAddress!, count: count) }
      for i in 0..<count {
        let expected = VectorMath.expOfNonPositive(SIMD8(repeating: input[i]))[0]
        #expect(buffer[i].bitPattern == expected.bitPattern, "count \(count), element \(i)")
      }
      #expect(buffer[count] == 12345, "count \(count) wrote past the end")
    }
  }
}

/// The C kernels multiply by `1 / t` where that is exact (`t` a power of two with a normal
/// reciprocal) and divide otherwise: either way, the bits of Swift's `(x - m) / t`.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct DivisionCFormTests {
  @Test(arguments: [
    0.5, 1, 2, 0.25, 4096, -0.5, 0x1p-126, 0x1p-125, 0x1p126, 0x1p127, 0x1p-127, 0x1p-149,
    0.7, 3, 1.5, 0x1.000002p-1, .greatestFiniteMagnitude, .infinity, .nan,
  ] as [Float])
  func shiftAndScaleHasSwiftsQuotientBits(temperature t: Float) {
    var generator = SystemRandomNumberGenerator()
    var x: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude, .leastNormalMagnitude,
                      .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0x1p-140, 3e38, -3e38]
    for _ in 0..<200 { x.append(Float(bitPattern: generator.next())) }
    for _ in 0..<200 { x.append(Float.random(in: -100...100, using: &generator)) }
    for m: Float in [0, 1.25, -7] {
      var z = [Float](repeating: 12345, count: x.count)
      x.withUnsafeBufferPointer { source in
        z.withUnsafeMutableBufferPointer {
          Kernels.temperedShiftInC(source.baseAddress!, into: $0.baseAddress!, count: x.count, maximum: m, temperature: t)
        }
      }
      let mismatches = x.indices.filter { z[$0].bitPattern != ((x[$0] - m) / t).bitPattern }
      #expect(mismatches.isEmpty, "temperature \(t), maximum \(m): \(mismatches.prefix(5).map { x[$0] })")
    }
  }
}

/// The vector finiteness check against `isFinite`, element by element.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct FinitenessCFormTests {
  /// Every length to 80 and some past the 4,096-element passes, with one infinity or NaN at each
  /// of several places (the first, the last, the edges of vector groups and of passes), or none.
  @Test func allFiniteFindsEachNonFiniteElement() {
    for count in Array(0...80) + [4095, 4096, 4097, 8200, 10_000] {
      let finite = (0..<count).map { Float($0 % 13) * 1e37 - 6e37 }
      var places = Set([0, count - 1, 15, 16, 31, 32, 4095, 4096, 8191, 8192, 9999, count / 2])
      places = places.filter { $0 >= 0 && $0 < count }
      for value: Float in [.infinity, -.infinity, .nan, -.nan, .signalingNaN] {
        for place in places {
          var x = finite
          x[place] = value
          x.withUnsafeBufferPointer {
            #expect(!Kernels.allFiniteInC($0.baseAddress!, count: count), "count \(count), \(value) at \(place)")
          }
        }
      }
      // All finite, with an infinity just past the end, which must not be read.
      let padded = finite + [.infinity]
      padded.withUnsafeBufferPointer {
        #expect(Kernels.allFiniteInC($0.baseAddress!, count: count), "count \(count) read past its end")
      }
    }
  }
}

/// Adam's step in C against its formula written out element by element (Kingma & Ba, 2015,
/// Algorithm 1, in Optax's order): the same bits, so a run's checkpoints do not depend on the
/// processor.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct AdamCFormTests {
  /// The formula on one element.
  static func expected(
    p: Float, m: Float, v: Float, g: Float, rate: Float, b1: Float, b2: Float, eps: Float, c1: Float, c2: Float
  ) -> (p: Float, m: Float, v: Float) {
    let m = b1 * m + (1 - b1) * g
    let v = b2 * v + (1 - b2) * (g * g)
    return (p - rate * ((m / c1) / ((v / c2).squareRoot() + eps)), m, v)
  }

  /// The same bits, or both NaN: which NaN a sum of two NaNs gives depends on the order of its
  /// operands, which the optimiser may swap (with `b1 = 0`, `0 * infinity + 1 * NaN` gave NaNs
  /// of either sign in a release build).
  static func same(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

  /// Every length to 40 and some longer (full groups of sixteen and eight, partial ones), on
  /// random values and on edges (zero moments, zero and huge gradients, subnormals, infinities,
  /// a zero epsilon): each element has the formula's bits (NaN where it has NaN), and nothing
  /// past `count` is written.
  @Test(arguments: [(1e-3, 0.9, 0.999, 1e-8, 3), (0.5, 0.5, 0.25, 0, 1), (1e-4, 0, 0, 1e-3, 1_000_000)] as [(Float, Float, Float, Float, Int)])
  func adamStepHasTheFormulasBits(rate: Float, b1: Float, b2: Float, eps: Float, step: Int) {
    let c1 = 1 - Float.pow(b1, step), c2 = 1 - Float.pow(b2, step)
    var generator = SplitMix64(seed: 29)
    let edges: [Float] = [0, -0.0, 1e-20, -1e-20, 1e19, -1e19, .leastNonzeroMagnitude, .leastNormalMagnitude,
                          .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 1, -1]
    func value(_ scale: Float) -> Float {
      Int.random(in: 0..<4, using: &generator) == 0 ? edges.randomElement(using: &generator)!
        : Float.random(in: -scale...scale, using: &generator)
    }
    for count in Array(0...40) + [63, 64, 65, 1000, 16_389] {
      let g = (0..<count).map { _ in value(1) }
      let p0 = (0..<count).map { _ in value(1) }
      let m0 = (0..<count).map { _ in value(0.1) }
      let v0 = (0..<count).map { _ in abs(value(0.01)) }
      var (p, m, v) = (p0 + [12345], m0 + [12345], v0 + [12345])
      p.withUnsafeMutableBufferPointer { p in
        m.withUnsafeMutableBufferPointer { m in
          v.withUnsafeMutableBufferPointer { v in
            Kernels.adamStepInC(parameters: p.baseAddress!, firstMoments: m.baseAddress!, secondMoments: v.baseAddress!,
                                gradients: g, count: count, rate: rate, beta1: b1, beta2: b2, epsilon: eps,
                                correction1: c1, correction2: c2)
          }
        }
      }
      var mismatches: [Int] = []
      for j in 0..<count {
        let e = Self.expected(p: p0[j], m: m0[j], v: v0[j], g: g[j], rate: rate, b1: b1, b2: b2, eps: eps, c1: c1, c2: c2)
        if !Self.same(p[j], e.p) || !Self.same(m[j], e.m) || !Self.same(v[j], e.v) { mismatches.append(j) }
      }
      #expect(mismatches.isEmpty, "count \(count): \(mismatches.prefix(3).map { (g[$0], p0[$0], m0[$0], v0[$0]) })")
      #expect(p[count] == 12345 && m[count] == 12345 && v[count] == 12345, "count \(count) wrote past the end")
    }
  }
}
