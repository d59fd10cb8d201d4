import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import Testing

/// Categorical, relaxed Bernoulli and raw noise over hostile inputs.
@Suite struct DistributionProperties {
  static func checkCategorical<Scalar: DistributionFloatingPoint>(_: Scalar.Type, cases: Int, seed: UInt64) throws {
    var generator = CaseGenerator(seed: seed)
    for index in 0..<cases {
      let logits = generator.logits(Scalar.self)
      let key = generator.key()
      let distribution = try Categorical(logits: logits)
      let context = "case \(index): \(Scalar.self) K=\(logits.columnCount) rows=\(logits.rowCount) key=\(key)"
      let draws = try distribution.sample(using: key)
      let masked = logits.maskedElements
      #expect(draws.enumerated().allSatisfy { !masked[$0.offset * logits.columnCount + $0.element] }, "masked drawn, \(context)")
      let entropy = distribution.entropy()
      #expect(entropy.scalars.allSatisfy { $0.isFinite && $0 >= -Scalar.ulpOfOne * 4 }, "entropy, \(context)")
      let g = gradient(at: distribution) { d in (d.entropy() + d.logProbability(of: draws)).sum() }
      #expect(g.logits.scalars.allSatisfy { $0.isFinite }, "gradient, \(context)")
    }
  }

  static func checkRelaxedBernoulli<Scalar: DistributionFloatingPoint>(_: Scalar.Type, cases: Int, seed: UInt64) throws {
    var generator = CaseGenerator(seed: seed)
    for index in 0..<cases {
      let logits = generator.logits(Scalar.self)
      // Finite logits only: masks become 0.
      let finite = Tensor(shape: logits.shape, scalars: logits.scalars.map { $0.isFinite ? $0 : 0 })
      let temperature: Scalar = generator.temperature()
      let key = generator.key()
      let distribution = try RelaxedBernoulli(logits: finite, temperature: temperature)
      let context = "case \(index): \(Scalar.self) n=\(finite.scalarCount) tau=\(temperature) key=\(key)"
      let y = distribution.sample(using: key)
      #expect(y.scalars.allSatisfy { $0 >= 0 && $0 <= 1 }, "sample out of [0, 1], \(context)")
      let g = gradient(at: distribution) { d in (d.sample(using: key) + d.hardSample(using: key)).sum() }
      #expect(g.logits.scalars.allSatisfy { $0.isFinite } && g.temperature.isFinite, "gradient, \(context)")
    }
  }

  @Test func categoricalFloat() throws { try Self.checkCategorical(Float.self, cases: PropertyBudget.cases(100_000), seed: 5) }
  @Test func categoricalDouble() throws { try Self.checkCategorical(Double.self, cases: PropertyBudget.cases(100_000), seed: 6) }
  @Test func relaxedBernoulliFloat() throws { try Self.checkRelaxedBernoulli(Float.self, cases: PropertyBudget.cases(100_000), seed: 7) }
  @Test func relaxedBernoulliDouble() throws { try Self.checkRelaxedBernoulli(Double.self, cases: PropertyBudget.cases(100_000), seed: 8) }

  /// Gumbel and logistic noise from random keys in both schemes: always finite.
  @Test func noiseIsFiniteForEveryKey() throws {
    var generator = CaseGenerator(seed: 9)
    for _ in 0..<PropertyBudget.cases(100_000) {
      let key = generator.key()
      let g: [Float] = try key.gumbel(shape: [3])
      let l: [Double] = try key.logistic(shape: [2])
      #expect(g.allSatisfy { $0.isFinite } && l.allSatisfy { $0.isFinite })
    }
  }
}
