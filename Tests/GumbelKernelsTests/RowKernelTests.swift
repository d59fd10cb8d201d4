import GumbelKernels
import Testing
import _GumbelTestSupport

/// The AVX2 row kernels of the softmax and its pullback against the Swift ones, bit for bit,
/// on rows of every length from 1 to 70 (full and partial groups of eight) with masked
/// (`-infinity`) logits, zeros and ties.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct RowCFormTests {
  /// A row of `k` logits, with some masked and some equal.
  static func logits(_ k: Int, using rng: inout SplitMix64) -> [Float] {
    (0..<k).map { i in
      switch Int.random(in: 0..<10, using: &rng) {
      case 0: -.infinity
      case 1: 30  // ties at the largest value
      default: Float.random(in: -30...30, using: &rng)
      }
    }
  }

  /// A temperature: a random one, or a power of two from the least normal float to beyond
  /// 2^126 (whose quotients are exact scalings, or overflow and underflow).
  static func temperature(_ i: Int, using rng: inout SplitMix64) -> Float {
    let powersOfTwo: [Float] = [0.5, 1, 2, 0.25, 0.125, 0x1p-126, 0x1p126, 0x1p127, 0x1p-127]
    return i % 2 == 0 ? Float.random(in: 0.1...3, using: &rng) : powersOfTwo[(i / 2) % powersOfTwo.count]
  }

  @Test func sumInLaneOrderHasTheSwiftKernelsBits() {
    var rng = SplitMix64(seed: 21)
    for k in 0...70 {
      let x = (0..<k).map { _ in Float.random(in: -1e3...1e3, using: &rng) }
      let avx2 = x.withUnsafeBufferPointer { Kernels.sumInLaneOrderInC($0.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: k) }
      let swift = x.withUnsafeBufferPointer { Kernels.sumInLaneOrderInSwift($0) }
      #expect(avx2.bitPattern == swift.bitPattern, "k = \(k)")
    }
  }

  /// The tempered shift, then the division by the sum: `softmax`'s row steps.
  @Test func shiftAndDivisionHaveTheSwiftKernelsBits() {
    var rng = SplitMix64(seed: 22)
    for k in 1...70 {
      let x = Self.logits(k, using: &rng).map { $0 == -.infinity ? -3 : $0 }
      let m = x.max()!
      let t = Self.temperature(k, using: &rng)
      var avx2 = [Float](repeating: 0, count: k), swift = avx2
      x.withUnsafeBufferPointer { x in
        avx2.withUnsafeMutableBufferPointer {
          Kernels.temperedShiftInC(x.baseAddress!, into: $0.baseAddress!, count: k, maximum: m, temperature: t)
        }
        swift.withUnsafeMutableBufferPointer {
          Kernels.temperedShiftInSwift(x.baseAddress!, into: $0.baseAddress!, count: k, maximum: m, temperature: t)
        }
      }
      #expect(avx2.map(\.bitPattern) == swift.map(\.bitPattern), "shift, k = \(k)")
      // Positive values to divide, as a softmax's exponentials are.
      var a = x.map { abs($0) + 1 }, b = a
      a.withUnsafeMutableBufferPointer { Kernels.divideBySumInC($0.baseAddress!, count: k) }
      b.withUnsafeMutableBufferPointer { Kernels.divideBySumInSwift($0.baseAddress!, count: k) }
      #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "division, k = \(k)")
    }
  }

  /// The pullback of a softmax row, `dx` and the temperature gradient, with upstream values
  /// that make some `dz` exactly 0 and masked categories whose `z` is infinite.
  @Test func softmaxPullbackRowHasTheSwiftKernelsBits() {
    var rng = SplitMix64(seed: 23)
    var mismatches: [Int] = []
    for k in 1...70 {
      for trial in 0..<4 {
        var x = Self.logits(k, using: &rng)
        x[Int.random(in: 0..<k, using: &rng)] = 5  // at least one unmasked category
        let m = x.max()!
        let t = Self.temperature(2 * k + trial, using: &rng)
        let e = x.map { Float.exp(($0 - m) / t) }
        let total = e.reduce(0, +)
        let y = e.map { $0 / total }
        let v = (0..<k).map { _ in Bool.random(using: &rng) ? 0 : Float.random(in: -2...2, using: &rng) }
        var dxAVX2 = [Float](repeating: .nan, count: k), dxSwift = dxAVX2
        let (tAVX2, tSwift) = y.withUnsafeBufferPointer { y in
          x.withUnsafeBufferPointer { x in
            v.withUnsafeBufferPointer { v in
              (dxAVX2.withUnsafeMutableBufferPointer {
                Kernels.softmaxPullbackRowInC(
                  y: y.baseAddress!, x: x.baseAddress!, upstream: v.baseAddress!, count: k, maximum: m, temperature: t,
                  into: $0.baseAddress!)
              },
               dxSwift.withUnsafeMutableBufferPointer {
                Kernels.softmaxPullbackRowInSwift(
                  y: y.baseAddress!, x: x.baseAddress!, upstream: v.baseAddress!, count: k, maximum: m, temperature: t,
                  into: $0.baseAddress!)
              })
            }
          }
        }
        if tAVX2.bitPattern != tSwift.bitPattern || dxAVX2.map(\.bitPattern) != dxSwift.map(\.bitPattern) {
          mismatches.append(k)
        }
        #expect(tSwift.isFinite || !t.isNormal || t < 1e-30 || t > 1e30)
      }
    }
    #expect(mismatches.isEmpty, "rows of lengths \(mismatches) differ")
  }

  /// A block's softmax in one call, and its argmax search alone, against the row kernels: rows
  /// of 1 to 70 elements with masked elements and ties, and rows whose largest element is
  /// infinite or NaN (searched one by one).
  @Test func softmaxAndArgmaxRowsHaveTheRowKernelsBits() {
    var rng = SplitMix64(seed: 25)
    var mismatches: [String] = []
    for k in [1, 2, 7, 8, 15, 16, 17, 31, 63, 64, 65, 70] {
      for rows in [1, 5, 33] {
        let t = Self.temperature(k * rows, using: &rng)
        var x: [Float] = []
        for r in 0..<rows {
          var row = Self.logits(k, using: &rng)
          row[Int.random(in: 0..<k, using: &rng)] = 31  // an unmasked largest element
          if r % 3 == 0 { row[Int.random(in: 0..<k, using: &rng)] = 31 }  // perhaps tied
          if r % 7 == 3 { row[Int.random(in: 0..<k, using: &rng)] = [Float.infinity, .nan][r % 2] }
          x += row
        }
        var searched = [Int32](repeating: -1, count: rows)
        x.withUnsafeBufferPointer { x in
          searched.withUnsafeMutableBufferPointer { Kernels.indexOfMaximumRowsInC(x.baseAddress!, rows: rows, columns: k, into: $0.baseAddress!) }
        }
        let expected = (0..<rows).map { r in
          x.withUnsafeBufferPointer { Int32(Kernels.indexOfMaximumInSwift(UnsafeBufferPointer(rebasing: $0[(r * k)..<((r + 1) * k)]))) }
        }
        if searched != expected { mismatches.append("argmax \(rows)x\(k)") }
        // The softmax of the rows with finite logits.
        let finite = x.map { $0.isFinite || $0 == -.infinity ? $0 : 30 }
        var fused = finite, byRow = finite
        var fusedArgmax = [Int32](repeating: -1, count: rows), byRowArgmax = fusedArgmax
        fused.withUnsafeMutableBufferPointer { y in
          fusedArgmax.withUnsafeMutableBufferPointer {
            Kernels.softmaxRowsInPlaceInC(y.baseAddress!, rows: rows, columns: k, temperature: t, argmax: $0.baseAddress!)
          }
        }
        byRow.withUnsafeMutableBufferPointer { y in
          byRowArgmax.withUnsafeMutableBufferPointer {
            Kernels.softmaxRowsInPlaceInSwift(y.baseAddress!, rows: rows, columns: k, temperature: t, argmax: $0.baseAddress!)
          }
        }
        if fused.map(\.bitPattern) != byRow.map(\.bitPattern) || fusedArgmax != byRowArgmax {
          mismatches.append("softmax \(rows)x\(k)")
        }
      }
    }
    #expect(mismatches.isEmpty, "blocks \(mismatches) differ")
  }

  /// The fused pullback of a block of rows, with the softmax recomputed (its tempered shifted
  /// logits kept for the temperature gradient) or given, against the row kernels one by one.
  @Test func softmaxPullbackRowsHaveTheRowKernelsBits() {
    var rng = SplitMix64(seed: 24)
    var mismatches: [String] = []
    for k in [1, 2, 7, 8, 9, 10, 16, 31, 64, 65, 70, 130] {
      for rows in [1, 3, 40] {
        let t = Self.temperature(k + rows, using: &rng)
        var x: [Float] = [], argmax: [Int32] = []
        for _ in 0..<rows {
          var row = Self.logits(k, using: &rng)
          row[Int.random(in: 0..<k, using: &rng)] = 31  // an unmasked largest element
          x += row
          argmax.append(Int32(row.firstIndex(of: 31)!))
        }
        let v = (0..<(rows * k)).map { _ in Bool.random(using: &rng) ? 0 : Float.random(in: -2...2, using: &rng) }
        // The softmax of the rows, for the pullback that is given it.
        var y = [Float](repeating: 0, count: rows * k)
        x.withUnsafeBufferPointer { x in
          argmax.withUnsafeBufferPointer { argmax in
            y.withUnsafeMutableBufferPointer {
              Kernels.softmaxRows(
                of: x.baseAddress!, into: $0.baseAddress!, rows: rows, columns: k, temperature: t, argmax: argmax.baseAddress!)
            }
          }
        }
        for given in [false, true] {
          var fused = [Float](repeating: .nan, count: rows * k), byRow = fused
          let (tFused, tByRow) = x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
              v.withUnsafeBufferPointer { v in
                argmax.withUnsafeBufferPointer { argmax in
                  let sample = given ? y.baseAddress! : nil
                  return (
                    fused.withUnsafeMutableBufferPointer { dx in
                      withUnsafeTemporaryAllocation(of: Float.self, capacity: rows * k) { scratch in
                        Kernels.softmaxPullbackRowsInC(
                          x: x.baseAddress!, sample: sample, upstream: v.baseAddress!, argmax: argmax.baseAddress!,
                          rows: rows, columns: k, temperature: t, scratch: scratch.baseAddress!, into: dx.baseAddress!)
                      }
                    },
                    byRow.withUnsafeMutableBufferPointer { dx in
                      Kernels.softmaxPullbackRowsInSwift(
                        x: x.baseAddress!, sample: sample, upstream: v.baseAddress!, argmax: argmax.baseAddress!,
                        rows: rows, columns: k, temperature: t, into: dx.baseAddress!)
                    })
                }
              }
            }
          }
          if tFused.bitPattern != tByRow.bitPattern || fused.map(\.bitPattern) != byRow.map(\.bitPattern) {
            mismatches.append("\(rows)x\(k)\(given ? " given" : "")")
          }
        }
      }
    }
    #expect(mismatches.isEmpty, "blocks \(mismatches) differ")
  }

  /// Rows of 16 to 300 elements (the AVX2 search's range), with ties and masked elements; a
  /// row whose largest element is infinite gives `nil`.
  @Test func indexOfMaximumHasTheSwiftKernelsAnswer() {
    var rng = SplitMix64(seed: 24)
    var mismatches: [Int] = []
    for k in 16...300 {
      let row = Self.logits(k, using: &rng)
      let avx2 = row.withUnsafeBufferPointer { Kernels.indexOfMaximumInC($0.baseAddress!, count: k) }
      let swift = row.withUnsafeBufferPointer { Kernels.indexOfMaximumInSwift($0) }
      if avx2 != swift { mismatches.append(k) }
    }
    #expect(mismatches.isEmpty, "rows of lengths \(mismatches) differ")
    var infinite = [Float](repeating: 1, count: 40)
    infinite[33] = .infinity
    #expect(infinite.withUnsafeBufferPointer { Kernels.indexOfMaximumInC($0.baseAddress!, count: 40) } == nil)
  }

  /// Rows whose largest values are zeros of both signs, the largest or least finite floats,
  /// infinities or NaN, at random positions: in a finite row both searches give the first
  /// position of the largest value, as a plain loop finds it (`-0` and `+0` are equal: a later
  /// `+0` must not win over an earlier `-0`); `nil` only for a row with an infinite or NaN
  /// element; and the dispatched search, which falls back to a scalar loop after `nil`, gives
  /// the Swift kernel's answer.
  @Test func indexOfMaximumHandlesEdgeValues() {
    var rng = SplitMix64(seed: 25)
    let edges: [Float] = [0, -0.0, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan]
    var failures: [String] = []
    for trial in 0..<3000 {
      let k = Int.random(in: 16...100, using: &rng)
      let fill: Float = trial % 2 == 0 ? -1 : -.greatestFiniteMagnitude
      var row = [Float](repeating: fill, count: k)
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        row[Int.random(in: 0..<k, using: &rng)] = edges[Int.random(in: 0..<(trial % 3 == 0 ? 4 : edges.count), using: &rng)]
      }
      let avx2 = row.withUnsafeBufferPointer { Kernels.indexOfMaximumInC($0.baseAddress!, count: k) }
      let swift = row.withUnsafeBufferPointer { Kernels.indexOfMaximumInSwift($0) }
      let dispatched = row.withUnsafeBufferPointer { Kernels.indexOfMaximum($0) }
      let allFinite = row.allSatisfy(\.isFinite)
      if allFinite {
        let largest = row.max()!
        let first = row.firstIndex(where: { $0 == largest })
        if avx2 != first || swift != first { failures.append("\(row): \(String(describing: avx2)), \(swift)") }
      } else if let avx2, avx2 != swift {
        failures.append("\(row): \(avx2) against \(swift)")
      }
      if dispatched != swift { failures.append("\(row): dispatched \(dispatched) against \(swift)") }
    }
    #expect(failures.isEmpty, "\(failures.prefix(3))")
  }
}
