import GumbelKernels
import Testing

/// The arrays allocated in specialised code hold what the standard initialisers would, on both
/// sides of the size limit.
@Suite struct ArrayAllocationTests {
  static let counts = [0, 1, 5, 255, 256, 257, 4097]

  @Test(arguments: counts)
  func fillingEqualsRepeating(count: Int) {
    #expect([Float](filling: count, with: -2.5) == [Float](repeating: -2.5, count: count))
    #expect([Int32](filling: count, with: 7) == [Int32](repeating: 7, count: count))
  }

  @Test(arguments: counts)
  func writingEqualsUninitializedCapacity(count: Int) {
    let written = [Double](count: count, placeholder: .nan) { buffer in
      for i in buffer.indices { buffer[i] = Double(i) * 0.5 - 3 }
    }
    let standard = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
      for i in 0..<count { buffer[i] = Double(i) * 0.5 - 3 }
      initialized = count
    }
    #expect(written == standard)
    #expect(written.count == count)
  }

  /// A small array shows its placeholder to the body; the body's writes are what remain.
  @Test func smallArraysStartFromThePlaceholder() {
    var seen: [Float] = []
    let array = [Float](count: 4, placeholder: 9) { buffer in
      seen = Array(buffer)
      buffer[2] = 1
      buffer[0] = 1; buffer[1] = 1; buffer[3] = 1
    }
    #expect(seen == [9, 9, 9, 9])
    #expect(array == [1, 1, 1, 1])
  }
}
