import FuzzSupport
import GumbelKit

/// The gzip decoder on any bytes: an error or the data, never a crash, and never more than the
/// limit held.
@main enum FuzzGzip {
  static func main() {
    runFuzzer { data, size in
      _ = try? Gzip.decompress(bytes(data, size), path: "input", limit: 1 << 24)
      return 0
    }
  }
}
