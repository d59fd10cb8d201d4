import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelExperiments
import GumbelNN
import GumbelRandom
import GumbelTensor
import Testing
import _GumbelTestSupport

/// The discrete VAE and its trainer: the objective, its gradient, and training.
@Suite struct DiscreteVAETests {
  @Test func klToUniform() {
    let logits = Tensor<Double>(rows: [[0, 0, 0], [1, 2, 3], [-50, 0, 50]])
    let kl = DiscreteVAE<Double>.klToUniform(logits: logits, categories: 3).scalars
    #expect(abs(kl[0]) <= 1e-15)
    let q = [1.0, 2, 3].map { exp($0) }, total = q.reduce(0, +)
    #expect(abs(kl[1] - q.map { $0 / total }.reduce(0) { $0 + $1 * log($1 * 3) }) <= 1e-12)
    #expect(abs(kl[2] - log(3)) <= 1e-12)  // almost one-hot: KL = log K
  }

  /// With the (smooth) Gumbel-softmax estimator and a fixed key, the objective is a smooth
  /// function of every weight, so its gradient must match finite differences (categorical
  /// latents, and bits through the binary Concrete).
  @Test(arguments: LatentType.allCases, [false, true])
  func negativeELBOGradientAgainstFiniteDifferences(type: LatentType, learnsPrior: Bool) throws {
    var model = DiscreteVAE<Double>(pixelCount: 16, hiddenSizes: [7, 5], latentCount: type == .bernoulli ? 4 : 2,
                                    categoryCount: 3, latentType: type, learnsPrior: learnsPrior, key: PRNGKey(seed: 3))
    if learnsPrior { model.priorLogits = Self.randomPrior(shape: model.priorLogits.shape, seed: 4) }
    let x = Tensor(shape: [4, 16], scalars: VAETestData.images(count: 4, seed: 3).scalars.map(Double.init))
    #expect(model.encode(x).shape == (type == .bernoulli ? [16, 1] : [8, 3]))
    let estimator = try Estimator<Double>(.gs, temperature: 0.7)
    let key = PRNGKey(seed: 11)
    let g = gradient(at: model) { m in m.negativeELBO(images: x, estimator: estimator, key: key) }
    let mismatches = parameterGradientMismatches(of: { parameters in
      var m = model
      m.parameters = parameters
      return m.negativeELBO(images: x, estimator: estimator, key: key)
    }, at: model.parameters, gradient: g.parameters)
    #expect(mismatches.isEmpty, "\(mismatches)")
  }

  /// REINFORCE's baseline is taken over images, not latents: with the moving average at 0, the
  /// one image of a batch has the baseline 0 for every one of its latents, so its gradient is
  /// exactly that without a baseline. (A baseline advanced latent by latent would include the
  /// image's own loss, which depends on those latents' samples, and scale latent `j`'s term by
  /// `decay^j`.) With a moving average of 100 the gradient changes.
  @Test(arguments: LatentType.allCases)
  func aBaselineAtZeroLeavesOneImagesGradient(type: LatentType) throws {
    let model = DiscreteVAE<Double>(pixelCount: 16, hiddenSizes: [7, 5], latentCount: 4, categoryCount: 3,
                                    latentType: type, key: PRNGKey(seed: 3))
    let x = Tensor(shape: [1, 16], scalars: VAETestData.images(count: 1, seed: 3).scalars.map(Double.init))
    let key = PRNGKey(seed: 5)
    func parameterGradient(_ estimator: Estimator<Double>) -> [Tensor<Double>] {
      gradient(at: model) { m in m.negativeELBO(images: x, estimator: estimator, key: key) }.parameters
    }
    let plain = parameterGradient(try Estimator(.reinforce, temperature: 1))
    let averaged = parameterGradient(try Estimator(.reinforce, temperature: 1, baseline: .movingAverage(decay: 0.5)))
    #expect(plain == averaged)
    let shifted = parameterGradient(try Estimator(.reinforce, temperature: 1, baseline: .movingAverage(decay: 0.5), movingAverage: 100))
    #expect(plain != shifted)
  }

