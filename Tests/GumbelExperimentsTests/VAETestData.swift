import GumbelEstimators
import GumbelExperiments
import GumbelTensor
import _GumbelTestSupport

/// A tiny discrete-VAE problem: 16-pixel images of two kinds and a small configuration.
enum VAETestData {
  /// Two kinds of 16-pixel images (top half or bottom half on, with a few flipped pixels).
  static func images(count: Int, seed: UInt64) -> Tensor<Float> {
    var rng = SplitMix64(seed: seed)
    var pixels = [Float]()
    for i in 0..<count {
      for p in 0..<16 {
        let on = (i % 2 == 0) == (p < 8)
        let flip = Double.random(in: 0..<1, using: &rng) < 0.05
        pixels.append(on != flip ? 1 : 0)
      }
    }
    return Tensor(shape: [count, 16], scalars: pixels)
  }

  static func configuration(estimator: EstimatorKind = .stGS, baselineDecay: Double? = nil,
                            latentType: LatentType = .categorical) -> VAETrainingConfiguration {
    var c = VAETrainingConfiguration()
    c.latentType = latentType
    c.latentCount = 3
    c.categoryCount = 4
    c.hiddenSizes = [12, 8]
    c.batchSize = 10
    c.learningRate = 3e-2
    c.evaluationSamples = 3
    c.estimator = estimator
    c.baselineDecay = baselineDecay
    c.seed = 7
    return c
  }

  static func trainer(_ configuration: VAETrainingConfiguration = configuration()) throws -> VAETrainer {
    let train = images(count: 40, seed: 1), test = images(count: 20, seed: 2)
    let state = try VAETrainingState(configuration: configuration, pixelCount: 16,
                                     dataFingerprint: VAETrainer.fingerprint([train, test]))
    return try VAETrainer(state: state, trainImages: train, testImages: test)
  }
}
