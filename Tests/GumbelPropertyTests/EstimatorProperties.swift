import _Differentiation
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// Every estimator's sample and gradient over hostile inputs: one-hot (or on the simplex),
/// masked categories never drawn, gradients finite.
@Suite struct EstimatorProperties {
  static func check<Scalar: DistributionFloatingPoint>(_: Scalar.Type, cases: Int, seed: UInt64) throws {
    var generator = CaseGenerator(seed: seed)
    for index in 0..<cases {
      let kinds = EstimatorKind.allCases.filter(\.appliesToCategories)
      let kind = kinds[index % kinds.count]
      let logits = generator.logits(Scalar.self, maxCategories: 10_000)
      let temperature: Scalar = generator.temperature()
      let key = generator.key()
      let estimator = try Estimator<Scalar>(kind, temperature: kind == .reinmax ? max(temperature, 1) : temperature,
                                            conditionalSamples: 1 + index % 4, baseline: .leaveOneOut)
      let w = generator.weights(shape: logits.shape, Scalar.self)
      let context = "case \(index): \(kind) \(Scalar.self) K=\(logits.columnCount) rows=\(logits.rowCount) tau=\(temperature) key=\(key)"
      let z = estimator.sample(logits: logits, using: key)
      let masked = logits.maskedElements
      #expect(zip(z.scalars, masked).allSatisfy { !$1 || $0 == 0 }, "masked category drawn, \(context)")
      if kind != .gs { #expect(z.scalars.allSatisfy { $0 == 0 || $0 == 1 } && z.sum() == Scalar(logits.rowCount), "not one-hot, \(context)") }
      let g = gradient(at: logits) { l in
        let z = estimator.sample(logits: l, using: key)
        return estimator.surrogateLoss(logits: l, sample: z, loss: (z * w).sumAlongLastAxis()).sum()
      }
      #expect(g.scalars.allSatisfy { $0.isFinite }, "gradient not finite, \(context)")
    }
  }

  @Test func float() throws { try Self.check(Float.self, cases: PropertyBudget.cases(100_000), seed: 3) }
  @Test func double() throws { try Self.check(Double.self, cases: PropertyBudget.cases(100_000), seed: 4) }
}
