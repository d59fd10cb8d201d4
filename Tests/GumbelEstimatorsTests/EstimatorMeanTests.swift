import _GumbelTestSupport
import Foundation
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

/// The estimators for bits against a numpy Monte Carlo of their published formulas
/// (BitEstimatorMeans in EstimatorMeans.swift), with the same tolerance as for categories.
@Suite struct BitEstimatorMeanTests {
  static let problem = try! EstimatorLab.BitProblem(logits: BitEstimatorMeans.logits, values: BitEstimatorMeans.values,
                                                    target: BitEstimatorMeans.target)
  static let samples = 10_000

  @Test(arguments: BitEstimatorMeans.cases.indices)
  func meanMatchesTheNumpyMonteCarloOfThePublishedFormula(index: Int) throws {
    let expected = BitEstimatorMeans.cases[index]
    let statistics = try EstimatorLab.measure(Self.problem, method: EstimatorLab.Method(name: expected.estimator)!,
                                              temperature: expected.temperature, samples: Self.samples, key: PRNGKey(seed: 21),
                                              draws: EstimatorMeans.rlooDraws)
    for k in expected.mean.indices {
      let standardError = (statistics.variance[k] / Double(Self.samples) + expected.squaredStandardError[k]).squareRoot()
      #expect(abs(statistics.mean[k] - expected.mean[k]) <= max(4.5 * standardError, 1e-12),
              "\(expected.estimator) at temperature \(expected.temperature), bit \(k): \(statistics.mean[k]) vs \(expected.mean[k])")
    }
  }

  /// The exact gradient by enumeration against central finite differences of `E[f(b)]`, itself
  /// summed over the `2^n` values of `b` with `f` written out here.
  @Test func theExactGradientIsTheDerivativeOfTheExpectation() throws {
    let problem = Self.problem
    func f(_ b: [Double]) -> Double {
      let dot = zip(BitEstimatorMeans.values, b).reduce(0) { $0 + $1.0 * $1.1 } - BitEstimatorMeans.target
      return dot * dot
    }
    func expectation(_ logits: [Double]) -> Double {
      let p = logits.map { 1 / (1 + exp(-$0)) }
      return (0..<8).reduce(0.0) { total, index in
        let b = (0..<3).map { Double((index >> $0) & 1) }
        return total + (0..<3).reduce(1.0) { $0 * (b[$1] == 1 ? p[$1] : 1 - p[$1]) } * f(b)
      }
    }
    let h = 1e-6
    for i in 0..<3 {
      var up = problem.logits, down = problem.logits
      up[i] += h
      down[i] -= h
      #expect(abs((expectation(up) - expectation(down)) / (2 * h) - problem.exactGradient[i]) < 1e-8)
    }
  }

  /// DisARM and RLOO are unbiased, with less variance than one-draw REINFORCE; DisARM's two
  /// draws are antithetic, RLOO's four independent.
  @Test func disarmAndRlooAreUnbiasedWithLessVarianceThanReinforce() throws {
    let reinforce = try EstimatorLab.measure(Self.problem, method: .sampling(.reinforce), temperature: 1, samples: Self.samples,
                                             key: PRNGKey(seed: 30))
    for kind in [EstimatorKind.disarm, .rloo] {
      let statistics = try EstimatorLab.measure(Self.problem, method: .sampling(kind), temperature: 1, samples: Self.samples,
                                                key: PRNGKey(seed: 31))
      for k in statistics.exact.indices {
        let standardError = (statistics.variance[k] / Double(Self.samples)).squareRoot()
        #expect(abs(statistics.mean[k] - statistics.exact[k]) <= 4.5 * standardError, "\(kind), bit \(k)")
        #expect(statistics.variance[k] < reinforce.variance[k], "\(kind), bit \(k)")
      }
    }
  }

  /// DisARM's pairs: the second draw of a pair is `1[1 - u < p]` for the first's `u`, so the
  /// two agree wherever both thresholds fall on the same side, and a bit of logit 0 always differs.
  @Test func disarmDrawsAntitheticPairs() {
    let logits = Tensor<Double>(shape: [2000, 2], scalars: (0..<2000).flatMap { _ in [0.0, 3.0] })
    let bits = DisARM.antitheticBits(logits: logits, key: PRNGKey(seed: 3)).rows
    for pair in 0..<1000 {
      #expect(bits[2 * pair][0] != bits[2 * pair + 1][0])  // p = 1/2: exactly one of u, 1 - u is below it
    }
    let ones = bits.map { $0[1] }.reduce(0, +) / 2000
    #expect(abs(ones - 1 / (1 + exp(-3.0))) < 5 * (0.05 / 2000).squareRoot())
  }

  @Test func badBitProblemsAreTypedErrors() {
    #expect(throws: DistributionError.self) { try EstimatorLab.BitProblem(logits: [.nan, 1]) }
    #expect(throws: DistributionError.self) { try EstimatorLab.BitProblem(logits: [-.infinity, 1]) }
    #expect(throws: DistributionError.self) { try EstimatorLab.BitProblem(logits: []) }
    #expect(throws: DistributionError.self) { try EstimatorLab.BitProblem(logits: [Double](repeating: 0, count: 17)) }
    #expect(throws: DistributionError.self) { try EstimatorLab.BitProblem(logits: [0, 1], values: [1]) }
    // DisARM is for bits only.
    #expect(throws: DistributionError.unsupported("disarm is defined for Bernoulli variables only")) {
      try Estimator<Double>(.disarm, temperature: 1)
    }
    #expect(throws: DistributionError.self) {
      try EstimatorLab.measure(EstimatorMeanTests.problem, method: .sampling(.disarm), temperature: 1, samples: 10, key: PRNGKey(seed: 0))
    }
  }
}
