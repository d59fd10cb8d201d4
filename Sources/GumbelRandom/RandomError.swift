/// An input that the random samplers refuse, with the value that was wrong.
public enum RandomError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A dimension of a requested shape is negative.
  case negativeDimension(shape: [Int])
  /// The number of elements of a shape overflows or exceeds ``RandomLimits/maxElementCount``.
  case tooManyElements(shape: [Int])
  /// `minval` is not below `maxval`, or either is not finite.
  case invalidRange(minval: Double, maxval: Double)
  /// There are no categories to choose from.
  case emptyLogits
  /// A logit is NaN or `+infinity`.
  case invalidLogit(index: Int, value: Double)
  /// Every logit of a row is `-infinity`: no category can be drawn.
  case allLogitsMasked(row: Int)
  /// The sample shape does not end with the batch shape of the logits.
  case shapeMismatch(sampleShape: [Int], batchShape: [Int])
  /// More draws without replacement than categories that can be drawn.
  case tooFewCategories(requested: Int, available: Int)

  public var description: String {
    switch self {
    case .negativeDimension(let shape):
      return "shape \(shape) has a negative dimension"
    case .tooManyElements(let shape):
      return "shape \(shape) has more than \(RandomLimits.maxElementCount) elements"
    case .invalidRange(let minval, let maxval):
      return "invalid range [\(minval), \(maxval)): bounds must be finite with minval < maxval"
    case .emptyLogits:
      return "logits are empty: there must be at least one category"
    case .invalidLogit(let index, let value):
      return "logit \(index) is \(value): logits must be finite or -inf"
    case .allLogitsMasked(let row):
      return "every logit of row \(row) is -inf: no category can be drawn"
    case .shapeMismatch(let sampleShape, let batchShape):
      return "sample shape \(sampleShape) must end with the logits' batch shape \(batchShape)"
    case .tooFewCategories(let requested, let available):
      return "cannot draw \(requested) categories without replacement from \(available) that are not masked"
    }
  }
}

/// Limits that the samplers check before they allocate.
public enum RandomLimits {
  /// The largest number of elements one call may produce: 2^32 - 1, the most that JAX's
  /// original scheme addresses with one key (and 16 GiB of `Float`).
  public static let maxElementCount = Int(UInt32.max)

  /// The number of elements of `shape`, or an error if a dimension is negative or the product
  /// exceeds ``maxElementCount``.
  public static func elementCount(of shape: [Int]) throws(RandomError) -> Int {
    guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape: shape) }
    var count = 1
    for dimension in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= maxElementCount else { throw .tooManyElements(shape: shape) }
      count = product
    }
    return count
  }
}
