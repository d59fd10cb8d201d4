import GumbelKernels
import RealModule

extension PRNGKey {
  /// Standard Gumbel noise, like `jax.random.gumbel(key, shape, dtype)`.
  ///
  /// A sample is `-log(-log(u))` with `u` uniform in [`tiny`, 1), where `tiny` is the least
  /// positive normal number of the type (JAX's clamping). So the noise is always finite:
  /// all-zero random bits give `u = tiny` and the smallest value, `-log(-log(tiny))`
  /// (about -4.47 for `Float`), and all-one bits give the largest value below 1 and
  /// `-log(-log(1 - 2^-23))` (about 15.9 for `Float`).
  ///
  /// The Gumbel distribution has cdf `exp(-exp(-x))`; see ``Gumbel`` in GumbelDistributions
  /// for its density and moments.
  public func gumbel<Scalar: RandomFloatingPoint>(
    shape: [Int], as type: Scalar.Type = Scalar.self
  ) throws(RandomError) -> [Scalar] {
    gumbelUnchecked(count: try RandomLimits.elementCount(of: shape))
  }

  /// The noise in blocks of ``Parallelism/blockRows(elementsPerRow:targetElements:)`` samples,
  /// spread over ``Parallelism/maxThreads`` threads.
  @inlinable
  func gumbelUnchecked<Scalar: RandomFloatingPoint>(count: Int) -> [Scalar] {
    [Scalar](count: count, placeholder: 0) { out in
      let base = out.baseAddress!
      Parallelism.forEachBlock(rows: count, elementsPerRow: 1, blockRows: Parallelism.blockRows(elementsPerRow: 1)) { _, range in
        Scalar.standardGumbelSamples(key: self, count: count, range: range, into: base + range.lowerBound)
      }
    }
  }
}

extension PRNGKey {
  /// `count` standard Gumbel samples, the same as `gumbel(shape: [count])`, for callers whose
  /// shape is already known to be valid (such as the shape of an existing array).
  ///
  /// - Precondition: `0 <= count <= RandomLimits.maxElementCount`.
  public func gumbel<Scalar: RandomFloatingPoint>(count: Int, as type: Scalar.Type = Scalar.self) -> [Scalar] {
    precondition(count >= 0 && count <= RandomLimits.maxElementCount, "invalid sample count \(count)")
    return gumbelUnchecked(count: count)
  }
}

extension RandomFloatingPoint {
  /// The standard Gumbel sample that one random word gives: `-log(-log(u))` with
  /// `u = max(tiny, unitInterval(word) * (1 - tiny) + tiny)`, as `jax.random.gumbel` computes it.
  /// Finite for every word, including all zeros and all ones.
  @inlinable @inline(__always)
  public static func standardGumbel(fromRandomWord word: RandomWord) -> Self {
    let tiny = leastNormalMagnitude
    // `u * (1 - tiny) + tiny` rounds to `u + tiny`, as in JAX: the same value for u > 0.
    let u = Swift.max(tiny, tiny.addingProduct(unitInterval(fromRandomWord: word), 1 - tiny))
    return -log(-log(u))
  }

  /// The samples, then the additions.
  @inlinable
  public static func standardGumbelSamples(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Self>, into out: UnsafeMutablePointer<Self>
  ) {
    standardGumbelSamples(key: key, count: count, range: range, into: out)
    for i in 0..<range.count { out[i] += addend[i] }
  }

  /// One sample per word, through ``standardGumbel(fromRandomWord:)``.
  @inlinable
  public static func standardGumbelSamples(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<Self>) {
    let words = [RandomWord](unsafeUninitializedCapacity: range.count) { words, initialized in
      randomWords(key: key, count: count, range: range, into: words.baseAddress!)
      initialized = range.count
    }
    for (i, word) in words.enumerated() { (out + i).initialize(to: standardGumbel(fromRandomWord: word)) }
  }
}

extension Float {
  /// Standard Gumbel samples of a vector of words at once, with ``VectorMath``'s logarithm:
  /// `u` is `unitInterval(word)` raised to `tiny` where it is 0 (for `u > 0`, JAX's
  /// `u * (1 - tiny) + tiny` rounds to `u`), and the sample `-log(-log(u))`.
  @inlinable @inline(__always)
  static func standardGumbel<V: FloatLanes>(fromRandomWords words: V.Bits) -> V {
    minusLog(minusLog(uniformAboveZero(fromRandomWords: words)))
  }

