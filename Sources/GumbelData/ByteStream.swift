#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of a file (or of memory) in order, decompressed on the way when they are gzip.
///
/// Every reader of this module consumes one of these a chunk at a time and stops at the first
/// thing wrong, so memory holds the parsed data and a constant: a small file that inflates to
/// gigabytes is refused after its first bad row, not after it has been inflated.
final class ByteStream {
  /// The file, for errors.
  let path: String
  private let file: Int32?
  private let memory: [UInt8]
  private var memoryPosition = 0
  /// Raw bytes read ahead: the gzip decoder's input, or (plain data) the bytes read to sniff.
  private let raw = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: ByteStream.chunkSize)
  private var rawStart = 0, rawEnd = 0
  /// The raw (compressed, for gzip) bytes read from the source so far.
  private(set) var rawBytesRead = 0
  /// The gzip decoder, for gzip data.
  private var decoder: GzipInflater?
  private var ended = false

  /// The size of a read from the file and of the decoder's input.
  static let chunkSize = 1 << 16

  /// Opens the file at `path`; it is gzip if it starts with gzip's magic number.
  init(path: String) throws(DataError) {
    self.path = path
    memory = []
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else {
      let code = errno
      raw.deallocate()
      throw .unreadable(path: path, reason: code == ENOENT ? "no such file" : String(cString: strerror(code)))
    }
    file = descriptor
    // Every property is set: if sniffing throws, deinit closes the file and frees the buffer.
    try sniff()
  }

  /// The bytes `bytes`; gzip if `gzip`, or (`nil`) if they start with gzip's magic number.
  init(bytes: [UInt8], path: String, gzip: Bool? = nil) throws(DataError) {
    self.path = path
    memory = bytes
    file = nil
    if gzip ?? Gzip.isGzip(bytes) { decoder = try GzipInflater(path: path) }
  }

  /// Reads the first bytes of the file and starts a decoder if they are gzip's magic number.
  private func sniff() throws(DataError) {
    _ = try fillRaw()
    if Gzip.isGzip(raw[rawStart..<rawEnd]) { decoder = try GzipInflater(path: path) }
  }

  deinit {
    if let file { close(file) }
    raw.deallocate()
  }

  /// Reads the next raw bytes into `raw` if it is empty; returns how many are there.
  private func fillRaw() throws(DataError) -> Int {
    if rawStart < rawEnd { return rawEnd - rawStart }
    rawStart = 0
    rawEnd = try readSource(into: UnsafeMutableRawBufferPointer(raw))
    return rawEnd
  }

  /// Raw bytes from the file or memory.
  private func readSource(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let file else {
      let n = min(buffer.count, memory.count - memoryPosition)
      memory.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + memoryPosition, byteCount: n) }
      memoryPosition += n
      rawBytesRead += n
      return n
    }
    while true {
      let n = systemRead(file, buffer.baseAddress, buffer.count)
      if n >= 0 {
        rawBytesRead += n
        return n
      }
      let code = errno
      if code != EINTR { throw .unreadable(path: path, reason: String(cString: strerror(code))) }
    }
  }

  /// Reads up to `buffer.count` bytes; returns how many, 0 only at the end of the data.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    if buffer.isEmpty || ended { return 0 }
    guard let decoder else {
      if rawStart < rawEnd {
        let n = min(buffer.count, rawEnd - rawStart)
        buffer.baseAddress!.copyMemory(from: raw.baseAddress! + rawStart, byteCount: n)
        rawStart += n
        return n
      }
      let n = try readSource(into: buffer)
      if n == 0 { ended = true }
      return n
    }
    while true {
      if decoder.pendingInput == 0 {
        let n = try fillRaw()
        if n == 0 {
          guard decoder.atMemberEnd else { throw .corruptGzip(path: path, reason: "unexpected end of compressed data") }
          ended = true
          return 0
        }
        decoder.setInput(UnsafeMutableBufferPointer(rebasing: raw[rawStart..<rawEnd]))
        rawStart = rawEnd  // the decoder owns them now
      }
      if decoder.atMemberEnd {
        // Zero padding may follow the last member; anything else starts another member.
        while decoder.nextInputByte == 0 { decoder.skipInputByte() }
        if decoder.pendingInput == 0 { continue }
      }
      let before = decoder.pendingInput
      let n = try decoder.inflate(into: buffer, path: path)
      if n > 0 { return n }
      if decoder.pendingInput == before && !decoder.atMemberEnd && before > 0 {
        throw .corruptGzip(path: path, reason: "the decoder made no progress")
      }
    }
  }

  /// Up to `count` bytes: fewer only at the end of the data.
  func read(upTo count: Int) throws(DataError) -> [UInt8] {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
    defer { buffer.deallocate() }
    var filled = 0
    while filled < count {
      let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
      if n == 0 { break }
      filled += n
    }
    return Array(buffer[..<filled])
  }

  /// All the remaining bytes.
  ///
  /// - Throws: ``DataError/tooLarge(path:limit:)`` as soon as there are more than `limit`.
  func readAll(limit: Int = .max) throws(DataError) -> [UInt8] {
    var bytes = [UInt8]()
    try forEachChunk { (chunk) throws(DataError) in
      guard chunk.count <= limit - bytes.count else { throw .tooLarge(path: path, limit: limit) }
      bytes += chunk
      return true
    }
    return bytes
  }

  /// Calls `body` with each chunk of the data until the end or until it returns `false`.
  func forEachChunk(_ body: (UnsafeRawBufferPointer) throws(DataError) -> Bool) throws(DataError) {
    let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 1)
    defer { chunk.deallocate() }
    while true {
      let n = try read(into: chunk)
      if n == 0 { return }
      if try !body(UnsafeRawBufferPointer(rebasing: chunk[..<n])) { return }
    }
  }
}

/// The system's `read`, under a name the class's own `read` does not hide.
private func systemRead(_ file: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(file, buffer, count)
}
