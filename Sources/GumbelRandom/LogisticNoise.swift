import GumbelKernels
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
    // A generic caller in another module (the relaxed Bernoulli, through the estimators) runs
    // this unspecialised, at hundreds of nanoseconds an element: Float and Double run the body
    // by name (the comparisons fold away once specialised), the same operations.
    if Scalar.self == Float.self { return kernelCast(logisticUnchecked(count: count, as: Float.self), to: [Scalar].self) }
    if Scalar.self == Double.self { return kernelCast(logisticUnchecked(count: count, as: Double.self), to: [Scalar].self) }
    return logisticUnchecked(count: count, as: Scalar.self)
  }

  /// The body of ``logistic(count:as:)``.
  func logisticUnchecked<Scalar: RandomFloatingPoint>(count: Int, as type: Scalar.Type) -> [Scalar] {
    let tiny = Scalar.leastNormalMagnitude
    return uniformUnchecked(count: count, minval: tiny, maxval: 1).map { u in
      Scalar.log(u) - Scalar.log(onePlus: -u)
    }
  }
}
