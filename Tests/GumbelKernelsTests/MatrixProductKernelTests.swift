import CGumbelKernels
import GumbelKernels
import Testing
import _GumbelTestSupport

/// The matrix product on every path against exact sums, the bound on rounding, and itself.
///
/// The tolerance is the classic forward error bound of a sum of `k` products (Higham, *Accuracy
/// and Stability of Numerical Algorithms*, eq. 3.13): `|computed - exact| <= gamma_k sum_p
/// |a[i, p]| |b[p, j]|`, `gamma_k = k u / (1 - k u)`, `u` the unit roundoff. The exact sums are
/// computed in `Double` from `Float` inputs (each product exact, the sums' error far below
/// `Float`'s).
@Suite struct MatrixProductKernelTests {
  /// A product to check: `m x k` by `k x n`, either operand stored transposed.
  struct Case: CustomStringConvertible {
    let m: Int, k: Int, n: Int, transposeA: Bool, transposeB: Bool
    var description: String { "\(m)x\(k)\(transposeA ? "ᵀ" : "") by \(k)x\(n)\(transposeB ? "ᵀ" : "")" }
    /// `A[i, p]` of the stored `a`.
    func a(_ a: [Float], _ i: Int, _ p: Int) -> Float { transposeA ? a[p * m + i] : a[i * k + p] }
    func b(_ b: [Float], _ p: Int, _ j: Int) -> Float { transposeB ? b[j * k + p] : b[p * n + j] }
  }

  /// Odd shapes: edges of every tile (6 x 16, 12 x 32, and the Swift kernel's 6 x 8), depths
  /// across the 256 block, empty depth, a column, and the VAE's shapes (large enough to split
  /// between threads), each with every combination of stored transposes.
  static let cases: [Case] = {
    let shapes = [(1, 1, 1), (1, 7, 1), (5, 3, 9), (6, 8, 16), (7, 9, 17), (13, 300, 5), (2, 513, 33), (12, 256, 32),
                  (37, 1, 23), (3, 0, 4), (101, 300, 41), (40, 784, 40), (64, 100, 300)]
    return shapes.flatMap { m, k, n in
      [(false, false), (true, false), (false, true), (true, true)].map { Case(m: m, k: k, n: n, transposeA: $0, transposeB: $1) }
    }
  }()

  static func operands(_ c: Case, seed: UInt64) -> (a: [Float], b: [Float]) {
    var rng = SplitMix64(seed: seed)
    return ((0..<(c.m * c.k)).map { _ in Float.random(in: -1...1, using: &rng) },
            (0..<(c.k * c.n)).map { _ in Float.random(in: -1...1, using: &rng) })
  }

  /// The exact product and the error bound of each element.
  static func exact(_ c: Case, _ a: [Float], _ b: [Float]) -> (value: [Double], bound: [Double]) {
    let u = Double(Float.ulpOfOne) / 2, gamma = Double(c.k) * u / (1 - Double(c.k) * u)
    var value = [Double](repeating: 0, count: c.m * c.n), bound = value
    for i in 0..<c.m {
      for j in 0..<c.n {
        for p in 0..<c.k {
          let x = Double(c.a(a, i, p)) * Double(c.b(b, p, j))
          value[i * c.n + j] += x
          bound[i * c.n + j] += abs(x)
        }
        bound[i * c.n + j] *= gamma
      }
    }
    return (value, bound)
  }

