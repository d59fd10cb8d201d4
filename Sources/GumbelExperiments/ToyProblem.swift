import _Differentiation
import GumbelDistributions
import GumbelEstimators
import GumbelNN
import GumbelRandom
import GumbelTensor

/// The quadratic programming benchmark of the ReinMax paper (Liu, Zhang, Gao and Han,
/// "Bridging Discrete and Backpropagation: Straight-Through and Beyond", NeurIPS 2023,
/// section 6.1): `n` independent binary variables `z_i ~ Categorical(softmax(theta_i))`, with
/// logits `theta` of shape `[n, 2]`, and the objective
///
///     L(theta) = E[ mean_i (z_i[1] - c)^2 ],      c = 0.45,
///
/// where the value of variable `i` is its second one-hot coordinate, 0 or 1. Its exact value,
/// by enumeration, is `mean_i [p_i1 (1 - c)^2 + p_i0 c^2]`; the optimum sets every `z_i` to 0,
/// where `L = c^2 = 0.2025`. From logits 0, `L = 0.2525`.
///
/// Each step draws `batchSize` independent samples of all `n` variables (the logits replicated
/// to `[batchSize * n, 2]`), estimates the gradient of the batch mean of the loss with a
/// ``GradientEstimator``, and takes one Adam step (Optax's defaults). Estimators that pass the
/// gradient through the sample differentiate the loss itself; REINFORCE sees only the loss of
/// each joint sample, `f(z) = mean_i (z_i[1] - c)^2`, times the score of the whole sample,
/// `sum_i log p(z_i)`, as in the paper's code: it does not exploit that the loss is a sum
/// over variables.
///
///     let problem = ToyProblem()
///     let run = try problem.optimize(estimator: Estimator(.stGS, temperature: 1), steps: 1000, key: PRNGKey(seed: 0))
///     run.finalLoss     // the exact loss after 1000 steps
public struct ToyProblem: Sendable {
  /// The number of binary variables `n` (128 in the paper).
  public let variables: Int
  /// Independent samples of all the variables per step (64 in the paper's code).
  public let batchSize: Int
  /// The target `c` (0.45).
  public let target: Double
  /// Adam's learning rate (1e-3).
  public let learningRate: Float

