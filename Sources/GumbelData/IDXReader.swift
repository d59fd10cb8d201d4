/// LeCun's IDX format read from a stream: magic `00 00 type rank`, big-endian 32-bit
/// dimensions, then the data. Only unsigned bytes (type `0x08`) are supported, as in MNIST.
///
/// The header is read first, so a caller can check the dimensions before any data is read; the
/// data is read to the size the header promises and refused if it is shorter or longer, without
/// reading (or inflating) what follows.
struct IDXReader {
  let stream: ByteStream
  /// The dimensions the header promises.
  let dimensions: [Int]
  /// The number of data bytes: the product of ``dimensions``.
  let size: Int

  private var path: String { stream.path }

  /// Reads the header of `stream`.
  init(_ stream: ByteStream) throws(DataError) {
    self.stream = stream
    let path = stream.path
    let magic = try stream.read(upTo: 4)
    guard magic.count == 4, magic[0] == 0, magic[1] == 0 else { throw .malformedIDX(path: path, reason: "no IDX magic number") }
    guard magic[2] == 0x08 else {
      throw .malformedIDX(path: path, reason: "element type 0x\(String(magic[2], radix: 16)) is not unsigned bytes (0x08)")
    }
    let rank = Int(magic[3])
    let header = try stream.read(upTo: 4 * rank)
    guard rank >= 1, header.count == 4 * rank else { throw .malformedIDX(path: path, reason: "truncated header") }
    dimensions = (0..<rank).map { d in
      header[(4 * d)..<(4 * d + 4)].reduce(0) { $0 << 8 | Int($1) }
    }
    var size = 1
    for d in dimensions {
      let (product, overflow) = size.multipliedReportingOverflow(by: d)
      guard !overflow else { throw .malformedIDX(path: path, reason: "dimensions \(dimensions) describe more bytes than any file holds") }
      size = product
    }
    self.size = size
  }

  /// The data: exactly ``size`` bytes, then the end of the file.
  func data() throws(DataError) -> [UInt8] {
    // Reserve what the header promises only up to a bound (the file may be shorter); beyond it
    // the array grows as the data arrives.
    var data = [UInt8]()
    data.reserveCapacity(min(size, 1 << 20))
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: ByteStream.chunkSize, alignment: 1)
    defer { chunk.deallocate() }
    while data.count < size {
      let n = try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<min(chunk.count, size - data.count)]))
      guard n > 0 else {
        throw .malformedIDX(path: path, reason: "dimensions \(dimensions) need \(size) bytes of data, the file has \(data.count)")
      }
      data += chunk[..<n]
    }
    guard try stream.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<1])) == 0 else {
      throw .malformedIDX(path: path, reason: "dimensions \(dimensions) need \(size) bytes of data, the file has more")
    }
    return data
  }
}
