import _Differentiation
import GumbelKernels
import GumbelRandom
import GumbelTensor

/// The relaxed Bernoulli (binary Concrete) distribution on (0, 1): the two-category case of
/// ``GumbelSoftmax``, with one logit per variable.
///
/// A sample is `y = sigmoid((logit + L) / temperature)` with `L` standard logistic noise
/// (`jax.random.logistic`), differentiable in the logits and the temperature. Its density, with
/// `u = log(y / (1 - y))` and `a = logit - temperature * u`, is
///
///     log p(y) = log tau + a - 2 softplus(a) - log y - log(1 - y)
///
/// computed in log space from the logit `u` (the first three terms are the density of `u`, the
/// LogitRelaxedBernoulli of PyTorch). Logits must be finite.
///
/// Reference: C. J. Maddison, A. Mnih, Y. W. Teh, "The Concrete Distribution", ICLR 2017, section
/// 3.3 (binary Concrete); E. Jang, S. Gu, B. Poole, ICLR 2017.
public struct RelaxedBernoulli<Scalar: DistributionFloatingPoint>: Differentiable {
  /// Log-odds of each variable.
  public var logits: Tensor<Scalar>
  /// The temperature `tau > 0`.
  public var temperature: Scalar

  /// A distribution, checked: finite logits and a finite positive temperature.
  public init(logits: Tensor<Scalar>, temperature: Scalar) throws(DistributionError) {
    try Bernoulli<Scalar>.validate(logits: logits)
    try DistributionLimits.validate(temperature: temperature)
    self.init(trustedLogits: logits, temperature: temperature)
  }

  /// A distribution from logits that are not checked, for differentiable code.
  @differentiable(reverse)
  public init(trustedLogits logits: Tensor<Scalar>, temperature: Scalar) {
    self.logits = logits
    self.temperature = temperature
  }

  /// `(logit + L) / temperature` before the sigmoid: the sample in logit space.
  @differentiable(reverse, wrt: self)
  func perturbed(using key: PRNGKey, count: Int?) -> Tensor<Scalar> {
    logits + Self.noise(using: key, count: count, logitsShape: withoutDerivative(at: logits).shape)
  }

  /// A reparameterised sample in (0, 1), `count` per variable (shape `[count] + logits.shape`)
  /// or one (shape of the logits).
  @differentiable(reverse, wrt: self)
  public func sample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    perturbed(using: key, count: count).temperedSigmoid(temperature: temperature)
  }

  /// A straight-through sample: `1` where `logit + L > 0` and `0` elsewhere in the forward pass,
  /// the gradient of ``sample(using:count:)`` in the backward pass.
  @differentiable(reverse, wrt: self)
  public func hardSample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    let x = perturbed(using: key, count: count)
    let hard = Self.step(withoutDerivative(at: x))
    return Tensor.straightThrough(hard, gradientFrom: x.temperedSigmoid(temperature: temperature))
  }

  /// The log-density of a logit-space value `u = log(y / (1 - y))`: `log tau + a - 2 softplus(a)`
  /// with `a = logit - tau * u`.
  @differentiable(reverse, wrt: self)
  public func logDensity(ofLogit u: Tensor<Scalar>) -> Tensor<Scalar> {
    Self.logitDensity(logits: logits, temperature: temperature, u: u)
  }

  /// The log-density of `y` in (0, 1), element-wise.
  @differentiable(reverse, wrt: self)
  public func logDensity(of y: Tensor<Scalar>) -> Tensor<Scalar> {
    let (u, logJacobian) = Self.logitAndLogJacobian(y)
    return logDensity(ofLogit: u) + logJacobian
  }

  /// `u = log y - log(1 - y)` and `-log y - log(1 - y)` for each element.
  static func logitAndLogJacobian(_ y: Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>) {
    let logY = y.scalars.map { Scalar.log($0) }
    let log1mY = y.scalars.map { Scalar.log(onePlus: -$0) }
    return (Tensor(shape: y.shape, scalars: zip(logY, log1mY).map { $0 - $1 }),
            Tensor(shape: y.shape, scalars: zip(logY, log1mY).map { -$0 - $1 }))
  }

  /// `1` where `x > 0`, else `0`.
  static func step(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
    // Float and Double by name, as in `temperedSigmoid(temperature:)`.
    if Scalar.self == Float.self {
      return kernelCast(RelaxedBernoulli<Float>.stepBody(kernelCast(x, to: Tensor<Float>.self)), to: Tensor<Scalar>.self)
    }
    if Scalar.self == Double.self {
      return kernelCast(RelaxedBernoulli<Double>.stepBody(kernelCast(x, to: Tensor<Double>.self)), to: Tensor<Scalar>.self)
    }
    return stepBody(x)
  }

  static func stepBody(_ x: Tensor<Scalar>) -> Tensor<Scalar> {
    Tensor(shape: x.shape, scalars: x.scalars.map { $0 > 0 ? 1 : 0 })
  }

  static func noise(using key: PRNGKey, count: Int?, logitsShape: [Int]) -> Tensor<Scalar> {
    let shape = count.map { [$0] + logitsShape } ?? logitsShape
    precondition(shape.allSatisfy { $0 >= 0 }, "sample count \(count ?? 0) is negative")
    return Tensor(shape: shape, scalars: key.logistic(count: shape.reduce(1, *)))
  }

  /// `log tau + a - 2 softplus(a)` with `a = logits - tau * u`, broadcasting the logits over `u`.
  static func logitDensity(logits: Tensor<Scalar>, temperature: Scalar, u: Tensor<Scalar>) -> Tensor<Scalar> {
    let logTau = Scalar.log(temperature)
    return Tensor.broadcasting(logits, u) { l, u in
      let a = l - temperature * u
      return logTau + a - 2 * softplus(a)
    }
  }

  @derivative(of: logitDensity, wrt: (logits, temperature))
  static func _vjpLogitDensity(logits: Tensor<Scalar>, temperature: Scalar, u: Tensor<Scalar>)
    -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Scalar))
  {
    let value = logitDensity(logits: logits, temperature: temperature, u: u)
    return (value, { v in
      let v = v.unbroadcast(to: value.shape)
      // d/da (a - 2 softplus(a)) = 1 - 2 sigmoid(a) = tanh(-a / 2).
      let slope = Tensor.broadcasting(logits, u) { l, u in Scalar.tanh(-(l - temperature * u) / 2) }
      let dLogits = (v * slope).unbroadcast(to: logits.shape)
      let dTemperature = zip(zip(v.scalars, slope.scalars), u.scalars.cycled(to: v.scalarCount)).reduce(Scalar(0)) {
        $0 + $1.0.0 * (1 / temperature - $1.1 * $1.0.1)
      }
      return (dLogits, dTemperature)
    })
  }
}

