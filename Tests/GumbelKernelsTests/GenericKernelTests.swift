import GumbelKernels
import RealModule
import Testing

/// The generic entry points for a scalar type other than `Float` and `Double`, which run the
/// generic Swift forms: the softmax rows and their pullback against the definitions, computed
/// in `Double`.
@Suite struct GenericKernelTests {
  #if !((os(macOS) || targetEnvironment(macCatalyst)) && arch(x86_64))
  @Test func float16SoftmaxRowsAndPullbackFollowTheDefinitions() {
    let rows = 3, k = 5
    let logits: [Double] = [1, -2, 0.5, 3, 0, 0.25, 0.25, -1, 2, 1.5, -.infinity, 0, 1, -1, 0.5]
    let temperature = 0.5
    var y = logits.map(Float16.init)
    var argmax = [Int32](repeating: -1, count: rows)
    y.withUnsafeMutableBufferPointer { y in
      argmax.withUnsafeMutableBufferPointer { argmax in
        Kernels.softmaxRowsInPlace(
          y.baseAddress!, rows: rows, columns: k, temperature: Float16(temperature), argmax: argmax.baseAddress!)
      }
    }
    #expect(argmax == [3, 3, 2])
    for r in 0..<rows {
      let row = logits[(r * k)..<((r + 1) * k)]
      let m = row.max()!
      let e = row.map { Double.exp(($0 - m) / temperature) }
      let total = e.reduce(0, +)
      for j in 0..<k {
        let expected = e[j] / total
        #expect(abs(Double(y[r * k + j]) - expected) <= 2e-3, "row \(r), column \(j)")
      }
    }
    // The pullback of <v, y> for one row: dx_j = y_j (v_j - <v, y>) / temperature.
    let v: [Float16] = [1, 2, 3, 4, 5]
    var dx = [Float16](repeating: 0, count: k)
    let x = logits[0..<k].map(Float16.init)
    _ = y.withUnsafeBufferPointer { y in
      x.withUnsafeBufferPointer { x in
        v.withUnsafeBufferPointer { v in
          dx.withUnsafeMutableBufferPointer { dx in
            Kernels.softmaxPullbackRow(
              y: y.baseAddress!, x: x.baseAddress!, upstream: v.baseAddress!, count: k, maximum: 3,
              temperature: Float16(temperature), into: dx.baseAddress!)
          }
        }
      }
    }
    let y0 = (0..<k).map { Double(y[$0]) }
    let dot = (0..<k).map { Double(v[$0]) * y0[$0] }.reduce(0, +)
    for j in 0..<k {
      let expected = y0[j] * (Double(v[j]) - dot) / temperature
      #expect(abs(Double(dx[j]) - expected) <= 1e-2, "column \(j)")
    }
  }
  #endif
}
