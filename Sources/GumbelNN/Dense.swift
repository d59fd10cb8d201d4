import _Differentiation
import Foundation
import GumbelRandom
import GumbelTensor

/// How a ``Dense`` layer's weights are drawn from its key (biases start at 0).
public enum WeightInitializer<Scalar: TensorFloatingPoint & RandomFloatingPoint>: Sendable {
  /// Haiku's default for `hk.Linear`: a normal of standard deviation `1 / sqrt(inputSize)`,
  /// truncated to two standard deviations (`hk.initializers.TruncatedNormal`).
  case haiku
  /// A normal of the given standard deviation truncated to two standard deviations, drawn as
  /// `jax.random.truncated_normal(key, -2, 2)` does (inverse CDF of a uniform).
  case truncatedNormal(standardDeviation: Scalar)
  /// Glorot & Bengio (2010): uniform in `±sqrt(6 / (inputSize + outputSize))`
  /// (`jax.nn.initializers.glorot_uniform`).
  case glorotUniform
  /// He et al. (2015): a normal of standard deviation `sqrt(2 / inputSize)`, truncated at two
  /// standard deviations, for ReLU networks.
  case heTruncatedNormal

  /// `count` weights for a layer of the given fan-in and fan-out.
  public func weights(count: Int, inputSize: Int, outputSize: Int, key: PRNGKey) -> [Scalar] {
    switch self {
    case .haiku:
      return Self.truncatedNormal(count: count, key: key).map { $0 / Scalar(inputSize).squareRoot() }
    case .truncatedNormal(let s):
      return Self.truncatedNormal(count: count, key: key).map { $0 * s }
    case .heTruncatedNormal:
      return Self.truncatedNormal(count: count, key: key).map { $0 * (2 / Scalar(inputSize)).squareRoot() }
    case .glorotUniform:
      let limit = (6 / Scalar(inputSize + outputSize)).squareRoot()
      return Self.uniform(count: count, in: -limit, limit, key: key)
    }
  }

  /// Standard normal samples truncated to [-2, 2]: `sqrt(2) erfinv(u)` with `u` uniform in
  /// `(erf(-sqrt 2), erf(sqrt 2))`, as `jax.random.truncated_normal(key, -2, 2, shape)` computes them
  /// (the inverse error function is Giles's approximation refined by Newton steps, so values
  /// can differ from JAX's in the last bits).
  static func truncatedNormal(count: Int, key: PRNGKey) -> [Scalar] {
    let bound = erf(2 / 2.0.squareRoot())
    return uniform(count: count, in: Scalar(-bound), Scalar(bound), key: key).map { u in
      let x = 2.0.squareRoot() * inverseErf(Double(u))
      return Scalar(Swift.min(2, Swift.max(-2, x)))
    }
  }

  static func uniform(count: Int, in low: Scalar, _ high: Scalar, key: PRNGKey) -> [Scalar] {
    do {
      return try key.uniform(shape: [count], minval: low, maxval: high)
    } catch {
      preconditionFailure("cannot draw \(count) uniform weights: \(error)")
    }
  }

  /// The inverse of the error function on (-1, 1): M. Giles, "Approximating the erfinv
  /// function" (GPU Computing Gems, 2011), refined by two Newton steps on `erf(x) = y`.
  public static func inverseErf(_ y: Double) -> Double {
    var w = -Foundation.log((1 - y) * (1 + y))
    var p: Double
    if w < 5 {
      w -= 2.5
      p = 2.81022636e-08
      for c in [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                -0.00417768164, 0.246640727, 1.50140941] { p = c + p * w }
    } else {
      w = w.squareRoot() - 3
      p = -0.000200214257
      for c in [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
                0.00943887047, 1.00167406, 2.83297682] { p = c + p * w }
    }
    var x = p * y
    for _ in 0..<2 {
      let error = erf(x) - y
      x -= error / (2 / Double.pi.squareRoot() * Foundation.exp(-x * x))
    }
    return x
  }
}

