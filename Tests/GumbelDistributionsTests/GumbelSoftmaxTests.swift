import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import RealModule
import Testing

@Suite struct GumbelSoftmaxTests {
  static let logits = Tensor<Double>([0.5, -1.0, 2.0, 0.1])
  static let key = PRNGKey(seed: 17)

  /// The Concrete density written directly on the simplex (Maddison et al. 2017, eq. 4), as an
  /// independent check of the log-space implementation.
  static func directLogDensity(logits: [Double], temperature tau: Double, value y: [Double]) -> Double {
    let k = Double(logits.count)
    let z = logits.map { Double.exp($0) }.reduce(0, +)
    let pi = logits.map { Double.exp($0) / z }
    var logP = Double.logGamma(k) + (k - 1) * Double.log(tau)
    var normaliser = 0.0
    for (p, yk) in zip(pi, y) {
      logP += Double.log(p) - (tau + 1) * Double.log(yk)
      normaliser += p * Double.pow(yk, -tau)
    }
    return logP - k * Double.log(normaliser)
  }

  @Test(arguments: [0.3, 1.0, 2.5])
  func logDensityMatchesTheDirectFormula(temperature: Double) throws {
    let distribution = try GumbelSoftmax(logits: Self.logits, temperature: temperature)
    let values = distribution.sample(using: Self.key, count: 6)
    let ours = distribution.logDensity(of: values)
    for (row, value) in zip(ours.scalars, values.rows) {
      #expect(isClose(row, Self.directLogDensity(logits: Self.logits.scalars, temperature: temperature, value: value), relative: 1e-10))
    }
  }

  /// For K = 2 the density of y = (t, 1 - t) must integrate to 1 over t in (0, 1). With
  /// t = sigmoid(s), dt = t (1 - t) ds; the midpoint rule on s in [-60, 60] with step 0.005.
  @Test(arguments: [0.5, 1.0, 3.0])
  func densityIntegratesToOneForTwoCategories(temperature: Double) throws {
    let distribution = try GumbelSoftmax(logits: Tensor([0.3, -0.4]), temperature: temperature)
    let step = 0.005
    var points: [Double] = []
    var weights: [Double] = []
    for s in stride(from: -60 + step / 2, to: 60, by: step) {
      let t = 1 / (1 + Double.exp(-s))
      guard t > 0, t < 1 else { continue }
      points += [t, 1 - t]
      weights.append(t * (1 - t) * step)
    }
    let logDensities = distribution.logDensity(of: Tensor(shape: [weights.count, 2], scalars: points))
    let integral = zip(logDensities.scalars, weights).reduce(0) { $0 + Double.exp($1.0) * $1.1 }
    #expect(abs(integral - 1) < 1e-6)
  }

  /// For K = 3 the density integrates to 1 over the 2-simplex. With y = softmax(s1, s2, 0), the
  /// Jacobian of (s1, s2) -> (y1, y2) is y1 y2 y3; the midpoint rule on [-40, 40]^2, step 0.1.
  @Test(arguments: [0.8, 2.0])
  func densityIntegratesToOneForThreeCategories(temperature: Double) throws {
    let distribution = try GumbelSoftmax(logits: Tensor([0.3, -0.4, 0.1]), temperature: temperature)
    let step = 0.1
    let grid = Array(stride(from: -40 + step / 2, to: 40, by: step))
    var integral = 0.0
    for s1 in grid {
      var points: [Double] = []
      var jacobians: [Double] = []
      for s2 in grid {
        let m = max(s1, s2, 0)
        let e = [Double.exp(s1 - m), Double.exp(s2 - m), Double.exp(-m)]
        let total = e.reduce(0, +)
        let y = e.map { $0 / total }
        guard y.allSatisfy({ $0 > 0 }) else { continue }
        points += y
        jacobians.append(y[0] * y[1] * y[2])
      }
      let logDensity = distribution.logDensity(of: Tensor(shape: [jacobians.count, 3], scalars: points))
      integral += zip(logDensity.scalars, jacobians).reduce(0) { $0 + Double.exp($1.0) * $1.1 } * step * step
    }
    #expect(abs(integral - 1) < 1e-4)
  }

