import GumbelDistributions

/// An input that a figure refuses, or an output that cannot be written.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The list of temperatures is empty.
  case noTemperatures
  /// A temperature that is not finite and positive.
  case invalidTemperature(Double)
  /// More temperatures than a figure has room for.
  case tooManyTemperatures(count: Int, limit: Int)
  /// A figure that needs a particular number of categories got another.
  case categoryCount(figure: String, required: String, actual: Int)
  /// A category index outside `0..<categories`.
  case categoryOutOfRange(index: Int, categories: Int)
  /// A count (of samples, bins, examples) outside the range the figure accepts.
  case countOutOfRange(name: String, value: Int, range: ClosedRange<Int>)
  /// The distribution refused its parameters.
  case distribution(DistributionError)
  /// The output could not be written.
  case cannotWrite(path: String, reason: String)

  /// One line that names the bad value, for `gumbel: error: ...`.
  public var description: String {
    switch self {
    case .noTemperatures:
      return "the temperature list is empty"
    case .invalidTemperature(let t):
      return "temperature \(t) is not finite and positive"
    case .tooManyTemperatures(let count, let limit):
      return "\(count) temperatures are too many for one figure (at most \(limit))"
    case .categoryCount(let figure, let required, let actual):
      return "the \(figure) figure needs \(required) categories, got \(actual)"
    case .categoryOutOfRange(let index, let categories):
      return "category \(index) is out of range: there are \(categories) categories (0..<\(categories))"
    case .countOutOfRange(let name, let value, let range):
      return "\(name) \(value) is out of range (\(range.lowerBound)...\(range.upperBound))"
    case .distribution(let error):
      return error.description
    case .cannotWrite(let path, let reason):
      return "cannot write \(path): \(reason)"
    }
  }
}