/// A fully connected layer, `x W + b`, like `hk.Linear`: input `[batch, inputSize]`, output
/// `[batch, outputSize]`.
public struct Dense<Scalar: TensorFloatingPoint & RandomFloatingPoint>: Layer {
  /// The weights, `[inputSize, outputSize]`.
  public var weight: Tensor<Scalar>
  /// The biases, `[outputSize]`.
  public var bias: Tensor<Scalar>

  /// A layer with the given parameters.
  @inlinable
  public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>) {
    precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                 "weight \(weight.shape) and bias \(bias.shape) do not make a dense layer")
    self.weight = weight
    self.bias = bias
  }

  /// A layer whose weights are drawn from `key` by `initializer` and whose biases are 0.
  @inlinable
  public init(inputSize: Int, outputSize: Int, key: PRNGKey, initializer: WeightInitializer<Scalar> = .haiku) {
    precondition(inputSize > 0 && outputSize > 0, "a dense layer needs positive sizes, not \(inputSize) x \(outputSize)")
    let w = initializer.weights(count: inputSize * outputSize, inputSize: inputSize, outputSize: outputSize, key: key)
    self.init(weight: Tensor(shape: [inputSize, outputSize], scalars: w),
              bias: Tensor(repeating: 0, shape: [outputSize]))
  }

  @inlinable
  public var inputSize: Int { weight.shape[0] }
  @inlinable
  public var outputSize: Int { weight.shape[1] }

  @inlinable
  @differentiable(reverse)
  @differentiable(reverse, wrt: self)
  public func callAsFunction(_ input: Tensor<Scalar>) -> Tensor<Scalar> {
    affine(input, weight, bias)
  }

  @inlinable
  public var parameters: [Tensor<Scalar>] {
    get { [weight, bias] }
    set {
      precondition(newValue.count == 2, "a dense layer has 2 parameter tensors, not \(newValue.count)")
      self = Dense(weight: newValue[0], bias: newValue[1])
    }
  }

  @inlinable
  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {
    body(&weight)
    body(&bias)
    precondition(weight.rank == 2 && bias.shape == [weight.shape[1]],
                 "weight \(weight.shape) and bias \(bias.shape) do not make a dense layer")
  }
}

extension Dense {
  /// The gradient of a dense layer: one tensor for the weights and one for the biases.
  public struct TangentVector: Differentiable, AdditiveArithmetic, ParameterGroup {
    public typealias TangentVector = Self
    public var weight: Tensor<Scalar>
    public var bias: Tensor<Scalar>

    @inlinable
    public init(weight: Tensor<Scalar>, bias: Tensor<Scalar>) {
      self.weight = weight
      self.bias = bias
    }

    @inlinable
    public var parameters: [Tensor<Scalar>] {
      get { [weight, bias] }
      set {
        precondition(newValue.count == 2, "a dense layer has 2 parameter tensors, not \(newValue.count)")
        (weight, bias) = (newValue[0], newValue[1])
      }
    }

    // The conformances, written out so that other modules can specialise them.
    @inlinable
    public static var zero: Self { Self(weight: .zero, bias: .zero) }
    @inlinable
    public static func + (lhs: Self, rhs: Self) -> Self { Self(weight: lhs.weight + rhs.weight, bias: lhs.bias + rhs.bias) }
    @inlinable
    public static func - (lhs: Self, rhs: Self) -> Self { Self(weight: lhs.weight - rhs.weight, bias: lhs.bias - rhs.bias) }
    @inlinable
    public mutating func move(by offset: Self) {
      weight.move(by: offset.weight)
      bias.move(by: offset.bias)
    }
  }

  @inlinable
  public mutating func move(by offset: TangentVector) {
    weight.move(by: offset.weight)
    bias.move(by: offset.bias)
  }
}
