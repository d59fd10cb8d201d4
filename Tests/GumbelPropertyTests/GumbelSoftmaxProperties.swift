import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor
import Testing

/// Invariants of the Gumbel-softmax distribution over hostile inputs, in Float and Double.
@Suite struct GumbelSoftmaxProperties {
  /// A row sums to 1 within `(K + 2)` units of rounding: each of the K terms is rounded once
  /// in the sum and once in the division.
  static func sumsToOne<Scalar: BinaryFloatingPoint>(_ row: ArraySlice<Scalar>) -> Bool {
    abs(row.reduce(0, +) - 1) <= Scalar(row.count + 2) * Scalar.ulpOfOne
  }

  static func check<Scalar: DistributionFloatingPoint>(_: Scalar.Type, cases: Int, seed: UInt64) throws {
    var generator = CaseGenerator(seed: seed)
    for index in 0..<cases {
      let logits = generator.logits(Scalar.self)
      let temperature: Scalar = generator.temperature()
      let key = generator.key()
      let distribution = try GumbelSoftmax(logits: logits, temperature: temperature)
      let k = logits.columnCount
      let masked = logits.maskedElements
      let context = "case \(index): \(Scalar.self) K=\(k) rows=\(logits.rowCount) tau=\(temperature) key=\(key)"

      let soft = distribution.sample(using: key)
      let hard = distribution.hardSample(using: key)
      let index = distribution.indexSample(using: key)
      for r in 0..<logits.rowCount {
        let row = soft.scalars[(r * k)..<((r + 1) * k)]
        #expect(row.allSatisfy { $0 >= 0 && $0.isFinite } && Self.sumsToOne(row), "soft sample off the simplex, \(context)")
        let hardRow = hard.scalars[(r * k)..<((r + 1) * k)]
        #expect(hardRow.reduce(0, +) == 1 && hardRow.allSatisfy { $0 == 0 || $0 == 1 }, "hard sample not one-hot, \(context)")
        #expect(!masked[r * k + Int(index.scalars[r])], "masked category drawn, \(context)")
      }
      for i in masked.indices where masked[i] {
        #expect(soft.scalars[i] == 0 && hard.scalars[i] == 0, "masked category not exactly 0, \(context)")
      }

      let w = generator.weights(shape: logits.shape, Scalar.self)
      let gradients = [
        gradient(at: distribution) { d in (d.sample(using: key) * w).sum() },
        gradient(at: distribution) { d in (d.hardSample(using: key) * w).sum() },
        gradient(at: distribution) { d in d.indexSample(using: key).sum() },
      ]
      for g in gradients {
        #expect(g.logits.scalars.allSatisfy { $0.isFinite } && g.temperature.isFinite, "gradient not finite, \(context)")
      }

      // Log space: the log-sample is -inf exactly where masked and never NaN; where it is finite
      // the ExpConcrete log-density is not NaN, and where that is finite its gradient is too.
      let logSample = distribution.logSample(using: key)
      #expect(zip(logSample.scalars, masked).allSatisfy { $1 ? $0 == -.infinity : !$0.isNaN }, "log-sample, \(context)")
      let finiteRows = (0..<logits.rowCount).filter { r in
        (0..<k).allSatisfy { masked[r * k + $0] || logSample.scalars[r * k + $0].isFinite }
      }
      if finiteRows.count == logits.rowCount {
        let density = distribution.logDensity(ofLogSample: logSample)
        #expect(density.scalars.allSatisfy { !$0.isNaN }, "log-density NaN, \(context)")
        if density.scalars.allSatisfy({ $0.isFinite }), Self.gradientIsRepresentable(distribution, at: logSample) {
          let g = gradient(at: distribution) { d in d.logDensity(ofLogSample: logSample).sum() }
          #expect(g.logits.scalars.allSatisfy { $0.isFinite } && g.temperature.isFinite, "log-density gradient, \(context)")
        }
      }
    }
  }

  /// Whether the log-density's gradient at `x`, computed in `Double`, fits in `Scalar`. In
  /// `Float`, log-samples near -1e37 (logits spread over 1e34 at temperature 1e-3) give a
  /// temperature derivative of `sum_k (1 - n w_k) x_k` beyond the largest `Float`.
  static func gradientIsRepresentable<Scalar: DistributionFloatingPoint>(
    _ distribution: GumbelSoftmax<Scalar>, at x: Tensor<Scalar>
  ) -> Bool {
    guard Scalar.self != Double.self else { return true }
    let wide = GumbelSoftmax<Double>(
      trustedLogits: Tensor(shape: distribution.logits.shape, scalars: distribution.logits.scalars.map(Double.init)),
      temperature: Double(distribution.temperature))
    let wideX = Tensor(shape: x.shape, scalars: x.scalars.map(Double.init))
    let g = gradient(at: wide) { d in d.logDensity(ofLogSample: wideX).sum() }
    let limit = Double(Scalar.greatestFiniteMagnitude) / 4
    return (g.logits.scalars + [g.temperature]).allSatisfy { $0.isFinite && abs($0) < limit }
  }

  @Test func float() throws { try Self.check(Float.self, cases: PropertyBudget.cases(150_000), seed: 1) }
  @Test func double() throws { try Self.check(Double.self, cases: PropertyBudget.cases(150_000), seed: 2) }
}
