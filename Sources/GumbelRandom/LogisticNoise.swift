import RealModule

extension PRNGKey {
  /// Standard logistic noise, like `jax.random.logistic(key, shape, dtype)`:
  /// `log(u) - log(1 - u)` with `u` uniform in [`tiny`, 1), so always finite. It is the
  /// difference of two independent standard Gumbel variables, the noise of the binary
  /// Concrete (relaxed Bernoulli) distribution. Its cdf is `1 / (1 + exp(-x))`.
  public func logistic<Scalar: RandomFloatingPoint>(
    shape: [Int], as type: Scalar.Type = Scalar.self
  ) throws(RandomError) -> [Scalar] {
    logistic(count: try RandomLimits.elementCount(of: shape))
  }

  /// `count` standard logistic samples, for callers whose size is already known to be valid.
  /// - Precondition: `0 <= count <= RandomLimits.maxElementCount`.
  public func logistic<Scalar: RandomFloatingPoint>(count: Int, as type: Scalar.Type = Scalar.self) -> [Scalar] {
    precondition(count >= 0 && count <= RandomLimits.maxElementCount, "invalid sample count \(count)")
    let tiny = Scalar.leastNormalMagnitude
    return uniformUnchecked(count: count, minval: tiny, maxval: 1).map { u in
      Scalar.log(u) - Scalar.log(onePlus: -u)
    }
  }
}
