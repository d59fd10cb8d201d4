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

  /// The noise in blocks of `Parallelism.blockRows(elementsPerRow:targetElements:)` samples,
  /// spread over `Parallelism.maxThreads` threads.
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

  /// Samples `range` of the `count` standard Gumbel samples of `key`, written to
  /// `out[0..<range.count]`: equal, bit for bit, to the same elements of
  /// `key.gumbel(count: count)`. `Float` runs the vectorised transform
  /// (`Kernels.standardGumbel(_:count:adding:)`); other types one sample per word, through
  /// ``standardGumbel(fromRandomWord:)``.
  @inlinable @inline(__always)
  package static func standardGumbelSamples(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<Self>) {
    standardGumbelSamples(key: key, count: count, range: range, adding: nil, into: out)
  }

  /// ``standardGumbelSamples(key:count:range:into:)`` plus `addend[i]` for each sample
  /// `out[i]`, if `addend` is given: the perturbed logits `logits + g` of a Gumbel-max draw,
  /// with the bits of the samples followed by the additions (`Float`'s C form adds them in
  /// the pass that makes the samples).
  @inlinable @inline(__always)
  package static func standardGumbelSamples(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Self>?, into out: UnsafeMutablePointer<Self>
  ) {
    if Self.self == Float.self {
      let out = out.kernelCast(to: Float.self), n = range.count
      out.withMemoryRebound(to: UInt32.self, capacity: n) { words in
        RandomBits.words32(key: key, count: count, range: range, into: words)
      }
      Kernels.standardGumbel(out, count: n, adding: addend?.kernelCast(to: Float.self))
    } else if Self.self == Double.self {
      Double.standardGumbelSamplesOneByOne(
        key: key, count: count, range: range, adding: addend?.kernelCast(to: Double.self), into: out.kernelCast(to: Double.self))
    } else {
      standardGumbelSamplesOneByOne(key: key, count: count, range: range, adding: addend, into: out)
    }
  }

  /// One sample per word, through ``standardGumbel(fromRandomWord:)``, then the additions.
  @inlinable
  static func standardGumbelSamplesOneByOne(
    key: PRNGKey, count: Int, range: Range<Int>, adding addend: UnsafePointer<Self>?, into out: UnsafeMutablePointer<Self>
  ) {
    let words = [RandomWord](unsafeUninitializedCapacity: range.count) { words, initialized in
      randomWords(key: key, count: count, range: range, into: words.baseAddress!)
      initialized = range.count
    }
    for (i, word) in words.enumerated() { (out + i).initialize(to: standardGumbel(fromRandomWord: word)) }
    if let addend { for i in 0..<range.count { out[i] += addend[i] } }
  }
}
