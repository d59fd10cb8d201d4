import _GumbelTestSupport
import GumbelKernels
import GumbelTensor
import RealModule
import Testing

/// Forward values against their definitions.
@Suite struct TensorValueTests {
  @Test func softmaxMatchesTheDefinitionAndSumsToOne() {
    let x = Tensor<Double>(rows: [[1, 2, 3], [-1, 0, 5]])
    for t in [0.5, 1, 4] {
      let y = x.softmax(temperature: t)
      for (r, row) in x.rows.enumerated() {
        let e = row.map { Double.exp($0 / t) }
        let total = e.reduce(0, +)
        for k in 0..<3 { #expect(isClose(y.rows[r][k], e[k] / total, relative: 1e-14)) }
      }
      let logY = x.logSoftmax(temperature: t)
      for (a, b) in zip(logY.scalars, y.scalars) { #expect(isClose(a, Double.log(b), relative: 1e-14)) }
    }
  }

  @Test func softmaxDoesNotOverflowAtExtremeLogitsAndTemperatures() {
    let x = Tensor<Float>(rows: [[3e38, -3e38, 3e38, 0], [1e-30, 0, -1e-30, -.infinity]])
    for t: Float in [1e-4, 1, 1e4] {
      let y = x.softmax(temperature: t)
      #expect(y.scalars.allSatisfy { $0.isFinite && $0 >= 0 })
      for row in y.rows { #expect(abs(row.reduce(0, +) - 1) < 1e-6) }
    }
  }

  @Test func logSumExpIsStable() {
    let x = Tensor<Double>(rows: [[1000, 1000], [-1000, -.infinity]])
    let value = x.logSumExp()
    #expect(isClose(value.scalars[0], 1000 + Double.log(2), relative: 1e-15))
    #expect(value.scalars[1] == -1000)
  }

  @Test func broadcastingRepeatsTheSmallerOperand() {
    let x = Tensor<Float>(rows: [[1, 2], [3, 4], [5, 6]])
    #expect((x + Tensor([10, 20])).scalars == [11, 22, 13, 24, 15, 26])
    #expect((Tensor([10, 20]) - x).scalars == [9, 18, 7, 16, 5, 14])
    #expect((x * 2).scalars == [2, 4, 6, 8, 10, 12])
    #expect((x + .zero) == x)
  }

  /// Large operands of one shape are split between threads: each element is still
  /// `a[i] op b[i]` exactly, for any thread count.
  @Test(arguments: [1, 2, 3])
  func largeElementwiseOperationsAreExactForAnyThreadCount(threads: Int) {
    var rng = SplitMix64(seed: 12)
    let shape = [301, 250]  // 75,250 elements: above the parallel threshold, not a multiple of a block
    let a = randomTensor(shape: shape, in: -3...3, using: &rng)
    let b = randomTensor(shape: shape, in: 0.5...4, using: &rng)
    let x = Tensor<Float>(shape: shape, scalars: a.scalars.map { Float($0) })
    let y = Tensor<Float>(shape: shape, scalars: b.scalars.map { Float($0) })
    Parallelism.$maxThreads.withValue(threads) {
      let operations: [(String, (Tensor<Float>, Tensor<Float>) -> Tensor<Float>, (Float, Float) -> Float)] = [
        ("+", { $0 + $1 }, { $0 + $1 }), ("-", { $0 - $1 }, { $0 - $1 }),
        ("*", { $0 * $1 }, { $0 * $1 }), ("/", { $0 / $1 }, { $0 / $1 }),
      ]
      for (name, tensorOperation, scalarOperation) in operations {
        let result = tensorOperation(x, y)
        #expect(result.shape == shape)
        let wrong = zip(result.scalars, zip(x.scalars, y.scalars)).filter { $0.0 != scalarOperation($0.1.0, $0.1.1) }.count
        #expect(wrong == 0, "\(name): \(wrong) elements differ")
      }
    }
  }

  @Test func argmaxTakesTheFirstMaximum() {
    let x = Tensor<Float>(rows: [[1, 3, 3], [-.infinity, -1, -2], [0, 0, 0]])
    #expect(x.argmax() == [1, 1, 0])
    #expect(x.oneHotArgmax().rows == [[0, 1, 0], [0, 1, 0], [1, 0, 0]])
  }

  /// `Float`'s vector search for the first largest element (four running maxima, then a
  /// vector scan for the first group holding it) against a one-element-at-a-time loop, on rows
  /// of every length from 1 to 300 and with the maximum tied, signed zeros, masked
  /// (`-infinity`) and infinite elements.
  @Test func floatIndexOfMaximumIsTheFirstLargestElement() {
    func firstLargest(_ row: [Float]) -> Int {
      var best = 0
      for i in row.indices where row[i] > row[best] { best = i }
      return best
    }
    var rng = SplitMix64(seed: 8)
    var rows: [[Float]] = []
    for k in 1...300 {
      let row = (0..<k).map { _ in Float.random(in: -5...5, using: &rng) }
      rows.append(row)
      var tied = row
      let first = Int.random(in: 0..<k, using: &rng), second = Int.random(in: 0..<k, using: &rng)
      tied[first] = 9
      tied[second] = 9
      rows.append(tied)
      rows.append((0..<k).map { i in i % 3 == 0 ? -.infinity : row[i] })
      rows.append([Float](repeating: -.infinity, count: k))
      rows.append((0..<k).map { i in i == k / 2 ? 0 : -1 } + [-0.0, 0])
      rows.append((0..<k).map { i in i % 7 == 3 ? .infinity : row[i] })
    }
    var mismatches: [String] = []
    for row in rows {
      // The kernel this processor runs (C where it can) and the Swift one.
      let found = row.withUnsafeBufferPointer { Kernels.indexOfMaximum($0) }
      let foundInSwift = row.withUnsafeBufferPointer { Kernels.indexOfMaximumInSwift($0) }
      if found != firstLargest(row) { mismatches.append("k = \(row.count): \(found) vs \(firstLargest(row))") }
      if foundInSwift != firstLargest(row) {
        mismatches.append("k = \(row.count), Swift: \(foundInSwift) vs \(firstLargest(row))")
      }
    }
    #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
  }
}