/// `log(1 + exp(x))`, without overflow.
@usableFromInline
func softplus<Scalar: DistributionFloatingPoint>(_ x: Scalar) -> Scalar {
  x > 0 ? x + Scalar.log(onePlus: Scalar.exp(-x)) : Scalar.log(onePlus: Scalar.exp(x))
}

extension Array {
  /// This array repeated to `count` elements.
  func cycled(to count: Int) -> [Element] { (0..<count).map { self[$0 % self.count] } }
}

extension Tensor where Scalar: DistributionFloatingPoint {
  /// `sigmoid(x / temperature)` element-wise, with a derivative that stays finite where the
  /// sigmoid saturates (`x / temperature` infinite): there both derivatives are 0.
  public func temperedSigmoid(temperature: Scalar) -> Tensor {
    // The estimators call this from generic code in another module, where an unspecialised
    // body costs hundreds of nanoseconds an element (the relaxed Bernoulli's draws took a
    // quarter of a VAE's training step): Float and Double run it by name, the same operations.
    if Scalar.self == Float.self {
      let x = kernelCast(self, to: Tensor<Float>.self)
      return kernelCast(x.temperedSigmoidBody(kernelCast(temperature, to: Float.self)), to: Tensor.self)
    }
    if Scalar.self == Double.self {
      let x = kernelCast(self, to: Tensor<Double>.self)
      return kernelCast(x.temperedSigmoidBody(kernelCast(temperature, to: Double.self)), to: Tensor.self)
    }
    return temperedSigmoidBody(temperature)
  }

  func temperedSigmoidBody(_ temperature: Scalar) -> Tensor {
    Tensor(shape: shape, scalars: scalars.map { x in
      let z = x / temperature
      return z >= 0 ? 1 / (1 + Scalar.exp(-z)) : Scalar.exp(z) / (1 + Scalar.exp(z))
    })
  }

  @usableFromInline
  @derivative(of: temperedSigmoid)
  func _vjpTemperedSigmoid(temperature: Scalar) -> (value: Tensor, pullback: (Tensor) -> (Tensor, Scalar)) {
    let y = temperedSigmoid(temperature: temperature)
    return (y, { [self] v in
      let v = v.unbroadcast(to: shape)
      if Scalar.self == Float.self {
        let (dx, dTemperature) = kernelCast(self, to: Tensor<Float>.self).temperedSigmoidPullback(
          value: kernelCast(y, to: Tensor<Float>.self), upstream: kernelCast(v, to: Tensor<Float>.self),
          temperature: kernelCast(temperature, to: Float.self))
        return (kernelCast(dx, to: Tensor.self), kernelCast(dTemperature, to: Scalar.self))
      }
      if Scalar.self == Double.self {
        let (dx, dTemperature) = kernelCast(self, to: Tensor<Double>.self).temperedSigmoidPullback(
          value: kernelCast(y, to: Tensor<Double>.self), upstream: kernelCast(v, to: Tensor<Double>.self),
          temperature: kernelCast(temperature, to: Double.self))
        return (kernelCast(dx, to: Tensor.self), kernelCast(dTemperature, to: Scalar.self))
      }
      return temperedSigmoidPullback(value: y, upstream: v, temperature: temperature)
    })
  }

  /// The pullback of ``temperedSigmoid(temperature:)`` at this tensor, whose value was `y`, of
  /// the upstream tangent `v` (of this tensor's shape).
  func temperedSigmoidPullback(value y: Tensor, upstream v: Tensor, temperature: Scalar) -> (Tensor, Scalar) {
    let xs = scalars, ys = y.scalars, vs = v.scalars
    var dx = [Scalar](repeating: 0, count: xs.count)
    var dTemperature: Scalar = 0
    for i in 0..<xs.count {
      let slope = ys[i] * (1 - ys[i])
      guard slope != 0 else { continue }
      let z = xs[i] / temperature
      dx[i] = vs[i] * slope / temperature
      if z.isFinite { dTemperature -= vs[i] * slope * z / temperature }
    }
    return (Tensor(shape: shape, scalars: dx), dTemperature)
  }
}
