import GumbelKernels
import Testing
import _GumbelTestSupport

/// A dense layer's bias, ReLU, mask and column sums, and Adam's step: against their scalar
/// definitions, bit for bit (the vector forms do each element's operations in the same order).
@Suite struct DenseLayerKernelTests {
  /// Rows of every width from 1 to 20 (full groups of eight and partial ones), with zeros of
  /// both signs, NaN and infinities among the elements.
  static func matrix(rows: Int, columns: Int, using generator: inout SplitMix64) -> [Float] {
    let specials: [Float] = [0, -0, .nan, .infinity, -.infinity, 1e-40]
    return (0..<(rows * columns)).map { i in
      i % 7 == 3 ? specials[(i / 7) % specials.count] : Float(Double.random(in: -2...2, using: &generator))
    }
  }

  @Test func biasFollowsTheScalarForm() {
    var generator = SplitMix64(seed: 5)
    for columns in 1...20 {
      let rows = 3
      let x = Self.matrix(rows: rows, columns: columns, using: &generator)
      let b = Self.matrix(rows: 1, columns: columns, using: &generator)
      var plain = x
      Kernels.addRow(b, to: &plain, rows: rows, columns: columns)
      for i in 0..<rows {
        for j in 0..<columns {
          let y = x[i * columns + j] + b[j]
          #expect(plain[i * columns + j].bitPattern == y.bitPattern || (y.isNaN && plain[i * columns + j].isNaN))
        }
      }
    }
  }

  @Test func maskKeepsTheUpstreamWhereTheOutputIsPositive() {
    var generator = SplitMix64(seed: 6)
    for count in [1, 7, 8, 9, 31] {
      let output = Self.matrix(rows: 1, columns: count, using: &generator).map { $0 > 0 ? $0 : 0 }
      let upstream = Self.matrix(rows: 1, columns: count, using: &generator)
      var out = [Float](repeating: 42, count: count)
      Kernels.maskByPositive(upstream, output: output, count: count, into: &out)
      for i in 0..<count {
        let expected: Float = output[i] > 0 ? upstream[i] : 0
        #expect(out[i].bitPattern == expected.bitPattern || (expected.isNaN && out[i].isNaN))
      }
    }
  }

  @Test func columnSumsAddTheRowsInOrder() {
    var generator = SplitMix64(seed: 7)
    for columns in 1...20 {
      let rows = 37
      let x = (0..<(rows * columns)).map { _ in Float(Double.random(in: -1e3...1e3, using: &generator)) }
      var sums = [Float](repeating: .nan, count: columns)
      Kernels.columnSums(x, rows: rows, columns: columns, into: &sums)
      for j in 0..<columns {
        var expected: Float = 0
        for i in 0..<rows { expected += x[i * columns + j] }
        #expect(sums[j].bitPattern == expected.bitPattern, "column \(j) of \(columns)")
      }
    }
  }

  /// Adam's step, `Float` (lanes) and `Double` (scalar loop), against the formula written out.
  @Test func adamStepFollowsTheFormula() {
    var generator = SplitMix64(seed: 8)
    for count in [1, 8, 13, 64] {
      let g = (0..<count).map { _ in Float(Double.random(in: -1...1, using: &generator)) }
      var p = (0..<count).map { _ in Float(Double.random(in: -1...1, using: &generator)) }
      var m = (0..<count).map { _ in Float(Double.random(in: -0.1...0.1, using: &generator)) }
      var v = (0..<count).map { _ in Float(Double.random(in: 0...0.01, using: &generator)) }
      let (rate, b1, b2, eps): (Float, Float, Float, Float) = (1e-3, 0.9, 0.999, 1e-8)
      let (c1, c2) = (1 - b1 * b1 * b1, 1 - b2 * b2 * b2)
      var (ep, em, ev) = (p, m, v)
      for j in 0..<count {
        em[j] = b1 * em[j] + (1 - b1) * g[j]
        ev[j] = b2 * ev[j] + (1 - b2) * (g[j] * g[j])
        ep[j] -= rate * ((em[j] / c1) / ((ev[j] / c2).squareRoot() + eps))
      }
      p.withUnsafeMutableBufferPointer { p in
        m.withUnsafeMutableBufferPointer { m in
          v.withUnsafeMutableBufferPointer { v in
            g.withUnsafeBufferPointer { g in
              Kernels.adamStep(parameters: p, firstMoments: m, secondMoments: v, gradients: g, rate: rate, beta1: b1,
                               beta2: b2, epsilon: eps, correction1: c1, correction2: c2)
            }
          }
        }
      }
      #expect(p == ep && m == em && v == ev, "count \(count)")
    }
  }
}