  /// Every estimator of the interface trains, with either latent type: a finite loss and a
  /// finite gradient that moves every parameter tensor.
  @Test(arguments: EstimatorKind.allCases, LatentType.allCases)
  func everyEstimatorTakesAStep(kind: EstimatorKind, type: LatentType) throws {
    guard kind.appliesToCategories || type == .bernoulli else {
      // DisARM is for bits: the configuration refuses it with categories, in one line.
      #expect(throws: TrainingError.invalidConfiguration(
        "the \(kind.rawValue) estimator is defined for Bernoulli latents only (--latent-type bernoulli)")) {
        try VAETestData.trainer(VAETestData.configuration(estimator: kind, latentType: type))
      }
      return
    }
    var trainer = try VAETestData.trainer(VAETestData.configuration(estimator: kind, latentType: type))
    let batch = VAETrainer.rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], of: trainer.trainImages)
    let before = trainer.state.model.parameters
    let result = try trainer.step(on: batch)
    #expect(result.loss.isFinite)
    #expect(trainer.state.model.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) })
    #expect(trainer.state.model.parameters != before)
  }

  @Test func trainingLowersTheTestNegativeELBO() throws {
    var trainer = try VAETestData.trainer()
    let initial = trainer.evaluate(trainer.testImages)
    var records = [EpochRecord]()
    for _ in 0..<25 { records.append(try trainer.trainEpoch()) }
    #expect(trainer.state.step == 25 * 4)
    #expect(trainer.state.stepLosses.count == 100)
    // From about 16 log 2 = 11.1 nats (pixels at 1/2) towards 16 H(0.05) + log 2 = 3.9 (the two
    // patterns coded in one latent, 5% of pixels flipped).
    #expect(records.last!.testNegELBO < initial - 3, "test -ELBO \(initial) -> \(records.map(\.testNegELBO))")
    #expect(records.last!.trainLoss < records.first!.trainLoss)
  }

  /// The schedule is Jang, Gu & Poole's `max(0.5, exp(-3e-4 t))`; ReinMax's temperature is
  /// raised to 1.
  @Test func temperatureSchedule() {
    var c = VAETrainingConfiguration()
    #expect(c.temperature(step: 0) == 1)
    #expect(abs(c.temperature(step: 1000) - exp(-0.3)) <= 1e-15)
    #expect(c.temperature(step: 10_000) == 0.5)
    #expect(c.estimatorTemperature(step: 1000) == c.temperature(step: 1000))
    c.estimator = .reinmax
    #expect(c.estimatorTemperature(step: 1000) == 1)
    #expect(c.estimatorTemperature(step: 0) == 1)
  }

  /// The trainer sets its one estimator's temperature from the schedule at every step.
  @Test func theCarriedEstimatorFollowsTheSchedule() throws {
    var c = VAETestData.configuration(estimator: .gumbelRao)
    c.temperatureDecay = 0.1
    var trainer = try VAETestData.trainer(c)
    try trainer.trainEpoch()
    // The last of 4 steps ran at step 3: max(0.5, exp(-0.3)).
    #expect(abs(Double(trainer.state.estimator.temperature) - exp(-0.3)) <= 1e-6)
    #expect(trainer.state.estimator.kind == .gumbelRao)
  }

  @Test func sameSeedSameResult() throws {
    var a = try VAETestData.trainer(), b = try VAETestData.trainer()
    for _ in 0..<2 {
      try a.trainEpoch()
      try b.trainEpoch()
    }
    #expect(a.state.model.parameters == b.state.model.parameters)
    #expect(a.state.stepLosses == b.state.stepLosses)
    var other = VAETestData.configuration()
    other.seed = 8
    var c = try VAETestData.trainer(other)
    try c.trainEpoch()
    #expect(c.state.stepLosses != Array(a.state.stepLosses.prefix(4)))
  }

  @Test func reconstructionsAndPriorSamplesAreProbabilities() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    let recon = trainer.state.model.reconstructions(of: VAETrainer.rows([0, 1], of: trainer.testImages))
    #expect(recon.shape == [2, 16])
    #expect(recon.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    #expect(trainer.state.model.priorSamples(count: 3, key: PRNGKey(seed: 0)).shape == [3, 16])
  }

  /// The discrete evaluation's one-hot samples are those of the straight-through sample.
  @Test func gumbelMaxMatchesTheHardSample() {
    let logits = Tensor<Float>(shape: [6, 4], scalars: (0..<24).map { Float($0 % 5) * 0.3 })
    let key = PRNGKey(seed: 5)
    let hard = GumbelSoftmax(trustedLogits: logits, temperature: 1).hardSample(using: key)
    #expect(OneHotSampling.gumbelMax(logits: logits, key: key) == hard)
  }

  @Test func klToUniformBit() {
    let logits = Tensor<Double>(shape: [4, 1], scalars: [0, 1.5, -3, 40])
    let kl = DiscreteVAE<Double>.klToUniformBit(logits: logits).scalars
    for (l, value) in zip(logits.scalars, kl) {
      let q = 1 / (1 + exp(-l))
      let expected = q * log(2 * q) + (q < 1 ? (1 - q) * log(2 * (1 - q)) : 0)
      #expect(abs(value - expected) <= 1e-12, "logit \(l): \(value) vs \(expected)")
    }
  }

  /// Prior logits with entries uniform in [-2, 2].
  static func randomPrior(shape: [Int], seed: UInt64) -> Tensor<Double> {
    var rng = SplitMix64(seed: seed)
    return Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Double.random(in: -2...2, using: &rng) })
  }

  /// `sum_k q_k log(q_k / p_k)` with row `i` of the logits against prior row `i mod N`, and
  /// for bits the two-term sum over `b in {0, 1}`.
  @Test func klToALearnedPrior() {
    let prior = Self.randomPrior(shape: [2, 3], seed: 8)
    let logits = Tensor<Double>(rows: [[0, 0, 0], [1, 2, 3], [-50, 0, 50], [0.5, -1, 2]])
    let kl = DiscreteVAE<Double>.klToPrior(logits: logits, priorLogits: prior).scalars
    func softmax(_ row: [Double]) -> [Double] { let e = row.map { exp($0) }; return e.map { $0 / e.reduce(0, +) } }
    for (i, row) in logits.rows.enumerated() {
      let q = softmax(row), p = softmax(prior.rows[i % 2])
      let expected = zip(q, p).reduce(0) { $0 + ($1.0 > 0 ? $1.0 * log($1.0 / $1.1) : 0) }
      #expect(abs(kl[i] - expected) <= 1e-12, "row \(i): \(kl[i]) vs \(expected)")
    }
    let bitPrior = Self.randomPrior(shape: [3, 1], seed: 9)
    let bitLogits = Tensor<Double>(shape: [6, 1], scalars: [0, 1.5, -3, 40, -0.2, 2])
    let bitKL = DiscreteVAE<Double>.klToPriorBit(logits: bitLogits, priorLogits: bitPrior).scalars
    for (i, l) in bitLogits.scalars.enumerated() {
      let q = 1 / (1 + exp(-l)), p = 1 / (1 + exp(-bitPrior.scalars[i % 3]))
      let expected = q * log(q / p) + (q < 1 ? (1 - q) * log((1 - q) / (1 - p)) : 0)
      #expect(abs(bitKL[i] - expected) <= 1e-9, "logit \(l): \(bitKL[i]) vs \(expected)")
    }
  }

  /// Only the KL depends on the prior, and `d/da_jk mean_b KL(q_bj || softmax(a_j)) =
  /// p_jk - mean_b q_bjk` (for bits, `sigmoid(a_j) - mean_b q_bj`): the prior's gradient moves
  /// it toward the batch's mean posterior.
  @Test(arguments: LatentType.allCases)
  func thePriorsGradientIsThePriorMinusTheMeanPosterior(type: LatentType) throws {
    var model = DiscreteVAE<Double>(pixelCount: 16, hiddenSizes: [7, 5], latentCount: 3, categoryCount: 4,
                                    latentType: type, learnsPrior: true, key: PRNGKey(seed: 6))
    model.priorLogits = Self.randomPrior(shape: model.priorLogits.shape, seed: 10)
    let x = Tensor(shape: [5, 16], scalars: VAETestData.images(count: 5, seed: 4).scalars.map(Double.init))
    let estimator = try Estimator<Double>(.stGS, temperature: 0.5)
    let g = gradient(at: model) { m in m.negativeELBO(images: x, estimator: estimator, key: PRNGKey(seed: 1)) }
    let width = model.logitsPerLatent
    let logits = model.encode(x).rows, prior = model.priorLogits.rows
    func probabilities(_ row: [Double]) -> [Double] {
      if row.count == 1 { return [1 / (1 + exp(-row[0]))] }
      let e = row.map { exp($0) }
      return e.map { $0 / e.reduce(0, +) }
    }
    let gradient = g.priorLogits.unbroadcast(to: model.priorLogits.shape).scalars
    for j in 0..<3 {
      for k in 0..<width {
        let meanQ = (0..<5).reduce(0.0) { $0 + probabilities(logits[$1 * 3 + j])[k] } / 5
        let expected = probabilities(prior[j])[k] - meanQ
        #expect(abs(gradient[j * width + k] - expected) <= 1e-12, "latent \(j), value \(k)")
      }
    }
  }

  /// Without a learned prior, its logits get a gradient of 0 and stay uniform through training.
  @Test func aUniformPriorStaysUniform() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    #expect(trainer.state.model.priorLogits == Tensor(repeating: 0, shape: [3, 4]))
  }

  @Test func bernoulliTrainingLowersTheTestNegativeELBO() throws {
    var trainer = try VAETestData.trainer(VAETestData.configuration(latentType: .bernoulli))
    let initial = trainer.evaluate(trainer.testImages)
    for _ in 0..<25 { try trainer.trainEpoch() }
    let final = trainer.evaluate(trainer.testImages)
    #expect(final < initial - 3, "test -ELBO \(initial) -> \(final)")
    let bound = trainer.evaluateBound(trainer.testImages, samples: 200)
    #expect(bound.isFinite && bound <= final + 0.05, "bound \(bound), -ELBO \(final)")
  }

  /// The schedules: the temperature held for `temperatureInterval` steps, from
  /// `initialTemperature`, and the learning rate decayed by steps (Optax's staircase).
  @Test func schedulesFollowTheirFormulas() {
    var c = VAETrainingConfiguration()
    c.initialTemperature = 2
    c.minimumTemperature = 0.5
    c.temperatureDecay = 1e-3
    c.temperatureInterval = 100
    #expect(c.temperature(step: 0) == 2 && c.temperature(step: 99) == 2)
    #expect(abs(c.temperature(step: 250) - 2 * exp(-0.2)) < 1e-12)
    #expect(c.temperature(step: 1_000_000) == 0.5)
    c.learningRate = 1e-3
    c.learningRateDecay = 0.9
    c.learningRateDecaySteps = 1000
    #expect(c.learningRateSchedule(999) == 1e-3 && abs(c.learningRateSchedule(2500) - 1e-3 * 0.81) < 1e-9)
  }

  /// A configuration written before the latent type and the schedules' new settings existed
  /// (checkpoint version 2) reads with their defaults.
  @Test func olderConfigurationsReadWithDefaults() throws {
    let json = """
      {"batchSize":100,"categoryCount":10,"estimator":"st-gs","evaluationSamples":10,"hiddenSizes":[512,256],
       "latentCount":30,"learningRate":0.001,"minimumTemperature":0.5,"seed":0,"temperatureDecay":0.0003}
      """
    let decoded = try JSONDecoder().decode(VAETrainingConfiguration.self, from: Data(json.utf8))
    #expect(decoded == VAETrainingConfiguration())
    let missing = json.replacingOccurrences(of: "\"seed\":0,", with: "")
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(VAETrainingConfiguration.self, from: Data(missing.utf8)) }
  }
}
