import GumbelRandom
import GumbelTensor

/// The Gumbel (type I extreme value) distribution with location `mu` and scale `beta > 0`.
///
/// - cdf: `F(x) = exp(-exp(-(x - mu) / beta))`
/// - log-density: `log f(x) = -log beta - z - exp(-z)` with `z = (x - mu) / beta`
/// - quantile: `F^-1(p) = mu - beta log(-log p)`
/// - mean `mu + beta gamma` (gamma the Euler-Mascheroni constant), variance `pi^2 beta^2 / 6`,
///   entropy `log beta + gamma + 1`.
///
/// Reference: E. J. Gumbel, "Statistical Theory of Extreme Values and Some Practical
/// Applications", 1954. Samples are `mu + beta g` with `g` from `jax.random.gumbel`.
public struct Gumbel<Scalar: DistributionFloatingPoint>: Sendable, Equatable {
  public let location: Scalar
  public let scale: Scalar

  /// The standard Gumbel distribution: location 0, scale 1.
  public static var standard: Gumbel { Gumbel(uncheckedLocation: 0, scale: 1) }

  /// A Gumbel distribution, checked: finite location, finite positive scale.
  public init(location: Scalar = 0, scale: Scalar = 1) throws(DistributionError) {
    guard location.isFinite else { throw .invalidParameter(name: "location", value: Double(location)) }
    guard scale.isFinite, scale > 0 else { throw .invalidParameter(name: "scale", value: Double(scale)) }
    self.init(uncheckedLocation: location, scale: scale)
  }

  private init(uncheckedLocation location: Scalar, scale: Scalar) {
    self.location = location
    self.scale = scale
  }

  /// Samples of the given shape: `location + scale * jax.random.gumbel(key, shape)`.
  public func sample(using key: PRNGKey, shape: [Int]) throws(RandomError) -> Tensor<Scalar> {
    let noise = try key.gumbel(shape: shape, as: Scalar.self)
    return Tensor(shape: shape, scalars: noise.map { location + scale * $0 })
  }

  public func logDensity(_ x: Scalar) -> Scalar {
    let z = (x - location) / scale
    return -Scalar.log(scale) - z - Scalar.exp(-z)
  }

  public func cdf(_ x: Scalar) -> Scalar { Scalar.exp(-Scalar.exp(-(x - location) / scale)) }

  /// The value below which a fraction `p` of the mass lies, for `p` in (0, 1); `-infinity` at 0
  /// and `+infinity` at 1.
  public func quantile(_ p: Scalar) -> Scalar { location - scale * Scalar.log(-Scalar.log(p)) }

  public var mean: Scalar { location + scale * Scalar.eulerGamma }
  public var variance: Scalar { Scalar.pi * Scalar.pi * scale * scale / 6 }
  public var entropy: Scalar { Scalar.log(scale) + Scalar.eulerGamma + 1 }
}