  @Test func everyPathIsWithinTheRoundingBound() {
    for (index, c) in Self.cases.enumerated() {
      let (a, b) = Self.operands(c, seed: UInt64(index))
      let (exact, bound) = Self.exact(c, a, b)
      let layoutArguments = (m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB)
      var results: [(String, [Float])] = [
        ("process path", Kernels.matrixProduct(a, b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB)),
        ("swift", Kernels.matrixProductInSwiftForTesting(a, b, layoutArguments)),
      ]
      if gumbel_matrix_product_path() > 0 {
        results.append(("c", Kernels.matrixProductInCForTesting(a, b, layoutArguments)))
      }
      for (path, result) in results {
        #expect(result.count == c.m * c.n, "\(c) \(path)")
        guard result.count == c.m * c.n else { continue }
        let worst = zip(result, zip(exact, bound)).map { r, e in abs(Double(r) - e.0) / max(e.1, .leastNormalMagnitude) }.max() ?? 0
        #expect(worst <= 1, "\(c) on \(path): error \(worst) of the bound")
      }
      // Double, on the Swift kernel, against the same exact sums (of Float inputs) to 1e-12.
      let double = Kernels.matrixProduct(a.map(Double.init), b.map(Double.init), m: c.m, n: c.n, k: c.k,
                                         transposeA: c.transposeA, transposeB: c.transposeB)
      let worstDouble = zip(double, zip(exact, bound)).map { r, e in abs(r - e.0) / max(e.1 * 1e-9, .leastNormalMagnitude) }.max() ?? 0
      #expect(worstDouble <= 1, "\(c) in Double: error \(worstDouble) of a billionth of the Float bound")
    }
  }

  /// The C kernels compute each element as the fused multiply-add chain over the depth in order
  /// (Swift's `addingProduct` is a correctly rounded fused multiply-add): the same bits, for the
  /// AVX2 and the AVX-512 form alike.
  @Test(.enabled(if: gumbel_matrix_product_path() > 0))
  func cKernelIsTheFusedMultiplyAddChain() {
    for (index, c) in Self.cases.enumerated() {
      let (a, b) = Self.operands(c, seed: 100 + UInt64(index))
      let result = Kernels.matrixProductInCForTesting(a, b, (c.m, c.n, c.k, c.transposeA, c.transposeB))
      var mismatches = 0
      for i in 0..<c.m {
        for j in 0..<c.n {
          var s: Float = 0
          for p in 0..<c.k { s = s.addingProduct(c.a(a, i, p), c.b(b, p, j)) }
          if s.bitPattern != result[i * c.n + j].bitPattern { mismatches += 1 }
        }
      }
      #expect(mismatches == 0, "\(c): \(mismatches) elements differ from the chain")
    }
  }

  /// Zero steps of sparse operands (binary images, one-hot codes) are skipped: the values are
  /// still the chain's (compared with `==`, so only a zero's sign could differ), for 1 and 2
  /// threads.
  @Test(.enabled(if: gumbel_matrix_product_path() > 0))
  func sparseOperandsGiveTheChainsValues() {
    var rng = SplitMix64(seed: 17)
    for c in [Case(m: 100, k: 784, n: 64, transposeA: false, transposeB: false), Case(m: 300, k: 100, n: 40, transposeA: true, transposeB: false),
              Case(m: 13, k: 300, n: 17, transposeA: false, transposeB: true)] {
      // About one element in eight is 1, the rest 0; one row entirely zero.
      var a = (0..<(c.m * c.k)).map { _ in Float(Int.random(in: 0..<8, using: &rng) == 0 ? 1 : 0) }
      for p in 0..<c.k { a[c.transposeA ? p * c.m : p] = 0 }
      let b = (0..<(c.k * c.n)).map { _ in Float.random(in: -1...1, using: &rng) }
      for threads in [1, 2] {
        let result = Parallelism.$maxThreads.withValue(threads) {
          Kernels.matrixProductInCForTesting(a, b, (c.m, c.n, c.k, c.transposeA, c.transposeB))
        }
        var mismatches = 0
        for i in 0..<c.m {
          for j in 0..<c.n {
            var s: Float = 0
            for p in 0..<c.k { s = s.addingProduct(c.a(a, i, p), c.b(b, p, j)) }
            if s != result[i * c.n + j] { mismatches += 1 }
          }
        }
        #expect(mismatches == 0, "\(c), \(threads) threads: \(mismatches) elements differ from the chain")
      }
    }
  }

