import _Differentiation
import GumbelKernels
import GumbelTensor
import RealModule

/// A learning rate as a function of the update count (0 for the first update), like Optax's
/// schedules.
public enum LearningRateSchedule<Scalar: TensorFloatingPoint>: Equatable, Sendable {
  /// The same rate at every step.
  case constant(Scalar)
  /// `initial * decayRate^(step / transitionSteps)`, with the exponent rounded down when
  /// `staircase` is set: `optax.exponential_decay(initial, transitionSteps, decayRate, staircase=...)`.
  case exponentialDecay(initial: Scalar, decayRate: Scalar, transitionSteps: Int, staircase: Bool = false)

  /// The rate at update `step`.
  public func callAsFunction(_ step: Int) -> Scalar {
    switch self {
    case .constant(let rate):
      return rate
    case let .exponentialDecay(initial, decayRate, transitionSteps, staircase):
      precondition(transitionSteps > 0, "transitionSteps must be positive, not \(transitionSteps)")
      var exponent = Scalar(step) / Scalar(transitionSteps)
      if staircase { exponent = exponent.rounded(.down) }
      return initial * Scalar.pow(decayRate, exponent)
    }
  }
}

/// Gradient clipping by global norm, `optax.clip_by_global_norm(maxNorm)`: when the norm of all
/// gradient tensors together, `sqrt(sum_i |g_i|^2)`, exceeds `maxNorm`, every tensor is scaled by
/// `maxNorm / norm`; otherwise they are returned unchanged.
///
/// - Precondition: `maxNorm > 0`.
public func clippedByGlobalNorm<Scalar: TensorFloatingPoint>(_ gradients: [Tensor<Scalar>], maxNorm: Scalar) -> [Tensor<Scalar>] {
  precondition(maxNorm > 0, "maxNorm must be positive, not \(maxNorm)")
  let norm = globalNorm(gradients)
  guard norm >= maxNorm else { return gradients }
  return gradients.map { g in Tensor(shape: g.shape, scalars: g.scalars.map { $0 / norm * maxNorm }) }
}

/// `sqrt(sum_i |g_i|^2)` over all elements of all tensors, `optax.global_norm`.
public func globalNorm<Scalar: TensorFloatingPoint>(_ tensors: [Tensor<Scalar>]) -> Scalar {
  tensors.reduce(Scalar(0)) { total, t in t.scalars.reduce(total) { $0 + $1 * $1 } }.squareRoot()
}

/// Something that updates a model's parameters from their gradient.
public protocol Optimizer<Model> {
  associatedtype Model: TrainableModel
  /// Moves `model` one step along `-gradient` (in this optimiser's way).
  mutating func update(_ model: inout Model, along gradient: Model.TangentVector)
}

/// The gradient tensors, with scalar ``Tensor/zero`` placeholders materialised to the shapes of
/// the parameters, clipped when asked.
@inlinable
func preparedGradients<Model: TrainableModel>(_ model: Model, _ gradient: Model.TangentVector, clipNorm: Model.Scalar?) -> [Tensor<Model.Scalar>] {
  let parameters = model.parameters
  let gradients = gradient.parameters
  precondition(parameters.count == gradients.count, "\(gradients.count) gradients for \(parameters.count) parameters")
  let shaped = zip(gradients, parameters).map { g, p in g.unbroadcast(to: p.shape) }
  return clipNorm.map { clippedByGlobalNorm(shaped, maxNorm: $0) } ?? shaped
}

/// Stochastic gradient descent with momentum, `optax.sgd(learningRate, momentum)` (optionally
/// after `optax.clip_by_global_norm`): the trace `t = g + momentum * t` and the update
/// `p -= rate(step) * t`. With `momentum` 0 it is plain gradient descent.
public struct SGD<Model: TrainableModel>: Optimizer {
  public typealias Scalar = Model.Scalar
  public var learningRate: LearningRateSchedule<Scalar>
  public var momentum: Scalar
  /// The largest global norm of the gradient (clip above it), or `nil` for no clipping.
  public var clipNorm: Scalar?
  /// How many updates have been made.
  public var step: Int = 0
  /// The momentum trace for each parameter tensor (empty before the first update).
  public var trace: [Tensor<Scalar>] = []

