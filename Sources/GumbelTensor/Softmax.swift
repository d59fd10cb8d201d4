import _Differentiation
import GumbelKernels
import RealModule

/// The softmax and log-softmax along the last axis, with a temperature, and their derivatives.
extension Tensor {
  /// `softmax(x / temperature)` of each row: `y_k = exp(z_k) / sum_j exp(z_j)` with
  /// `z = (x - max x) / temperature`.
  ///
  /// Subtracting the row maximum before dividing keeps every `z_k <= 0`, so nothing overflows
  /// even for logits near the largest float and temperatures near 0. A logit of `-infinity`
  /// gets probability exactly 0.
  ///
  /// The derivative with respect to `x` is `(y * (v - <v, y>)) / temperature` for an upstream
  /// `v`, and with respect to the temperature `-sum_k y_k (v_k - <v, y>) z_k / temperature`;
  /// categories with `y_k = 0` contribute 0 to both (so masked logits leave them finite).
  ///
  /// - Precondition: `temperature > 0`; every row has a logit above `-infinity`.
  @inlinable
  public func softmax(temperature: Scalar = 1) -> Tensor {
    let columns = columnCount
    var out = scalars
    out.withUnsafeMutableBufferPointer { out in
      guard let base = out.baseAddress, columns > 0 else { return }
      let blockRows = Parallelism.blockRows(elementsPerRow: columns)
      Parallelism.forEachBlock(rows: rowCount, elementsPerRow: columns, blockRows: blockRows) { _, block in
        Kernels.softmaxRowsInPlace(
          base + block.lowerBound * columns, rows: block.count, columns: columns, temperature: temperature, argmax: nil)
      }
    }
    return Tensor(shape: shape, scalars: out)
  }

  /// `log(softmax(x / temperature))` of each row: `z_k - log(sum_j exp(z_j))` with
  /// `z = (x - max x) / temperature`. A logit of `-infinity` gives `-infinity`.
  ///
  /// The derivative with respect to `x` is `(v - softmax * sum(v)) / temperature`; with respect to the
  /// temperature, categories with a logit of `-infinity` contribute 0.
  @inlinable
  public func logSoftmax(temperature: Scalar = 1) -> Tensor {
    mapRows(temperature: temperature) { z, out in
      for k in z.indices { out[k] = z[k] }
      Kernels.exponentiate(out)
      let logTotal = Scalar.log(Kernels.sumInLaneOrder(UnsafeBufferPointer(out)))
      for k in z.indices { out[k] = z[k] - logTotal }
    }
  }

  /// Applies `body` to each row's tempered, max-shifted logits `z = (x - max x) / temperature`.
  @inlinable
  func mapRows(
    temperature: Scalar, _ body: (UnsafeBufferPointer<Scalar>, UnsafeMutableBufferPointer<Scalar>) -> Void
  ) -> Tensor {
    let columns = columnCount
    var out = [Scalar](repeating: 0, count: scalarCount)
    var z = [Scalar](repeating: 0, count: columns)
    scalars.withUnsafeBufferPointer { x in
      out.withUnsafeMutableBufferPointer { out in
        z.withUnsafeMutableBufferPointer { z in
          for r in 0..<rowCount {
            let row = UnsafeBufferPointer(rebasing: x[(r * columns)..<((r + 1) * columns)])
            let m = row.max() ?? 0
            for k in 0..<columns { z[k] = (row[k] - m) / temperature }
            body(UnsafeBufferPointer(z), UnsafeMutableBufferPointer(rebasing: out[(r * columns)..<((r + 1) * columns)]))
          }
        }
      }
    }
    return Tensor(shape: shape, scalars: out)
  }

  @inlinable
  @derivative(of: softmax)
  func _vjpSoftmax(temperature: Scalar)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Scalar))
  {
    let y = softmax(temperature: temperature)
    return (y, { [self] v in
      let v = v.unbroadcast(to: y.shape).scalars
      let k = columnCount
      var dTemperature: Scalar = 0
      let dx = [Scalar](unsafeUninitializedCapacity: scalarCount) { dx, initialized in
        scalars.withUnsafeBufferPointer { x in
          y.scalars.withUnsafeBufferPointer { y in
            v.withUnsafeBufferPointer { v in
              for r in 0..<rowCount {
                let o = r * k
                dTemperature += Kernels.softmaxPullbackRow(
                  y: y.baseAddress! + o, x: x.baseAddress! + o, upstream: v.baseAddress! + o, count: k,
                  maximum: x[o + Kernels.indexOfMaximum(UnsafeBufferPointer(rebasing: x[o..<(o + k)]))], temperature: temperature, into: dx.baseAddress! + o)
              }
            }
          }
        }
        initialized = scalarCount
      }
      return (Tensor(shape: shape, scalars: dx), dTemperature)
    })
  }

  @inlinable
  @derivative(of: logSoftmax)
  func _vjpLogSoftmax(temperature: Scalar)
    -> (value: Tensor, pullback: (Tensor) -> (Tensor, Scalar))
  {
    let value = logSoftmax(temperature: temperature)
    return (value, { [self] v in
      let v = v.unbroadcast(to: value.shape).scalars
      // dz_i = v_i - softmax_i * sum(v) for each row.
      return temperedPullback(temperature: temperature) { range, dz in
        var total: Scalar = 0
        for i in range { total += v[i] }
        for i in range { dz[i] = v[i] - Scalar.exp(value.scalars[i]) * total }
      }
    })
  }

  /// The gradients with respect to `x` and the temperature of a function of
  /// `z = (x - max x) / temperature`, given `rowGradient`, which fills `dz` for one row's range:
  /// `dx = dz / temperature` and `dtemperature = -sum_i dz_i z_i / temperature`. Elements with
  /// `dz_i = 0` or an infinite `z_i` (a logit of `-infinity`, whose value does not depend on the
  /// temperature) add nothing to the temperature gradient, so `0 * infinity` never becomes NaN.
  @inlinable
  func temperedPullback(
    temperature: Scalar, rowGradient: (Range<Int>, inout [Scalar]) -> Void
  ) -> (Tensor, Scalar) {
    let columns = columnCount
    var dz = [Scalar](repeating: 0, count: scalarCount)
    var dTemperature: Scalar = 0
    for r in 0..<rowCount {
      let range = (r * columns)..<((r + 1) * columns)
      rowGradient(range, &dz)
      let m = scalars[range].max() ?? 0
      for i in range where dz[i] != 0 {
        let z = (scalars[i] - m) / temperature
        if z.isFinite { dTemperature -= dz[i] * z / temperature }
      }
    }
    return (Tensor(shape: shape, scalars: dz.map { $0 / temperature }), dTemperature)
  }
}
