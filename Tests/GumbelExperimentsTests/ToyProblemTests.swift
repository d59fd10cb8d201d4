import _Differentiation
import Foundation
import GumbelEstimators
import GumbelExperiments
import GumbelNN
import GumbelRandom
import GumbelTensor
import Testing

/// The ReinMax paper's quadratic programming benchmark: its exact loss, the gradient each step
/// estimates, and optimisation that lowers the exact loss.
@Suite struct ToyProblemTests {
  @Test func exactLossIsTheEnumeratedExpectation() {
    let problem = ToyProblem(variables: 3)
    #expect(abs(problem.optimum - 0.2025) < 1e-15)
    #expect(abs(problem.exactLoss(logits: problem.initialLogits) - 0.2525) < 1e-7)
    // Variable 0 is nearly always 0, variable 1 nearly always 1, variable 2 a coin with p1 = e/(1+e).
    let logits = Tensor<Float>(shape: [3, 2], scalars: [30, 0, 0, 30, 0, 1])
    let p = 1 / (1 + Foundation.exp(-1.0))
    let expected = (0.2025 + 0.3025 + (p * 0.3025 + (1 - p) * 0.2025)) / 3
    #expect(abs(problem.exactLoss(logits: logits) - expected) < 1e-6)
  }

  /// REINFORCE is unbiased: averaged over many keys, its estimate approaches the exact
  /// gradient `d/dtheta_i1 = p_i0 p_i1 ((1-c)^2 - c^2) / n` (about 0.012 here; the standard
  /// error of the average is about 0.0013).
  @Test func reinforceEstimatesTheExactGradient() throws {
    let problem = ToyProblem(variables: 2, batchSize: 256)
    let logits = Tensor<Float>(shape: [2, 2], scalars: [0, 0.5, 0.3, -0.2])
    let exact = gradient(at: logits) { l in (l.softmax() * Tensor<Float>([0.2025, 0.3025])).sumAlongLastAxis().mean() }
    let estimator = try Estimator<Float>(.reinforce, temperature: 1)
    var mean = [Float](repeating: 0, count: 4)
    let keys = 40
    for k in 0..<keys {
      let g = gradient(at: logits) { l in problem.surrogate(logits: l, estimator: estimator, key: PRNGKey(seed: Int64(k))) }
      for j in 0..<4 { mean[j] += g.scalars[j] / Float(keys) }
    }
    for j in 0..<4 { #expect(abs(mean[j] - exact.scalars[j]) < 0.004, "\(j): \(mean) vs \(exact.scalars)") }
  }

  /// With one sample per step, the estimators that pass gradients through the sample
  /// differentiate exactly `mean_i (z_i[1] - c)^2` of their own sample.
  @Test func passThroughStepsDifferentiateTheSampledLoss() throws {
    let problem = ToyProblem(variables: 3, batchSize: 1)
    let logits = Tensor<Float>(shape: [3, 2], scalars: [0, 0.5, 0.3, -0.2, 1, -1])
    let key = PRNGKey(seed: 5)
    for kind in EstimatorKind.allCases where !kind.usesScoreFunction && kind.appliesToCategories {
      let estimator = try Estimator<Float>(kind, temperature: 1.5)
      let ours = gradient(at: logits) { l in problem.surrogate(logits: l, estimator: estimator, key: key) }
      let direct = gradient(at: logits) { l in
        let z = estimator.sample(logits: l, using: key)
        return ((z * Tensor<Float>([0, 1])).sumAlongLastAxis() - 0.45).squared().mean()
      }
      for (a, b) in zip(ours.scalars, direct.scalars) { #expect(abs(a - b) <= 1e-6, "\(kind): \(ours.scalars) vs \(direct.scalars)") }
      #expect(ours.scalars.contains { $0 != 0 }, "\(kind)")
    }
  }

  /// The surrogate's value is the batch mean of the sampled loss, for every estimator.
  @Test func surrogateValueIsTheSampledLoss() throws {
    let problem = ToyProblem(variables: 4, batchSize: 3)
    for kind in EstimatorKind.allCases where kind.appliesToCategories {
      let estimator = try Estimator<Float>(kind, temperature: 1)
      let value = problem.surrogate(logits: problem.initialLogits, estimator: estimator, key: PRNGKey(seed: 9))
      if kind == .gs {
        // The relaxed sample's loss lies between the two one-hot losses... or below them.
        #expect(value >= 0 && value <= 0.3025, "\(kind): \(value)")
      } else {
        // Each variable's loss is 0.2025 or 0.3025: the mean of 12 of them (12 per draw for RLOO) is
        // a multiple of 0.1 / 12 (divided by the draws) above 0.2025.
        let count = 12 * estimator.drawsPerEstimate
        let steps = (value - 0.2025) / (0.1 / Float(count))
        #expect(abs(steps - steps.rounded()) < 1e-3 * Float(count) / 12 && (0...Float(count)).contains(steps.rounded()), "\(kind): \(value)")
      }
    }
  }

  /// A smaller problem with a larger learning rate, so that a debug build runs it in seconds:
  /// a few hundred Adam steps lower the exact loss with either estimator. (The straight-through
  /// Gumbel-softmax is biased: from about 100 steps on it hovers near 0.245, above the optimum.)
  @Test(arguments: [EstimatorKind.stGS, .reinforce])
  func adamLowersTheExactLoss(_ kind: EstimatorKind) throws {
    let problem = ToyProblem(variables: 16, batchSize: 16, learningRate: 1e-2)
    let run = problem.optimize(estimator: try Estimator<Float>(kind, temperature: 1), steps: 300, key: PRNGKey(seed: 0),
                               recordEvery: 100)
    #expect(run.curve.map(\.step) == [0, 100, 200, 300])
    let losses = run.curve.map(\.loss)
    #expect(abs(losses[0] - 0.2525) < 1e-7)
    #expect(losses.dropFirst().allSatisfy { $0 < losses[0] }, "\(losses)")
    #expect(run.finalLoss < 0.2525 - 0.005 && run.finalLoss > problem.optimum, "\(losses)")
  }

  @Test func sameKeySameRun() throws {
    let problem = ToyProblem(variables: 8, batchSize: 4)
    let estimator = try Estimator<Float>(.gumbelRao, temperature: 0.5, conditionalSamples: 2)
    let a = problem.optimize(estimator: estimator, steps: 5, key: PRNGKey(seed: 1))
    let b = problem.optimize(estimator: estimator, steps: 5, key: PRNGKey(seed: 1))
    let c = problem.optimize(estimator: estimator, steps: 5, key: PRNGKey(seed: 2))
    #expect(a.logits.scalars == b.logits.scalars && a.logits.scalars != c.logits.scalars)
    #expect(a.curve.map(\.step) == [0, 5] && problem.optimize(estimator: estimator, steps: 0, key: PRNGKey(seed: 1)).curve.count == 1)
  }
}