  public init(learningRate: LearningRateSchedule<Scalar>, momentum: Scalar = 0, clipNorm: Scalar? = nil) {
    precondition(momentum >= 0, "momentum must be non-negative, not \(momentum)")
    self.learningRate = learningRate
    self.momentum = momentum
    self.clipNorm = clipNorm
  }

  @inlinable
  public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    let gradients = preparedGradients(model, gradient, clipNorm: clipNorm)
    if trace.isEmpty { trace = gradients.map { Tensor(repeating: 0, shape: $0.shape) } }
    let rate = learningRate(step)
    var parameters = model.parameters
    for i in parameters.indices {
      let g = gradients[i].scalars
      let t = zip(g, trace[i].scalars).map { $0 + momentum * $1 }
      trace[i] = Tensor(shape: gradients[i].shape, scalars: t)
      parameters[i] = Tensor(shape: parameters[i].shape, scalars: zip(parameters[i].scalars, t).map { $0 - rate * $1 })
    }
    model.parameters = parameters
    step += 1
  }
}

/// Adam (Kingma & Ba, 2015) with Optax's defaults and order of operations,
/// `optax.adam(learningRate, b1=0.9, b2=0.999, eps=1e-8)`:
///
///     m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2,   t += 1
///     p -= rate(t - 1) * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
///
/// optionally after `optax.clip_by_global_norm(clipNorm)`.
public struct Adam<Model: TrainableModel>: Optimizer {
  public typealias Scalar = Model.Scalar
  public var learningRate: LearningRateSchedule<Scalar>
  public var beta1: Scalar
  public var beta2: Scalar
  public var epsilon: Scalar
  /// The largest global norm of the gradient (clip above it), or `nil` for no clipping.
  public var clipNorm: Scalar?
  /// How many updates have been made (Optax's `count`).
  public var step: Int = 0
  /// The first-moment estimates `m`, one per parameter tensor (empty before the first update).
  public var firstMoments: [Tensor<Scalar>] = []
  /// The second-moment estimates `v`.
  public var secondMoments: [Tensor<Scalar>] = []

  public init(learningRate: LearningRateSchedule<Scalar>, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
              epsilon: Scalar = 1e-8, clipNorm: Scalar? = nil) {
    precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam's betas must be in [0, 1), not \(beta1), \(beta2)")
    precondition(epsilon >= 0, "epsilon must be non-negative, not \(epsilon)")
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.clipNorm = clipNorm
  }

  /// Adam with a constant learning rate.
  public init(learningRate: Scalar) {
    self.init(learningRate: .constant(learningRate))
  }

  /// One step, in a single pass over each parameter tensor that updates its moments and the
  /// parameters in place (``ParameterGroup/updateParameters(_:)``): no array is allocated for
  /// them once the moments exist, as long as nothing else holds the model's tensors.
  @inlinable
  public mutating func update(_ model: inout Model, along gradient: Model.TangentVector) {
    let gradients = preparedGradients(model, gradient, clipNorm: clipNorm)
    if firstMoments.isEmpty {
      firstMoments = gradients.map { Tensor(repeating: 0, shape: $0.shape) }
      secondMoments = firstMoments
    }
    let rate = learningRate(step)
    step += 1
    let (b1, b2, eps) = (beta1, beta2, epsilon)
    let correction1 = 1 - Scalar.pow(b1, step), correction2 = 1 - Scalar.pow(b2, step)
    // The moments are taken out of `self` so that each array has one owner while it changes.
    var (first, second) = (firstMoments, secondMoments)
    (firstMoments, secondMoments) = ([], [])
    var i = 0
    model.updateParameters { parameter in
      precondition(i < gradients.count && parameter.shape == gradients[i].shape, "the gradient does not fit the parameters")
      gradients[i].scalars.withUnsafeBufferPointer { g in
        first[i].withUnsafeMutableScalars { m in
          second[i].withUnsafeMutableScalars { v in
            parameter.withUnsafeMutableScalars { p in
              Kernels.adamStep(parameters: p, firstMoments: m, secondMoments: v, gradients: g, rate: rate, beta1: b1,
                               beta2: b2, epsilon: eps, correction1: correction1, correction2: correction2)
            }
          }
        }
      }
      i += 1
    }
    precondition(i == gradients.count, "\(gradients.count) gradients for \(i) parameters")
    (firstMoments, secondMoments) = (first, second)
  }
}
