import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import RealModule
import Testing

@Suite struct CategoricalTests {
  let p = [0.1, 0.2, 0.3, 0.4]
  let q = [0.25, 0.25, 0.4, 0.1]

  @Test func entropyAndKLDivergenceMatchTheirDefinitions() throws {
    let cp = try Categorical(probabilities: Tensor(p))
    let cq = try Categorical(probabilities: Tensor(q))
    let entropy = -p.reduce(0) { $0 + $1 * Double.log($1) }
    let kl = zip(p, q).reduce(0) { $0 + $1.0 * Double.log($1.0 / $1.1) }
    #expect(isClose(cp.entropy().scalars[0], entropy, relative: 1e-12))
    #expect(isClose(cp.klDivergence(to: cq).scalars[0], kl, relative: 1e-12))
    #expect(isClose(cp.logProbability(of: [2]).scalars[0], Double.log(0.3), relative: 1e-12))
  }

  @Test func gradientsMatchFiniteDifferences() {
    let logits = Tensor<Double>(rows: [[0.1, -0.3, 1.2], [0.5, 0.4, -2.0]])
    let other = Categorical(trustedLogits: Tensor<Double>([0.3, 0.3, -0.1]))
    let checks = pullbackAgreement(at: logits) { Categorical(trustedLogits: $0).entropy() }
      + pullbackAgreement(at: logits) { Categorical(trustedLogits: $0).klDivergence(to: other) }
      + pullbackAgreement(at: logits) { Categorical(trustedLogits: $0).logProbability(of: [2, 0]) }
    for (analytic, numeric) in checks { #expect(isClose(analytic, numeric, relative: 1e-6, absolute: 1e-9)) }
  }

  @Test func maskedCategoriesContributeZeroNotNaN() throws {
    let c = try Categorical(logits: Tensor<Double>([0, -.infinity, 1]))
    let face = try Categorical(logits: Tensor<Double>([0, 1]))
    #expect(isClose(c.entropy().scalars[0], face.entropy().scalars[0], relative: 1e-12))
    let g = gradient(at: c) { $0.entropy().sum() }
    #expect(g.logits.scalars.allSatisfy { $0.isFinite })
    #expect(c.klDivergence(to: c).scalars[0] == 0)
  }

  @Test func badInputsAreTypedErrors() {
    #expect(throws: DistributionError.empty) { try Categorical(logits: Tensor<Float>([Float]())) }
    #expect(throws: DistributionError.invalidLogit(index: 0, value: .infinity)) { try Categorical(logits: Tensor<Float>([.infinity, 0])) }
    #expect(throws: DistributionError.allLogitsMasked(row: 1)) { try Categorical(logits: Tensor<Float>(rows: [[0, 1], [-.infinity, -.infinity]])) }
    #expect(throws: DistributionError.probabilitiesDoNotSumToOne(row: 0, sum: 1.5)) { try Categorical(probabilities: Tensor<Double>([1, 0.5])) }
    #expect(throws: DistributionError.invalidProbability(index: 0, value: .infinity)) { try Categorical(probabilities: Tensor<Double>([.infinity, 0])) }
    #expect(throws: RandomError.negativeDimension(shape: [-2])) { try Categorical(logits: Tensor<Float>([0, 1])).sample(using: PRNGKey(seed: 0), count: -2) }
  }

  @Test func samplingMatchesTheKeyAndIsNotDifferentiable() throws {
    let key = PRNGKey(seed: 21)
    let c = try Categorical(logits: Tensor<Float>(rows: [[0, 1, 2], [2, 1, 0]]))
    #expect(try c.sample(using: key) == key.categorical(logits: c.logits.scalars, logitsShape: [2, 3]))
    #expect(try c.sample(using: key, count: 4).count == 8)
  }
}

@Suite struct GumbelTests {
  @Test func quantileInvertsTheCdfAndMomentsMatchSamples() throws {
    let g = try Gumbel<Double>(location: 1.5, scale: 2)
    for x in [-3.0, 0, 1.5, 7] { #expect(isClose(g.quantile(g.cdf(x)), x, relative: 1e-10, absolute: 1e-10)) }
    // d/dx cdf = density, by central differences.
    for x in [-1.0, 2, 5] {
      let slope = (g.cdf(x + 1e-6) - g.cdf(x - 1e-6)) / 2e-6
      #expect(isClose(slope, Double.exp(g.logDensity(x)), relative: 1e-6))
    }
    let n = 200_000
    let samples = try g.sample(using: PRNGKey(seed: 1), shape: [n]).scalars
    let mean = samples.reduce(0, +) / Double(n)
    let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
    // Within 5 standard errors of the formulas.
    #expect(abs(mean - g.mean) < 5 * (g.variance / Double(n)).squareRoot())
    #expect(abs(variance - g.variance) < 5 * g.variance * (3.4 / Double(n)).squareRoot())
  }

  @Test func entropyIsMinusTheExpectedLogDensity() throws {
    let g = try Gumbel<Double>(location: -0.5, scale: 0.7)
    var integral = 0.0
    let step = 1e-3
    for x in stride(from: -10.0, to: 40, by: step) {
      let logF = g.logDensity(x + step / 2)
      integral -= Double.exp(logF) * logF * step
    }
    #expect(isClose(integral, g.entropy, relative: 1e-6))
  }

  @Test func badParametersAreRefused() {
    #expect(throws: DistributionError.invalidParameter(name: "scale", value: 0)) { try Gumbel<Float>(scale: 0) }
    #expect(throws: DistributionError.self) { try Gumbel<Float>(location: .nan) }
  }
}
