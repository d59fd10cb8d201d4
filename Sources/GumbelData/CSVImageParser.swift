/// A parser of images in CSV form, fed a chunk at a time: each non-empty line holds `rows *
/// columns` pixel values (integers 0-255) and then the label (an integer 0-9), separated by
/// commas. Spaces and tabs are ignored, and a carriage return before a line feed; a header line
/// is not allowed.
///
/// It refuses a line at its first bad field (a row is refused at field `rows * columns + 2`, not
/// at its end) and a stretch of more than ``maximumBytesPerRow`` bytes without a complete row,
/// so a file that inflates to gigabytes of one endless line costs nothing to refuse.
struct CSVImageParser {
  /// The longest stretch of bytes (a row, with any blank lines before it) that is accepted: a
  /// row of MNIST is at most 785 x 4 bytes, one of the largest images read
  /// (``MNIST/maximumPixelsPerImage``) 4,097 x 4.
  static let maximumBytesPerRow = 1 << 16

  let path: String
  let rows: Int
  let columns: Int
  private(set) var pixels = [UInt8]()
  private(set) var labels = [Int]()
  /// The 1-based line being read.
  private var line = 1
  /// The fields completed on this line.
  private var fields = 0
  private var value = 0
  private var digits = 0
  private var label = 0
  /// Whether this line has a digit or a comma (else it is blank so far).
  private var lineHasContent = false
  private var bytesSinceRow = 0
  /// Whether the last byte was a carriage return (only a line feed may follow it).
  private var carriageReturn = false

  init(path: String, rows: Int, columns: Int) {
    self.path = path
    self.rows = rows
    self.columns = columns
  }

  private var pixelsPerImage: Int { rows * columns }
  private var fieldsPerLine: Int { rows * columns + 1 }

  private func error(_ reason: String) -> DataError { .malformedLine(path: path, line: line, reason: reason) }

  /// Parses the next bytes of the file.
  mutating func consume(_ bytes: UnsafeRawBufferPointer) throws(DataError) {
    for byte in bytes {
      bytesSinceRow += 1
      if bytesSinceRow > Self.maximumBytesPerRow {
        throw error("more than \(Self.maximumBytesPerRow) bytes without a complete image row")
      }
      if carriageReturn && byte != UInt8(ascii: "\n") { throw error("field \(fields + 1) has byte 13 (a carriage return), not a non-negative integer") }
      carriageReturn = false
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
        digits += 1
        lineHasContent = true
        if digits > 9 { throw error("field \(fields + 1) is too long a number") }
      case UInt8(ascii: ","):
        lineHasContent = true
        try endField()
        if fields == fieldsPerLine {
          throw error("more than \(fieldsPerLine) fields; expected \(fieldsPerLine) (\(pixelsPerImage) pixels and a label)")
        }
      case UInt8(ascii: "\n"):
        try endLine()
      case UInt8(ascii: " "), UInt8(ascii: "\t"):
        break
      case UInt8(ascii: "\r"):
        carriageReturn = true
      default:
        let character = (32..<127).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
        throw error("field \(fields + 1) has \(character), not a non-negative integer")
      }
    }
  }

  private mutating func endField() throws(DataError) {
    guard digits > 0 else { throw error("field \(fields + 1) is empty") }
    if fields < pixelsPerImage {
      guard value <= 255 else { throw error("pixel \(fields + 1) is \(value), above 255") }
      pixels.append(UInt8(value))
    } else {
      guard value <= 9 else { throw error("the label is \(value), not a digit 0-9") }
      label = value
    }
    fields += 1
    value = 0
    digits = 0
  }

  private mutating func endLine() throws(DataError) {
    if lineHasContent {
      try endField()
      guard fields == fieldsPerLine else {
        throw error("\(fields) fields; expected \(fieldsPerLine) (\(pixelsPerImage) pixels and a label)")
      }
      guard labels.count < MNIST.maximumImageCount else { throw error("more than \(MNIST.maximumImageCount) images") }
      labels.append(label)
      fields = 0
      lineHasContent = false
      bytesSinceRow = 0
    }
    line += 1
  }

  /// The images, after the last bytes of the file.
  mutating func finish() throws(DataError) -> LabeledImages {
    try endLine()
    guard !labels.isEmpty else { throw DataError.malformedLine(path: path, line: 1, reason: "the file has no images") }
    return LabeledImages(pixels: pixels, labels: labels, rows: rows, columns: columns)
  }
}
