import GumbelRandom
import GumbelTensor

/// The scalar types of the distributions: `Float` and `Double`, which both the samplers
/// (``RandomFloatingPoint``) and the differentiable arrays (``TensorFloatingPoint``) support.
public protocol DistributionFloatingPoint: RandomFloatingPoint, TensorFloatingPoint {}

extension Float: DistributionFloatingPoint {}

extension Double: DistributionFloatingPoint {}

extension DistributionFloatingPoint {
  /// The Euler-Mascheroni constant, the mean of the standard Gumbel distribution.
  public static var eulerGamma: Self { Self(0.577_215_664_901_532_860_606_512_090_082_402_431_04) }
}
