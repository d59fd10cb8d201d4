import _Differentiation
import GumbelTensor

/// Two layers applied one after the other, `second(first(x))`; longer chains nest, as built by
/// ``LayerBuilder`` (the counterpart of `hk.Sequential([...])`):
///
///     var keys = PRNGSequence(seed: 0)
///     let mlp = Sequential {
///       Dense<Float>(inputSize: 784, outputSize: 512, key: keys.nextKey())
///       ReLU<Float>()
///       Dense<Float>(inputSize: 512, outputSize: 10, key: keys.nextKey())
///     }
public struct Sequential<First: Layer, Second: Layer>: Layer where First.Scalar == Second.Scalar {
  public typealias Scalar = First.Scalar
  public var first: First
  public var second: Second

  @inlinable
  public init(_ first: First, _ second: Second) {
    self.first = first
    self.second = second
  }

  /// The layers listed in `layers`, in order.
  @inlinable
  public init(@LayerBuilder _ layers: () -> Sequential) {
    self = layers()
  }

  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    second(first(input))
  }

  @inlinable
  public var parameters: [Tensor<Scalar>] {
    get { first.parameters + second.parameters }
    set {
      let split = first.parameters.count
      first.parameters = Array(newValue[..<split])
      second.parameters = Array(newValue[split...])
    }
  }

  @inlinable
  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {
    first.updateParameters(body)
    second.updateParameters(body)
  }
}

extension Sequential {
  /// The gradient of both layers.
  public struct TangentVector: Differentiable, AdditiveArithmetic, ParameterGroup {
    public typealias TangentVector = Self
    public var first: First.TangentVector
    public var second: Second.TangentVector

    @inlinable
    public init(first: First.TangentVector, second: Second.TangentVector) {
      self.first = first
      self.second = second
    }

    @inlinable
    public var parameters: [Tensor<Scalar>] {
      get { first.parameters + second.parameters }
      set {
        let split = first.parameters.count
        first.parameters = Array(newValue[..<split])
        second.parameters = Array(newValue[split...])
      }
    }

    // The conformances, written out so that other modules can specialise them.
    @inlinable
    public static var zero: Self { Self(first: .zero, second: .zero) }
    @inlinable
    public static func + (lhs: Self, rhs: Self) -> Self { Self(first: lhs.first + rhs.first, second: lhs.second + rhs.second) }
    @inlinable
    public static func - (lhs: Self, rhs: Self) -> Self { Self(first: lhs.first - rhs.first, second: lhs.second - rhs.second) }
    @inlinable
    public mutating func move(by offset: Self) {
      first.move(by: offset.first)
      second.move(by: offset.second)
    }
  }

  @inlinable
  public mutating func move(by offset: TangentVector) {
    first.move(by: offset.first)
    second.move(by: offset.second)
  }
}

/// Builds nested ``Sequential`` layers from a list.
@resultBuilder
public enum LayerBuilder {
  public static func buildPartialBlock<L: Layer>(first: L) -> L { first }

  public static func buildPartialBlock<L1: Layer, L2: Layer>(accumulated: L1, next: L2) -> Sequential<L1, L2>
  where L1.Scalar == L2.Scalar {
    Sequential(accumulated, next)
  }
}
