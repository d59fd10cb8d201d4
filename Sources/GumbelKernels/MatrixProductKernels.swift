import CGumbelKernels
import Dispatch
import RealModule
#if canImport(Accelerate)
import Accelerate
#endif
/// General matrix multiplication, `C = op(A) op(B)` (+ a bias row, then a ReLU), on row-major
/// buffers, where `op` is the identity or the transpose.
///
/// Three paths, chosen once per process (``MatrixProductPath``):
/// - **C, packed and register-blocked** (`MatrixProductKernels.inc` in `CGumbelKernels`), for
///   `Float` on x86-64 with AVX2 and FMA (tiles of 6 x 16) or AVX-512F (12 x 32): the structure
///   of Goto & van de Geijn ("Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008)
///   as BLIS lays it out. Transposed operands are read in place while packing, never
///   materialised. Each element is the fused multiply-add chain over the depth in order,
///   `s = fma(a[i, p], b[p, j], s)` for `p = 0, 1, ...`, so both instruction sets, every
///   blocking and every thread count give the same bits. Depth steps at which a whole tile of
///   `A` is zero (blank pixels, unchosen one-hot classes, inactive ReLU units) are skipped: with
///   `B` finite that changes at most the sign of a zero result.
/// - **A system BLAS**, only when the environment variable `GUMBEL_BLAS` names one
///   (`cblas_sgemm`, loaded at run time; never needed): its own rounding and order.
/// - **Swift SIMD** everywhere else (and for `Double`): the same blocking in Swift, eight
///   `Float` or four `Double` lanes, separate multiplies and adds (without FMA in the target a
///   fused one is a library call), depth blocks of ``matrixProductDepthBlock`` summed in order.
///   Transposed operands are transposed first. On Apple platforms, Accelerate's `cblas_sgemm`.
///
/// What is guaranteed: on one path, the same bits for any thread count (threads split `C` into
/// blocks of whole columns or rows, each element computed by one thread in one order). Across
/// paths (FMA against separate rounding, other orders), results differ in the last bits: each
/// path's error is within the classic bound `|C - AB| <= gamma_k |A| |B|`, `gamma_k = k u / (1 - k u)`
/// with `u` the unit roundoff (Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed.,
/// eq. 3.13), so two paths differ by at most `2 gamma_k |A| |B|` element by element; the tests
/// check both bounds. The sampling kernels' bit-identity across paths is untouched by this.
extension Kernels {
  /// Rows of `C` per tile of the Swift micro-kernel: six accumulator vectors, which with the
  /// panel row and a broadcast fit the 16 vector registers of baseline x86-64 (SSE2) and of ARM64.
  package static let matrixProductTileRows = 6
  /// Depth of one block of `K` in the Swift kernel.
  package static let matrixProductDepthBlock = 256
  /// Below this many multiply-adds the product runs on one thread.
  package static let matrixProductParallelThreshold = 1 << 20

  /// Which implementation runs `Float` products, as a name (``MatrixProductPath/name``).
  package static var matrixProductBackend: String { MatrixProductPath.current.name }

  /// `op(A) op(B)` (+ `bias` on each row, then `max(x, 0)` if `relu`) for row-major `A`
  /// (`m x k`, stored `k x m` if `transposeA`) and `B` (`k x n`, stored `n x k` if `transposeB`).
  @inlinable
  package static func matrixProduct<Scalar: KernelScalar>(
    _ a: [Scalar], _ b: [Scalar], m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
    bias: [Scalar]? = nil, relu: Bool = false
  ) -> [Scalar] {
    precondition(m >= 0 && n >= 0 && k >= 0 && a.count == m * k && b.count == k * n,
                 "matrix sizes do not match \(m)x\(k) and \(k)x\(n)")
    precondition(bias == nil || bias!.count == n, "a bias of \(bias?.count ?? 0) does not fit \(n) columns")
    if m == 0 || n == 0 { return [] }
    let layout = MatrixProductLayout(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB, relu: relu)
    if Scalar.self == Float.self {
      let c = matrixProductFloat(unsafeBitCast(a, to: [Float].self), unsafeBitCast(b, to: [Float].self),
                                 bias: bias.map { unsafeBitCast($0, to: [Float].self) }, layout)
      return unsafeBitCast(c, to: [Scalar].self)
    }
    if Scalar.self == Double.self {
      let c = matrixProductDouble(unsafeBitCast(a, to: [Double].self), unsafeBitCast(b, to: [Double].self),
                                  bias: bias.map { unsafeBitCast($0, to: [Double].self) }, layout)
      return unsafeBitCast(c, to: [Scalar].self)
    }
    let product = matrixProductInOrder(layout.transposeA ? transpose(a, rows: k, columns: m) : a,
                                       layout.transposeB ? transpose(b, rows: n, columns: k) : b, m: m, n: n, k: k)
    return layout.applyingEpilogue(to: product, bias: bias)
  }

