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

  @inlinable
  func gumbelUnchecked<Scalar: RandomFloatingPoint>(count: Int) -> [Scalar] {
    Scalar.randomWords(key: self, count: count).map(Scalar.standardGumbel(fromRandomWord:))
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
}
