import GumbelRandom
import Testing

/// Known-answer vectors of Threefry-2x32 with 20 rounds, from the Random123 distribution
/// (`kat_vectors`), as also pinned in JAX's `tests/random_test.py`.
@Suite struct Threefry2x32Tests {
  @Test(arguments: [
    (key: (UInt32(0), UInt32(0)), counter: (UInt32(0), UInt32(0)), expected: (UInt32(0x6b20_0159), UInt32(0x99ba_4efe))),
    (key: (UInt32.max, UInt32.max), counter: (UInt32.max, UInt32.max), expected: (UInt32(0x1cb9_96fc), UInt32(0xbb00_2be7))),
    (key: (UInt32(0x1319_8a2e), UInt32(0x0370_7344)), counter: (UInt32(0x243f_6a88), UInt32(0x85a3_08d3)),
     expected: (UInt32(0xc492_3a9c), UInt32(0x483d_f7a0))),
  ] as [(key: (UInt32, UInt32), counter: (UInt32, UInt32), expected: (UInt32, UInt32))])
  func random123KnownAnswers(vector: (key: (UInt32, UInt32), counter: (UInt32, UInt32), expected: (UInt32, UInt32))) {
    let output = Threefry2x32.hash(key: vector.key, counter: vector.counter)
    #expect(output == vector.expected)
  }

  @Test func simdLanesEqualScalarHashes() {
    let key: (UInt32, UInt32) = (0xDEAD_BEEF, 0x0123_4567)
    var x0 = SIMD8<UInt32>(0, 1, 2, 3, .max, 5, 6, 7)
    var x1 = SIMD8<UInt32>(9, 8, 7, 6, .max, 4, 3, 2)
    let counters = (0..<8).map { (x0[$0], x1[$0]) }
    Threefry2x32.hash(key: key, &x0, &x1)
    for (lane, counter) in counters.enumerated() {
      #expect(Threefry2x32.hash(key: key, counter: counter) == (x0[lane], x1[lane]))
    }
  }
}
