import FuzzSupport
import GumbelExperiments

/// The checkpoint decoder on any bytes. The input is a checkpoint without its checksum: the
/// harness appends the right FNV-1a 64 hash, so that mutations reach the header and tensor
/// parsing instead of stopping at the checksum.
@main enum FuzzCheckpoint {
  static func main() {
    runFuzzer { data, size in
      var input = bytes(data, size)
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      input += (0..<8).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) }
      _ = try? Checkpoint.decode(input, path: "input")
      return 0
    }
  }
}
