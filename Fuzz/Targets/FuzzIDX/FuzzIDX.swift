import FuzzSupport
import GumbelKit

/// The IDX parser on any bytes: the data it returns is exactly what the dimensions promise.
@main enum FuzzIDX {
  static func main() {
    runFuzzer { data, size in
      if let (dimensions, data) = try? MNIST.parseIDX(bytes(data, size), path: "input") {
        precondition(dimensions.reduce(1, *) == data.count)
      }
      return 0
    }
  }
}
