import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import Testing

/// The distributions against JAX (float32 samples and gradients) and PyTorch (float64
/// log-densities), from make_oracle_vectors.py beside this file.
///
/// Float32 tolerance: `|ours - theirs| <= 1e-5 * max(1, |theirs|)` for samples and 2e-5 for
/// gradients, a few float32 roundings amplified by `exp((x - max x) / temperature)` at low
/// temperatures (XLA's `exp` and `log` are not the C library's).
@Suite struct OracleTests {
  static func close(_ a: [Float], _ b: [Float], tolerance: Float) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
  }

  @Test func gumbelSoftmaxSamplesAndGradientsEqualJAX() throws {
    for v in OracleVectors.gumbelSoftmax {
      let key = PRNGKey(words: v.key, scheme: PRNGScheme(rawValue: v.scheme)!)
      let distribution = try GumbelSoftmax(logits: Tensor(v.logits), temperature: v.temperature)
      let weights = Tensor(shape: [v.count, v.logits.count], scalars: v.weights)
      let soft = distribution.sample(using: key, count: v.count)
      #expect(Self.close(soft.scalars, v.samples, tolerance: 1e-5), "\(v.scheme) \(v.key) soft sample")
      let hard = distribution.hardSample(using: key, count: v.count)
      #expect(hard.scalars == v.hardSamples.map { $0.rounded() }, "\(v.scheme) \(v.key) hard sample")

      let softGradient = gradient(at: distribution) { d in (d.sample(using: key, count: v.count) * weights).sum() }
      let hardGradient = gradient(at: distribution) { d in (d.hardSample(using: key, count: v.count) * weights).sum() }
      #expect(Self.close(softGradient.logits.scalars, v.softGradLogits, tolerance: 2e-5), "\(v.scheme) \(v.key) soft d/dlogits")
      #expect(Self.close([softGradient.temperature], [v.softGradTemperature], tolerance: 2e-5), "\(v.scheme) \(v.key) soft d/dtemperature")
      #expect(Self.close(hardGradient.logits.scalars, v.hardGradLogits, tolerance: 2e-5), "\(v.scheme) \(v.key) hard d/dlogits")
      #expect(Self.close([hardGradient.temperature], [v.hardGradTemperature], tolerance: 2e-5), "\(v.scheme) \(v.key) hard d/dtemperature")
    }
  }

  @Test func concreteLogDensityEqualsPyTorch() throws {
    for v in OracleVectors.logProb {
      let distribution = try GumbelSoftmax(logits: Tensor(v.logits), temperature: v.temperature)
      let value = Tensor(v.value)
      try distribution.validate(value: value)
      let ours = distribution.logDensity(of: value).scalars[0]
      #expect(isClose(ours, v.logProb, relative: 1e-10, absolute: 1e-10), "\(v.logits) tau \(v.temperature): \(ours) vs \(v.logProb)")
    }
  }
}
