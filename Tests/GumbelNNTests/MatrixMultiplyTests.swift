import _Differentiation
import XCTest
import GumbelTensor
import _GumbelTestSupport

final class MatrixMultiplyTests: XCTestCase {
  /// Odd shapes: edges of the 6-row tile and of the SIMD panel, depths across the 256 block,
  /// empty dimensions, and sizes large enough to use two threads.
  func testProductsAgainstTheTripleLoop() {
    var rng = SplitMix64(seed: 7)
    let shapes = [(1, 1, 1), (1, 7, 1), (5, 3, 9), (6, 8, 8), (7, 9, 17), (13, 300, 5), (2, 513, 33), (100, 257, 10),
                  (37, 1, 23), (0, 4, 3), (3, 0, 4), (3, 4, 0), (101, 300, 41)]
    for (m, k, n) in shapes {
      let a = (0..<(m * k)).map { _ in Double.random(in: -1...1, using: &rng) }
      let b = (0..<(k * n)).map { _ in Double.random(in: -1...1, using: &rng) }
      let expected = MatrixMultiply.naive(a, b, m: m, n: n, k: k)
      let double = MatrixMultiply.multiply(a, b, m: m, n: n, k: k)
      let float = MatrixMultiply.multiply(a.map(Float.init), b.map(Float.init), m: m, n: n, k: k)
      XCTAssertEqual(double.count, m * n)
      for i in 0..<(m * n) {
        XCTAssertEqual(double[i], expected[i], accuracy: 1e-12 * Double(k + 1), "\(m)x\(k)x\(n) at \(i)")
        XCTAssertEqual(Double(float[i]), expected[i], accuracy: 1e-5 * Double(k + 1), "\(m)x\(k)x\(n) at \(i)")
      }
    }
  }

  func testTensorMatmulAndTranspose() {
    let a = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
    let b = Tensor<Double>(rows: [[1, 0], [0, 1], [1, 1]])
    XCTAssertEqual(matmul(a, b), Tensor(rows: [[4, 5], [10, 11]]))
    XCTAssertEqual(a.transposed(), Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
    XCTAssertEqual(MatrixMultiply.product(a, a, transposeRhs: true), Tensor(rows: [[14, 32], [32, 77]]))
    XCTAssertEqual(MatrixMultiply.product(a, a, transposeLhs: true).shape, [3, 3])
  }

  /// The same numbers whatever the number of threads: each element is summed in one order.
  func testDeterministic() {
    var rng = SplitMix64(seed: 3)
    let (m, k, n) = (40, 300, 100)  // above the threshold for two threads
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    XCTAssertEqual(MatrixMultiply.multiply(a, b, m: m, n: n, k: k), MatrixMultiply.multiply(a, b, m: m, n: n, k: k))
  }

  func testPullbacksAgainstFiniteDifferences() {
    var rng = SplitMix64(seed: 11)
    let w = randomTensor(shape: [7, 9], using: &rng)
    let x = randomTensor(shape: [5, 7], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in matmul(x, w) }) {
      XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)))
    }
    for (analytic, numeric) in pullbackAgreement(at: w, of: { w in matmul(x, w) }) {
      XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)))
    }
    for (analytic, numeric) in pullbackAgreement(at: w, of: { w in matmul(w.transposed(), w) }) {
      XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)))
    }
    // Both operands at once.
    let (_, pullback) = valueWithPullback(at: x, w) { x, w in matmul(x, w) }
    let v = randomTensor(shape: [5, 9], using: &rng)
    let (dx, dw) = pullback(v)
    XCTAssertEqual(dx, MatrixMultiply.product(v, w, transposeRhs: true))
    XCTAssertEqual(dw, MatrixMultiply.product(x, v, transposeLhs: true))
  }
}
