import GumbelKernels
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
    // The sixteen-lane form (the one the samplers use) in every lane.
    var x0 = SIMD16<UInt32>(repeating: vector.counter.0), x1 = SIMD16<UInt32>(repeating: vector.counter.1)
    Kernels.threefryHash(key: vector.key, &x0, &x1)
    #expect(x0 == SIMD16(repeating: vector.expected.0))
    #expect(x1 == SIMD16(repeating: vector.expected.1))
  }

  @Test func sixteenLanesEqualTwoGroupsOfEight() {
    let key: (UInt32, UInt32) = (0xFFFF_FFFF, 0x8000_0001)
    var x0 = SIMD16<UInt32>(), x1 = SIMD16<UInt32>()
    for lane in 0..<16 {
      x0[lane] = UInt32(lane) &* 0x9E37_79B9
      x1[lane] = UInt32.max &- UInt32(lane * lane)
    }
    var low0 = x0.lowHalf, low1 = x1.lowHalf, high0 = x0.highHalf, high1 = x1.highHalf
    Kernels.threefryHash(key: key, &x0, &x1)
    Kernels.threefryHash(key: key, &low0, &low1)
    Kernels.threefryHash(key: key, &high0, &high1)
    #expect(x0 == SIMD16(lowHalf: low0, highHalf: high0))
    #expect(x1 == SIMD16(lowHalf: low1, highHalf: high1))
  }

  @Test func simdLanesEqualScalarHashes() {
    let key: (UInt32, UInt32) = (0xDEAD_BEEF, 0x0123_4567)
    var x0 = SIMD8<UInt32>(0, 1, 2, 3, .max, 5, 6, 7)
    var x1 = SIMD8<UInt32>(9, 8, 7, 6, .max, 4, 3, 2)
    let counters = (0..<8).map { (x0[$0], x1[$0]) }
    Kernels.threefryHash(key: key, &x0, &x1)
    for (lane, counter) in counters.enumerated() {
      #expect(Threefry2x32.hash(key: key, counter: counter) == (x0[lane], x1[lane]))
    }
  }
}
