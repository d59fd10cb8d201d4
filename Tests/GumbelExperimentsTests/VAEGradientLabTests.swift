import Foundation
import GumbelEstimators
import GumbelExperiments
import GumbelRandom
import GumbelTensor
import Testing

/// The VAE-gradient lab: its exact negative ELBO against a plain enumeration, its exact
/// gradient against finite differences of that ELBO, and its measurements against what the
/// estimators are known to be (unbiased or not).
@Suite struct VAEGradientLabTests {
  typealias Oracle = ImportanceWeightedBoundTests

  /// The exact negative ELBO equals the average over images of a sum over configurations
  /// written out term by term (``ImportanceWeightedBoundTests/exact(_:_:)``).
  @Test(arguments: LatentType.allCases, [false, true])
  func exactNegativeELBOMatchesAPlainEnumeration(type: LatentType, learnsPrior: Bool) throws {
    let model = Oracle.model(type, learnsPrior: learnsPrior)
    let lab = try VAEGradientLab(model: model, images: Oracle.images)
    let expected = Oracle.exact(model, Oracle.images).negELBO
    #expect(lab.configurationCount == (type == .bernoulli ? 8 : 9))
    let value = lab.exactNegativeELBO(model: model)
    #expect(abs(value - expected.reduce(0, +) / Double(expected.count)) < 1e-10, "\(value) vs \(expected)")
  }

  /// Central differences `(L(phi + h e_i) - L(phi - h e_i)) / 2h` of the exact negative ELBO,
  /// for every encoder parameter, against the exact gradient.
  ///
  /// The encoder's biases are moved off 0 first: with an all-zero image, a hidden unit's input
  /// would be exactly 0, at the ReLU's kink, where a central difference takes half of each side.
  @Test(arguments: LatentType.allCases, [false, true])
  func exactGradientAgainstFiniteDifferences(type: LatentType, learnsPrior: Bool) throws {
    var model = Oracle.model(type, learnsPrior: learnsPrior)
    model.encoder.parameters = model.encoder.parameters.map { p in
      p.shape.count == 1 ? Tensor(shape: p.shape, scalars: (0..<p.scalarCount).map { 0.05 + 0.03 * Double($0) }) : p
    }
    let lab = try VAEGradientLab(model: model, images: Oracle.images)
    let exact = lab.exactGradient
    var index = 0
    let h = 1e-5
    for (tensor, parameter) in model.encoder.parameters.enumerated() {
      for i in 0..<parameter.scalarCount {
        func value(_ step: Double) -> Double {
          var moved = model
          var scalars = parameter.scalars
          scalars[i] += step
          moved.encoder.parameters[tensor] = Tensor(shape: parameter.shape, scalars: scalars)
          return lab.exactNegativeELBO(model: moved)
        }
        let difference = (value(h) - value(-h)) / (2 * h)
        #expect(abs(difference - exact[index]) < 1e-7 + 1e-6 * abs(difference),
                "parameter \(tensor)[\(i)]: finite difference \(difference), exact \(exact[index])")
        index += 1
      }
    }
    #expect(index == exact.count)
    #expect(exact.contains { abs($0) > 1e-3 }, "the gradient should not vanish")
  }

  /// `(relative bias / bias noise)^2` has mean 1 for an unbiased estimator (the squared error
  /// of a mean of `S` estimates is `tr(Cov) / S` on average), and concentrates near 1 when the
  /// variance is spread over many parameters: an unbiased estimator's ratio stays under 3 (if
  /// the variance sat in one coordinate, the squared ratio would be a chi-square of one degree,
  /// above 9 with probability 0.3%); a biased one (straight-through Gumbel-softmax at
  /// temperature 1, below) is far above it. The keys are fixed, so each case is one draw of that
  /// distribution, checked once.
  @Test(arguments: [(EstimatorKind.reinforce, LatentType.categorical), (.rloo, .categorical),
                    (.reinforce, .bernoulli), (.rloo, .bernoulli), (.disarm, .bernoulli)])
  func unbiasedEstimatorsMatchTheExactGradient(kind: EstimatorKind, type: LatentType) throws {
    let lab = try VAEGradientLab(model: Oracle.model(type), images: Oracle.images)
    let estimator = try Estimator<Double>(kind, temperature: 1, bits: type == .bernoulli)
    let m = try lab.measure(estimator, draws: 2000, key: PRNGKey(seed: 3))
    #expect(m.relativeBias < 3 * m.biasNoise, "\(m)")
    #expect(m.cosineOfMean > 0.9, "\(m)")
    #expect(m.relativeStandardDeviation > 0 && (-1...1).contains(m.cosine), "\(m)")
  }

  @Test(arguments: LatentType.allCases)
  func aBiasedEstimatorShowsItsBias(type: LatentType) throws {
    let lab = try VAEGradientLab(model: Oracle.model(type), images: Oracle.images)
    let estimator = try Estimator<Double>(.stGS, temperature: 1, bits: type == .bernoulli)
    let m = try lab.measure(estimator, draws: 2000, key: PRNGKey(seed: 3))
    #expect(m.relativeBias > 10 * m.biasNoise, "\(m)")
    #expect(m.temperature == 1)
  }

  @Test func refusesWhatItCannotMeasure() throws {
    let big = DiscreteVAE<Double>(pixelCount: 6, hiddenSizes: [5, 4], latentCount: 5, categoryCount: 8, key: PRNGKey(seed: 0))
    #expect(throws: VAEGradientLab<Double>.Failure.tooManyConfigurations(latents: 5, values: 8)) {
      try VAEGradientLab(model: big, images: Oracle.images)
    }
    let bits = DiscreteVAE<Double>(pixelCount: 6, hiddenSizes: [5, 4], latentCount: 15, latentType: .bernoulli, key: PRNGKey(seed: 0))
    #expect(throws: VAEGradientLab<Double>.Failure.tooManyConfigurations(latents: 15, values: 2)) {
      try VAEGradientLab(model: bits, images: Oracle.images)
    }
    #expect(VAEGradientLab<Double>.configurationCount(latents: 14, values: 2) == 16_384)
    #expect(VAEGradientLab<Double>.configurationCount(latents: 4, values: 8) == 4096)
    let model = Oracle.model(.categorical)
    #expect(throws: VAEGradientLab<Double>.Failure.imageShape([4, 5], pixels: 6)) {
      try VAEGradientLab(model: model, images: Tensor(repeating: 0, shape: [4, 5]))
    }
    let lab = try VAEGradientLab(model: model, images: Oracle.images)
    #expect(throws: VAEGradientLab<Double>.Failure.tooFewDraws(1)) {
      try lab.measure(try Estimator(.st, temperature: 1), draws: 1, key: PRNGKey(seed: 0))
    }
  }
}
