import GumbelRandom
import Testing

/// Goodness-of-fit tests with fixed keys. The thresholds are the 0.1% critical values, so a
/// correct sampler fails one of these checks with probability about 1e-3 per key; the keys are
/// fixed, so the outcome is deterministic.
@Suite struct RandomStatisticsTests {
  /// Kolmogorov-Smirnov distance between Gumbel noise and the cdf exp(-exp(-x)).
  @Test(arguments: PRNGScheme.allCases)
  func gumbelNoiseFollowsTheGumbelDistribution(scheme: PRNGScheme) throws {
    let n = 100_000
    let samples = try PRNGKey(seed: 11, scheme: scheme).gumbel(shape: [n], as: Double.self).sorted()
    var distance = 0.0
    for (i, x) in samples.enumerated() {
      let cdf = Double.exp(-Double.exp(-x))
      distance = max(distance, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
    }
    // Critical value at level 0.001: 1.949 / sqrt(n).
    #expect(distance < 1.949 / Double(n).squareRoot())
  }

  /// Pearson's chi-square of Gumbel-max draws against softmax(logits).
  @Test(arguments: PRNGScheme.allCases)
  func categoricalFrequenciesMatchTheProbabilities(scheme: PRNGScheme) throws {
    let probabilities = [0.05, 0.15, 0.3, 0.5]
    let n = 50_000
    let draws = try PRNGKey(seed: 5, scheme: scheme).categorical(logits: probabilities.map { Float.log(Float($0)) }, shape: [n])
    var counts = [Int](repeating: 0, count: probabilities.count)
    for d in draws { counts[d] += 1 }
    let chiSquare = zip(counts, probabilities).reduce(0.0) { total, pair in
      let expected = Double(n) * pair.1
      return total + (Double(pair.0) - expected) * (Double(pair.0) - expected) / expected
    }
    // Critical value of chi-square with 3 degrees of freedom at level 0.001.
    #expect(chiSquare < 16.27)
  }

  @Test(arguments: PRNGScheme.allCases)
  func uniformMomentsMatch(scheme: PRNGScheme) throws {
    let n = 100_000
    let u = try PRNGKey(seed: 2, scheme: scheme).uniform(shape: [n], minval: -2.0, maxval: 3.0)
    #expect(u.allSatisfy { $0 >= -2 && $0 < 3 })
    let mean = u.reduce(0, +) / Double(n)
    // The mean of U(-2, 3) is 0.5, its standard deviation 5 / sqrt(12); allow 4.5 standard errors.
    #expect(abs(mean - 0.5) < 4.5 * 5 / (12 * Double(n)).squareRoot())
  }
}
