import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import RealModule
import Testing

@Suite struct RelaxedBernoulliTests {
  static let key = PRNGKey(seed: 5)

  @Test func logDensityEqualsPyTorch() throws {
    for v in OracleVectors.relaxedBernoulli {
      let distribution = try RelaxedBernoulli(logits: Tensor(v.logits), temperature: v.temperature)
      let ours = distribution.logDensity(of: Tensor(v.value)).scalars
      for (a, b) in zip(ours, v.logProb) { #expect(isClose(a, b, relative: 1e-9, absolute: 1e-9), "tau \(v.temperature): \(a) vs \(b)") }
    }
  }

  /// The density of y integrates to 1 over (0, 1): with y = sigmoid(s), dy = y (1 - y) ds.
  @Test(arguments: [0.3, 1.0, 2.5])
  func densityIntegratesToOne(temperature: Double) throws {
    let distribution = try RelaxedBernoulli(logits: Tensor([0.7]), temperature: temperature)
    let step = 0.01
    var total = 0.0
    for s in stride(from: -300 + step / 2, to: 300, by: step) {
      // In logit space the Jacobian cancels: integrate exp(log p(u)) du directly.
      total += Double.exp(distribution.logDensity(ofLogit: Tensor([s])).scalars[0]) * step
    }
    #expect(abs(total - 1) < 1e-6)
  }

  @Test func samplesAndGradients() throws {
    let logits = Tensor<Double>([0.3, -1.2, 2.0])
    let key = Self.key
    for temperature in [0.2, 1.0, 3.0] {
      let checks = pullbackAgreement(at: logits, temperature, step: 1e-7) { l, t in
        RelaxedBernoulli(trustedLogits: l, temperature: t).sample(using: key, count: 4)
      } + pullbackAgreement(at: logits, temperature, step: 1e-7) { l, t in
        RelaxedBernoulli(trustedLogits: l, temperature: t).logDensity(of: Tensor([0.2, 0.5, 0.9]))
      }
      for (analytic, numeric) in checks { #expect(isClose(analytic, numeric, relative: 1e-5, absolute: 1e-9)) }
    }
    let distribution = try RelaxedBernoulli(logits: logits, temperature: 0.5)
    let soft = distribution.sample(using: key, count: 100)
    let hard = distribution.hardSample(using: key, count: 100)
    #expect(soft.scalars.allSatisfy { $0 > 0 && $0 < 1 })
    #expect(zip(hard.scalars, soft.scalars).allSatisfy { $0 == ($1 > 0.5 ? 1 : 0) })
    let g = gradient(at: distribution) { d in d.hardSample(using: key, count: 100).sum() }
    let gSoft = gradient(at: distribution) { d in d.sample(using: key, count: 100).sum() }
    #expect(g.logits == gSoft.logits && g.temperature == gSoft.temperature)
  }

  /// Float runs the noise, the tempered sigmoid and its pullback through bodies specialised by
  /// name: its pullback, with random upstream tangents, against central differences in Float
  /// (step 1e-2: truncation about 1e-4 relative, rounding about 1e-5), and the hard sample's
  /// gradient equal to the soft one's.
  @Test func floatPullbackAgreesWithFiniteDifferences() {
    let logits = Tensor<Float>([0.3, -1.2, 2.0])
    let key = Self.key
    var rng = SplitMix64(seed: 3)
    func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &rng) } }
    func dot(_ a: Tensor<Float>, _ b: Tensor<Float>) -> Float { zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 } }
    for temperature: Float in [0.5, 1, 3] {
      let f: @differentiable(reverse) (Tensor<Float>, Float) -> Tensor<Float> = { l, t in
        RelaxedBernoulli(trustedLogits: l, temperature: t).sample(using: key, count: 4)
      }
      let (value, pullback) = valueWithPullback(at: logits, temperature, of: f)
      for _ in 0..<3 {
        let u = Tensor(shape: value.shape, scalars: random(value.scalarCount))
        let d = Tensor(shape: logits.shape, scalars: random(logits.scalarCount))
        let dt = Float.random(in: -1...1, using: &rng), h: Float = 1e-2
        let (gl, gt) = pullback(u)
        let analytic = dot(gl, d) + gt * dt
        let numeric = dot(u, f(logits + d * Tensor(h), temperature + dt * h) - f(logits - d * Tensor(h), temperature - dt * h)) / (2 * h)
        #expect(isClose(analytic, numeric, relative: 2e-3, absolute: 1e-4), "tau \(temperature): \(analytic) vs \(numeric)")
      }
      let distribution = RelaxedBernoulli(trustedLogits: logits, temperature: temperature)
      let hard = gradient(at: distribution) { d in d.hardSample(using: key, count: 50).sum() }
      let soft = gradient(at: distribution) { d in d.sample(using: key, count: 50).sum() }
      #expect(hard.logits == soft.logits && hard.temperature == soft.temperature)
    }
  }

  @Test func saturatedSamplesKeepFiniteGradients() {
    let logits = Tensor<Float>([3e38, -3e38, 0])
    for temperature: Float in [1e-4, 1, 1e4] {
      let g = gradient(at: RelaxedBernoulli(trustedLogits: logits, temperature: temperature)) { d in
        d.sample(using: Self.key, count: 8).sum()
      }
      #expect(g.logits.scalars.allSatisfy { $0.isFinite } && g.temperature.isFinite)
    }
  }

  @Test func meanApproachesTheProbabilityAtLowTemperature() throws {
    let distribution = try RelaxedBernoulli(logits: Tensor([Double.log(0.3 / 0.7)]), temperature: 0.05)
    let n = 20_000
    let mean = distribution.sample(using: Self.key, count: n).sum() / Double(n)
    // 5 standard errors of a Bernoulli(0.3) mean, plus the relaxation's small bias.
    #expect(abs(mean - 0.3) < 5 * (0.21 / Double(n)).squareRoot() + 0.005)
  }

  @Test func badInputs() {
    #expect(throws: DistributionError.self) { try RelaxedBernoulli(logits: Tensor<Float>([.infinity]), temperature: 1) }
    #expect(throws: DistributionError.self) { try RelaxedBernoulli(logits: Tensor<Float>([0]), temperature: 0) }
    #expect(throws: DistributionError.self) { try Bernoulli(logits: Tensor<Float>([.nan])) }
  }
}

