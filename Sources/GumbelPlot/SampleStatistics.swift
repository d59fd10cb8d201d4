import GumbelTensor

/// Summaries of samples for figures: column means, histograms and percentiles.
enum SampleStatistics {
  /// The mean of each column of a `[rows, columns]` tensor.
  static func columnMeans(_ samples: Tensor<Double>) -> [Double] {
    let columns = samples.columnCount
    var sums = [Double](repeating: 0, count: columns)
    for (index, value) in samples.scalars.enumerated() { sums[index % columns] += value }
    return sums.map { $0 / Double(max(samples.rowCount, 1)) }
  }

  /// Counts of `values` in `bins` equal bins over `0...1`; the value 1 falls in the last bin.
  static func histogram(_ values: [Double], bins: Int) -> [Int] {
    var counts = [Int](repeating: 0, count: bins)
    for value in values {
      let bin = min(bins - 1, max(0, Int(value * Double(bins))))
      counts[bin] += 1
    }
    return counts
  }

  /// The `q`-quantile (0...1) of sorted values, interpolating linearly.
  static func quantile(sorted values: [Double], _ q: Double) -> Double {
    precondition(!values.isEmpty, "no values")
    let position = min(max(q, 0), 1) * Double(values.count - 1)
    let lower = Int(position)
    let upper = min(lower + 1, values.count - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - Double(lower))
  }
}
