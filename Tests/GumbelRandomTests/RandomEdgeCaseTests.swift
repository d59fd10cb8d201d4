import GumbelRandom
import Testing

/// Hostile random words, bad shapes and bad logits.
@Suite struct RandomEdgeCaseTests {
  @Test func extremeWordsGiveFiniteGumbelNoise() {
    // All-zero bits: u = tiny, the clamp of JAX's gumbel; all-one bits: u = 1 - 2^-23 (or 2^-52).
    let lowF = Float.standardGumbel(fromRandomWord: 0)
    let highF = Float.standardGumbel(fromRandomWord: .max)
    #expect(lowF.isFinite && highF.isFinite)
    #expect(abs(lowF - (-Float.log(-Float.log(Float.leastNormalMagnitude)))) <= 1e-6)
    #expect(abs(Double(highF) - (-Double.log(-Double.log(1 - 0x1p-23)))) <= 1e-4)
    let lowD = Double.standardGumbel(fromRandomWord: 0)
    let highD = Double.standardGumbel(fromRandomWord: .max)
    #expect(lowD.isFinite && highD.isFinite && lowD < -6.5 && highD > 36)
    #expect(Float.unitInterval(fromRandomWord: .max) == 1 - 0x1p-23)
    #expect(Double.unitInterval(fromRandomWord: .max) == 1 - 0x1p-52)
  }

  @Test func allOnesKeyDoesNotTrap() throws {
    let key = PRNGKey(words: (.max, .max), scheme: .original)
    #expect(try key.bits32(shape: [9]).count == 9)
    #expect(key.split(into: 3).count == 3)
    _ = key.fold(in: .max)
  }

  @Test func badShapesAreRefusedBeforeAllocating() throws {
    let key = PRNGKey(seed: 0)
    #expect(throws: RandomError.negativeDimension(shape: [2, -1])) { try key.uniform(shape: [2, -1], as: Float.self) }
    #expect(throws: RandomError.tooManyElements(shape: [1 << 20, 1 << 20])) { try key.gumbel(shape: [1 << 20, 1 << 20], as: Float.self) }
    #expect(throws: RandomError.tooManyElements(shape: [Int.max, 3])) { try key.bits32(shape: [Int.max, 3]) }
    #expect(try key.bits32(shape: [0, 5]).isEmpty)
  }

  @Test func badRangesAndLogitsAreRefused() {
    let key = PRNGKey(seed: 0)
    #expect(throws: RandomError.invalidRange(minval: 1, maxval: 1)) { try key.uniform(shape: [1], minval: Float(1), maxval: 1) }
    #expect(throws: RandomError.emptyLogits) { try key.categorical(logits: [Float]()) }
    #expect(throws: RandomError.invalidLogit(index: 1, value: .infinity)) { try key.categorical(logits: [0, Float.infinity]) }
    #expect(throws: RandomError.allLogitsMasked(row: 1)) {
      try key.categorical(logits: [0, 1, -Float.infinity, -Float.infinity], logitsShape: [2, 2])
    }
    #expect(throws: RandomError.shapeMismatch(sampleShape: [3], batchShape: [2])) {
      try key.categorical(logits: [0, 1, 2, 3], logitsShape: [2, 2], shape: [3])
    }
    let nan = (try? key.categorical(logits: [0, Float.nan])) == nil
    #expect(nan)
  }

  @Test func maskedCategoriesAreNeverDrawn() throws {
    let logits: [Float] = [0, -.infinity, 3, -.infinity, -5]
    let draws = try PRNGKey(seed: 7).categorical(logits: logits, shape: [20_000])
    #expect(!draws.contains(1) && !draws.contains(3))
    #expect(draws.contains(4))
  }

  @Test func sequenceRepeatsSplitting() {
    var sequence = PRNGSequence(seed: 3, scheme: .original)
    var key = PRNGKey(seed: 3, scheme: .original)
    for _ in 0..<4 {
      let (carry, subkey) = key.split()
      #expect(sequence.nextKey() == subkey)
      key = carry
    }
  }
}
