import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import Testing

/// ``Estimator``'s derivatives run `Float`'s bodies by name (`_vjpSample`, `_vjpGroupedSurrogateLoss`).
/// What they must keep: the sample and pullback of each estimator ``Estimator`` dispatches to,
/// bit for bit, and the surrogate's three tangents in their order.
@Suite struct EstimatorSpecialisationTests {
  static let shape = [6, 5]
  static let temperature = 1.5

  static func draws<Scalar: DistributionFloatingPoint>(_ count: Int, seed: UInt64, as _: Scalar.Type) -> [Scalar] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in Scalar(Double.random(in: -2...2, using: &generator)) }
  }

  /// The sample of the estimator that ``Estimator`` of `kind` dispatches to, by its own type.
  static func component<Scalar: DistributionFloatingPoint>(
    _ kind: EstimatorKind, key: PRNGKey, as _: Scalar.Type
  ) throws -> @differentiable(reverse) (Tensor<Scalar>) -> Tensor<Scalar> {
    let t = Scalar(temperature)
    switch kind {
    case .reinforce, .rloo: return { ReinforceEstimator<Scalar>().sample(logits: $0, using: key) }
    case .st: return { StraightThroughEstimator<Scalar>().sample(logits: $0, using: key) }
    case .gs: let e = try GumbelSoftmaxEstimator(temperature: t); return { e.sample(logits: $0, using: key) }
    case .stGS: let e = try StraightThroughGumbelSoftmaxEstimator(temperature: t); return { e.sample(logits: $0, using: key) }
    case .gumbelRao: let e = try GumbelRaoEstimator(temperature: t, conditionalSamples: 10); return { e.sample(logits: $0, using: key) }
    case .reinmax: let e = try ReinMaxEstimator(temperature: t); return { e.sample(logits: $0, using: key) }
    case .gst: let e = try GappedStraightThroughEstimator(temperature: t, gap: .fixed(1)); return { e.sample(logits: $0, using: key) }
    case .gstP: let e = try GappedStraightThroughEstimator(temperature: t, gap: .probabilityDependent); return { e.sample(logits: $0, using: key) }
    case .disarm: throw DistributionError.unsupported("disarm draws bits only")
    }
  }

  /// `Estimator`'s sample and its pullback of a random upstream gradient equal its component's,
  /// bit for bit, in `Scalar`.
  static func expectSameAsComponent<Scalar: DistributionFloatingPoint>(_ kind: EstimatorKind, as type: Scalar.Type) throws {
    let logits = Tensor<Scalar>(shape: shape, scalars: draws(30, seed: 1, as: type))
    let upstream = Tensor<Scalar>(shape: shape, scalars: draws(30, seed: 2, as: type))
    let key = PRNGKey(seed: 7)
    let estimator = try Estimator<Scalar>(kind, temperature: Scalar(temperature), conditionalSamples: 10)
    let component = try component(kind, key: key, as: type)
    let (value, pullback) = valueWithPullback(at: logits) { estimator.sample(logits: $0, using: key) }
    let (expectedValue, expectedPullback) = valueWithPullback(at: logits, of: component)
    #expect(value.scalars == expectedValue.scalars, "\(kind.rawValue) \(type): sample")
    #expect(pullback(upstream).scalars == expectedPullback(upstream).scalars, "\(kind.rawValue) \(type): gradient")
    #expect(pullback(upstream).scalars.contains { $0 != 0 } || kind == .reinforce || kind == .rloo,
            "\(kind.rawValue): a pass-through estimator's gradient is not all zero")
  }

  @Test(arguments: EstimatorKind.allCases.filter(\.appliesToCategories))
  func sampleIsItsComponentsBitForBit(kind: EstimatorKind) throws {
    try Self.expectSameAsComponent(kind, as: Float.self)  // the branch by name
    try Self.expectSameAsComponent(kind, as: Double.self)  // the generic body
  }

  /// The surrogate's value and tangents (logits, sample, loss) in `Scalar` for fixed inputs:
  /// `groups` losses of `rows / groups` latent rows each.
  static func surrogate<Scalar: DistributionFloatingPoint>(
    _ kind: EstimatorKind, bits: Bool, as type: Scalar.Type
  ) throws -> (value: [Double], logits: [Double], sample: [Double], loss: [Double]) {
    let (rows, groups) = (8, 4)
    let logits = Tensor<Scalar>(shape: [rows, 3], scalars: draws(rows * 3, seed: 3, as: type))
    let sample = bits
      ? Tensor<Scalar>(shape: [rows, 3], scalars: draws(rows * 3, seed: 4, as: type).map { $0 > 0 ? 1 : 0 })
      : Tensor<Scalar>(shape: [rows, 3], scalars: (0..<(rows * 3)).map { $0 % 3 == ($0 / 3) % 3 ? 1 : 0 })
    let loss = Tensor<Scalar>(shape: [groups], scalars: draws(groups, seed: 5, as: type).map { 90 + 10 * $0 })
    let upstream = Tensor<Scalar>(shape: [groups], scalars: draws(groups, seed: 6, as: type))
    let estimator = try Estimator<Scalar>(kind, temperature: 1, baseline: .leaveOneOut, draws: 2, bits: bits)
    let (value, pullback) = valueWithPullback(at: logits, sample, loss) {
      estimator.groupedSurrogateLoss(logits: $0, sample: $1, loss: $2, bits: bits)
    }
    let (dLogits, dSample, dLoss) = pullback(upstream)
    func doubles(_ t: Tensor<Scalar>) -> [Double] { t.scalars.map { Double($0) } }
    return (doubles(value), doubles(dLogits), doubles(dSample), doubles(dLoss))
  }

  /// `Float`'s surrogate (the branch by name) against `Double`'s (the generic body) on the same
  /// inputs, to `Float`'s precision: a tangent given in the wrong place would differ by far more.
  @Test(arguments: [(EstimatorKind.reinforce, false), (.reinforce, true), (.rloo, false), (.rloo, true), (.disarm, true), (.st, false)])
  func surrogateKeepsItsTangentsInOrder(kind: EstimatorKind, bits: Bool) throws {
    let float = try Self.surrogate(kind, bits: bits, as: Float.self)
    let double = try Self.surrogate(kind, bits: bits, as: Double.self)
    for (name, f, d) in [("value", float.value, double.value), ("logits", float.logits, double.logits),
                         ("sample", float.sample, double.sample), ("loss", float.loss, double.loss)] {
      #expect(f.count == d.count, "\(kind.rawValue) bits \(bits): \(name) shape")
      for (a, b) in zip(f, d) {
        #expect(abs(a - b) <= 1e-4 * max(1, abs(b)), "\(kind.rawValue) bits \(bits): \(name) \(a) vs \(b)")
      }
    }
    #expect(double.logits.contains { $0 != 0 } || kind == .st, "\(kind.rawValue): the score term reaches the logits")
  }
}