  /// The problem, checked: positive sizes, a target in `[0, 1]`, a positive learning rate.
  public init(variables: Int = 128, batchSize: Int = 64, target: Double = 0.45, learningRate: Float = 1e-3) {
    precondition(variables >= 1 && batchSize >= 1, "sizes must be positive, not \(variables) variables and a batch of \(batchSize)")
    precondition((0...1).contains(target), "the target must be in [0, 1], not \(target)")
    precondition(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive, not \(learningRate)")
    self.variables = variables
    self.batchSize = batchSize
    self.target = target
    self.learningRate = learningRate
  }

  /// The smallest exact loss, `min(c, 1 - c)^2`: 0.2025 for `c = 0.45`.
  public var optimum: Double { min(target * target, (1 - target) * (1 - target)) }

  /// The logits the optimisation starts from: all 0, each variable a fair coin.
  public var initialLogits: Tensor<Float> { Tensor(repeating: 0, shape: [variables, 2]) }

  /// The exact loss `mean_i [p_i1 (1 - c)^2 + p_i0 c^2]` of logits `[n, 2]`, by enumeration.
  public func exactLoss(logits: Tensor<Float>) -> Double {
    precondition(logits.shape == [variables, 2], "logits must have shape [\(variables), 2], not \(logits.shape)")
    let p = logits.softmax().scalars.map(Double.init)
    let zero = target * target, one = (1 - target) * (1 - target)
    var total = 0.0
    for i in 0..<variables { total += p[2 * i] * zero + p[2 * i + 1] * one }
    return total / Double(variables)
  }

  /// The objective whose gradient is one step's estimate, and whose value is the batch mean of
  /// the sampled loss, for `logits` of shape `[n, 2]`.
  /// An estimator with several draws per estimate (`rloo`) draws each of the batch's samples
  /// that many times.
  @differentiable(reverse, wrt: logits)
  public func surrogate(logits: Tensor<Float>, estimator: Estimator<Float>, key: PRNGKey) -> Float {
    let (n, batch) = (variables, batchSize * estimator.drawsPerEstimate)
    // [n, 2] -> [batch, n, 2] by broadcasting (whose derivative sums over the batch) -> rows.
    let replicated = (Tensor<Float>(repeating: 0, shape: [batch, n, 2]) + logits).reshaped(to: [batch * n, 2])
    let z = estimator.sample(logits: replicated, using: key)
    let value = (z * Tensor<Float>([0, 1])).sumAlongLastAxis()                       // z_i[1], [batch * n]
    let perVariable = (value - Float(target)).squared()
    let perSample = perVariable.reshaped(to: [batch, n]).sumAlongLastAxis() / Float(n)  // f(z) per sample, [batch]
    // The estimators that pass gradients through z need nothing more. For REINFORCE and RLOO,
    // the n variables of a sample share its loss: the grouped surrogate multiplies f(z) by
    // the score of the whole sample (with a baseline taken over samples). Their score term is
    // added with its value taken away, so that the objective's value is the sampled loss.
    guard !estimator.surrogateIsTheLoss else { return perSample.mean() }
    let sampleLoss = withoutDerivative(at: perSample)
    let score = estimator.groupedSurrogateLoss(logits: replicated, sample: z, loss: sampleLoss, bits: false) - sampleLoss
    return perSample.mean() + (score - withoutDerivative(at: score)).mean()
  }

  /// One optimisation run.
  public struct Run: Sendable {
    /// The estimator's name.
    public let estimator: EstimatorKind
    /// The number of Adam steps taken.
    public let steps: Int
    /// The logits at the end.
    public let logits: Tensor<Float>
    /// `(step, exact loss after that many steps)`, from step 0 every `recordEvery` steps and at
    /// the end.
    public let curve: [(step: Int, loss: Double)]
    /// The exact loss at the end.
    public var finalLoss: Double { curve.last?.loss ?? .nan }
  }

  /// Runs `steps` Adam steps from ``initialLogits`` with the gradient that `estimator`
  /// estimates, drawing step `t`'s samples from `key.fold(in: t)`.
  ///
  /// - Complexity: `O(steps * batchSize * variables)` (times the Gumbel-Rao draws).
  public func optimize(estimator: Estimator<Float>, steps: Int, key: PRNGKey, recordEvery: Int = 100) -> Run {
    precondition(steps >= 0 && recordEvery >= 1, "steps must be non-negative and recordEvery positive")
    var model = ToyLogits(logits: initialLogits)
    var optimizer = Adam<ToyLogits>(learningRate: learningRate)
    var curve = [(step: 0, loss: exactLoss(logits: model.logits))]
    for step in 0..<steps {
      let stepKey = key.fold(in: UInt32(truncatingIfNeeded: step))
      let g = gradient(at: model.logits) { logits in surrogate(logits: logits, estimator: estimator, key: stepKey) }
      optimizer.update(&model, along: ToyLogits.TangentVector(logits: g))
      if (step + 1) % recordEvery == 0 || step + 1 == steps { curve.append((step + 1, exactLoss(logits: model.logits))) }
    }
    return Run(estimator: estimator.kind, steps: steps, logits: model.logits, curve: curve)
  }
}

/// The toy problem's parameters, one tensor of logits, as a model that ``Adam`` can update.
public struct ToyLogits: TrainableModel {
  /// The logits, `[n, 2]`.
  public var logits: Tensor<Float>

  public init(logits: Tensor<Float>) { self.logits = logits }

  public var parameters: [Tensor<Float>] {
    get { [logits] }
    set {
      precondition(newValue.count == 1, "the toy problem has 1 parameter tensor, not \(newValue.count)")
      logits = newValue[0]
    }
  }

  /// The gradient of the logits.
  public struct TangentVector: Differentiable, AdditiveArithmetic, ParameterGroup {
    public typealias TangentVector = Self
    public var logits: Tensor<Float>

    public init(logits: Tensor<Float>) { self.logits = logits }

    public var parameters: [Tensor<Float>] {
      get { [logits] }
      set {
        precondition(newValue.count == 1, "the toy problem has 1 gradient tensor, not \(newValue.count)")
        logits = newValue[0]
      }
    }
  }

  public mutating func move(by offset: TangentVector) { logits.move(by: offset.logits) }
}
