import CZlib

/// gzip (RFC 1952) through zlib, the system library: a streaming decoder that checks every
/// member's CRC-32 and length and never holds more than one chunk of output.
public enum Gzip {
  /// Whether `bytes` start with the gzip magic number `1f 8b`.
  public static func isGzip<C: Collection<UInt8>>(_ bytes: C) -> Bool {
    var i = bytes.makeIterator()
    return i.next() == 0x1f && i.next() == 0x8b
  }

  /// The decompressed contents of gzip `bytes` (all members, concatenated; zero padding after
  /// the last is allowed).
  ///
  /// - Throws: ``DataError/corruptGzip(path:reason:)`` naming `path`, or
  ///   ``DataError/tooLarge(path:limit:)`` as soon as the output would pass `limit` bytes.
  public static func decompress(_ bytes: [UInt8], path: String = "<data>", limit: Int = .max) throws(DataError) -> [UInt8] {
    let stream = try ByteStream(bytes: bytes, path: path, gzip: true)
    return try stream.readAll(limit: limit)
  }
}

/// One zlib `z_stream` set up for gzip; its memory is released with it. The stream lives at a
/// fixed address, as zlib requires (it keeps a pointer back to it).
final class GzipInflater {
  private let stream: UnsafeMutablePointer<z_stream> = {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    return stream
  }()
  /// Whether the current member's end has been reached (the next byte, if not padding, starts
  /// another member).
  private(set) var atMemberEnd = false

  init(path: String) throws(DataError) {
    guard czlib_inflate_init_gzip(stream) == Z_OK else { throw .unreadable(path: path, reason: "zlib could not start a decoder") }
  }

  deinit {
    inflateEnd(stream)  // harmless on a stream whose set-up failed
    stream.deallocate()
  }

  /// The compressed bytes not yet consumed.
  var pendingInput: Int { Int(stream.pointee.avail_in) }

  /// The first pending compressed byte (for skipping padding between members).
  var nextInputByte: UInt8? { stream.pointee.avail_in > 0 ? stream.pointee.next_in.pointee : nil }

  /// Skips one pending compressed byte.
  func skipInputByte() {
    stream.pointee.next_in += 1
    stream.pointee.avail_in -= 1
  }

  /// Feeds `input` (it must stay valid until ``pendingInput`` is 0).
  func setInput(_ input: UnsafeMutableBufferPointer<UInt8>) {
    stream.pointee.next_in = input.baseAddress
    stream.pointee.avail_in = UInt32(input.count)
  }

  /// Decodes pending input into `output`; returns the bytes written (0 when it needs input).
  func inflate(into output: UnsafeMutableRawBufferPointer, path: String) throws(DataError) -> Int {
    if atMemberEnd {
      guard inflateReset(stream) == Z_OK else { throw .unreadable(path: path, reason: "zlib could not reset its decoder") }
      atMemberEnd = false
    }
    stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
    let space = min(output.count, Int(UInt32.max))
    stream.pointee.avail_out = UInt32(space)
    let status = CZlib.inflate(stream, Z_NO_FLUSH)
    let written = space - Int(stream.pointee.avail_out)
    switch status {
    case Z_OK, Z_BUF_ERROR:
      return written
    case Z_STREAM_END:
      atMemberEnd = true
      return written
    case Z_NEED_DICT:
      throw .corruptGzip(path: path, reason: "the stream asks for a preset dictionary")
    case Z_MEM_ERROR:
      throw .unreadable(path: path, reason: "zlib ran out of memory")
    default:
      throw .corruptGzip(path: path, reason: Self.reason(stream.pointee.msg.map { String(cString: $0) } ?? "error \(status)"))
    }
  }

  /// zlib's message in the words of the rest of the library.
  static func reason(_ message: String) -> String {
    switch message {
    case "incorrect data check": "CRC-32 mismatch (the data is damaged)"
    case "incorrect length check": "length mismatch (the data is damaged)"
    case "incorrect header check": "no gzip magic number"
    default: message
    }
  }
}
