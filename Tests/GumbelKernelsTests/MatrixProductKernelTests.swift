import GumbelKernels
import Testing
import _GumbelTestSupport

/// The matrix product kernel against the textbook triple loop.
@Suite struct MatrixProductKernelTests {
  /// Odd shapes: edges of the 6-row tile and of the SIMD panel, depths across the 256 block,
  /// empty dimensions, and sizes large enough to use two threads.
  @Test func productsAgainstTheTripleLoop() {
    var rng = SplitMix64(seed: 7)
    let shapes = [(1, 1, 1), (1, 7, 1), (5, 3, 9), (6, 8, 8), (7, 9, 17), (13, 300, 5), (2, 513, 33), (100, 257, 10),
                  (37, 1, 23), (0, 4, 3), (3, 0, 4), (3, 4, 0), (101, 300, 41)]
    for (m, k, n) in shapes {
      let a = (0..<(m * k)).map { _ in Double.random(in: -1...1, using: &rng) }
      let b = (0..<(k * n)).map { _ in Double.random(in: -1...1, using: &rng) }
      let expected = Kernels.matrixProductInOrder(a, b, m: m, n: n, k: k)
      let double = Kernels.matrixProduct(a, b, m: m, n: n, k: k)
      let float = Kernels.matrixProduct(a.map(Float.init), b.map(Float.init), m: m, n: n, k: k)
      #expect(double.count == m * n)
      #expect(float.count == m * n)
      var worstDouble = 0.0, worstFloat = 0.0
      for i in 0..<min(m * n, double.count, float.count) {
        worstDouble = max(worstDouble, abs(double[i] - expected[i]) / (1e-12 * Double(k + 1)))
        worstFloat = max(worstFloat, abs(Double(float[i]) - expected[i]) / (1e-5 * Double(k + 1)))
      }
      #expect(worstDouble <= 1, "\(m)x\(k)x\(n): Double error \(worstDouble) of its tolerance")
      #expect(worstFloat <= 1, "\(m)x\(k)x\(n): Float error \(worstFloat) of its tolerance")
    }
  }

  /// The same numbers whatever the number of threads: each element is summed in one order.
  @Test func deterministic() {
    var rng = SplitMix64(seed: 3)
    let (m, k, n) = (40, 300, 100)  // above the threshold for two threads
    let a = (0..<(m * k)).map { _ in Float.random(in: -1...1, using: &rng) }
    let b = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    #expect(Kernels.matrixProduct(a, b, m: m, n: n, k: k) == Kernels.matrixProduct(a, b, m: m, n: n, k: k))
  }

  /// The tiled transpose against the definition, across tile edges.
  @Test func transposeMovesEachElement() {
    for (rows, columns) in [(1, 5), (5, 1), (2, 3), (33, 65), (64, 32)] {
      let x = (0..<(rows * columns)).map(Double.init)
      let t = Kernels.transpose(x, rows: rows, columns: columns)
      let expected = (0..<(rows * columns)).map { i in x[(i % rows) * columns + i / rows] }
      #expect(t == expected, "\(rows)x\(columns)")
    }
  }
}
