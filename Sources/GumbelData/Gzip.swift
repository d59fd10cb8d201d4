/// A gzip (RFC 1952) and DEFLATE (RFC 1951) decoder in Swift, so that compressed data sets need
/// no system library. It follows the structure of Mark Adler's `puff.c`, the reference decoder
/// in zlib's contrib: canonical Huffman codes decoded by code length, stored, fixed and dynamic
/// blocks. It checks the gzip CRC-32 and length.
public enum Gzip {
  /// Whether `bytes` start with the gzip magic number `1f 8b`.
  public static func isGzip(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
  }

  /// The decompressed contents of a gzip file (all members, concatenated).
  ///
  /// - Throws: ``DataError/corruptGzip(path:reason:)`` naming `path`.
  public static func decompress(_ bytes: [UInt8], path: String = "<data>") throws(DataError) -> [UInt8] {
    var output = [UInt8]()
    output.reserveCapacity(bytes.count * 4)
    var position = 0
    repeat {
      do {
        position = try member(bytes, from: position, into: &output)
      } catch {
        throw .corruptGzip(path: path, reason: error.reason)
      }
      // Trailing zero padding after the last member is allowed.
      while position < bytes.count && bytes[position] == 0 { position += 1 }
    } while position < bytes.count
    return output
  }

  /// The raw DEFLATE stream `bytes` decompressed.
  public static func inflate(_ bytes: [UInt8]) throws(DataError) -> [UInt8] {
    var output = [UInt8]()
    var reader = BitReader(bytes: bytes, position: 0)
    do {
      try inflate(&reader, into: &output)
    } catch {
      throw .corruptGzip(path: "<deflate>", reason: error.reason)
    }
    return output
  }

