import GumbelKernels

/// Broadcasting of binary operations: two shapes are compatible when they are equal or one is a
/// suffix of the other (a scalar `[]` is a suffix of every shape, and a row `[K]` of
/// `[N, K]`). The smaller operand then repeats over the leading dimensions of the larger.
extension Tensor {
  /// The shape of `lhs op rhs`.
  @inlinable
  static func broadcastShape(_ lhs: [Int], _ rhs: [Int]) -> [Int] {
    if lhs == rhs { return lhs }
    if lhs.count < rhs.count, Array(rhs.suffix(lhs.count)) == lhs { return rhs }
    if rhs.count < lhs.count, Array(lhs.suffix(rhs.count)) == rhs { return lhs }
    preconditionFailure("shapes \(lhs) and \(rhs) do not broadcast: one must end with the other")
  }

  /// Element-wise results below this many elements are computed on the calling thread. An
  /// element-wise operation costs about a nanosecond per element, so waking a second thread
  /// (some microseconds) pays only from tens of thousands of elements.
  @inlinable
  static var elementwiseParallelMinimum: Int { 1 << 16 }

  /// The elements of each block that an element-wise operation gives one thread at a time.
  @inlinable
  static var elementwiseBlockElements: Int { 1 << 15 }

  /// `lhs op rhs` for two operands of the same shape, shared between threads in blocks of
  /// ``elementwiseBlockElements`` when there are at least ``elementwiseParallelMinimum``, or `nil` for
  /// other operands (which ``broadcasting(_:_:_:)`` handles). `loop(a, b, out, n)` computes
  /// `n` elements; each element is computed alone, so the values do not depend on the thread
  /// count. The operation is written inside `loop` by the caller: passed in as a function of two
  /// scalars, it would be called, not inlined, once per element in the threads' blocks.
  @inlinable @inline(__always)
  static func sameShapeInParallel(
    _ lhs: Tensor, _ rhs: Tensor,
    _ loop: (UnsafePointer<Scalar>, UnsafePointer<Scalar>, UnsafeMutablePointer<Scalar>, Int) -> Void
  ) -> Tensor? {
    let count = lhs.scalars.count
    guard count >= elementwiseParallelMinimum, lhs.shape == rhs.shape else { return nil }
    let scalars = [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
      lhs.scalars.withUnsafeBufferPointer { a in
        rhs.scalars.withUnsafeBufferPointer { b in
          let out = out.baseAddress!, a = a.baseAddress!, b = b.baseAddress!
          Parallelism.forEachBlock(rows: count, elementsPerRow: 1, blockRows: elementwiseBlockElements) { _, range in
            loop(a + range.lowerBound, b + range.lowerBound, out + range.lowerBound, range.count)
          }
        }
      }
      initialized = count
    }
    return Tensor(shape: lhs.shape, scalars: scalars)
  }

  /// Applies `op` element by element, repeating the smaller operand (not differentiable: a
  /// building block for operations that register their own derivatives).
  @inlinable
  public static func broadcasting(
    _ lhs: Tensor, _ rhs: Tensor, _ op: (Scalar, Scalar) -> Scalar
  ) -> Tensor {
    let shape = broadcastShape(lhs.shape, rhs.shape)
    let a = lhs.scalars, b = rhs.scalars
    let count = max(a.count, b.count)
    if count == 0 || a.isEmpty || b.isEmpty { return Tensor(shape: shape, scalars: []) }
    let scalars = [Scalar](count: count, placeholder: 0) { out in
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          if a.count == b.count {
            // A plain indexed loop: the optimiser inlines `op` here (it does not through `zip.map`).
            for i in 0..<count { out[i] = op(a[i], b[i]) }
          } else if a.count == count {
            var j = 0
            for i in 0..<count {
              out[i] = op(a[i], b[j])
              j += 1; if j == b.count { j = 0 }
            }
          } else {
            var j = 0
            for i in 0..<count {
              out[i] = op(a[j], b[i])
              j += 1; if j == a.count { j = 0 }
            }
          }
        }
      }
    }
    return Tensor(shape: shape, scalars: scalars)
  }

  /// This tensor brought to `target`, the shape of an operand it was broadcast from: summed
  /// over the leading dimensions that broadcasting added, or repeated when this tensor is the
  /// smaller one (a scalar tangent such as ``zero``).
  @inlinable
  public func unbroadcast(to target: [Int]) -> Tensor {
    if shape == target { return self }
    let size = target.reduce(1, *)
    if scalars.isEmpty { return Tensor(repeating: 0, shape: target) }
    if size < scalars.count {
      var sums = [Scalar](repeating: 0, count: size)
      for (i, value) in scalars.enumerated() { sums[i % size] += value }
      return Tensor(shape: target, scalars: sums)
    }
    return Tensor(shape: target, scalars: (0..<size).map { scalars[$0 % scalars.count] })
  }
}
