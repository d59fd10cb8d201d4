import GumbelRandom

/// An input that a distribution refuses, naming the value that was wrong.
public enum DistributionError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A temperature that is not finite and positive.
  case invalidTemperature(Double)
  /// A scale that is not finite and positive, or a location that is not finite.
  case invalidParameter(name: String, value: Double)
  /// There are no categories.
  case empty
  /// A logit that is NaN or `+infinity`.
  case invalidLogit(index: Int, value: Double)
  /// Every logit of a row is `-infinity`.
  case allLogitsMasked(row: Int)
  /// A probability that is negative or not finite.
  case invalidProbability(index: Int, value: Double)
  /// A row of probabilities whose sum is off 1 by more than ``DistributionLimits/simplexTolerance``.
  case probabilitiesDoNotSumToOne(row: Int, sum: Double)
  /// Two inputs whose shapes or lengths must match and do not.
  case shapeMismatch(expected: [Int], actual: [Int])
  /// A value passed to a density that is not in the distribution's support.
  case notOnSimplex(row: Int, reason: String)
  /// A method used where it is not defined (such as a bits-only estimator on categories).
  case unsupported(String)

  public var description: String {
    switch self {
    case .invalidTemperature(let t):
      return "temperature \(t) is not finite and positive"
    case .invalidParameter(let name, let value):
      return "\(name) \(value) is out of range"
    case .empty:
      return "there are no categories"
    case .invalidLogit(let index, let value):
      return "logit \(index) is \(value): logits must be finite or -inf"
    case .allLogitsMasked(let row):
      return "every logit of row \(row) is -inf: no category can be drawn"
    case .invalidProbability(let index, let value):
      return "probability \(index) is \(value): probabilities must be finite and non-negative"
    case .probabilitiesDoNotSumToOne(let row, let sum):
      return "probabilities of row \(row) sum to \(sum), not 1 (tolerance \(DistributionLimits.simplexTolerance))"
    case .shapeMismatch(let expected, let actual):
      return "shape \(actual) does not match the expected shape \(expected)"
    case .notOnSimplex(let row, let reason):
      return "value row \(row) is not in the open simplex: \(reason)"
    case .unsupported(let message):
      return message
    }
  }
}

/// Tolerances of the validating entry points.
public enum DistributionLimits {
  /// How far from 1 a row of probabilities (or a point of the simplex) may sum: 1e-4, which
  /// accepts decimal inputs such as five times 0.2 in `Float`.
  public static let simplexTolerance = 1e-4

  /// Checks logits: at least one category, each logit finite or `-infinity`, no row fully masked.
  public static func validate<Scalar: BinaryFloatingPoint>(logits: [Scalar], categories: Int) throws(DistributionError) {
    guard categories > 0, !logits.isEmpty else { throw .empty }
    if let bad = logits.firstIndex(where: { $0.isNaN || $0 == .infinity }) {
      throw .invalidLogit(index: bad, value: Double(logits[bad]))
    }
    for row in 0..<(logits.count / categories) where logits[(row * categories)..<((row + 1) * categories)].allSatisfy({ $0 == -.infinity }) {
      throw .allLogitsMasked(row: row)
    }
  }

  /// Checks probabilities: finite, non-negative, each row summing to 1 within ``simplexTolerance``.
  public static func validate<Scalar: BinaryFloatingPoint>(probabilities: [Scalar], categories: Int) throws(DistributionError) {
    guard categories > 0, !probabilities.isEmpty else { throw .empty }
    if let bad = probabilities.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
      throw .invalidProbability(index: bad, value: Double(probabilities[bad]))
    }
    for row in 0..<(probabilities.count / categories) {
      let sum = probabilities[(row * categories)..<((row + 1) * categories)].reduce(0.0) { $0 + Double($1) }
      guard abs(sum - 1) <= simplexTolerance else { throw .probabilitiesDoNotSumToOne(row: row, sum: sum) }
    }
  }

  /// Checks a temperature: finite and positive.
  public static func validate<Scalar: BinaryFloatingPoint>(temperature: Scalar) throws(DistributionError) {
    guard temperature.isFinite, temperature > 0 else { throw .invalidTemperature(Double(temperature)) }
  }
}
