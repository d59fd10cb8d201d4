extension PRNGKey {
  /// Category indices drawn with probabilities `softmax(logits)` by the Gumbel-max trick,
  /// like `jax.random.categorical(key, logits, axis=-1, shape=shape)`.
  ///
  /// `argmax_k (logits_k + g_k)` with `g` standard Gumbel noise is distributed as
  /// `Categorical(softmax(logits))` (Gumbel 1954; Maddison, Tarlow & Minka 2014). The noise is
  /// `gumbel(shape: shapePrefix + batchShape + [K])`, so the draws equal JAX's bit for bit.
  ///
  /// - Parameters:
  ///   - logits: unnormalised log-probabilities, row-major with shape `logitsShape`; the last
  ///     dimension holds the `K` categories. A logit of `-infinity` masks its category.
  ///   - logitsShape: the shape of `logits`; `nil` means one row of `logits.count` categories.
  ///   - shape: the shape of the result; it must end with the batch shape
  ///     (`logitsShape.dropLast()`). `nil` means the batch shape.
  /// - Returns: indices in `0..<K`, row-major with shape `shape`.
  public func categorical<Scalar: RandomFloatingPoint>(
    logits: [Scalar], logitsShape: [Int]? = nil, shape: [Int]? = nil
  ) throws(RandomError) -> [Int] {
    let logitsShape = logitsShape ?? [logits.count]
    guard let categories = logitsShape.last, categories > 0, !logits.isEmpty else { throw .emptyLogits }
    guard try RandomLimits.elementCount(of: logitsShape) == logits.count else {
      throw .shapeMismatch(sampleShape: [logits.count], batchShape: logitsShape)
    }
    try Self.validate(logits: logits, categories: categories)

    let batchShape = Array(logitsShape.dropLast())
    let shape = shape ?? batchShape
    guard shape.count >= batchShape.count, Array(shape.suffix(batchShape.count)) == batchShape else {
      throw .shapeMismatch(sampleShape: shape, batchShape: batchShape)
    }
    let sampleCount = try RandomLimits.elementCount(of: shape)
    _ = try RandomLimits.elementCount(of: shape + [categories])
    let noise: [Scalar] = gumbelUnchecked(count: sampleCount * categories)
    let rows = logits.count / categories
    return (0..<sampleCount).map { i in
      let logitsRow = (i % rows) * categories
      var best = 0
      var bestValue = noise[i * categories] + logits[logitsRow]
      for k in 1..<categories {
        let value = noise[i * categories + k] + logits[logitsRow + k]
        if value > bestValue { best = k; bestValue = value }
      }
      return best
    }
  }

  /// Checks that logits are finite or `-infinity` and that no row is fully masked.
  static func validate<Scalar: BinaryFloatingPoint>(logits: [Scalar], categories: Int) throws(RandomError) {
    if let bad = logits.firstIndex(where: { $0.isNaN || $0 == .infinity }) {
      throw .invalidLogit(index: bad, value: Double(logits[bad]))
    }
    for row in 0..<(logits.count / categories) {
      let start = row * categories
      if logits[start..<(start + categories)].allSatisfy({ $0 == -.infinity }) {
        throw .allLogitsMasked(row: row)
      }
    }
  }
}
