import _Differentiation
import GumbelKit
import Testing

/// The README's quick start (also in the DocC article GettingStarted.md), compiled and checked,
/// so that it stays true.
@Suite struct ReadmeExampleTests {
  @Test func quickStart() throws {
    let logits = Tensor<Float>([0.2, 0.2, 0.2, 0.2, 0.2]).log()
    let key = PRNGKey(seed: 48, scheme: .original)
    let distribution = try GumbelSoftmax(logits: logits, temperature: 1)
    let y = distribution.sample(using: key)
    let hard = distribution.hardSample(using: key)
    let grad = gradient(at: distribution) { d in
      (d.hardSample(using: key) * Tensor<Float>([0, 1, 2, 3, 4])).sum()
    }
    let g = gradient(at: logits) { l in
      let index = GumbelSoftmax(trustedLogits: l, temperature: 1).indexSample(using: key)
      return (index * index).sum()
    }
    #expect(abs(y.sum() - 1) < 1e-6)
    #expect(hard.sum() == 1 && hard.scalars.allSatisfy { $0 == 0 || $0 == 1 })
    // The notebook's key 48 draws category 2 (its printed gradients are 2 * 2 * dy0).
    #expect(hard.scalars[2] == 1)
    // d(index^2) = 2 * index * d(index), and d(index) is the gradient of sum_k k y_k.
    #expect(zip(g.scalars, grad.logits.scalars).allSatisfy { abs($0 - 4 * $1) < 1e-5 })
  }

  /// The DocC article's keys and estimator examples (Sources/GumbelKit/GumbelKit.docc/GettingStarted.md).
  @Test func gettingStartedKeysAndEstimator() throws {
    let key = PRNGKey(seed: 48, scheme: .original)
    let (next, subkey) = key.split()
    let noise = try subkey.gumbel(shape: [3, 5], as: Float.self)
    #expect(noise.count == 15 && noise.allSatisfy(\.isFinite))
    #expect(next != subkey)

    let values = Tensor<Float>([0, 1, 2, 3, 4])
    let estimator = try Estimator<Float>(.reinmax, temperature: 1)
    let batch = Tensor<Float>(rows: [[0.2, 0.2, 0.2, 0.2, 0.2]]).log()
    let estimate = gradient(at: batch) { l in
      let z = estimator.sample(logits: l, using: key)
      let loss = (z * values).sumAlongLastAxis().squared()
      return estimator.surrogateLoss(logits: l, sample: z, loss: loss).mean()
    }
    #expect(estimate.shape == [1, 5] && estimate.scalars.allSatisfy(\.isFinite))
  }
}
