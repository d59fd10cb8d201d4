import FuzzSupport
import GumbelKit

/// The CSV image parser on any bytes. The first byte chooses the image size (1 to 4 rows and
/// columns), so that short inputs can hold whole rows; the rest is the file.
@main enum FuzzCSV {
  static func main() {
    runFuzzer { data, size in
      let input = bytes(data, size)
      guard let first = input.first else { return 0 }
      let rows = 1 + Int(first & 3), columns = 1 + Int(first >> 2 & 3)
      if let images = try? MNIST.parseCSV(Array(input.dropFirst()), path: "input", rows: rows, columns: columns) {
        precondition(images.pixels.count == images.count * rows * columns && images.labels.allSatisfy { (0...9).contains($0) })
      }
      return 0
    }
  }
}
