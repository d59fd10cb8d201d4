/// Why a data file could not be read: each case names the file and, for text files, the line.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file could not be opened or read.
  case unreadable(path: String, reason: String)
  /// A gzip stream that is not valid (bad header, bad DEFLATE block, checksum mismatch).
  case corruptGzip(path: String, reason: String)
  /// A line of a CSV file that is not an image (wrong field count, a value that is not a pixel or a label).
  case malformedLine(path: String, line: Int, reason: String)
  /// An IDX file whose header or size is wrong.
  case malformedIDX(path: String, reason: String)
  /// Data larger than a reader was allowed to hold (a limit the caller chose).
  case tooLarge(path: String, limit: Int)
  /// Images and labels that do not belong together, or a data set that cannot be split as asked.
  case mismatch(path: String, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): "cannot read \(path): \(reason)"
    case let .corruptGzip(path, reason): "\(path) is not a valid gzip file: \(reason)"
    case let .malformedLine(path, line, reason): "\(path), line \(line): \(reason)"
    case let .malformedIDX(path, reason): "\(path) is not a valid IDX file: \(reason)"
    case let .tooLarge(path, limit): "\(path) holds more than \(limit) bytes (decompressed)"
    case let .mismatch(path, reason): "\(path): \(reason)"
    }
  }
}
