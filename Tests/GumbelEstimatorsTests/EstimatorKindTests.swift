import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// The estimator kinds: names, their coding, their rules, and one estimator carried across
/// temperatures.
@Suite struct EstimatorKindTests {
  @Test func codedAsTheirNames() throws {
    let kinds = EstimatorKind.allCases
    let json = String(decoding: try JSONEncoder().encode(kinds), as: UTF8.self)
    #expect(json == #"["reinforce","st","gs","st-gs","gumbel-rao","reinmax","gst","gst-p","rloo","disarm"]"#)
    #expect(try JSONDecoder().decode([EstimatorKind].self, from: Data(json.utf8)) == kinds)
  }

  @Test func anUnknownNameHasOneMessage() throws {
    #expect(throws: UnknownEstimatorName(name: "magic")) { try EstimatorKind(name: "magic") }
    #expect(UnknownEstimatorName(name: "magic").description
      == #"unknown estimator "magic"; expected one of reinforce, st, gs, st-gs, gumbel-rao, reinmax, gst, gst-p, rloo, disarm"#)
    #expect(try EstimatorKind(name: "gumbel-rao") == .gumbelRao)
    do {
      _ = try JSONDecoder().decode([EstimatorKind].self, from: Data(#"["st","magic"]"#.utf8))
      Issue.record("decoded an unknown name")
    } catch let DecodingError.dataCorrupted(context) {
      #expect(context.debugDescription == UnknownEstimatorName(name: "magic").description)
    }
  }

  @Test func rules() throws {
    #expect(EstimatorKind.allCases.filter { !$0.usesTemperature } == [.reinforce, .st, .rloo, .disarm])
    #expect(EstimatorKind.allCases.map(\.minimumTemperature) == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    #expect(EstimatorKind.reinmax.usableTemperature(0.5) == 1)
    #expect(EstimatorKind.reinmax.usableTemperature(2) == 2)
    #expect(EstimatorKind.gs.usableTemperature(0.5) == 0.5)
    // The estimator enforces the same rule.
    #expect(throws: DistributionError.self) { try ReinMaxEstimator<Float>(temperature: 0.99) }
    #expect(throws: DistributionError.self) { try Estimator<Float>(.reinmax, temperature: 0.5) }
    _ = try Estimator<Float>(.reinmax, temperature: 1)
  }

  /// An estimator whose temperature is changed samples as a new one built at that temperature,
  /// and keeps its moving average.
  @Test(arguments: [EstimatorKind.gs, .stGS, .gumbelRao, .reinmax, .gst, .gstP])
  func changingTheTemperature(kind: EstimatorKind) throws {
    let logits = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0 % 5) * 0.4 - 0.5 })
    let key = PRNGKey(seed: 9)
    var carried = try Estimator<Float>(kind, temperature: 3)
    try carried.setTemperature(1.5)
    let fresh = try Estimator<Float>(kind, temperature: 1.5)
    #expect(carried.temperature == 1.5)
    #expect(carried.sample(logits: logits, using: key) == fresh.sample(logits: logits, using: key))
    let weights = Tensor<Float>(shape: [3, 4], scalars: (0..<12).map { Float($0) })
    let g1 = gradient(at: logits) { l in (carried.sample(logits: l, using: key) * weights).sum() }
    let g2 = gradient(at: logits) { l in (fresh.sample(logits: l, using: key) * weights).sum() }
    #expect(g1 == g2)
    #expect(throws: DistributionError.self) { try carried.setTemperature(0) }
  }

  @Test func theMovingAverageIsKeptAndRestored() throws {
    var estimator = try Estimator<Double>(.reinforce, temperature: 1, baseline: .movingAverage(decay: 0.5))
    #expect(estimator.observesLosses)
    estimator.observe(losses: Tensor([4, 8]))
    // 0 -> 2 -> 5
    #expect(estimator.movingAverage == 5)
    try estimator.setTemperature(2)
    #expect(estimator.movingAverage == 5)
    let restored = try Estimator<Double>(.reinforce, temperature: 1, baseline: .movingAverage(decay: 0.5), movingAverage: 5)
    let logits = Tensor<Double>(shape: [2, 3], scalars: [0, 1, 2, 2, 1, 0])
    let sample = estimator.sample(logits: logits, using: PRNGKey(seed: 1))
    let losses = Tensor<Double>([1, 3])
    let a = gradient(at: logits) { l in estimator.surrogateLoss(logits: l, sample: sample, loss: losses).sum() }
    let b = gradient(at: logits) { l in restored.surrogateLoss(logits: l, sample: sample, loss: losses).sum() }
    #expect(a == b)
    #expect(try !Estimator<Double>(.gs, temperature: 1).observesLosses)
  }
}