  @Test func logSampleIsTheLogOfTheSampleAndStaysFiniteAtLowTemperature() throws {
    let distribution = try GumbelSoftmax(logits: Self.logits, temperature: 0.7)
    let y = distribution.sample(using: Self.key, count: 4)
    let logY = distribution.logSample(using: Self.key, count: 4)
    for (a, b) in zip(logY.scalars, y.scalars) { #expect(isClose(a, Double.log(b), relative: 1e-12)) }

    let cold = try GumbelSoftmax(logits: Tensor<Float>([0.5, -1.0, 2.0, 0.1]), temperature: 1e-3)
    let logCold = cold.logSample(using: Self.key, count: 64)
    #expect(logCold.scalars.allSatisfy { $0.isFinite })
    #expect(cold.logDensity(ofLogSample: logCold).scalars.allSatisfy { $0.isFinite })
  }

  @Test func samplesLieOnTheSimplexAndHardSamplesAreOneHotCategoricalDraws() throws {
    let distribution = try GumbelSoftmax(logits: Tensor<Float>([0.5, -1.0, 2.0, 0.1]), temperature: 0.5)
    let soft = distribution.sample(using: Self.key, count: 50)
    for row in soft.rows { #expect(abs(row.reduce(0, +) - 1) < 1e-6 && row.allSatisfy { $0 >= 0 }) }
    let hard = distribution.hardSample(using: Self.key, count: 50)
    let draws = try Self.key.categorical(logits: distribution.logits.scalars, shape: [50])
    for (row, draw) in zip(hard.rows, draws) {
      #expect(row.reduce(0, +) == 1 && row[draw] == 1)
    }
    #expect(distribution.indexSample(using: Self.key, count: 50).scalars == draws.map { Float($0) })
  }

  @Test(arguments: [0.2, 0.5, 1.0, 4.0])
  func reparameterisedGradientsMatchFiniteDifferences(temperature: Double) {
    let key = Self.key
    let soft = pullbackAgreement(at: Self.logits, temperature, step: 1e-7) { l, t in
      GumbelSoftmax(trustedLogits: l, temperature: t).sample(using: key, count: 3)
    }
    let logSample = pullbackAgreement(at: Self.logits, temperature, step: 1e-7) { l, t in
      GumbelSoftmax(trustedLogits: l, temperature: t).logSample(using: key, count: 3)
    }
    let value = GumbelSoftmax(trustedLogits: Self.logits, temperature: 1.3).sample(using: key, count: 3)
    let density = pullbackAgreement(at: Self.logits, temperature, step: 1e-7) { l, t in
      GumbelSoftmax(trustedLogits: l, temperature: t).logDensity(of: value)
    }
    for (analytic, numeric) in soft + logSample + density {
      #expect(isClose(analytic, numeric, relative: 1e-5, absolute: 1e-8), "\(analytic) vs \(numeric)")
    }
  }

  @Test func straightThroughGradientsAreTheSoftGradients() {
    var rng = SplitMix64(seed: 4)
    let weights = randomTensor(shape: [3, 4], using: &rng)
    let key = Self.key
    let distribution = GumbelSoftmax(trustedLogits: Self.logits, temperature: 0.6)
    let hard = gradient(at: distribution) { d in (d.hardSample(using: key, count: 3) * weights).sum() }
    let soft = gradient(at: distribution) { d in (d.sample(using: key, count: 3) * weights).sum() }
    #expect(hard.logits == soft.logits && hard.temperature == soft.temperature)

    let indices = Tensor<Double>([0, 1, 2, 3])
    let index = gradient(at: distribution) { d in d.indexSample(using: key, count: 3).sum() }
    let softIndex = gradient(at: distribution) { d in (d.sample(using: key, count: 3) * indices).sum() }
    for (a, b) in zip(index.logits.scalars, softIndex.logits.scalars) { #expect(isClose(a, b, relative: 1e-12)) }
    #expect(isClose(index.temperature, softIndex.temperature, relative: 1e-12))
  }

  @Test func maskedCategoriesAreExactlyZeroNeverDrawnAndKeepGradientsFinite() throws {
    let logits = Tensor<Float>([0.5, -.infinity, 2.0, -.infinity, 0.1])
    var rng = SplitMix64(seed: 8)
    let weights = Tensor<Float>(shape: [40, 5], scalars: (0..<200).map { _ in Float.random(in: -1...1, using: &rng) })
    for temperature: Float in [1e-4, 0.1, 1, 1e4] {
      let distribution = try GumbelSoftmax(logits: logits, temperature: temperature)
      let key = Self.key
      for sample in [distribution.sample(using: key, count: 40), distribution.hardSample(using: key, count: 40)] {
        for row in sample.rows { #expect(row[1] == 0 && row[3] == 0) }
      }
      let gradients = [
        gradient(at: distribution) { d in (d.sample(using: key, count: 40) * weights).sum() },
        gradient(at: distribution) { d in (d.hardSample(using: key, count: 40) * weights).sum() },
        gradient(at: distribution) { d in (d.logSample(using: key, count: 40) * weights).replacing(where: weights.maskedElements, with: 0).sum() },
      ]
      for g in gradients {
        #expect(g.logits.scalars.allSatisfy { $0.isFinite } && g.temperature.isFinite, "temperature \(temperature)")
      }
      let value = try GumbelSoftmax(logits: logits, temperature: 1).sample(using: key, count: 3)
      try distribution.validate(value: value)
      let density = gradient(at: distribution) { d in d.logDensity(of: value).sum() }
      #expect(density.logits.scalars.allSatisfy { $0.isFinite } && density.temperature.isFinite)
      #expect(distribution.logDensity(of: value).scalars.allSatisfy { !$0.isNaN })
    }
  }

  @Test func maskedDensityEqualsTheDensityOfTheUnmaskedFace() throws {
    let masked = try GumbelSoftmax(logits: Tensor([0.5, -.infinity, 2.0]), temperature: 0.8)
    let face = try GumbelSoftmax(logits: Tensor([0.5, 2.0]), temperature: 0.8)
    let value = Tensor<Double>([0.3, 0, 0.7])
    #expect(isClose(masked.logDensity(of: value).scalars[0], face.logDensity(of: Tensor([0.3, 0.7])).scalars[0], relative: 1e-12))
  }

  /// The ExpConcrete log-density's derivative (its own primitive) with respect to the
  /// log-sample, the logits and the temperature, for a batch of logits with masked categories
  /// and log-samples broadcast over them.
  @Test func logSampleDensityGradientsMatchFiniteDifferences() {
    let logits = Tensor<Double>(shape: [2, 4], scalars: [0.5, -.infinity, 2.0, 0.1, -0.3, 0.8, -.infinity, 1.2])
    let x = GumbelSoftmax(trustedLogits: logits, temperature: 0.7).logSample(using: Self.key, count: 3)
    let wrtSample = pullbackAgreement(at: x, step: 1e-7) { x in
      GumbelSoftmax(trustedLogits: logits, temperature: 0.7).logDensity(ofLogSample: x)
    }
    let wrtParameters = pullbackAgreement(at: logits, 0.7, step: 1e-7) { l, t in
      GumbelSoftmax(trustedLogits: l, temperature: t).logDensity(ofLogSample: x)
    }
    for (analytic, numeric) in wrtSample + wrtParameters {
      #expect(isClose(analytic, numeric, relative: 1e-6, absolute: 1e-8), "\(analytic) vs \(numeric)")
    }
    let g = gradient(at: GumbelSoftmax(trustedLogits: logits, temperature: 0.7)) { d in d.logDensity(ofLogSample: x).sum() }
    #expect(g.logits.scalars[1] == 0 && g.logits.scalars[6] == 0)
  }

  /// A case the property tests found: Float logits spread over `1.3e37` at temperature 0.07
  /// give log-samples near `-1.8e38`. Composed from element-wise operations, the temperature
  /// derivative `(n-1)/tau - sum_k (1 - n w_k) x_k` overflowed in its partial sums although its
  /// value fits in Float; the Float gradient must equal the Double one of the same inputs.
  @Test func floatLogSampleDensityGradientSurvivesWideLogits() throws {
    let logits = Tensor<Float>([3.786783e+36, -2.613522e+36, -9.0965003e+36])
    let distribution = try GumbelSoftmax(logits: logits, temperature: 0.07167746)
    let x = distribution.logSample(using: PRNGKey(words: (4085763704, 3353320876), scheme: .partitionable))
    #expect(x.scalars.allSatisfy { $0.isFinite })
    let narrow = gradient(at: distribution) { d in d.logDensity(ofLogSample: x).sum() }
    let wide = gradient(at: GumbelSoftmax<Double>(
      trustedLogits: Tensor(logits.scalars.map(Double.init)), temperature: Double(distribution.temperature))) { d in
      d.logDensity(ofLogSample: Tensor(x.scalars.map(Double.init))).sum()
    }
    #expect(narrow.temperature.isFinite && isClose(Double(narrow.temperature), wide.temperature, relative: 1e-6))
    for (a, b) in zip(narrow.logits.scalars, wide.logits.scalars) { #expect(isClose(Double(a), b, relative: 1e-6, absolute: 1e-6)) }
  }

  @Test func meanSampleApproachesTheProbabilitiesAsTheTemperatureFalls() throws {
    let probabilities = Tensor<Double>([0.1, 0.2, 0.3, 0.4])
    let n = 20_000
    var errors: [Double] = []
    for temperature in [5.0, 1.0, 0.05] {
      let samples = try GumbelSoftmax(probabilities: probabilities, temperature: temperature).sample(using: Self.key, count: n)
      let mean = samples.unbroadcast(to: [4]).scalars.map { $0 / Double(n) }
      errors.append(zip(mean, probabilities.scalars).map { abs($0 - $1) }.max()!)
    }
    // At temperature 0.05 the samples are nearly one-hot draws: within 5 standard errors (0.0035 each).
    #expect(errors[2] < 0.018)
    #expect(errors[0] > errors[1] && errors[1] > errors[2])
  }

  @Test func badInputsAreTypedErrors() {
    #expect(throws: DistributionError.invalidTemperature(0)) { try GumbelSoftmax(logits: Tensor<Float>([1, 2]), temperature: 0) }
    #expect(throws: DistributionError.invalidTemperature(-1)) { try GumbelSoftmax(logits: Tensor<Float>([1, 2]), temperature: -1) }
    #expect(throws: DistributionError.invalidTemperature(.infinity)) { try GumbelSoftmax(logits: Tensor<Float>([1, 2]), temperature: .infinity) }
    #expect(throws: DistributionError.empty) { try GumbelSoftmax(logits: Tensor<Float>([Float]()), temperature: 1) }
    #expect(throws: DistributionError.allLogitsMasked(row: 0)) { try GumbelSoftmax(logits: Tensor<Float>([-.infinity, -.infinity]), temperature: 1) }
    #expect(throws: DistributionError.invalidProbability(index: 1, value: -0.5)) { try GumbelSoftmax(probabilities: Tensor<Float>([1.5, -0.5]), temperature: 1) }
    #expect(throws: DistributionError.probabilitiesDoNotSumToOne(row: 0, sum: 0.75)) { try GumbelSoftmax(probabilities: Tensor<Double>([0.5, 0.25]), temperature: 1) }
    #expect((try? GumbelSoftmax(logits: Tensor<Float>([1, .nan]), temperature: 1)) == nil)
    #expect((try? GumbelSoftmax(logits: Tensor<Float>([1, 2]), temperature: .nan)) == nil)

    let distribution = try! GumbelSoftmax(logits: Tensor<Double>([1, 2, -.infinity]), temperature: 1)
    #expect(throws: DistributionError.self) { try distribution.validate(value: Tensor([0.5, 0.5])) }
    #expect(throws: DistributionError.self) { try distribution.validate(value: Tensor([0.5, 0.4, 0.1])) }
    #expect(throws: DistributionError.self) { try distribution.validate(value: Tensor([0.0, 1.0, 0.0])) }
    #expect(throws: DistributionError.self) { try distribution.validate(value: Tensor([0.6, 0.6, 0.0])) }
    #expect(throws: Never.self) { try distribution.validate(value: Tensor([0.25, 0.75, 0.0])) }
  }
}
