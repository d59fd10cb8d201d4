import _Differentiation
import GumbelDistributions
import GumbelNN
import GumbelRandom
import GumbelTensor
import Testing

/// The Gumbel-softmax layer draws its samples as the distribution does, with keys drawn as
/// Haiku's `PRNGSequence` draws them.
@Suite struct GumbelSoftmaxLayerTests {
  @Test func layerDrawsKeysLikeHaikusPRNGSequence() throws {
    let logits = Tensor<Float>(rows: [[0.1, 2, -1], [0, 0, 0]])
    let layer = try GumbelSoftmaxLayer<Float>(temperature: 0.5, hard: true)
    var keys = PRNGSequence(seed: 0)
    let (_, expectedKey) = PRNGKey(seed: 0).split()
    let z = layer(logits, keys: &keys)
    #expect(z == GumbelSoftmax(trustedLogits: logits, temperature: 0.5).hardSample(using: expectedKey))
    let g = gradient(at: logits) { l in (layer(l, key: expectedKey) * Tensor<Float>([1, 2, 3])).sum() }
    let expected = gradient(at: logits) { l in (GumbelSoftmax(trustedLogits: l, temperature: 0.5).sample(using: expectedKey) * Tensor<Float>([1, 2, 3])).sum() }
    #expect(g == expected)
    #expect(throws: DistributionError.invalidTemperature(0)) { try GumbelSoftmaxLayer<Float>(temperature: 0) }
  }
}