  /// The textbook triple loop, for other scalar types and as the tests' reference.
  @usableFromInline
  package static func matrixProductInOrder<Scalar: BinaryFloatingPoint>(
    _ a: [Scalar], _ b: [Scalar], m: Int, n: Int, k: Int
  ) -> [Scalar] {
    var c = [Scalar](repeating: 0, count: m * n)
    for i in 0..<m {
      for p in 0..<k {
        let x = a[i * k + p]
        for j in 0..<n { c[i * n + j] += x * b[p * n + j] }
      }
    }
    return c
  }

  /// The transpose of a row-major `rows x columns` matrix, in cache-sized tiles.
  @inlinable
  package static func transpose<Scalar>(_ x: [Scalar], rows: Int, columns: Int) -> [Scalar] {
    precondition(x.count == rows * columns)
    if rows <= 1 || columns <= 1 { return x }
    return [Scalar](unsafeUninitializedCapacity: x.count) { out, initialized in
      x.withUnsafeBufferPointer { x in
        let tile = 32
        for i0 in stride(from: 0, to: rows, by: tile) {
          for j0 in stride(from: 0, to: columns, by: tile) {
            for i in i0..<min(i0 + tile, rows) {
              for j in j0..<min(j0 + tile, columns) {
                (out.baseAddress! + j * rows + i).initialize(to: x[i * columns + j])
              }
            }
          }
        }
      }
      initialized = x.count
    }
  }

  /// `Float`'s product, on the process's path.
  @usableFromInline
  package static func matrixProductFloat(_ a: [Float], _ b: [Float], bias: [Float]?, _ layout: MatrixProductLayout) -> [Float] {
    switch MatrixProductPath.current {
    case .avx2FMA, .avx512:
      return matrixProductInC(a, b, bias: bias, layout)
    case .systemBLAS(let library):
      return library.product(a, b, bias: bias, layout)
    case .accelerate, .swiftSIMD:
      return matrixProductInSwift(a, b, bias: bias, layout, vector: SIMD8<Float>.self)
    }
  }

  /// `Double`'s product: the Swift kernel in four lanes.
  @usableFromInline
  package static func matrixProductDouble(_ a: [Double], _ b: [Double], bias: [Double]?, _ layout: MatrixProductLayout) -> [Double] {
    matrixProductInSwift(a, b, bias: bias, layout, vector: SIMD4<Double>.self)
  }

