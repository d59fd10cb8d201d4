import _GumbelTestSupport
import Foundation
import GumbelRandom
import GumbelTensor
import RealModule

/// Seeded generators of hostile inputs for the property tests: logits anywhere in
/// [-3e38, 3e38] (scales log-uniform from 1e-3 up), often up to half masked with -inf (never a
/// whole row), temperatures log-uniform in [1e-4, 1e4], categories from 1 to 100,000 and
/// batches from 1 to 1,000. Most cases are small (up to 64 categories and 16 rows) so that a
/// million of them run in minutes; one in five thousand is large (rows x categories up to 200,000).
struct CaseGenerator {
  var rng: SplitMix64

  init(seed: UInt64) { rng = SplitMix64(seed: seed) }

  /// A value whose logarithm is uniform in [log lower, log upper].
  mutating func logUniform(_ lower: Double, _ upper: Double) -> Double {
    Double.exp(Double.random(in: Double.log(lower)...Double.log(upper), using: &rng))
  }

  /// A size log-uniform in `1...maximum`.
  mutating func size(upTo maximum: Int) -> Int {
    min(maximum, Int(logUniform(1, Double(maximum) + 1)))
  }

  mutating func temperature<Scalar: BinaryFloatingPoint>(_: Scalar.Type = Scalar.self) -> Scalar {
    Scalar(logUniform(1e-4, 1e4))
  }

  mutating func key() -> PRNGKey {
    PRNGKey(words: (UInt32.random(in: .min ... .max, using: &rng), UInt32.random(in: .min ... .max, using: &rng)),
            scheme: Bool.random(using: &rng) ? .partitionable : .original)
  }

  /// A `[rows, K]` batch of logits.
  mutating func logits<Scalar: TensorFloatingPoint>(_: Scalar.Type = Scalar.self, maxCategories: Int = 100_000) -> Tensor<Scalar> {
    let large = Double.random(in: 0...1, using: &rng) < PropertyBudget.largeCaseRate
    let k = size(upTo: large ? min(maxCategories, PropertyBudget.maxCategories) : min(maxCategories, 64))
    let rows = max(1, min(size(upTo: large ? 1000 : 16), PropertyBudget.maxElements / k))
    let scale = logUniform(1e-3, 3e38)
    let maskRate = Bool.random(using: &rng) ? 0.0 : Double.random(in: 0...0.5, using: &rng)
    var scalars = [Scalar](repeating: 0, count: rows * k)
    for r in 0..<rows {
      for j in 0..<k {
        scalars[r * k + j] = Double.random(in: 0...1, using: &rng) < maskRate
          ? -.infinity : Scalar(Double.random(in: -scale...scale, using: &rng))
      }
      // Never a fully masked row.
      if scalars[(r * k)..<((r + 1) * k)].allSatisfy({ $0 == -.infinity }) {
        scalars[r * k + Int.random(in: 0..<k, using: &rng)] = Scalar(Double.random(in: -scale...scale, using: &rng))
      }
    }
    return Tensor(shape: [rows, k], scalars: scalars)
  }

  /// Weights in [-1, 1] of the given shape, for linear objectives `sum(w * z)`.
  mutating func weights<Scalar: TensorFloatingPoint>(shape: [Int], _: Scalar.Type = Scalar.self) -> Tensor<Scalar> {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Scalar(Double.random(in: -1...1, using: &rng)) })
  }
}

/// How many cases each property runs, and how large they get: a million cases in all, up to
/// 100,000 categories and 200,000 elements, in release builds; a smoke run of small cases in
/// debug builds (unoptimised generic code is about a hundred times slower).
enum PropertyBudget {
  #if DEBUG
  static func cases(_ releaseCount: Int) -> Int { max(20, releaseCount / 2000) }
  static let maxCategories = 2_000
  static let maxElements = 4_000
  static let largeCaseRate = 0.05
  #else
  static let largeCaseRate = 0.0002
  static func cases(_ releaseCount: Int) -> Int {
    let scale = ProcessInfo.processInfo.environment["GUMBEL_PROPERTY_SCALE"].flatMap(Double.init) ?? 1
    return max(1, Int(Double(releaseCount) * scale))
  }
  static let maxCategories = 100_000
  static let maxElements = 200_000
  #endif
}