  /// The bias and the ReLU: `relu(product + bias)` with each step rounded as written, on every
  /// path (NaN through the ReLU gives 0, as `Tensor.relu()`).
  @Test func biasAndReLUFollowTheProduct() {
    var rng = SplitMix64(seed: 5)
    for c in [Case(m: 7, k: 9, n: 17, transposeA: false, transposeB: false), Case(m: 100, k: 300, n: 256, transposeA: false, transposeB: true),
              Case(m: 4, k: 0, n: 5, transposeA: false, transposeB: false)] {
      let (a, b) = Self.operands(c, seed: 9)
      var bias = (0..<c.n).map { _ in Float.random(in: -2...2, using: &rng) }
      if c.n > 3 { bias[3] = .nan }
      let product = Kernels.matrixProduct(a, b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB)
      for relu in [false, true] {
        let fused = Kernels.matrixProduct(a, b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB,
                                          bias: bias, relu: relu)
        let expected = product.indices.map { index -> Float in
          let x = product[index] + bias[index % c.n]
          return relu ? (x > 0 ? x : 0) : x
        }
        #expect(fused.map(\.bitPattern) == expected.map(\.bitPattern), "\(c), relu \(relu)")
      }
    }
  }

  /// The same bits for 1, 2 and 3 threads, for a product split by columns and one split by rows.
  @Test func resultsDoNotDependOnTheThreadCount() {
    for c in [Case(m: 40, k: 200, n: 150, transposeA: false, transposeB: true), Case(m: 150, k: 60, n: 120, transposeA: true, transposeB: false)] {
      let (a, b) = Self.operands(c, seed: 3)
      let results = [1, 2, 3].map { threads in
        Parallelism.$maxThreads.withValue(threads) {
          Kernels.matrixProduct(a, b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB)
        }
      }
      #expect(results[0].map(\.bitPattern) == results[1].map(\.bitPattern), "\(c)")
      #expect(results[0].map(\.bitPattern) == results[2].map(\.bitPattern), "\(c)")
    }
  }

  /// Products called from several threads at once (one uses the helper threads, the others run
  /// alone), many times in a row: each gets its own result, the single-thread one.
  @Test func concurrentCallersGetTheirOwnResults() async {
    let cases = [Case(m: 100, k: 128, n: 100, transposeA: false, transposeB: false), Case(m: 64, k: 100, n: 300, transposeA: true, transposeB: false),
                 Case(m: 150, k: 60, n: 120, transposeA: false, transposeB: true), Case(m: 30, k: 200, n: 400, transposeA: true, transposeB: true)]
    let inputs = cases.enumerated().map { index, c in Self.operands(c, seed: 40 + UInt64(index)) }
    let expected = zip(cases, inputs).map { c, ab in
      Parallelism.$maxThreads.withValue(1) {
        Kernels.matrixProduct(ab.a, ab.b, m: c.m, n: c.n, k: c.k, transposeA: c.transposeA, transposeB: c.transposeB)
      }
    }
    let mismatches = await withTaskGroup(of: Int.self) { group in
      for (index, c) in cases.enumerated() {
        group.addTask {
          var wrong = 0
          for round in 0..<50 {
            let result = Parallelism.$maxThreads.withValue(2 + round % 2) {
              Kernels.matrixProduct(inputs[index].a, inputs[index].b, m: c.m, n: c.n, k: c.k,
                                    transposeA: c.transposeA, transposeB: c.transposeB)
            }
            if result.map(\.bitPattern) != expected[index].map(\.bitPattern) { wrong += 1 }
          }
          return wrong
        }
      }
      return await group.reduce(0, +)
    }
    #expect(mismatches == 0)
  }

  /// A system BLAS named by `GUMBEL_BLAS` is optional: a name that does not load gives no library.
  @Test func missingSystemLibraryIsNotLoaded() {
    #expect(SystemBLAS(loading: "libgumbel-no-such-blas.so") == nil)
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
