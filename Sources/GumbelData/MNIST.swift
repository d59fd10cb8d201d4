import Foundation

/// Grey-scale images with integer labels, such as MNIST digits: pixels 0-255, row-major, one
/// image after another.
public struct LabeledImages: Equatable, Sendable {
  /// The pixels of all images, `count * rows * columns` bytes.
  public var pixels: [UInt8]
  /// One label per image.
  public var labels: [Int]
  public var rows: Int
  public var columns: Int

  public init(pixels: [UInt8], labels: [Int], rows: Int, columns: Int) {
    precondition(pixels.count == labels.count * rows * columns, "\(pixels.count) pixels for \(labels.count) images of \(rows)x\(columns)")
    self.pixels = pixels
    self.labels = labels
    self.rows = rows
    self.columns = columns
  }

  public var count: Int { labels.count }
  public var pixelsPerImage: Int { rows * columns }

  /// The images at `indices`, in that order.
  public func subset(_ indices: [Int]) -> LabeledImages {
    var out = [UInt8]()
    out.reserveCapacity(indices.count * pixelsPerImage)
    for i in indices { out += pixels[(i * pixelsPerImage)..<((i + 1) * pixelsPerImage)] }
    return LabeledImages(pixels: out, labels: indices.map { labels[$0] }, rows: rows, columns: columns)
  }

  /// The pixels as 0 and 1: 1 where the value is above `threshold` (127 by default: `pixel > 127`).
  public func binarized(threshold: UInt8 = 127) -> [Float] {
    pixels.map { $0 > threshold ? 1 : 0 }
  }

  /// A split that holds out the last `perLabel` images of each label (in file order) as the test
  /// set and keeps the others, in order, for training.
  ///
  /// - Throws: ``DataError/mismatch(path:reason:)`` when some label has no more than `perLabel` images.
  public func holdingOutLast(_ perLabel: Int, path: String = "<data>") throws(DataError) -> (train: LabeledImages, test: LabeledImages) {
    var byLabel = [Int: [Int]]()
    for (i, label) in labels.enumerated() { byLabel[label, default: []].append(i) }
    var test = Set<Int>()
    for (label, indices) in byLabel {
      guard indices.count > perLabel else {
        throw .mismatch(path: path, reason: "label \(label) has \(indices.count) images; holding out \(perLabel) leaves none to train on")
      }
      test.formUnion(indices.suffix(perLabel))
    }
    let all = Array(0..<count)
    return (subset(all.filter { !test.contains($0) }), subset(all.filter { test.contains($0) }))
  }
}

