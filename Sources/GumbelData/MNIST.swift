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
  /// The most images a file may hold (MNIST has 60,000), and the most pixels an image may have
  /// (MNIST's have 784). The limits are checked on an IDX file's header and on each CSV row,
  /// before the data is read, so that a small file whose header promises billions of images, or
  /// images of a million pixels (and a model to match), is refused at once.
  public static let maximumImageCount = 10_000_000
  public static let maximumPixelsPerImage = 64 * 64

  /// Images from a CSV file, plain or gzip (see ``parseCSV(_:path:rows:columns:)`` for the
  /// form), read a chunk at a time and refused at the first bad line.
  ///
  /// - Throws: ``DataError/malformedLine(path:line:reason:)`` with the 1-based line number, or
  ///   ``DataError/corruptGzip(path:reason:)``, ``DataError/unreadable(path:reason:)``.
  public static func readCSV(path: String, rows: Int = 28, columns: Int = 28) throws(DataError) -> LabeledImages {
    try parseCSV(ByteStream(path: path), rows: rows, columns: columns)
  }

  /// Images from CSV text: each non-empty line has `rows * columns` pixel values (integers 0-255)
  /// and then the label (an integer 0-9). Spaces, tabs and carriage returns are ignored; a header
  /// line of names is not allowed.
  public static func parseCSV(_ bytes: [UInt8], path: String = "<csv>", rows: Int = 28, columns: Int = 28) throws(DataError) -> LabeledImages {
    try parseCSV(ByteStream(bytes: bytes, path: path, gzip: false), rows: rows, columns: columns)
  }

  static func parseCSV(_ stream: ByteStream, rows: Int, columns: Int) throws(DataError) -> LabeledImages {
    guard (1...maximumPixelsPerImage).contains(rows), (1...maximumPixelsPerImage).contains(columns),
          rows * columns <= maximumPixelsPerImage else {
      throw .mismatch(path: stream.path, reason: "images of \(rows) x \(columns) pixels; 1 to \(maximumPixelsPerImage) pixels are read")
    }
    var parser = CSVImageParser(path: stream.path, rows: rows, columns: columns)
    try stream.forEachChunk { (chunk) throws(DataError) in
      try parser.consume(chunk)
      return true
    }
    return try parser.finish()
  }

  /// An IDX array (LeCun's format) from a file, plain or gzip: magic `00 00 type rank`,
  /// big-endian 32-bit dimensions, then the data. Only unsigned bytes (type `0x08`) are
  /// supported, as in MNIST. The data must be exactly as long as the dimensions say.
  ///
  /// - Throws: ``DataError/malformedIDX(path:reason:)``, or ``DataError/corruptGzip(path:reason:)``,
  ///   ``DataError/unreadable(path:reason:)``.
  public static func readIDX(path: String) throws(DataError) -> (dimensions: [Int], data: [UInt8]) {
    let reader = try IDXReader(ByteStream(path: path))
    return (reader.dimensions, try reader.data())
  }

  /// Parses IDX bytes (see ``readIDX(path:)``).
  public static func parseIDX(_ bytes: [UInt8], path: String = "<idx>") throws(DataError) -> (dimensions: [Int], data: [UInt8]) {
    let reader = try IDXReader(ByteStream(bytes: bytes, path: path, gzip: false))
    return (reader.dimensions, try reader.data())
  }

  /// Images and labels from a pair of IDX files (`...-images-idx3-ubyte` and
  /// `...-labels-idx1-ubyte`, plain or `.gz`). Both headers are read and checked against each
  /// other before any label or pixel is read.
  public static func readIDX(images imagesPath: String, labels labelsPath: String) throws(DataError) -> LabeledImages {
    let labels = try IDXReader(ByteStream(path: labelsPath))
    guard labels.dimensions.count == 1 else {
      throw .malformedIDX(path: labelsPath, reason: "labels have rank \(labels.dimensions.count), not 1")
    }
    let images = try IDXReader(ByteStream(path: imagesPath))
    guard images.dimensions.count == 3 else {
      throw .malformedIDX(path: imagesPath, reason: "images have rank \(images.dimensions.count), not 3 (count, rows, columns)")
    }
    guard images.dimensions.allSatisfy({ $0 > 0 }) else {
      throw .malformedIDX(path: imagesPath, reason: "dimensions \(images.dimensions) hold no image")
    }
    guard images.dimensions[0] <= maximumImageCount, images.dimensions[1] * images.dimensions[2] <= maximumPixelsPerImage else {
      throw .malformedIDX(path: imagesPath, reason: "dimensions \(images.dimensions): more than \(maximumImageCount) images or \(maximumPixelsPerImage) pixels per image")
    }
    guard images.dimensions[0] == labels.dimensions[0] else {
      throw .mismatch(path: labelsPath, reason: "\(labels.dimensions[0]) labels for the \(images.dimensions[0]) images of \(imagesPath)")
    }
    let labelBytes = try labels.data()
    if let bad = labelBytes.firstIndex(where: { $0 > 9 }) {
      throw .malformedIDX(path: labelsPath, reason: "label \(bad) is \(labelBytes[bad]), not a digit 0-9")
    }
    return LabeledImages(pixels: try images.data(), labels: labelBytes.map(Int.init),
                         rows: images.dimensions[1], columns: images.dimensions[2])
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
