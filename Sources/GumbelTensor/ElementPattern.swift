import Foundation
import GumbelKernels

/// What is known about a tensor's elements beyond their values: a fact that the operation
/// making the tensor knows for free, and that lets a later operation skip a pass over memory.
///
/// The gradient of `sum(w * hardSample)` shows why. `sum`'s pullback makes a tensor of ones
/// (``uniform(_:)``), and the product's pullback multiplies it by `w`: with the pattern known,
/// the product is `w` itself, without a pass. The straight-through sample is one-hot
/// (``oneHot(_:)``), so `hardSample * w` is a product whose elements are made only if read
/// (``oneHotTimes(_:factor:)``), and whose `sum` reads one element of `w` per row. XLA gets the
/// same effect by fusing the operations; here each operation stays one function, and the
/// pattern travels with the tensor.
///
/// A pattern is a promise about the elements, never a different value: an operation that uses
/// it gives the same bits as one that reads the elements (`1 * x` is `x`; the products with a
/// one-hot row are computed as `0 * w` and `1 * w`, so a non-finite `w` still gives NaN).
/// Operations that make a new tensor give it no pattern unless they know one.
@usableFromInline
package enum ElementPattern<Scalar: TensorFloatingPoint>: Sendable {
  /// Nothing beyond the values.
  case none
  /// Every element equals the value (`Tensor(repeating:shape:)`).
  case uniform(Scalar)
  /// Each row (along the last dimension) is 0 except for a 1 at the row's index.
  case oneHot([Int32])
  /// The product of such one-hot rows and `factor` (the elements of a tensor of the same
  /// shape): `0 * factor` everywhere (so `-0` for a negative factor, NaN for an infinite one, as
  /// the product with stored zeros gives), and `1 * factor` at each row's index.
  case oneHotTimes([Int32], factor: [Scalar])

  /// Whether this is `.uniform(1)`.
  @inlinable
  var isUniformOne: Bool {
    if case .uniform(let value) = self { return value == 1 }
    return false
  }

  /// Whether the pattern can be that of `count` elements in rows of `columns`: it is not
  /// `.none`, a one-hot pattern has one index in `0..<columns` per row, and a product as many
  /// factors as elements. Checked once, when a tensor defers its elements, so that the kernels
  /// that read the indices need not check them.
  @inlinable
  func fits(count: Int, columns: Int) -> Bool {
    func oneIndexPerRow(_ indices: [Int32]) -> Bool {
      guard columns > 0 else { return count == 0 }
      return indices.count * columns == count && indices.allSatisfy { $0 >= 0 && Int($0) < columns }
    }
    switch self {
    case .none: return false
    case .uniform: return true
    case .oneHot(let indices): return oneIndexPerRow(indices)
    case .oneHotTimes(let indices, let factor): return factor.count == count && oneIndexPerRow(indices)
    }
  }

  /// The `count` elements of the pattern, in rows of `columns`.
  ///
  /// - Precondition: ``fits(count:columns:)``.
  @inlinable
  func elements(count: Int, columns: Int) -> [Scalar] {
    switch self {
    case .none:
      preconditionFailure("a tensor without a pattern has no elements to make")
    case .uniform(let value):
      return [Scalar](filling: count, with: value)
    case .oneHot(let indices):
      var out = [Scalar](filling: count, with: 0)
      out.withUnsafeMutableBufferPointer { out in
        for (r, index) in indices.enumerated() { out[r * columns + Int(index)] = 1 }
      }
      return out
    case .oneHotTimes(let indices, let factor):
      return Self.oneHotProduct(indices, factor, columns: columns)
    }
  }

  /// Blocks of whole rows of about ``Tensor/elementwiseBlockElements`` elements, for the
  /// kernels below that share rows between threads.
  @inlinable
  static func blockRows(columns: Int) -> Int { max(1, Tensor<Scalar>.elementwiseBlockElements / max(1, columns)) }

  /// `factor` times the one-hot rows with 1 at `indices`, in rows of `columns`: `0 * x`
  /// everywhere, then `1 * x` at each row's index, shared between threads in blocks of whole
  /// rows (each element is computed alone, so the thread count does not matter).
  @inlinable
  static func oneHotProduct(_ indices: [Int32], _ factor: [Scalar], columns k: Int) -> [Scalar] {
    let count = factor.count, rows = indices.count
    return [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
      factor.withUnsafeBufferPointer { x in
        indices.withUnsafeBufferPointer { indices in
          guard let out = out.baseAddress, let x = x.baseAddress, let indices = indices.baseAddress else { return }
          Parallelism.forEachBlock(rows: rows, elementsPerRow: k, blockRows: Self.blockRows(columns: k)) { _, rows in
            let start = rows.lowerBound * k
            for i in start..<(rows.upperBound * k) { (out + i).initialize(to: 0 * x[i]) }
            for r in rows {
              let i = r * k + Int(indices[r])
              out[i] = 1 * x[i]
            }
          }
        }
      }
      initialized = count
    }
  }

  /// The sum in lane order (`Kernels.sumInLaneOrder`) of the pattern's `count` elements in rows
  /// of `columns`, if the pattern gives it without making them; `nil` if it does not.
  ///
  /// A one-hot product whose factors are all finite is `+0` or `-0` except at one element
  /// per row, and adding a zero of either sign to a sum that starts at `+0` changes nothing
  /// (see `Kernels.sumInLaneOrder(selected:at:columns:)`): its sum needs one
  /// factor per row. Blocks of rows, shared between threads, check that their factors are
  /// finite (a product `0 * infinity` is NaN, and then the sum is made from the elements) and
  /// pick each row's factor while the block is in cache; the picked factors are then added in
  /// order.
  @inlinable
  func sumInLaneOrder(count: Int, columns k: Int) -> Scalar? {
    guard case .oneHotTimes(let indices, let factor) = self, k > 0, factor.count == count,
          indices.count * k == count
    else { return nil }
    let rows = indices.count
    let blockRows = Self.blockRows(columns: k)
    let blocks = (rows + blockRows - 1) / blockRows
    var finiteBlocks = [Bool](repeating: false, count: blocks)
    let picked = [Scalar](unsafeUninitializedCapacity: rows) { picked, initialized in
      factor.withUnsafeBufferPointer { factor in
        indices.withUnsafeBufferPointer { indices in
          finiteBlocks.withUnsafeMutableBufferPointer { finiteBlocks in
            let picked = picked.baseAddress!, x = factor.baseAddress!, indices = indices.baseAddress!
            let finiteBlocks = finiteBlocks.baseAddress!
            Parallelism.forEachBlock(rows: rows, elementsPerRow: k, blockRows: blockRows) { b, block in
              let start = block.lowerBound * k
              finiteBlocks[b] = Kernels.allFinite(UnsafeBufferPointer(start: x + start, count: block.count * k))
              for r in block { (picked + r).initialize(to: x[r * k + Int(indices[r])]) }
            }
          }
        }
      }
      initialized = rows
    }
    guard finiteBlocks.allSatisfy({ $0 }) else { return nil }
    return picked.withUnsafeBufferPointer { picked in
      indices.withUnsafeBufferPointer { indices in
        Kernels.sumInLaneOrder(selected: picked, at: indices, columns: k)
      }
    }
  }

  /// Whether `scalars`, in rows of `columns` elements, follow the pattern (for assertions).
  @inlinable
  func describes(_ scalars: [Scalar], columns: Int) -> Bool {
    switch self {
    case .none:
      return true
    case .uniform(let value):
      return scalars.allSatisfy { $0 == value || ($0.isNaN && value.isNaN) }
    case .oneHot(let indices):
      guard columns > 0, indices.count * columns == scalars.count else { return columns == 0 && scalars.isEmpty }
      return scalars.indices.allSatisfy { i in scalars[i] == (Int(indices[i / columns]) == i % columns ? 1 : 0) }
    case .oneHotTimes(let indices, let factor):
      guard columns > 0, indices.count * columns == scalars.count, factor.count == scalars.count else {
        return columns == 0 && scalars.isEmpty
      }
      return scalars.indices.allSatisfy { i in
        let product = (Int(indices[i / columns]) == i % columns ? 1 : 0) * factor[i]
        return scalars[i] == product || (scalars[i].isNaN && product.isNaN)
      }
    }
  }
}

