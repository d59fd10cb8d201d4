import CGumbelKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which implementation runs `Float` matrix products in this process, chosen once.
///
/// The C kernels when the processor has AVX-512F or AVX2 with FMA (and `GUMBEL_DISABLE_AVX2` is
/// unset: `GUMBEL_DISABLE_AVX512` selects the AVX2 form); a system BLAS only when the
/// environment variable `GUMBEL_BLAS` names its shared library (say
/// `GUMBEL_BLAS=libopenblas.so.0`), which is opt-in because its results depend on the library
/// and on its own threads; Accelerate on Apple platforms; the Swift SIMD kernel otherwise.
package enum MatrixProductPath: Sendable {
  case avx512
  case avx2FMA
  case systemBLAS(SystemBLAS)
  case accelerate
  case swiftSIMD

  /// The path of this process.
  package static let current: MatrixProductPath = {
    if let name = ProcessEnvironment.value(of: "GUMBEL_BLAS"), let library = SystemBLAS(loading: name) {
      return .systemBLAS(library)
    }
    switch gumbel_matrix_product_path() {
    case 2: return .avx512
    case 1: return .avx2FMA
    default:
      #if canImport(Accelerate)
      return .accelerate
      #else
      return .swiftSIMD
      #endif
    }
  }()

  /// `"avx512f"`, `"avx2-fma"`, `"blas:"` and the library, `"accelerate"` or `"swift-simd"`.
  package var name: String {
    switch self {
    case .avx512: "avx512f"
    case .avx2FMA: "avx2-fma"
    case .systemBLAS(let library): "blas:\(library.name)"
    case .accelerate: "accelerate"
    case .swiftSIMD: "swift-simd"
    }
  }
}

/// The environment, read without Foundation.
enum ProcessEnvironment {
  /// The value of `variable` if it is set and not empty.
  static func value(of variable: String) -> String? {
    guard let value = getenv(variable) else { return nil }
    let text = String(cString: value)
    return text.isEmpty ? nil : text
  }
}

/// A CBLAS library loaded at run time (`dlopen`), of which only `cblas_sgemm` is used.
package final class SystemBLAS: Sendable {
  typealias Sgemm = @convention(c) (
    Int32, Int32, Int32, Int32, Int32, Int32, Float, UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32,
    Float, UnsafeMutablePointer<Float>?, Int32) -> Void

  /// The library's name as given.
  package let name: String
  let sgemm: Sgemm

  /// The library `name` (a path or a name `dlopen` searches), or `nil` if it cannot be loaded or
  /// has no `cblas_sgemm`.
  package init?(loading name: String) {
    guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(handle, "cblas_sgemm") else { return nil }
    self.name = name
    sgemm = unsafeBitCast(symbol, to: Sgemm.self)
  }

  /// The product through `cblas_sgemm` (row-major), then the layout's bias and ReLU; the Swift
  /// path for sizes past 32-bit integers.
  func product(_ a: [Float], _ b: [Float], bias: [Float]?, _ layout: MatrixProductLayout) -> [Float] {
    let (m, n, k) = (layout.m, layout.n, layout.k)
    guard m < Int(Int32.max), n < Int(Int32.max), k < Int(Int32.max), k > 0 else {
      return Kernels.matrixProductInSwift(a, b, bias: bias, layout, vector: SIMD8<Float>.self)
    }
    let rowMajor: Int32 = 101, noTranspose: Int32 = 111, transpose: Int32 = 112
    let product = [Float](unsafeUninitializedCapacity: m * n) { c, initialized in
      sgemm(rowMajor, layout.transposeA ? transpose : noTranspose, layout.transposeB ? transpose : noTranspose,
            Int32(m), Int32(n), Int32(k), 1, a, Int32(layout.transposeA ? m : k), b, Int32(layout.transposeB ? k : n),
            0, c.baseAddress, Int32(n))
      initialized = m * n
    }
    return layout.applyingEpilogue(to: product, bias: bias)
  }
}

/// The shape of one product `op(A) op(B)` and what follows it: `A` is `m x k` (stored `k x m`
/// when `transposeA`), `B` is `k x n` (stored `n x k` when `transposeB`), then a bias row and a
/// ReLU may follow.
@usableFromInline
package struct MatrixProductLayout: Sendable {
  @usableFromInline let m: Int, n: Int, k: Int
  @usableFromInline let transposeA: Bool, transposeB: Bool, relu: Bool

  @inlinable
  init(m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool, relu: Bool) {
    (self.m, self.n, self.k) = (m, n, k)
    (self.transposeA, self.transposeB, self.relu) = (transposeA, transposeB, relu)
  }

  /// `product[i, j] + bias[j]`, then `x > 0 ? x : 0` when `relu` (each as the C kernel does it),
  /// in place when the caller hands over its only reference.
  @usableFromInline
  func applyingEpilogue<T: BinaryFloatingPoint>(to product: consuming [T], bias: [T]?) -> [T] {
    if bias == nil && !relu { return product }
    var out = consume product
    for i in 0..<m {
      for j in 0..<n {
        var x = out[i * n + j]
        if let bias { x = x + bias[j] }
        if relu { x = x > 0 ? x : 0 }
        out[i * n + j] = x
      }
    }
    return out
  }

  /// How `C` is shared between up to `threads` threads: in blocks of whole columns when it is at
  /// least as wide as tall (each thread then packs all of `A` and its part of `B`), otherwise of
  /// whole rows; blocks are multiples of 32 columns or 12 rows (the widest tiles).
  func split(threads: Int) -> MatrixProductSplit {
    let byColumns = n >= m
    let extent = byColumns ? n : m, unit = byColumns ? 32 : 12
    let units = (extent + unit - 1) / unit
    return MatrixProductSplit(byColumns: byColumns, extent: extent, unit: unit, units: units,
                              parts: max(1, min(threads, units)))
  }
}

/// Blocks of `C` for threads (``MatrixProductLayout/split(threads:)``).
struct MatrixProductSplit: Sendable {
  let byColumns: Bool
  let extent: Int, unit: Int, units: Int, parts: Int

  /// The columns (or rows) of block `part`.
  func block(_ part: Int) -> Range<Int> {
    min(extent, unit * (units * part / parts))..<min(extent, unit * (units * (part + 1) / parts))
  }
}

extension Kernels {
  /// The Swift kernel's product, whatever the process's path (for tests comparing paths).
  package static func matrixProductInSwiftForTesting(
    _ a: [Float], _ b: [Float], _ shape: (m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool)
  ) -> [Float] {
    let layout = MatrixProductLayout(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA,
                                     transposeB: shape.transposeB, relu: false)
    return matrixProductInSwift(a, b, bias: nil, layout, vector: SIMD8<Float>.self)
  }

  /// The C kernel's product (needs `gumbel_matrix_product_path() > 0`).
  package static func matrixProductInCForTesting(
    _ a: [Float], _ b: [Float], _ shape: (m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool)
  ) -> [Float] {
    let layout = MatrixProductLayout(m: shape.m, n: shape.n, k: shape.k, transposeA: shape.transposeA,
                                     transposeB: shape.transposeB, relu: false)
    return matrixProductInC(a, b, bias: nil, layout)
  }
}
