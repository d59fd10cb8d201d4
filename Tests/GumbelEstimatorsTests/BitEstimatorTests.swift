import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// The estimators' forms for independent bits, on `f(b) = (v . b - t)^2` of three bits, whose
/// exact gradient `d/dl_j E[f] = sum_b P(b) (b_j - p_j) f(b)` comes from enumerating the 8
/// values of `b`.
@Suite struct BitEstimatorTests {
  static let logits: [Double] = [0.3, -1.2, 0.8]
  static let v: [Double] = [1, -2, 0.5]
  static let t = 0.7

  static func f(_ b: [Double]) -> Double {
    let dot = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 }
    return (dot - t) * (dot - t)
  }

  static func exactGradient() -> [Double] {
    let p = logits.map { 1 / (1 + exp(-$0)) }
    var gradient = [Double](repeating: 0, count: 3)
    for index in 0..<8 {
      let b = (0..<3).map { Double((index >> $0) & 1) }
      let probability = (0..<3).reduce(1.0) { $0 * (b[$1] == 1 ? p[$1] : 1 - p[$1]) }
      for j in 0..<3 { gradient[j] += probability * (b[j] - p[j]) * f(b) }
    }
    return gradient
  }

  /// One estimate of the gradient of `E[f(b)]` with respect to the logits.
  static func estimate(_ estimator: Estimator<Double>, key: PRNGKey) -> (value: [Double], gradient: [Double]) {
    let l = Tensor(shape: [1, 3], scalars: logits)
    let vt = Tensor(shape: [1, 3], scalars: v)
    var sample = [Double]()
    let g = gradient(at: l) { l -> Double in
      let b = estimator.sampleBits(logits: l, using: key)
      let dot = (b * vt).sumAlongLastAxis() - Tensor<Double>(t)
      let loss = dot * dot
      let surrogate = estimator.groupedSurrogateLoss(logits: l, sample: b, loss: loss, bits: true)
      return surrogate.sum()
    }
    sample = estimator.sampleBits(logits: l, using: key).scalars
    return (sample, g.scalars)
  }

  @Test func reinforceIsUnbiased() throws {
    let estimator = try Estimator<Double>(.reinforce, temperature: 1)
    let exact = Self.exactGradient()
    let draws = (0..<20_000).map { Self.estimate(estimator, key: PRNGKey(seed: Int64($0))).gradient }
    for j in 0..<3 {
      let values = draws.map { $0[j] }
      let mean = values.reduce(0, +) / Double(values.count)
      let sd = sqrt(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
      #expect(abs(mean - exact[j]) < 5 * sd / sqrt(Double(values.count)), "logit \(j): \(mean) vs \(exact[j])")
    }
  }

  /// Every estimator on hostile bits: logits from -1e4 to 1e4 (probabilities that round to 0
  /// and 1), temperatures from 1e-4 to 1e4, in Float and Double: bits are 0 or 1 (or in
  /// [0, 1] for gs), gradients finite, and a bit of probability 0 or 1 is never the other.
  @Test(arguments: EstimatorKind.allCases, [1e-4, 1.0, 1e4])
  func hostileBitsGiveFiniteGradients(kind: EstimatorKind, temperature: Double) throws {
    let row: [Double] = [-1e4, -80, -1e-7, 0, 3, 80, 1e4]
    func check<Scalar: DistributionFloatingPoint>(_: Scalar.Type) throws {
      let estimator = try Estimator<Scalar>(kind, temperature: Scalar(kind == .reinmax ? max(temperature, 1) : temperature), bits: true)
      let logits = Tensor<Scalar>(shape: [8, 7], scalars: (0..<8).flatMap { _ in row.map { Scalar($0) } })
      let weights = Tensor<Scalar>([1, -2, 0.5, 3, -1, 2, 0.25])
      for seed in 0..<5 {
        let key = PRNGKey(seed: Int64(seed))
        let b = estimator.sampleBits(logits: logits, using: key)
        let g = gradient(at: logits) { l -> Scalar in
          let b = estimator.sampleBits(logits: l, using: key)
          let loss = ((b * weights).sumAlongLastAxis() - Scalar(0.7)).squared()
          return estimator.groupedSurrogateLoss(logits: l, sample: b, loss: loss, bits: true).sum()
        }
        #expect(g.scalars.allSatisfy { $0.isFinite }, "\(kind) at \(temperature), \(Scalar.self)")
        #expect(b.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        for r in b.rows where kind != .gs {
          #expect(r[0] == 0 && r[6] == 1, "\(kind): \(r)")
        }
      }
    }
    try check(Float.self)
    try check(Double.self)
  }

  /// RLOO on bits: the logits given 4 times in a row, each copy's loss against the leave-one-out
  /// baseline of the other 3, the copies' gradients averaged. Unbiased (5 standard errors), with
  /// less variance than one-draw REINFORCE's divided by 4.
  @Test func rlooIsUnbiasedOnBits() throws {
    let draws = 4
    let estimator = try Estimator<Double>(.rloo, temperature: 1, draws: draws)
    let l = Tensor(shape: [draws, 3], scalars: Array([[Double]](repeating: Self.logits, count: draws).joined()))
    let vt = Tensor(Self.v)
    let estimates = (0..<20_000).map { seed -> [Double] in
      let g = gradient(at: l) { l -> Double in
        let b = estimator.sampleBits(logits: l, using: PRNGKey(seed: Int64(seed)))
        let dot = (b * vt).sumAlongLastAxis() - Tensor<Double>(Self.t)
        return estimator.groupedSurrogateLoss(logits: l, sample: b, loss: dot * dot, bits: true).sum()
      }
      return (0..<3).map { j in (0..<draws).reduce(0) { $0 + g.scalars[$1 * 3 + j] } / Double(draws) }
    }
    let reinforce = try Estimator<Double>(.reinforce, temperature: 1)
    let single = (0..<20_000).map { Self.estimate(reinforce, key: PRNGKey(seed: Int64($0))).gradient }
    let exact = Self.exactGradient()
    func meanAndVariance(_ values: [Double]) -> (Double, Double) {
      let mean = values.reduce(0, +) / Double(values.count)
      return (mean, values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
    }
    for j in 0..<3 {
      let (mean, variance) = meanAndVariance(estimates.map { $0[j] })
      #expect(abs(mean - exact[j]) < 5 * sqrt(variance / Double(estimates.count)), "logit \(j): \(mean) vs \(exact[j])")
      let (_, singleVariance) = meanAndVariance(single.map { $0[j] })
      #expect(variance < singleVariance / Double(draws), "logit \(j): \(variance) vs \(singleVariance) / \(draws)")
    }
  }

  /// The draws are Bernoulli(sigmoid(l)): the frequency of ones within 5 standard errors, for
  /// every estimator whose forward value is a bit; `gs` gives values in (0, 1).
  @Test(arguments: EstimatorKind.allCases)
  func drawsAreBernoulliAndGradientsFinite(kind: EstimatorKind) throws {
    let estimator = try Estimator<Double>(kind, temperature: kind == .reinmax ? 1 : 0.5, bits: true)
    let count = 4000
    var ones = [Double](repeating: 0, count: 3)
    for s in 0..<count {
      let (b, g) = Self.estimate(estimator, key: PRNGKey(seed: Int64(s)))
      #expect(g.allSatisfy { $0.isFinite })
      if kind == .gs {
        #expect(b.allSatisfy { $0 > 0 && $0 < 1 })
      } else {
        #expect(b.allSatisfy { $0 == 0 || $0 == 1 }, "\(b)")
      }
      for j in 0..<3 { ones[j] += b[j] > 0.5 ? 1 : 0 }
    }
    for j in 0..<3 {
      let p = 1 / (1 + exp(-Self.logits[j]))
      #expect(abs(ones[j] / Double(count) - p) < 5 * sqrt(p * (1 - p) / Double(count)), "\(kind) bit \(j)")
    }
  }

  /// Straight-through's gradient is exactly `f'(b) * sigmoid'(l)` at the drawn bits.
  @Test func straightThroughUsesTheSigmoidsDerivative() throws {
    let estimator = try Estimator<Double>(.st, temperature: 1)
    let (b, g) = Self.estimate(estimator, key: PRNGKey(seed: 4))
    let dot = zip(Self.v, b).reduce(0) { $0 + $1.0 * $1.1 }
    for j in 0..<3 {
      let p = 1 / (1 + exp(-Self.logits[j]))
      #expect(abs(g[j] - 2 * (dot - Self.t) * Self.v[j] * p * (1 - p)) < 1e-12)
    }
  }
}