@Suite struct BernoulliTests {
  @Test func frequenciesLogProbabilityAndEntropy() throws {
    let p = 0.3
    let distribution = try Bernoulli(logits: Tensor([Double.log(p / (1 - p))]))
    let n = 50_000
    let draws = try distribution.sample(using: PRNGKey(seed: 9), count: n)
    #expect(abs(draws.sum() / Double(n) - p) < 4.5 * (p * (1 - p) / Double(n)).squareRoot())
    #expect(isClose(distribution.logProbability(of: Tensor([1.0])).scalars[0], Double.log(p), relative: 1e-12))
    #expect(isClose(distribution.logProbability(of: Tensor([0.0])).scalars[0], Double.log(1 - p), relative: 1e-12))
    #expect(isClose(distribution.entropy().scalars[0], -p * Double.log(p) - (1 - p) * Double.log(1 - p), relative: 1e-12))
    let checks = pullbackAgreement(at: Tensor([0.4, -1.1])) { Bernoulli(trustedLogits: $0).entropy() }
      + pullbackAgreement(at: Tensor([0.4, -1.1])) { Bernoulli(trustedLogits: $0).logProbability(of: Tensor([1, 0])) }
    for (analytic, numeric) in checks { #expect(isClose(analytic, numeric, relative: 1e-6)) }
  }

  /// `Float` runs `sigmoid`, its pullback and `logProbability`'s derivative by name (specialised
  /// even for generic callers): their values and gradients against the formulas in `Double`,
  /// `d sigmoid(l) = sigmoid(l) (1 - sigmoid(l))` and `d log p(x) / dl = x - sigmoid(l)`, with
  /// random upstream tangents `u`, logits from -20 to 20 and both values of `x` (tolerances of
  /// Float rounding; a missing or wrong factor is off by far more).
  @Test func floatGradientsMatchTheirFormulas() {
    var rng = SplitMix64(seed: 12)
    let count = 64
    let l = (0..<count).map { i in i < 4 ? [-20, 0, 20, 1e-3][i] : Float.random(in: -8...8, using: &rng) }
    let x = (0..<count).map { _ in Float(Int.random(in: 0...1, using: &rng)) }
    let u = (0..<count).map { _ in Float.random(in: -1...1, using: &rng) }
    let logits = Tensor(shape: [8, 8], scalars: l), bits = Tensor(shape: [8, 8], scalars: x), upstream = Tensor(shape: [8, 8], scalars: u)
    func sigmoid(_ l: Float) -> Double { 1 / (1 + Double.exp(-Double(l))) }

    let (value, sigmoidPullback) = valueWithPullback(at: logits) { $0.sigmoid() }
    let logProbabilityGradient = gradient(at: logits) { (Bernoulli(trustedLogits: $0).logProbability(of: bits) * upstream).sum() }
    let sigmoidGradient = sigmoidPullback(upstream)
    for i in 0..<count {
      let s = sigmoid(l[i])
      #expect(isClose(Double(value.scalars[i]), s, relative: 1e-6), "sigmoid(\(l[i]))")
      let expectedSigmoid = Double(u[i]) * s * (1 - s)
      // `1 - y` of a Float `y` near 1 keeps an absolute error of about 6e-8.
      #expect(abs(Double(sigmoidGradient.scalars[i]) - expectedSigmoid) <= 1e-7 + 1e-5 * abs(expectedSigmoid), "d sigmoid at \(l[i])")
      // And the same bits as the formulas in Float, element by element.
      let e = Float.exp(-abs(l[i])), y = l[i] >= 0 ? 1 / (1 + e) : e / (1 + e)
      #expect(value.scalars[i] == y && sigmoidGradient.scalars[i] == u[i] * y * (1 - y), "Float sigmoid at \(l[i])")
      let expectedLogProbability = Double(u[i]) * (Double(x[i]) - s)
      #expect(abs(Double(logProbabilityGradient.scalars[i]) - expectedLogProbability) <= 1e-6, "d log p(\(x[i])) at \(l[i])")
    }
  }
}
