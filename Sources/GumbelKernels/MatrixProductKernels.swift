import RealModule
#if canImport(Accelerate)
import Accelerate
#endif
#if canImport(Dispatch)
import Dispatch
#endif
import Foundation

/// General matrix multiplication, `C = A B`, on row-major buffers.
///
/// The product runs on Accelerate's `cblas_sgemm`/`cblas_dgemm` where Accelerate exists (Apple
/// platforms), and otherwise on a cache-blocked SIMD kernel, written in Swift, which needs no
/// system library. It follows the usual BLAS structure (Goto & van de Geijn, "Anatomy of
/// High-Performance Matrix Multiplication", ACM TOMS 2008): the depth `K` is cut into blocks of
/// ``matrixProductDepthBlock``; for each block, panels of one SIMD vector's width of columns of
/// `B` (8 floats or 4 doubles) are packed contiguously (so a panel stays in L1), and a
/// register-blocked micro-kernel computes a tile of ``matrixProductTileRows`` rows by one
/// vector of `C` with SIMD multiplies and adds, reading `A` row by row. Column panels are
/// shared among threads (Dispatch), each element of `C` belonging to one thread, so results do
/// not depend on the thread count. Edges (a width not a multiple of the panel, a height not a
/// multiple of the tile) are padded with zeros. Each element of the result is always summed in
/// the same order. It has no C form.
extension Kernels {
  /// Rows of `C` per micro-kernel tile: six accumulator vectors, which with the panel row and a
  /// broadcast fit the 16 vector registers of baseline x86-64 (SSE2) and of ARM64.
  package static let matrixProductTileRows = 6
  /// Depth of one block of `K`.
  package static let matrixProductDepthBlock = 256
  /// Below this many multiply-adds the product runs on one thread.
  package static let matrixProductParallelThreshold = 1 << 20

  /// Which implementation runs the products: `"accelerate"` or `"swift-simd"`.
  package static var matrixProductBackend: String {
    #if canImport(Accelerate)
    "accelerate"
    #else
    "swift-simd"
    #endif
  }

  /// The threads the Swift kernel uses for large products.
  package static let matrixProductThreadCount: Int = {
    #if canImport(Dispatch)
    return max(1, min(8, ProcessInfo.processInfo.activeProcessorCount))
    #else
    return 1
    #endif
  }()

  /// `A B` for row-major `A` (`m x k`) and `B` (`k x n`).
  @inlinable
  package static func matrixProduct<Scalar: KernelScalar>(_ a: [Scalar], _ b: [Scalar], m: Int, n: Int, k: Int) -> [Scalar] {
    precondition(a.count == m * k && b.count == k * n, "matrix sizes do not match \(m)x\(k) and \(k)x\(n)")
    if m == 0 || n == 0 { return [] }
    if k == 0 { return [Scalar](repeating: 0, count: m * n) }
    if Scalar.self == Float.self {
      let c = matrixProductFloat(unsafeBitCast(a, to: [Float].self), unsafeBitCast(b, to: [Float].self), m: m, n: n, k: k)
      return unsafeBitCast(c, to: [Scalar].self)
    }
    if Scalar.self == Double.self {
      let c = matrixProductDouble(unsafeBitCast(a, to: [Double].self), unsafeBitCast(b, to: [Double].self), m: m, n: n, k: k)
      return unsafeBitCast(c, to: [Scalar].self)
    }
    return matrixProductInOrder(a, b, m: m, n: n, k: k)
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

  /// `Float`'s product: eight-lane panels.
  @usableFromInline
  package static func matrixProductFloat(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          #if canImport(Accelerate)
          cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                      1, a.baseAddress!, Int32(k), b.baseAddress!, Int32(n), 0, c.baseAddress!, Int32(n))
          #else
          gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, vector: SIMD8<Float>.self)
          #endif
        }
      }
      initialized = m * n
    }
  }

  /// `Double`'s product: four-lane panels.
  @usableFromInline
  package static func matrixProductDouble(_ a: [Double], _ b: [Double], m: Int, n: Int, k: Int) -> [Double] {
    [Double](unsafeUninitializedCapacity: m * n) { c, initialized in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          #if canImport(Accelerate)
          cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                      1, a.baseAddress!, Int32(k), b.baseAddress!, Int32(n), 0, c.baseAddress!, Int32(n))
          #else
          gemm(a.baseAddress!, b.baseAddress!, c.baseAddress!, m: m, n: n, k: k, vector: SIMD4<Double>.self)
          #endif
        }
      }
      initialized = m * n
    }
  }

  /// The blocked kernel: `C = A B`, with `C` uninitialised on entry. `V` is the SIMD vector type;
  /// a panel of `B` is one vector wide.
  static func gemm<V: SIMD>(
    _ a: UnsafePointer<V.Scalar>, _ b: UnsafePointer<V.Scalar>, _ c: UnsafeMutablePointer<V.Scalar>,
    m: Int, n: Int, k: Int, vector: V.Type
  ) where V.Scalar: BinaryFloatingPoint {
    let panels = (n + V.scalarCount - 1) / V.scalarCount
    let threads = m * n * k >= matrixProductParallelThreshold ? min(matrixProductThreadCount, panels) : 1
    let operands = MatrixOperands(a: a, b: b, c: c)
    let work = { @Sendable (thread: Int) in
      let first = panels * thread / threads, last = panels * (thread + 1) / threads
      gemmPanels(operands.a, operands.b, operands.c, m: m, n: n, k: k, panels: first..<last, vector: V.self)
    }
    #if canImport(Dispatch)
    if threads > 1 {
      DispatchQueue.concurrentPerform(iterations: threads, execute: work)
      return
    }
    #endif
    work(0)
  }

  /// The buffers of one product, shared by its threads: each thread writes its own columns of `c`.
  struct MatrixOperands<Scalar>: @unchecked Sendable {
    let a: UnsafePointer<Scalar>, b: UnsafePointer<Scalar>, c: UnsafeMutablePointer<Scalar>
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
