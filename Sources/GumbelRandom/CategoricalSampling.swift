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
  ///   - replace: whether to draw with replacement. Without it, the result holds, for each row,
  ///     `n = shape.dropLast(batch).product` distinct categories: the top `n` of
  ///     `logits + g` (the Gumbel top-k trick: Vieira 2014; Kool, van Hoof & Welling 2019),
  ///     in decreasing order, with noise of the logits' shape, as JAX draws them.
  /// - Returns: indices in `0..<K`, row-major with shape `shape`.
  public func categorical<Scalar: RandomFloatingPoint>(
    logits: [Scalar], logitsShape: [Int]? = nil, shape: [Int]? = nil, replace: Bool = true
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
    if !replace {
      return try topK(logits: logits, categories: categories, count: sampleCount / max(logits.count / categories, 1))
    }
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

  /// `count` distinct categories per row, the largest of `logits + gumbel(logits.shape)` first,
  /// laid out as `[count, rows]` (JAX's order for `shape = (count, *batch)`).
  private func topK<Scalar: RandomFloatingPoint>(logits: [Scalar], categories: Int, count: Int) throws(RandomError) -> [Int] {
    let rows = logits.count / categories
    let noise: [Scalar] = gumbelUnchecked(count: logits.count)
    var result = [Int](repeating: 0, count: count * rows)
    for r in 0..<rows {
      let base = r * categories
      let available = logits[base..<(base + categories)].lazy.filter { $0 != -.infinity }.count
      guard count <= available else { throw .tooFewCategories(requested: count, available: available) }
      // A stable sort by decreasing perturbed logit: ties keep the lower index first, as lax.top_k.
      let order = (0..<categories).sorted { a, b in
        let (x, y) = (logits[base + a] + noise[base + a], logits[base + b] + noise[base + b])
        return x > y || (x == y && a < b)
      }
      for j in 0..<count { result[j * rows + r] = order[j] }
    }
    return result
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
