import _GumbelTestSupport
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// Each estimator's mean against a numpy Monte Carlo of its published formula
/// (EstimatorMeans.swift, from make_estimator_means.py), and the relations the papers prove.
///
/// Tolerance: 4.5 combined standard errors per category (ours from 10,000 estimates, numpy's
/// from 2,000,000), so a correct estimator fails a given comparison with probability below 1e-5.
@Suite struct EstimatorMeanTests {
  static let problem = try! EstimatorLab.Problem(logits: EstimatorMeans.logits, values: EstimatorMeans.values, target: EstimatorMeans.target)
  static let samples = 10_000

  static func measure(_ method: EstimatorLab.Method, temperature: Double, seed: Int = 3) throws -> EstimatorLab.Statistics {
    try EstimatorLab.measure(problem, method: method, temperature: temperature, samples: samples,
                             key: PRNGKey(seed: seed), conditionalSamples: EstimatorMeans.conditionalSamples,
                             draws: EstimatorMeans.rlooDraws)
  }

  @Test(arguments: EstimatorMeans.cases.indices)
  func meanMatchesTheNumpyMonteCarloOfThePublishedFormula(index: Int) throws {
    let expected = EstimatorMeans.cases[index]
    let statistics = try Self.measure(EstimatorLab.Method(name: expected.estimator)!, temperature: expected.temperature)
    for k in expected.mean.indices {
      let standardError = (statistics.variance[k] / Double(Self.samples) + expected.squaredStandardError[k]).squareRoot()
      #expect(abs(statistics.mean[k] - expected.mean[k]) <= max(4.5 * standardError, 1e-12),
              "\(expected.estimator) at temperature \(expected.temperature), category \(k): \(statistics.mean[k]) vs \(expected.mean[k])")
    }
  }

  @Test func reinforceIsUnbiasedWithEveryBaseline() throws {
    for baseline: ReinforceEstimator<Double>.Baseline in [.none, .leaveOneOut, .movingAverage(decay: 0.9)] {
      let statistics = try EstimatorLab.measure(Self.problem, method: .sampling(.reinforce), temperature: 1, samples: Self.samples,
                                                key: PRNGKey(seed: 8), baseline: baseline)
      for k in statistics.exact.indices {
        let standardError = (statistics.variance[k] / Double(Self.samples)).squareRoot()
        #expect(abs(statistics.mean[k] - statistics.exact[k]) <= 4.5 * standardError, "\(baseline) category \(k)")
      }
    }
    let plain = try EstimatorLab.measure(Self.problem, method: .sampling(.reinforce), temperature: 1, samples: Self.samples, key: PRNGKey(seed: 8))
    let leaveOneOut = try EstimatorLab.measure(Self.problem, method: .sampling(.reinforce), temperature: 1, samples: Self.samples,
                                               key: PRNGKey(seed: 8), baseline: .leaveOneOut)
    #expect(leaveOneOut.meanSquaredError < plain.meanSquaredError)
  }

  /// RLOO is unbiased, and with S draws per estimate its variance is below one-draw
  /// REINFORCE's divided by S (the leave-one-out baseline removes more than averaging does).
  @Test(arguments: [2, 4, 8])
  func rlooIsUnbiasedWithLessVarianceThanReinforce(draws: Int) throws {
    let rloo = try EstimatorLab.measure(Self.problem, method: .sampling(.rloo), temperature: 1, samples: Self.samples,
                                        key: PRNGKey(seed: 12), draws: draws)
    let reinforce = try EstimatorLab.measure(Self.problem, method: .sampling(.reinforce), temperature: 1, samples: Self.samples,
                                             key: PRNGKey(seed: 13))
    for k in rloo.exact.indices {
      let standardError = (rloo.variance[k] / Double(Self.samples)).squareRoot()
      #expect(abs(rloo.mean[k] - rloo.exact[k]) <= 4.5 * standardError, "\(draws) draws, category \(k)")
    }
    let total = { (s: EstimatorLab.Statistics) in s.variance.reduce(0, +) }
    #expect(total(rloo) < total(reinforce) / Double(draws), "\(total(rloo)) vs \(total(reinforce)) / \(draws)")
  }

  @Test func rlooNeedsTwoDraws() {
    for draws in [-1, 0, 1, Estimator<Double>.maximumDraws + 1] {
      #expect(throws: DistributionError.self, "\(draws) draws") { try Estimator<Double>(.rloo, temperature: 1, draws: draws) }
    }
  }

  @Test(arguments: [0.5, 2.0])
  func gumbelRaoHasTheMeanOfStraightThroughGumbelSoftmaxAndLessVariance(temperature: Double) throws {
    let rao = try Self.measure(.sampling(.gumbelRao), temperature: temperature)
    let stGS = try Self.measure(.sampling(.stGS), temperature: temperature)
    for k in rao.mean.indices {
      let standardError = ((rao.variance[k] + stGS.variance[k]) / Double(Self.samples)).squareRoot()
      #expect(abs(rao.mean[k] - stGS.mean[k]) <= 4.5 * standardError)
      #expect(rao.variance[k] <= stGS.variance[k], "category \(k)")
    }
    #expect(rao.meanSquaredError < stGS.meanSquaredError)
  }
}
