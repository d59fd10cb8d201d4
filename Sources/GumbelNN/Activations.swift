import _Differentiation
import GumbelTensor

/// The rectified linear unit, `max(x, 0)`, as a layer (`jax.nn.relu`).
public struct ReLU<Scalar: TensorFloatingPoint>: ParameterFreeLayer {
  public typealias TangentVector = NoParameters<Scalar>
  @inlinable
  public init() {}
  @inlinable
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.relu() }
}

/// The logistic sigmoid, `1 / (1 + e^-x)`, as a layer (`jax.nn.sigmoid`).
public struct Sigmoid<Scalar: TensorFloatingPoint>: ParameterFreeLayer {
  public typealias TangentVector = NoParameters<Scalar>
  @inlinable
  public init() {}
  @inlinable
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.sigmoid() }
}

/// `log(1 + e^x)` as a layer (`jax.nn.softplus`).
public struct Softplus<Scalar: TensorFloatingPoint>: ParameterFreeLayer {
  public typealias TangentVector = NoParameters<Scalar>
  @inlinable
  public init() {}
  @inlinable
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.softplus() }
}

/// `log(sigmoid(x))` as a layer (`jax.nn.log_sigmoid`).
public struct LogSigmoid<Scalar: TensorFloatingPoint>: ParameterFreeLayer {
  public typealias TangentVector = NoParameters<Scalar>
  @inlinable
  public init() {}
  @inlinable
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> { input.logSigmoid() }
}