  /// The C kernel, `C` split into blocks of whole columns (or rows, when taller than wide) of
  /// which each thread computes one.
  package static func matrixProductInC(_ a: [Float], _ b: [Float], bias: [Float]?, _ layout: MatrixProductLayout) -> [Float] {
    let (m, n, k) = (layout.m, layout.n, layout.k)
    return [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          withOptionalBuffer(bias) { bias in
            let operands = MatrixOperands(a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!, bias: bias)
            let split = layout.split(threads: m * n * k >= matrixProductParallelThreshold ? Parallelism.maxThreads : 1)
            let work = { @Sendable (part: Int) in
              let block = split.block(part)
              let (rows, columns) = split.byColumns ? (0..<m, block) : (block, 0..<n)
              let lda = layout.transposeA ? m : k, ldb = layout.transposeB ? k : n
              let aStart = layout.transposeA ? rows.lowerBound : rows.lowerBound * k
              let bStart = layout.transposeB ? columns.lowerBound * k : columns.lowerBound
              gumbel_kernel_matrix_product(
                Int64(rows.count), Int64(columns.count), Int64(k),
                operands.a + aStart, Int64(lda), layout.transposeA ? 1 : 0,
                operands.b + bStart, Int64(ldb), layout.transposeB ? 1 : 0,
                operands.c + rows.lowerBound * n + columns.lowerBound, Int64(n),
                operands.bias.map { $0 + columns.lowerBound }, layout.relu ? 1 : 0)
            }
            if split.parts > 1 {
              DispatchQueue.concurrentPerform(iterations: split.parts, execute: work)
            } else {
              work(0)
            }
          }
        }
      }
      initialized = m * n
    }
  }

  /// The Swift kernel (or Accelerate), transposed operands transposed first, the epilogue after.
  static func matrixProductInSwift<V: SIMD>(
    _ a: [V.Scalar], _ b: [V.Scalar], bias: [V.Scalar]?, _ layout: MatrixProductLayout, vector: V.Type
  ) -> [V.Scalar] where V.Scalar: BinaryFloatingPoint {
    let (m, n, k) = (layout.m, layout.n, layout.k)
    let a = layout.transposeA ? transpose(a, rows: k, columns: m) : a
    let b = layout.transposeB ? transpose(b, rows: n, columns: k) : b
    if k == 0 { return layout.applyingEpilogue(to: [V.Scalar](repeating: 0, count: m * n), bias: bias) }
    let product = [V.Scalar](unsafeUninitializedCapacity: m * n) { c, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          #if canImport(Accelerate)
          if V.Scalar.self == Float.self {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                        UnsafeRawPointer(a.baseAddress!).assumingMemoryBound(to: Float.self), Int32(k),
                        UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: Float.self), Int32(n), 0,
                        UnsafeMutableRawPointer(c.baseAddress!).assumingMemoryBound(to: Float.self), Int32(n))
            return
          }
          #endif
          gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, vector: V.self)
        }
      }
      initialized = m * n
    }
    return layout.applyingEpilogue(to: product, bias: bias)
  }

  /// `body` with `array`'s buffer, or with `nil`.
  static func withOptionalBuffer<T, R>(_ array: [T]?, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
  }

  /// The Swift blocked kernel: `C = A B`, with `C` uninitialised on entry. `V` is the SIMD vector
  /// type; a panel of `B` is one vector wide. Threads share the column panels.
  static func gemm<V: SIMD>(
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, _ c: UnsafeMutablePointer<V.Scalar>,
    m: Int, n: Int, k: Int, vector: V.Type
  ) where V.Scalar: BinaryFloatingPoint {
    let panels = (n + V.scalarCount - 1) / V.scalarCount
    let threads = m * n * k >= matrixProductParallelThreshold ? min(Parallelism.maxThreads, panels) : 1
    let operands = MatrixOperands(a: a, b: b, c: c, bias: nil)
    let work = { @Sendable (thread: Int) in
      let first = panels * thread / threads, last = panels * (thread + 1) / threads
      gemmPanels(operands.a, operands.b, operands.c, m: m, n: n, k: k, panels: first..<last, vector: V.self)
    }
    if threads > 1 {
      DispatchQueue.concurrentPerform(iterations: threads, execute: work)
      return
    }
    work(0)
  }

  /// The buffers of one product, shared by its threads: each thread writes its own columns of `c`.
  struct MatrixOperands<Scalar>: @unchecked Sendable {
    let a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>
    let bias: UnsafePointer<Scalar>?
  }

  /// The columns of `C` in the given panels.
  static func gemmPanels<V: SIMD>(
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, _ c: UnsafeMutablePointer<V.Scalar>,
    m: Int, n: Int, k: Int, panels: Range<Int>, vector: V.Type
  ) where V.Scalar: BinaryFloatingPoint {
    if panels.isEmpty { return }
    let width = V.scalarCount, rowsPerTile = matrixProductTileRows
    let kc = min(matrixProductDepthBlock, k)
    // One packed panel of B (kc x width) and a zero-padded copy of A's last, partial tile.
    let packed = UnsafeMutablePointer<V.Scalar>.allocate(capacity: kc * width)
    let edgeA = UnsafeMutablePointer<V.Scalar>.allocate(capacity: rowsPerTile * kc)
    defer { packed.deallocate(); edgeA.deallocate() }
    let fullRows = m - m % rowsPerTile

    for panel in panels {
      let j0 = panel * width
      let columns = min(width, n - j0)
      for p0 in stride(from: 0, to: k, by: kc) {
        let depth = min(kc, k - p0)
        // Pack B[p0..<p0+depth, j0..<j0+columns], zero-padded to `width` columns.
        for p in 0..<depth {
          let source = b + (p0 + p) * n + j0
          let target = packed + p * width
          for j in 0..<columns { target[j] = source[j] }
          for j in columns..<width { target[j] = 0 }
        }
        let accumulate = p0 > 0
        var i = 0
        while i < fullRows {
          microKernel(a + i * k + p0, lda: k, packed, depth: depth, c + i * n + j0, ldc: n,
                      rows: rowsPerTile, columns: columns, accumulate: accumulate, vector: V.self)
          i += rowsPerTile
        }
        if i < m {
          let rows = m - i
          for r in 0..<rowsPerTile {
            for p in 0..<depth { edgeA[r * depth + p] = r < rows ? a[(i + r) * k + p0 + p] : 0 }
          }
          microKernel(UnsafePointer(edgeA), lda: depth, packed, depth: depth, c + i * n + j0, ldc: n,
                      rows: rows, columns: columns, accumulate: accumulate, vector: V.self)
        }
      }
    }
  }

  /// A tile of ``matrixProductTileRows`` rows by one vector of `C` (of which `rows x columns`
  /// are stored): `C_tile (+)= A_rows[., 0..<depth] * packed`, the sum over the depth in order.
  ///
  /// Products and sums are separate operations (not fused multiply-adds): without a fused
  /// instruction in the target (the default x86-64 one has none) a fused one is a library call.
  @inline(__always)
  static func microKernel<V: SIMD>(
    _ a: UnsafePointer<V.Scalar>, lda: Int, _ packed: UnsafeMutablePointer<V.Scalar>, depth: Int,
    _ c: UnsafeMutablePointer<V.Scalar>, ldc: Int, rows: Int, columns: Int, accumulate: Bool, vector: V.Type
  ) where V.Scalar: BinaryFloatingPoint {
    let rowBytes = MemoryLayout<V>.stride
    let raw = UnsafeRawPointer(packed)
    let a0 = a, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda
    var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
    for p in 0..<depth {
      let b = raw.loadUnaligned(fromByteOffset: p * rowBytes, as: V.self)
      c0 += V(repeating: a0[p]) * b
      c1 += V(repeating: a1[p]) * b
      c2 += V(repeating: a2[p]) * b
      c3 += V(repeating: a3[p]) * b
      c4 += V(repeating: a4[p]) * b
      c5 += V(repeating: a5[p]) * b
    }
    let fullWidth = columns == V.scalarCount
    @inline(__always) func write(_ x: V, _ r: Int) {
      guard r < rows else { return }
      let row = c + r * ldc
      if fullWidth {
        let target = UnsafeMutableRawPointer(row)
        let value = accumulate ? x + target.loadUnaligned(as: V.self) : x
        target.storeBytes(of: value, as: V.self)
      } else if accumulate {
        for j in 0..<columns { row[j] += x[j] }
      } else {
        for j in 0..<columns { row[j] = x[j] }
      }
    }
    write(c0, 0); write(c1, 1); write(c2, 2); write(c3, 3); write(c4, 4); write(c5, 5)
  }
}
