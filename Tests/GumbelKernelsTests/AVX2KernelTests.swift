import GumbelKernels
import Testing

/// The AVX2 exponential against the Swift one: the same bits on every input, or the softmax
/// would depend on the processor.
@Suite(.enabled(if: AVX2.isEnabled, "this processor runs the Swift kernels only"))
struct AVX2KernelTests {
  /// C's results for `x`, eight lanes through a buffer.
  static func avx2Exp(_ x: SIMD8<Float>) -> SIMD8<Float> {
    var buffer = (0..<8).map { x[$0] }
    buffer.withUnsafeMutableBufferPointer { AVX2.expOfNonPositiveInPlace($0.baseAddress!, count: 8) }
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
      buffer.withUnsafeMutableBufferPointer { AVX2.expOfNonPositiveInPlace($0.baseAddress!, count: count) }
      for i in 0..<count {
        let expected = VectorMath.expOfNonPositive(SIMD8(repeating: input[i]))[0]
        #expect(buffer[i].bitPattern == expected.bitPattern, "count \(count), element \(i)")
      }
      #expect(buffer[count] == 12345, "count \(count) wrote past the end")
    }
  }
}
