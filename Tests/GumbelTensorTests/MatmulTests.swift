import _Differentiation
import GumbelTensor
import Testing
import _GumbelTestSupport

/// `matmul`, `transposed()` and their derivatives.
@Suite struct MatmulTests {
  @Test func tensorMatmulAndTranspose() {
    let a = Tensor<Double>(rows: [[1, 2, 3], [4, 5, 6]])
    let b = Tensor<Double>(rows: [[1, 0], [0, 1], [1, 1]])
    #expect(matmul(a, b) == Tensor(rows: [[4, 5], [10, 11]]))
    #expect(a.transposed() == Tensor(rows: [[1, 4], [2, 5], [3, 6]]))
    #expect(MatrixMultiply.product(a, a, transposeRhs: true) == Tensor(rows: [[14, 32], [32, 77]]))
    #expect(MatrixMultiply.product(a, a, transposeLhs: true).shape == [3, 3])
  }

  /// A transposed operand read in place gives the bits of the product with its explicit
  /// transpose (the same sums in the same order), in `Float` on the process's kernel path.
  @Test func transposedOperandsMatchExplicitTransposes() {
    var rng = SplitMix64(seed: 21)
    func random(_ shape: [Int]) -> Tensor<Float> {
      Tensor(shape: shape, scalars: (0..<(shape[0] * shape[1])).map { _ in Float.random(in: -1...1, using: &rng) })
    }
    let x = random([37, 50]), w = random([50, 70]), v = random([37, 70])
    #expect(MatrixMultiply.product(v, w, transposeRhs: true) == matmul(v, w.transposed()))
    #expect(MatrixMultiply.product(x, v, transposeLhs: true) == matmul(x.transposed(), v))
    #expect(MatrixMultiply.product(w, x, transposeLhs: true, transposeRhs: true) == matmul(w.transposed(), x.transposed()))
  }

  @Test func pullbacksAgainstFiniteDifferences() {
    var rng = SplitMix64(seed: 11)
    let w = randomTensor(shape: [7, 9], using: &rng)
    let x = randomTensor(shape: [5, 7], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in matmul(x, w) }) {
      #expect(abs(analytic - numeric) <= 1e-6 * max(1, abs(numeric)))
    }
    for (analytic, numeric) in pullbackAgreement(at: w, of: { w in matmul(x, w) }) {
      #expect(abs(analytic - numeric) <= 1e-6 * max(1, abs(numeric)))
    }
    for (analytic, numeric) in pullbackAgreement(at: w, of: { w in matmul(w.transposed(), w) }) {
      #expect(abs(analytic - numeric) <= 1e-6 * max(1, abs(numeric)))
    }
    // Both operands at once.
    let (_, pullback) = valueWithPullback(at: x, w) { x, w in matmul(x, w) }
    let v = randomTensor(shape: [5, 9], using: &rng)
    let (dx, dw) = pullback(v)
    #expect(dx == MatrixMultiply.product(v, w, transposeRhs: true))
    #expect(dw == MatrixMultiply.product(x, v, transposeLhs: true))
  }
}
