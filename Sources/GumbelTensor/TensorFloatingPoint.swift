import _Differentiation
import RealModule

/// The scalar types a ``Tensor`` holds: `Float` and `Double`.
///
/// The arithmetic and the elementary functions (`Real`), differentiable with themselves as
/// their tangents. The inner loops of the softmax, its derivative and the matrix product are
/// kernels of the package: `Float` runs them eight lanes at a time (in C with AVX2 where the
/// processor has it), `Double` one element at a time, and any other conforming type in generic
/// Swift.
public protocol TensorFloatingPoint: BinaryFloatingPoint, Real, Differentiable, Sendable
where TangentVector == Self {}

extension Float: TensorFloatingPoint {}

extension Double: TensorFloatingPoint {}
