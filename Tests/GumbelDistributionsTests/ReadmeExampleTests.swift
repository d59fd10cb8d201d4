import _Differentiation
import GumbelKit
import Testing

/// The README's quick start, compiled and checked, so that it stays true.
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
}
