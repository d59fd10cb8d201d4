import _Differentiation
import RealModule

/// The scalar types a ``Tensor`` holds: `Float` and `Double`.
public protocol TensorFloatingPoint: BinaryFloatingPoint, Real, Differentiable, Sendable
where TangentVector == Self {}

extension Float: TensorFloatingPoint {}
extension Double: TensorFloatingPoint {}