/// Readers of the MNIST files: the CSV form (784 pixel values then the label on each line, as in
/// `mnist_5k.csv.gz`) and the original IDX files (`train-images-idx3-ubyte` and friends), each
/// plain or gzip-compressed.
public enum MNIST {
  /// The bytes of a file, decompressed when it is gzip.
  public static func contents(of path: String) throws(DataError) -> [UInt8] {
    guard FileManager.default.fileExists(atPath: path) else { throw .unreadable(path: path, reason: "no such file") }
    guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "cannot open it") }
    let bytes = [UInt8](data)
    return Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, path: path) : bytes
  }

  /// Images from CSV text: each non-empty line has `rows * columns` pixel values (integers 0-255)
  /// and then the label (an integer 0-9). A header line of names is not allowed.
  ///
  /// - Throws: ``DataError/malformedLine(path:line:reason:)`` with the 1-based line number.
  public static func readCSV(path: String, rows: Int = 28, columns: Int = 28) throws(DataError) -> LabeledImages {
    try parseCSV(contents(of: path), path: path, rows: rows, columns: columns)
  }

  /// Parses CSV bytes (see ``readCSV(path:rows:columns:)``).
  public static func parseCSV(_ bytes: [UInt8], path: String = "<csv>", rows: Int = 28, columns: Int = 28) throws(DataError) -> LabeledImages {
    let fieldsPerLine = rows * columns + 1
    var pixels = [UInt8]()
    var labels = [Int]()
    var line = 1
    var position = 0
    let count = bytes.count
    var fields = [Int]()
    fields.reserveCapacity(fieldsPerLine)
    while position < count {
      // One line: fields separated by commas, ended by \n (a \r before it is ignored).
      fields.removeAll(keepingCapacity: true)
      var value = 0, digits = 0
      var lineEnd = position
      while lineEnd < count && bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
      var end = lineEnd
      if end > position && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
      let isBlank = (position..<end).allSatisfy { bytes[$0] == UInt8(ascii: " ") || bytes[$0] == UInt8(ascii: "\t") }
      if !isBlank {
        var i = position
        while i <= end {
          let byte: UInt8 = i < end ? bytes[i] : UInt8(ascii: ",")
          switch byte {
          case UInt8(ascii: "0")...UInt8(ascii: "9"):
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
            if digits > 9 { throw .malformedLine(path: path, line: line, reason: "field \(fields.count + 1) is too long a number") }
          case UInt8(ascii: ","):
            guard digits > 0 else {
              throw .malformedLine(path: path, line: line, reason: "field \(fields.count + 1) is empty")
            }
            fields.append(value)
            value = 0
            digits = 0
          case UInt8(ascii: " "), UInt8(ascii: "\t"):
            break
          default:
            let character = byte < 128 ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
            throw .malformedLine(path: path, line: line, reason: "field \(fields.count + 1) has \(character), not a non-negative integer")
          }
          i += 1
        }
        guard fields.count == fieldsPerLine else {
          throw .malformedLine(path: path, line: line, reason: "\(fields.count) fields; expected \(fieldsPerLine) (\(rows * columns) pixels and a label)")
        }
        for (j, v) in fields.dropLast().enumerated() where v > 255 {
          throw .malformedLine(path: path, line: line, reason: "pixel \(j + 1) is \(v), above 255")
        }
        guard fields[fieldsPerLine - 1] <= 9 else {
          throw .malformedLine(path: path, line: line, reason: "the label is \(fields[fieldsPerLine - 1]), not a digit 0-9")
        }
        pixels += fields.dropLast().map { UInt8($0) }
        labels.append(fields[fieldsPerLine - 1])
      }
      position = lineEnd + 1
      line += 1
    }
    guard !labels.isEmpty else { throw .malformedLine(path: path, line: 1, reason: "the file has no images") }
    return LabeledImages(pixels: pixels, labels: labels, rows: rows, columns: columns)
  }

  /// An IDX array (LeCun's format): magic `00 00 type rank`, big-endian 32-bit dimensions, then
  /// the data. Only unsigned bytes (type `0x08`) are supported, as in MNIST.
  public static func readIDX(path: String) throws(DataError) -> (dimensions: [Int], data: [UInt8]) {
    try parseIDX(contents(of: path), path: path)
  }

  /// Parses IDX bytes (see ``readIDX(path:)``).
  public static func parseIDX(_ bytes: [UInt8], path: String = "<idx>") throws(DataError) -> (dimensions: [Int], data: [UInt8]) {
    guard bytes.count >= 4, bytes[0] == 0, bytes[1] == 0 else { throw .malformedIDX(path: path, reason: "no IDX magic number") }
    guard bytes[2] == 0x08 else { throw .malformedIDX(path: path, reason: "element type 0x\(String(bytes[2], radix: 16)) is not unsigned bytes (0x08)") }
    let rank = Int(bytes[3])
    guard rank >= 1, bytes.count >= 4 + 4 * rank else { throw .malformedIDX(path: path, reason: "truncated header") }
    var dimensions = [Int]()
    var size = 1
    for d in 0..<rank {
      let p = 4 + 4 * d
      let value = Int(bytes[p]) << 24 | Int(bytes[p + 1]) << 16 | Int(bytes[p + 2]) << 8 | Int(bytes[p + 3])
      dimensions.append(value)
      size = size.multipliedReportingOverflow(by: value).partialValue
    }
    let header = 4 + 4 * rank
    guard bytes.count - header == size else {
      throw .malformedIDX(path: path, reason: "dimensions \(dimensions) need \(size) bytes of data, the file has \(bytes.count - header)")
    }
    return (dimensions, Array(bytes[header...]))
  }

  /// Images and labels from a pair of IDX files (`...-images-idx3-ubyte` and
  /// `...-labels-idx1-ubyte`, plain or `.gz`).
  public static func readIDX(images imagesPath: String, labels labelsPath: String) throws(DataError) -> LabeledImages {
    let images = try readIDX(path: imagesPath)
    let labels = try readIDX(path: labelsPath)
    guard images.dimensions.count == 3 else {
      throw .malformedIDX(path: imagesPath, reason: "images have rank \(images.dimensions.count), not 3 (count, rows, columns)")
    }
    guard labels.dimensions.count == 1 else {
      throw .malformedIDX(path: labelsPath, reason: "labels have rank \(labels.dimensions.count), not 1")
    }
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw .mismatch(path: labelsPath, reason: "\(labels.dimensions[0]) labels for the \(images.dimensions[0]) images of \(imagesPath)")
    }
    if let bad = labels.data.firstIndex(where: { $0 > 9 }) {
      throw .malformedIDX(path: labelsPath, reason: "label \(bad) is \(labels.data[bad]), not a digit 0-9")
    }
    return LabeledImages(pixels: images.data, labels: labels.data.map(Int.init), rows: images.dimensions[1], columns: images.dimensions[2])
  }

  /// The file of `directory` named `name` or `name.gz`, if either exists.
  public static func idxFile(_ name: String, in directory: String) -> String? {
    for candidate in [name, name + ".gz", name.replacingOccurrences(of: "-idx", with: ".idx")] {
      let path = (directory as NSString).appendingPathComponent(candidate)
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// The standard MNIST training and test sets from a directory holding the four IDX files
  /// (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
  /// `t10k-labels-idx1-ubyte`, each possibly `.gz`).
  public static func readIDXDirectory(_ directory: String) throws(DataError) -> (train: LabeledImages, test: LabeledImages) {
    func file(_ name: String) throws(DataError) -> String {
      guard let path = idxFile(name, in: directory) else {
        throw .unreadable(path: (directory as NSString).appendingPathComponent(name), reason: "no such file (nor .gz)")
      }
      return path
    }
    let train = try readIDX(images: file("train-images-idx3-ubyte"), labels: file("train-labels-idx1-ubyte"))
    let test = try readIDX(images: file("t10k-images-idx3-ubyte"), labels: file("t10k-labels-idx1-ubyte"))
    return (train, test)
  }
}
