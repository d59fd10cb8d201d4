import _Differentiation
import GumbelTensor

/// A value made of parameter tensors in a fixed order: a model, or its gradient.
///
/// Optimisers work on this flat view, so they need no key paths: `parameters` lists the tensors
/// (a gradient may list the scalar ``Tensor/zero`` for a parameter that got no gradient), and
/// setting it replaces them in the same order.
public protocol ParameterGroup<Scalar> {
  associatedtype Scalar: TensorFloatingPoint
  /// The parameter tensors, in a fixed order.
  var parameters: [Tensor<Scalar>] { get set }

  /// Calls `body` on each parameter tensor, in the order of ``parameters``, in place: an
  /// optimiser changes a tensor's elements there without copying them when nothing else
  /// holds them. The default gets ``parameters``, changes them and sets them (a copy).
  mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void)
}

extension ParameterGroup {
  @inlinable
  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {
    var tensors = parameters
    for i in tensors.indices { body(&tensors[i]) }
    parameters = tensors
  }
}

/// A differentiable model whose parameters and gradients both list their tensors, which is what
/// the optimisers (``SGD``, ``Adam``) and checkpoints need.
public protocol TrainableModel: Differentiable, ParameterGroup
where TangentVector: ParameterGroup, TangentVector.Scalar == Scalar {}

/// A neural-network layer: a differentiable function of a batch of inputs `[batch, features]`,
/// in the style of a Haiku module (parameters made from a ``PRNGKey`` when the layer is built).
/// Configuration that is not trained is `@noDerivative`.
public protocol Layer: TrainableModel {
  /// The layer applied to `input`. Differentiable with respect to the layer and the input, and
  /// with respect to the layer alone (the first layer of a network, whose input is data, skips
  /// the input's gradient).
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}

/// The tangent vector of a layer without parameters (an activation function).
public struct NoParameters<Scalar: TensorFloatingPoint>: Differentiable, AdditiveArithmetic, ParameterGroup, Sendable {
  public typealias TangentVector = NoParameters
  @inlinable
  public init() {}
  @inlinable
  public static var zero: NoParameters { NoParameters() }
  @inlinable
  public static func + (lhs: NoParameters, rhs: NoParameters) -> NoParameters { NoParameters() }
  @inlinable
  public static func - (lhs: NoParameters, rhs: NoParameters) -> NoParameters { NoParameters() }
  @inlinable
  public mutating func move(by offset: NoParameters) {}
  @inlinable
  public var parameters: [Tensor<Scalar>] {
    get { [] }
    set { precondition(newValue.isEmpty, "a layer without parameters got \(newValue.count) tensors") }
  }
  @inlinable
  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {}
}

/// A layer without parameters: an element-wise function.
public protocol ParameterFreeLayer: Layer where TangentVector == NoParameters<Scalar> {}

extension ParameterFreeLayer {
  @inlinable
  public mutating func move(by offset: NoParameters<Scalar>) {}
  @inlinable
  public var parameters: [Tensor<Scalar>] {
    get { [] }
    set { precondition(newValue.isEmpty, "a layer without parameters got \(newValue.count) tensors") }
  }
  @inlinable
  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {}
}