/// How a tensor holds its elements: as an array, or with a pattern they follow. (Both cases are
/// one reference, whatever `Scalar` is, so copying a tensor costs the same either way.)
@usableFromInline
enum TensorStorage<Scalar: TensorFloatingPoint>: Sendable {
  case elements([Scalar])
  case patterned(PatternedElements<Scalar>)
}

/// A pattern of a tensor's elements, with the elements, or with a way to make them once, when
/// first read (from any thread).
@usableFromInline
final class PatternedElements<Scalar: TensorFloatingPoint>: @unchecked Sendable {
  @usableFromInline let pattern: ElementPattern<Scalar>
  @usableFromInline let count: Int
  @usableFromInline let columns: Int
  /// The elements of a tensor that holds them.
  @usableFromInline let held: [Scalar]?
  /// The elements of a tensor that defers them, once made.
  private var made: [Scalar]?
  private let lock = NSLock()

  /// A pattern whose `count` elements, in rows of `columns`, are made when first read.
  @inlinable
  init(pattern: ElementPattern<Scalar>, count: Int, columns: Int) {
    self.pattern = pattern
    self.count = count
    self.columns = columns
    self.held = nil
  }

  /// A pattern with the elements that follow it.
  @inlinable
  init(pattern: ElementPattern<Scalar>, elements: [Scalar]) {
    self.pattern = pattern
    self.count = elements.count
    self.columns = 0
    self.held = elements
  }

  /// Whether the elements are still to be made.
  @usableFromInline
  var isDeferred: Bool {
    lock.lock()
    defer { lock.unlock() }
    return held == nil && made == nil
  }

  /// The elements, made on the first call if the tensor defers them.
  @inlinable
  var scalars: [Scalar] { held ?? madeScalars }

  /// The elements of a tensor that defers them, made on the first call.
  @usableFromInline
  var madeScalars: [Scalar] {
    lock.lock()
    defer { lock.unlock() }
    if let made { return made }
    let elements = pattern.elements(count: count, columns: columns)
    made = elements
    return elements
  }
}

extension Tensor {
  /// The pattern this tensor's elements are known to follow (`.none` if none is known).
  @inlinable
  var pattern: ElementPattern<Scalar> {
    if case .patterned(let patterned) = storage { return patterned.pattern }
    return .none
  }

  /// Whether a pattern of this tensor's elements is known.
  @inlinable
  var isPatterned: Bool {
    if case .patterned = storage { return true }
    return false
  }

  /// Whether this tensor is known to hold only ones.
  @inlinable
  var isKnownOnes: Bool { pattern.isUniformOne }

  /// The index of each row's 1, if this tensor is known to be one-hot along its last axis.
  @inlinable
  var knownOneHotIndices: [Int32]? {
    if case .oneHot(let indices) = pattern { return indices }
    return nil
  }
}
