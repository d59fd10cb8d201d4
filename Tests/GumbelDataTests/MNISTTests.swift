import Foundation
import GumbelData
import Testing

/// The MNIST readers (CSV and IDX, plain and gzipped) on small files written to a fresh
/// directory per test, and on the vendored subset.
@Suite final class MNISTTests {
  let directory: String

  init() throws {
    directory = NSTemporaryDirectory() + "gumbel-data-tests-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
  }

  deinit {
    try? FileManager.default.removeItem(atPath: directory)
  }

  func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

  func write(_ bytes: [UInt8], _ name: String) throws -> String {
    try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
    return path(name)
  }

  /// An IDX file of unsigned bytes.
  func idx(_ dimensions: [Int], _ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
    for d in dimensions { out += [UInt8(d >> 24), UInt8((d >> 16) & 0xff), UInt8((d >> 8) & 0xff), UInt8(d & 0xff)] }
    return out + data
  }

  @Test func csvOfTinyImages() throws {
    let file = try write(Array("0,255,128,3,7\n1,2,3,4,0\r\n\n".utf8), "a.csv")
    let images = try MNIST.readCSV(path: file, rows: 2, columns: 2)
    #expect(images.labels == [7, 0])
    #expect(images.pixels == [0, 255, 128, 3, 1, 2, 3, 4])
    #expect(images.binarized() == [0, 1, 1, 0, 0, 0, 0, 0])
  }

  @Test func gzippedCSV() throws {
    let file = try write(gzipStored(Array("0,255,128,3,7\n".utf8)), "a.csv.gz")
    #expect(try MNIST.readCSV(path: file, rows: 2, columns: 2).labels == [7])
  }

  @Test func malformedCSVNamesFileAndLine() throws {
    let cases: [(String, Int, String)] = [
      ("0,1,2,3,4\n0,1,2,3\n", 2, "4 fields; expected 5"),
      ("0,1,2,3,4\n0,1,2,3,4\n0,1,x,3,4\n", 3, "field 3 has 'x'"),
      ("0,1,2,300,4\n", 1, "pixel 4 is 300"),
      ("0,1,2,3,12\n", 1, "the label is 12"),
      ("0,1,,3,4\n", 1, "field 3 is empty"),
      ("0,1,-2,3,4\n", 1, "field 3 has '-'"),
      ("", 1, "no images"),
    ]
    for (text, line, message) in cases {
      let file = try write(Array(text.utf8), "bad.csv")
      let error = #expect(throws: DataError.self) { try MNIST.readCSV(path: file, rows: 2, columns: 2) }
      guard let error else { continue }
      guard case let .malformedLine(errorPath, errorLine, reason) = error else {
        Issue.record("\(error)")
        continue
      }
      #expect(errorPath == file)
      #expect(errorLine == line, "\(text)")
      #expect(reason.contains(message), "\(reason) should contain \(message)")
      #expect("\(error)".hasPrefix("\(file), line \(line): "))
    }
  }

  @Test func missingFile() {
    #expect(throws: DataError.unreadable(path: path("none.csv"), reason: "no such file")) {
      try MNIST.readCSV(path: self.path("none.csv"))
    }
  }

  @Test func idxPairPlainAndGzipped() throws {
    let pixels: [UInt8] = (0..<(3 * 2 * 4)).map { UInt8($0 * 10) }
    _ = try write(idx([3, 2, 4], pixels), "train-images-idx3-ubyte")
    _ = try write(gzipStored(idx([3], [5, 0, 9])), "train-labels-idx1-ubyte.gz")
    _ = try write(gzipStored(idx([1, 2, 4], Array(pixels[..<8]))), "t10k-images-idx3-ubyte.gz")
    _ = try write(idx([1], [2]), "t10k-labels-idx1-ubyte")
    let (train, test) = try MNIST.readIDXDirectory(directory)
    #expect(train.labels == [5, 0, 9])
    #expect(train.pixels == pixels)
    #expect([train.rows, train.columns] == [Int]([2, 4]))
    #expect(test.labels == [2])
    #expect(test.pixels == Array(pixels[..<8]))
  }

  @Test func malformedIDX() throws {
    let short = try write(idx([3, 2, 4], [1, 2, 3]), "short-idx3-ubyte")
    let shortError = #expect(throws: DataError.self) { try MNIST.readIDX(path: short) }
    #expect(shortError?.description.contains("short-idx3-ubyte") == true)
    #expect(shortError?.description.contains("need 24 bytes of data, the file has 3") == true)
    let floats = try write([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0], "float-idx1")
    let floatError = #expect(throws: DataError.self) { try MNIST.readIDX(path: floats) }
    #expect(floatError?.description.contains("element type 0xd") == true)
    let images = try write(idx([2, 1, 1], [1, 2]), "i")
    let labels = try write(idx([3], [1, 2, 3]), "l")
    let mismatch = #expect(throws: DataError.self) { try MNIST.readIDX(images: images, labels: labels) }
    #expect(mismatch?.description.contains("3 labels for the 2 images") == true)
    #expect(throws: DataError.self) { try MNIST.readIDXDirectory(self.path("nowhere")) }
  }

  @Test func holdingOutTheLastImagesOfEachLabel() throws {
    let labels = [0, 0, 0, 1, 1, 1, 1]
    let images = LabeledImages(pixels: labels.indices.map { UInt8($0) }, labels: labels, rows: 1, columns: 1)
    let (train, test) = try images.holdingOutLast(2)
    #expect(train.pixels == [0, 3, 4])
    #expect(test.pixels == [1, 2, 5, 6])
    #expect(throws: DataError.self) { try images.holdingOutLast(3) }
  }

  /// The vendored file: 5,000 images, 500 per digit in label order; 4,000 train and 1,000 test.
  @Test func vendoredMNISTSubset() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Data/mnist_5k.csv.gz").path
    let images = try MNIST.readCSV(path: file)
    #expect(images.count == 5000)
    #expect(images.labels == (0..<10).flatMap { Array(repeating: $0, count: 500) })
    let (train, test) = try images.holdingOutLast(100, path: file)
    #expect(train.count == 4000)
    #expect(test.count == 1000)
    #expect(test.labels == (0..<10).flatMap { Array(repeating: $0, count: 100) })
    #expect(Array(test.pixels[..<784]) == Array(images.pixels[(400 * 784)..<(401 * 784)]))
  }
}
