import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

@Suite struct EstimatorBehaviourTests {
  static let logits = Tensor<Double>(rows: [[0.5, -1.0, 2.0, 0.1], [0.0, -.infinity, 1.0, 0.3]])

  @Test(arguments: EstimatorKind.allCases.filter(\.appliesToCategories))
  func samplesAreOneHotOrOnTheSimplexAndMaskedCategoriesStayZero(kind: EstimatorKind) throws {
    let estimator = try Estimator<Double>(kind, temperature: 2)
    var rng = SplitMix64(seed: 1)
    let weights = randomTensor(shape: [2, 4], using: &rng)
    for seed in 0..<20 {
      let key = PRNGKey(seed: seed)
      let z = estimator.sample(logits: Self.logits, using: key)
      for row in z.rows {
        #expect(abs(row.reduce(0, +) - 1) < 1e-12 && row.allSatisfy { $0 >= 0 })
        if kind != .gs { #expect(row.allSatisfy { $0 == 0 || $0 == 1 }) }
      }
      #expect(z.rows[1][1] == 0)
      let g = gradient(at: Self.logits) { l in
        let z = estimator.sample(logits: l, using: key)
        return estimator.surrogateLoss(logits: l, sample: z, loss: (z * weights).sumAlongLastAxis().squared()).sum()
      }
      #expect(g.scalars.allSatisfy { $0.isFinite }, "\(kind) seed \(seed)")
    }
  }

  @Test func gumbelRaoConditionalNoiseKeepsTheSampledArgmax() throws {
    let estimator = try GumbelRaoEstimator<Double>(temperature: 0.5, conditionalSamples: 50)
    for seed in 0..<10 {
      let key = PRNGKey(seed: seed)
      let z = estimator.sample(logits: Self.logits, using: key)
      // The gradient is that of the mean relaxed sample, whose softmax Jacobian rows sum to 0.
      let g = gradient(at: Self.logits) { l in (estimator.sample(logits: l, using: key) * Tensor([1.0, 2, 3, 4])).sum() }
      for row in g.rows { #expect(abs(row.reduce(0, +)) < 1e-12) }
      #expect(z.rows.allSatisfy { $0.reduce(0, +) == 1 })
    }
  }

  @Test func reinMaxRefusesTemperaturesBelowOne() {
    #expect(throws: DistributionError.self) { try ReinMaxEstimator<Float>(temperature: 0.5) }
    #expect(throws: DistributionError.self) { try Estimator<Float>(.reinmax, temperature: 0.99) }
    #expect(throws: Never.self) { try Estimator<Float>(.reinmax, temperature: 1) }
    #expect(throws: DistributionError.self) { try Estimator<Float>(.gumbelRao, temperature: 1, conditionalSamples: 0) }
    #expect(throws: DistributionError.self) { try Estimator<Float>(.gs, temperature: 0) }
  }

  @Test func reinMaxGradientIsTwiceTheHalfwayJacobianMinusHalfTheStraightThrough() throws {
    // For a linear f(z) = <w, z>, ReinMax's gradient is 2 J(pi1)^T w - J(pi0)^T w / 2.
    let logits = Tensor<Double>([0.3, -0.2, 1.1])
    let w = Tensor<Double>([0.7, -1.3, 0.4])
    let key = PRNGKey(seed: 12)
    let estimator = try ReinMaxEstimator<Double>(temperature: 1.5)
    let d = estimator.sample(logits: logits, using: key)
    let g = gradient(at: logits) { l in (estimator.sample(logits: l, using: key) * w).sum() }
    let pi0 = logits.softmax().scalars
    let pi1 = zip(logits.softmax(temperature: 1.5).scalars, d.scalars).map { ($0 + $1) / 2 }
    func jacobianTransposed(_ p: [Double]) -> [Double] {
      let dot = zip(p, w.scalars).reduce(0) { $0 + $1.0 * $1.1 }
      return zip(p, w.scalars).map { $0 * ($1 - dot) }
    }
    let expected = zip(jacobianTransposed(pi1), jacobianTransposed(pi0)).map { 2 * $0 - $1 / 2 }
    for (a, b) in zip(g.scalars, expected) { #expect(isClose(a, b, relative: 1e-12)) }
  }

  @Test func exactExpectationGradientMatchesFiniteDifferences() {
    let values = Tensor<Double>([1.0, 4.0, 0.25, 2.0])
    let checks = pullbackAgreement(at: Tensor<Double>(rows: [[0.5, -1.0, 2.0, 0.1]])) { l in exactExpectation(logits: l, values: values) }
    for (analytic, numeric) in checks { #expect(isClose(analytic, numeric, relative: 1e-7)) }
  }

  @Test func labProblemsAreChecked() throws {
    #expect(throws: DistributionError.self) { try EstimatorLab.Problem(logits: []) }
    #expect(throws: DistributionError.self) { try EstimatorLab.Problem(logits: [0, .nan]) }
    #expect(throws: DistributionError.self) { try EstimatorLab.Problem(logits: [0, 1], values: [1, 2, 3]) }
    #expect(throws: DistributionError.self) { try EstimatorLab.Problem(logits: [0, 1], target: .infinity) }
    let problem = try EstimatorLab.Problem(logits: [0, 1])
    #expect(throws: DistributionError.self) {
      try EstimatorLab.measure(problem, method: .sampling(.gs), temperature: 1, samples: 0, key: PRNGKey(seed: 0))
    }
  }

  @Test func movingAverageBaselineCarriesAcrossCalls() {
    var estimator = ReinforceEstimator<Double>(baseline: .movingAverage(decay: 0.5))
    estimator.observe(losses: Tensor([4.0, 8.0]))
    // b = 0.5 * (0.5 * 0 + 0.5 * 4) + 0.5 * 8 = 5.
    #expect(estimator.movingAverage == 5)
  }
}