  /// The CRC-32 of `bytes` (the polynomial of gzip and PNG), continuing from `crc`.
  public static func crc32<C: Collection>(_ bytes: C, continuing crc: UInt32 = 0) -> UInt32 where C.Element == UInt8 {
    var c = ~crc
    for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xff)] ^ (c >> 8) }
    return ~c
  }

  static let crcTable: [UInt32] = (0..<256).map { n in
    var c = UInt32(n)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  struct InflateError: Error { let reason: String }

  /// One gzip member starting at `start`; returns the position after it.
  static func member(_ bytes: [UInt8], from start: Int, into output: inout [UInt8]) throws(InflateError) -> Int {
    guard bytes.count - start >= 18 else { throw InflateError(reason: "truncated header") }
    guard bytes[start] == 0x1f, bytes[start + 1] == 0x8b else { throw InflateError(reason: "no gzip magic number at byte \(start)") }
    guard bytes[start + 2] == 8 else { throw InflateError(reason: "compression method \(bytes[start + 2]) is not DEFLATE") }
    let flags = bytes[start + 3]
    var p = start + 10
    func need(_ n: Int) throws(InflateError) { if p + n > bytes.count { throw InflateError(reason: "truncated header") } }
    if flags & 0x04 != 0 {  // FEXTRA
      try need(2)
      let length = Int(bytes[p]) | Int(bytes[p + 1]) << 8
      p += 2 + length
    }
    for flag in [UInt8(0x08), 0x10] where flags & flag != 0 {  // FNAME, FCOMMENT: zero-terminated
      while true {
        try need(1)
        p += 1
        if bytes[p - 1] == 0 { break }
      }
    }
    if flags & 0x02 != 0 { p += 2 }  // FHCRC
    try need(0)
    let first = output.count
    var reader = BitReader(bytes: bytes, position: p)
    try inflate(&reader, into: &output)
    p = reader.position
    guard p + 8 <= bytes.count else { throw InflateError(reason: "truncated trailer") }
    let expectedCRC = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
    let expectedSize = UInt32(bytes[p + 4]) | UInt32(bytes[p + 5]) << 8 | UInt32(bytes[p + 6]) << 16 | UInt32(bytes[p + 7]) << 24
    let crc = crc32(output[first...])
    guard crc == expectedCRC else { throw InflateError(reason: "CRC-32 mismatch (the data is damaged)") }
    guard UInt32(truncatingIfNeeded: output.count - first) == expectedSize else { throw InflateError(reason: "length mismatch") }
    return p + 8
  }

  /// Reads bits least-significant first, as DEFLATE packs them.
  struct BitReader {
    let bytes: [UInt8]
    var position: Int
    var buffer: UInt64 = 0
    var count = 0

    init(bytes: [UInt8], position: Int) {
      self.bytes = bytes
      self.position = position
    }

    mutating func bits(_ n: Int) throws(InflateError) -> Int {
      while count < n {
        guard position < bytes.count else { throw InflateError(reason: "unexpected end of compressed data") }
        buffer |= UInt64(bytes[position]) << UInt64(count)
        position += 1
        count += 8
      }
      let value = Int(buffer & ((1 << UInt64(n)) - 1))
      buffer >>= UInt64(n)
      count -= n
      return value
    }

    /// Drops the bits left in the current byte.
    mutating func alignToByte() {
      buffer = 0
      count = 0
    }
  }

  /// A canonical Huffman code: how many codes of each length, and the symbols in code order.
  struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int]

    /// The code for the given code lengths (0 for unused symbols).
    init(lengths: [Int]) throws(InflateError) {
      symbols = [Int](repeating: 0, count: lengths.count)
      for length in lengths { counts[length] += 1 }
      if counts[0] == lengths.count { return }  // no codes: an error only if used
      var left = 1
      for length in 1..<16 {
        left <<= 1
        left -= counts[length]
        if left < 0 { throw InflateError(reason: "over-subscribed Huffman code") }
      }
      var offsets = [Int](repeating: 0, count: 16)
      for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
      for (symbol, length) in lengths.enumerated() where length != 0 {
        symbols[offsets[length]] = symbol
        offsets[length] += 1
      }
    }

    /// The next symbol from `reader`.
    func decode(_ reader: inout BitReader) throws(InflateError) -> Int {
      var code = 0, first = 0, index = 0
      for length in 1..<16 {
        code |= try reader.bits(1)
        let count = counts[length]
        if code - count < first { return symbols[index + (code - first)] }
        index += count
        first += count
        first <<= 1
        code <<= 1
      }
      throw InflateError(reason: "invalid Huffman code")
    }
  }

  static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
  static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                             2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
  static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

  static let fixedCodes: (Huffman, Huffman) = {
    var lengths = [Int](repeating: 8, count: 288)
    for i in 144..<256 { lengths[i] = 9 }
    for i in 256..<280 { lengths[i] = 7 }
    // Both codes are complete, so construction cannot fail.
    let literal = try! Huffman(lengths: lengths)
    let distance = try! Huffman(lengths: [Int](repeating: 5, count: 30))
    return (literal, distance)
  }()

  /// Decodes DEFLATE blocks until the last one.
  static func inflate(_ reader: inout BitReader, into output: inout [UInt8]) throws(InflateError) {
    var last = false
    repeat {
      last = try reader.bits(1) == 1
      switch try reader.bits(2) {
      case 0:
        reader.alignToByte()
        let p = reader.position
        guard p + 4 <= reader.bytes.count else { throw InflateError(reason: "truncated stored block") }
        let length = Int(reader.bytes[p]) | Int(reader.bytes[p + 1]) << 8
        let complement = Int(reader.bytes[p + 2]) | Int(reader.bytes[p + 3]) << 8
        guard length == ~complement & 0xffff else { throw InflateError(reason: "stored block length check failed") }
        guard p + 4 + length <= reader.bytes.count else { throw InflateError(reason: "truncated stored block") }
        output.append(contentsOf: reader.bytes[(p + 4)..<(p + 4 + length)])
        reader.position = p + 4 + length
      case 1:
        try codes(&reader, fixedCodes.0, fixedCodes.1, into: &output)
      case 2:
        let (literal, distance) = try dynamicCodes(&reader)
        try codes(&reader, literal, distance, into: &output)
      default:
        throw InflateError(reason: "invalid block type 3")
      }
    } while !last
    // The stream ends at a byte boundary: give back whole bytes read ahead.
    reader.position -= reader.count / 8
    reader.alignToByte()
  }

  static func dynamicCodes(_ reader: inout BitReader) throws(InflateError) -> (Huffman, Huffman) {
    let literalCount = try reader.bits(5) + 257
    let distanceCount = try reader.bits(5) + 1
    let codeLengthCount = try reader.bits(4) + 4
    guard literalCount <= 286, distanceCount <= 30 else { throw InflateError(reason: "too many length or distance codes") }
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    var codeLengths = [Int](repeating: 0, count: 19)
    for i in 0..<codeLengthCount { codeLengths[order[i]] = try reader.bits(3) }
    let lengthCode = try Huffman(lengths: codeLengths)
    var lengths = [Int]()
    while lengths.count < literalCount + distanceCount {
      let symbol = try lengthCode.decode(&reader)
      switch symbol {
      case 0..<16:
        lengths.append(symbol)
      case 16:
        guard let previous = lengths.last else { throw InflateError(reason: "repeat with no previous length") }
        lengths += repeatElement(previous, count: 3 + (try reader.bits(2)))
      case 17:
        lengths += repeatElement(0, count: 3 + (try reader.bits(3)))
      default:
        lengths += repeatElement(0, count: 11 + (try reader.bits(7)))
      }
    }
    guard lengths.count == literalCount + distanceCount else { throw InflateError(reason: "too many code lengths") }
    guard lengths[256] != 0 else { throw InflateError(reason: "no end-of-block code") }
    return (try Huffman(lengths: Array(lengths[..<literalCount])), try Huffman(lengths: Array(lengths[literalCount...])))
  }

  static func codes(_ reader: inout BitReader, _ literal: Huffman, _ distance: Huffman, into output: inout [UInt8]) throws(InflateError) {
    while true {
      let symbol = try literal.decode(&reader)
      if symbol < 256 {
        output.append(UInt8(symbol))
      } else if symbol == 256 {
        return
      } else {
        let index = symbol - 257
        guard index < 29 else { throw InflateError(reason: "invalid length code") }
        let length = lengthBase[index] + (try reader.bits(lengthExtra[index]))
        let d = try distance.decode(&reader)
        guard d < 30 else { throw InflateError(reason: "invalid distance code") }
        let back = distanceBase[d] + (try reader.bits(distanceExtra[d]))
        guard back <= output.count else { throw InflateError(reason: "distance reaches before the start") }
        let from = output.count - back
        for i in 0..<length { output.append(output[from + i]) }
      }
    }
  }
}
