import Foundation
import Testing
import _GumbelTestSupport
@testable import GumbelData

/// The readers stream and stop at the first thing wrong: hostile files (decompression bombs,
/// endless lines, headers that promise more or less than the file holds) are refused early, in
/// one message naming the file.
@Suite struct StreamingReaderTests {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("gumbel-streams-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func write(_ bytes: [UInt8], _ name: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
  }

  func message(_ body: () throws -> Void) -> String {
    do {
      try body()
      return "no error"
    } catch {
      return "\(error)"
    }
  }

  /// A bomb of `0,0,0,...` (64 MB from about 64 KB) is refused at the first field past a row,
  /// having inflated no more than a chunk beyond it.
  @Test func anEndlessRowIsRefusedAtItsFirstExtraField() throws {
    let bomb = gzipBomb(repeating: "0,", megabytes: 64)
    #expect(bomb.count < 1 << 17)
    let file = try write(bomb, "bomb.csv.gz")
    #expect(message { try MNIST.readCSV(path: file, rows: 2, columns: 2) }
      == "\(file), line 1: more than 5 fields; expected 5 (4 pixels and a label)")
    // How far the stream got: the parser stops inside the first chunk.
    let stream = try ByteStream(path: file)
    var parser = CSVImageParser(path: file, rows: 28, columns: 28)
    var inflated = 0
    let error = message {
      try stream.forEachChunk { (chunk) throws(DataError) -> Bool in
        inflated += chunk.count
        try parser.consume(chunk)
        return true
      }
    }
    #expect(error.hasSuffix("line 1: more than 785 fields; expected 785 (784 pixels and a label)"))
    #expect(inflated <= ByteStream.chunkSize)
    // And zlib was given no more than the compressed chunk it needed.
    #expect(stream.rawBytesRead <= ByteStream.chunkSize)
  }

  /// Blank lines, spaces or one long line: no more than 64 KB without a complete row.
  @Test func noRowInSixtyFourKilobytesIsRefused() throws {
    for (unit, line) in [("\n", 65_537), (" ", 1), ("\r\n", 32_769)] {
      let file = try write(gzipBomb(repeating: unit, megabytes: 8), "blank.csv.gz")
      #expect(message { try MNIST.readCSV(path: file) }
        == "\(file), line \(line): more than 65536 bytes without a complete image row", "\(unit.debugDescription)")
    }
    // A legitimate row with generous spacing is well inside the limit.
    let spaced = Array((Array(repeating: " 255 ", count: 4).joined(separator: ",") + ", 7 \r\n").utf8)
    #expect(try MNIST.parseCSV(spaced, rows: 2, columns: 2).labels == [7])
  }

  /// A carriage return only ends a line; images are of 1 to 4,096 pixels; a directory is not a
  /// data file.
  @Test func carriageReturnsSizesAndDirectories() throws {
    #expect(message { _ = try MNIST.parseCSV(Array("0,1\r2,3,4\n".utf8), path: "r.csv", rows: 2, columns: 2) }
      == "r.csv, line 1: field 2 has byte 13 (a carriage return), not a non-negative integer")
    #expect(try MNIST.parseCSV(Array("0,1,2,3,4\r\n".utf8), rows: 2, columns: 2).labels == [4])
    #expect(message { _ = try MNIST.parseCSV([], path: "s.csv", rows: 0, columns: 28) }
      == "s.csv: images of 0 x 28 pixels; 1 to 4096 pixels are read")
    #expect(message { _ = try MNIST.parseCSV([], path: "s.csv", rows: 65, columns: 64) }
      == "s.csv: images of 65 x 64 pixels; 1 to 4096 pixels are read")
    #expect(message { _ = try MNIST.readCSV(path: directory.path) }.hasPrefix("cannot read \(directory.path): "))
    #expect(message { _ = try MNIST.readIDX(path: directory.path) }.hasPrefix("cannot read \(directory.path): "))
  }

  /// The decoder never holds more than the caller's limit.
  @Test func gzipOutputIsLimited() throws {
    let bomb = gzipBomb(repeating: "0,", megabytes: 16)
    #expect(throws: DataError.tooLarge(path: "b.gz", limit: 1 << 20)) { try Gzip.decompress(bomb, path: "b.gz", limit: 1 << 20) }
    // Whole, its last block's CRC is wrong (see gzipBomb): found at the end, named.
    #expect(message { _ = try Gzip.decompress(bomb, path: "b.gz") } == "b.gz is not a valid gzip file: CRC-32 mismatch (the data is damaged)")
  }

  @Test func damagedGzipStreamsNameTheProblem() throws {
    let member = Array(try #require(Data(base64Encoded: "H4sIAAAAAAACA8tIzcnJBwCGphA2BQAAAA==")))  // "hello"
    #expect(try Gzip.decompress(member) == Array("hello".utf8))
    #expect(message { _ = try Gzip.decompress(Array(member.dropLast(3)), path: "t.gz") }
      == "t.gz is not a valid gzip file: unexpected end of compressed data")
    #expect(message { _ = try Gzip.decompress(member + [0, 0, 7, 7], path: "g.gz") }
      == "g.gz is not a valid gzip file: no gzip magic number")
    var length = member
    length[length.count - 4] ^= 1
    #expect(message { _ = try Gzip.decompress(length, path: "l.gz") } == "l.gz is not a valid gzip file: length mismatch (the data is damaged)")
  }

  static func idx(_ dimensions: [UInt32], _ data: [UInt8]) -> [UInt8] {
    [0, 0, 8, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (24 - 8 * $0)) } } + data
  }

  /// An IDX file is read to the size its header promises: a longer file is refused without
  /// reading the rest, even when the rest inflates to gigabytes.
  @Test func idxDataMustEndWhereTheHeaderSays() throws {
    #expect(message { _ = try MNIST.parseIDX(Self.idx([3], [1, 2, 3, 4]), path: "l") }
      == "l is not a valid IDX file: dimensions [3] need 3 bytes of data, the file has more")
    #expect(message { _ = try MNIST.parseIDX(Self.idx([65_536, 65_536, 65_536, 65_536], []), path: "h") }
      == "h is not a valid IDX file: dimensions [65536, 65536, 65536, 65536] describe more bytes than any file holds")
    // A header promising 10 bytes and its data, in one gzip member, then a second member that
    // inflates to 64 MB of zeros.
    let file = try write(gzipStored(Self.idx([10], Array(repeating: 0, count: 10))) + gzipBomb(repeating: "\u{0}", megabytes: 64),
                         "labels-idx1-ubyte.gz")
    #expect(message { _ = try MNIST.readIDX(path: file) } == "\(file) is not a valid IDX file: dimensions [10] need 10 bytes of data, the file has more")
  }

  /// The images' header is checked against the labels' before any data is read: a labels file
  /// that promises four billion labels is refused at once.
  @Test func idxHeadersAreComparedBeforeTheData() throws {
    let images = try write(Self.idx([2, 1, 1], [1]), "images-idx3-ubyte")  // truncated data too
    let labels = try write(Self.idx([4_000_000_000], []), "labels-idx1-ubyte")
    #expect(message { _ = try MNIST.readIDX(images: images, labels: labels) }
      == "\(labels): 4000000000 labels for the 2 images of \(images)")
    // Images of a million pixels, or ten billion images, are refused on the header.
    let large = try write(Self.idx([1, 1000, 1000], []), "large-idx3-ubyte")
    let one = try write(Self.idx([1], [3]), "one-idx1-ubyte")
    #expect(message { _ = try MNIST.readIDX(images: large, labels: one) }
      == "\(large) is not a valid IDX file: dimensions [1, 1000, 1000]: more than 10000000 images or 4096 pixels per image")
    let empty = try write(Self.idx([0, 28, 28], []), "empty-idx3-ubyte")
    let none = try write(Self.idx([0], []), "none-idx1-ubyte")
    #expect(message { _ = try MNIST.readIDX(images: empty, labels: none) }
      == "\(empty) is not a valid IDX file: dimensions [0, 28, 28] hold no image")
  }

  /// Reading in chunks gives the bytes of the file, plain or gzip, whatever the chunk boundaries.
  @Test func chunkedReadsReassembleTheFile() throws {
    let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
    let plain = try write(data, "plain.bin")
    let gzipped = try write(gzipStored(data), "data.gz")
    for path in [plain, gzipped] {
      #expect(try ByteStream(path: path).readAll() == data)
      let stream = try ByteStream(path: path)
      var pieces = [UInt8]()
      for size in [1, 3, 65_535, 65_536, 70_001] + Array(repeating: 10_000, count: 10) {
        pieces += try stream.read(upTo: size)
      }
      #expect(pieces == data)
    }
  }
}
