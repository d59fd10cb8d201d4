extension PRNGKey {
  /// Uniform samples in [`minval`, `maxval`), like `jax.random.uniform(key, shape, dtype, minval, maxval)`.
  ///
  /// Each sample is `max(minval, u * (maxval - minval) + minval)`, with the multiply-add fused
  /// into one rounding as XLA does, and `u` in [0, 1) built from
  /// the top significand bits of one random word (see
  /// ``RandomFloatingPoint/unitInterval(fromRandomWord:)``), so `Float` samples are multiples
  /// of 2^-23 before scaling.
  public func uniform<Scalar: RandomFloatingPoint>(
    shape: [Int], minval: Scalar = 0, maxval: Scalar = 1, as type: Scalar.Type = Scalar.self
  ) throws(RandomError) -> [Scalar] {
    guard minval.isFinite, maxval.isFinite, minval < maxval else {
      throw .invalidRange(minval: Double(minval), maxval: Double(maxval))
    }
    let count = try RandomLimits.elementCount(of: shape)
    return uniformUnchecked(count: count, minval: minval, maxval: maxval)
  }

  /// `count` uniform samples in [0, 1), the same as `uniform(shape: [count])`, for callers whose
  /// shape is already known to be valid (such as the shape of an existing array).
  ///
  /// - Precondition: `0 <= count <= RandomLimits.maxElementCount`.
  @inlinable
  public func uniform<Scalar: RandomFloatingPoint>(count: Int, as type: Scalar.Type = Scalar.self) -> [Scalar] {
    precondition(count >= 0 && count <= RandomLimits.maxElementCount, "invalid sample count \(count)")
    return uniformUnchecked(count: count, minval: 0, maxval: 1)
  }

  @inlinable
  func uniformUnchecked<Scalar: RandomFloatingPoint>(count: Int, minval: Scalar, maxval: Scalar) -> [Scalar] {
    let width = maxval - minval
    return Scalar.randomWords(key: self, count: count).map { word in
      // One rounding, as XLA's fused multiply-add computes `u * width + minval`.
      Swift.max(minval, minval.addingProduct(Scalar.unitInterval(fromRandomWord: word), width))
    }
  }
}
