import GumbelKernels
import Testing
import _GumbelTestSupport

/// The AVX2 Threefry counters and Gumbel transform against the Swift ones: every word and
/// every sample must have the same bits, whichever kernel a processor runs.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct RandomCFormTests {
  /// The Swift form of the transform of one word (lane 0 of the eight-lane form).
  static func standardGumbel(fromRandomWord word: UInt32) -> Float {
    (Kernels.standardGumbel(fromRandomWords: SIMD8(repeating: word)) as SIMD8<Float>)[0]
  }

  static func words(
    key: (UInt32, UInt32), range: Range<Int>, first: (Int, Int), firstCountsUp: Bool, output: Int32
  ) -> [UInt32] {
    var out = [UInt32](repeating: 0xAAAA_AAAA, count: range.count + 1)
    out.withUnsafeMutableBufferPointer {
      Kernels.threefryWordsInC(
        key: key, range: range, first: first, firstCountsUp: firstCountsUp, output: Kernels.ThreefryOutput(rawValue: output)!, into: $0.baseAddress!)
    }
    #expect(out.last == 0xAAAA_AAAA, "wrote past the end of \(range)")
    return Array(out.dropLast())
  }

  /// Random123's known answer (key (0x13198a2e, 0x03707344), counter (0x243f6a88, 0x85a308d3))
  /// as the first and second output of a one-counter range.
  @Test func threefryKnownAnswer() {
    let key: (UInt32, UInt32) = (0x1319_8a2e, 0x0370_7344)
    let first = (0x243f_6a88, 0x85a3_08d3)
    #expect(Self.words(key: key, range: 0..<1, first: first, firstCountsUp: false, output: 1) == [0xc492_3a9c])
    #expect(Self.words(key: key, range: 0..<1, first: first, firstCountsUp: false, output: 2) == [0x483d_f7a0])
    #expect(Self.words(key: key, range: 0..<1, first: first, firstCountsUp: false, output: 0) == [0xc492_3a9c ^ 0x483d_f7a0])
  }

  /// Each word against the scalar hash of its counter, for ranges of every length up to 70
  /// at several starts, counters that wrap past 2^32, all three outputs and both counter forms.
  @Test func threefryWordsEqualScalarHashes() {
    let keys: [(UInt32, UInt32)] = [(0, 0), (.max, .max), (0xDEAD_BEEF, 0x0123_4567)]
    let firsts = [(0, 0), (5, 1 << 40), (-7, Int(UInt32.max) - 20)]
    var checked = 0, mismatchCount = 0, mismatches = ""
    for key in keys {
      for first in firsts {
        for start in [0, 3, 1_000_003] {
          for length in 0...70 {
            for firstCountsUp in [false, true] {
              for output: Int32 in 0...2 {
                let range = start..<(start + length)
                let words = Self.words(key: key, range: range, first: first, firstCountsUp: firstCountsUp, output: output)
                for (i, j) in range.enumerated() {
                  let counter = (
                    UInt32(truncatingIfNeeded: (firstCountsUp ? j : 0) + first.0), UInt32(truncatingIfNeeded: j + first.1))
                  let (y0, y1) = Kernels.threefryHash(key: key, counter: counter)
                  let expected = output == 0 ? y0 ^ y1 : output == 1 ? y0 : y1
                  if words[i] != expected {
                    if mismatches.isEmpty { mismatches = "key \(key), first \(first), j \(j), output \(output)" }
                    mismatchCount += 1
                  }
                  checked += 1
                }
              }
            }
          }
        }
      }
    }
    #expect(checked > 100_000)
    #expect(mismatchCount == 0, "\(mismatchCount) words differ, the first at \(mismatches)")
  }

  /// Every 65,537th word and the extreme words: the AVX2 transform gives the Swift kernel's
  /// sample, for lengths that end in partial groups too.
  @Test func gumbelTransformHasTheSwiftKernelsBits() {
    var words: [UInt32] = [0, 1, 0x1FF, 0x200, 0x3FF, 0x8000_0000, .max - 0x1FF, .max]
    var w: UInt32 = 12345
    while w < UInt32.max - 65_537 {
      words.append(w)
      w += 65_537
    }
    for count in [words.count, 1, 7, 8, 9, 15, 16, 17, 33] {
      var buffer = words.prefix(count).map { Float(bitPattern: $0) }
      buffer.withUnsafeMutableBufferPointer { Kernels.standardGumbelInC($0.baseAddress!, count: count) }
      var mismatches = 0
      for i in 0..<count where buffer[i].bitPattern != Self.standardGumbel(fromRandomWord: words[i]).bitPattern {
        mismatches += 1
      }
      #expect(mismatches == 0, "count \(count)")
    }
  }

  /// The transform with an addend (a draw's logits) gives the Swift kernel's sample plus the
  /// addend, bit for bit, for addends of every sign and size, zeros of both signs (a sample plus
  /// `-0` keeps its sign of zero, never a `+0` from adding `+0`) and `-infinity`.
  @Test func gumbelTransformWithAnAddendHasTheSwiftKernelsBits() {
    var rng = SplitMix64(seed: 31)
    for count in [1, 7, 8, 31, 32, 33, 64, 100, 2048] {
      let words = (0..<count).map { _ in UInt32.random(in: 0...UInt32.max, using: &rng) }
      let addend = (0..<count).map { i -> Float in
        switch i % 5 {
        case 0: -0.0
        case 1: -.infinity
        case 2: Float.random(in: -1e6...1e6, using: &rng)
        default: Float.random(in: -3...3, using: &rng)
        }
      }
      var buffer = words.map { Float(bitPattern: $0) }
      addend.withUnsafeBufferPointer { addend in
        buffer.withUnsafeMutableBufferPointer {
          Kernels.standardGumbelInC($0.baseAddress!, count: count, adding: addend.baseAddress!)
        }
      }
      let expected = (0..<count).map { Self.standardGumbel(fromRandomWord: words[$0]) + addend[$0] }
      #expect(buffer.map(\.bitPattern) == expected.map(\.bitPattern), "count \(count)")
    }
  }
}