  /// `u = unitInterval(word)` lane by lane, raised to `tiny` where it is 0: u is 0 or at least
  /// 2^-23, so adding tiny changes only 0 (as JAX's `u * (1 - tiny) + tiny`).
  @inlinable @inline(__always)
  static func uniformAboveZero<V: FloatLanes>(fromRandomWords words: V.Bits) -> V {
    V(bitPattern: (words &>> 9) | 0x3F80_0000) - 1 + .leastNormalMagnitude
  }

  /// `-log(x)` lane by lane for positive normal `x`, the negation as a subtraction from 0 (the
  /// compiler keeps that in vector registers).
  @inlinable @inline(__always)
  static func minusLog<V: FloatLanes>(_ x: V) -> V {
    V() - VectorMath.logOfPositiveNormal(x)
  }

  /// The vectorised form of the generic sampler, with the same values.
  @inlinable @inline(__always)
  public static func standardGumbel(fromRandomWord word: UInt32) -> Float {
    (standardGumbel(fromRandomWords: SIMD8(repeating: word)) as SIMD8<Float>)[0]
  }

  /// The vectorised form of the generic sampler, with the same values: the words of `range`,
  /// then ``standardGumbelInPlace(_:count:)`` or, with ``AVX2/handles(count:)``, its AVX2 form
  /// ``AVX2/standardGumbelInPlace(_:count:adding:)``.
  @inlinable
  public static func standardGumbelSamples(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<Float>) {
    standardGumbelSamples(key: key, count: count, range: range, adding: nil, into: out)
  }

  /// With ``AVX2/handles(count:)``, the additions in the AVX2 kernel's last pass.
  @inlinable
  public static func standardGumbelSamples(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    standardGumbelSamples(key: key, count: count, range: range, adding: Optional(addend), into: out)
  }

  /// The words of `range`, their samples, and `addend`'s elements added if it is given: in
  /// the AVX2 kernel's last pass, or after the Swift kernel.
  @inlinable @inline(__always)
  static func standardGumbelSamples(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>
  ) {
    let n = range.count
    out.withMemoryRebound(to: UInt32.self, capacity: n) { words in
      RandomBits.words32(key: key, count: count, range: range, into: words)
    }
    if AVX2.handles(count: n) {
      AVX2.standardGumbelInPlace(out, count: n, adding: addend)
    } else {
      standardGumbelInPlace(out, count: n)
      if let addend { for i in 0..<n { out[i] += addend[i] } }
    }
  }

  /// Replaces each of the `count` random words at `out` (read as their bits) by its standard
  /// Gumbel sample, in Swift whatever the processor: sixteen or eight samples at a time (a
  /// last partial group is padded), with the same operations on every lane, so every sample
  /// has the same value whatever its position.
  @inlinable
  public static func standardGumbelInPlace(_ out: UnsafeMutablePointer<Float>, count n: Int) {
    let raw = UnsafeMutableRawPointer(out)
    // Sixteen at a time, and one logarithm per pass over the block: each logarithm is a chain
    // of dependent steps, and two vectors' chains side by side, in a loop short enough for the
    // processor to overlap its iterations, run faster than one (with AVX2 the second pass
    // saves about a tenth). Same operations per lane as `standardGumbel(fromRandomWords:)`, so
    // the same values.
    let wideEnd = n / 16 * 16
    var i = 0
    while i < wideEnd {
      let words = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<UInt32>.self)
      let u: SIMD16<Float> = uniformAboveZero(fromRandomWords: words)
      raw.storeBytes(of: minusLog(u), toByteOffset: 4 * i, as: SIMD16<Float>.self)
      i += 16
    }
    i = 0
    while i < wideEnd {
      let minusLogU = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
      raw.storeBytes(of: minusLog(minusLogU), toByteOffset: 4 * i, as: SIMD16<Float>.self)
      i += 16
    }
    // The rest eight at a time; the words of a last partial group are read as floats (the same
    // bits), padded with zero bits.
    while i < n {
      let words = VectorMath.load(out + i, count: n - i, padding: 0).bitPattern
      VectorMath.store(standardGumbel(fromRandomWords: words), to: out + i, count: n - i)
      i += 8
    }
  }
}
