import _Differentiation
import GumbelTensor
import RealModule

/// The ExpConcrete log-density as one primitive with its own derivative.
///
/// For a row of logits `l` with `n` unmasked categories, `log pi = log_softmax(l)`, a
/// log-sample `x` and `t_k = log pi_k - tau x_k`,
///
///     log p(x) = log (n-1)! + (n-1) log tau + sum_k (t_k - logsumexp_j t_j)
///
/// (Maddison et al. 2017, appendix C). With `w = softmax(t)`, its derivatives are
///
///     d/dl_k  = 1 - n w_k                       (the log-softmax adds `- pi_k sum_j (1 - n w_j)`, which is 0)
///     d/dx_k  = -tau (1 - n w_k)
///     d/dtau  = (n-1)/tau - sum_k (1 - n w_k) x_k
///
/// Everything is accumulated in `Double`. In `Float`, log-samples near `-1e37` (logits
/// spread over `1e38` at a low temperature) make `tau x_k` and the partial sums of the
/// temperature derivative overflow even where the exact result is a modest number; composed
/// from element-wise operations, the derivative would be infinite there.
///
/// Masked categories (logit `-infinity`) are left out of every sum, and their `x_k` is
/// ignored. A row whose unmasked `x_k` is infinite lies outside the support: its log-density
/// is `-infinity` and its derivatives are 0. A NaN propagates.
enum ExpConcreteDensity {
  /// The per-row sums the value and the derivatives share.
  private struct Row {
    var value: Double
    /// `1 - n w_k` for each category (0 where masked).
    var slope: [Double]
    /// `log pi_k` (`-infinity` where masked).
    var logPi: [Double]
    /// The number `n` of unmasked categories.
    var unmaskedCount: Double
    var outsideSupport: Bool
  }

  /// Broadcast shape of the logits `[..., K]` and the log-samples `[..., K]`: one must be a
  /// suffix of the other.
  private static func resultRows(logitsShape: [Int], sampleShape: [Int]) -> (shape: [Int], rows: Int) {
    let longer = logitsShape.count >= sampleShape.count ? logitsShape : sampleShape
    let shorter = logitsShape.count >= sampleShape.count ? sampleShape : logitsShape
    precondition(Array(longer.suffix(shorter.count)) == shorter,
                 "log-sample shape \(sampleShape) does not broadcast against logits shape \(logitsShape)")
    return (Array(longer.dropLast()), longer.dropLast().reduce(1, *))
  }

  private static func row<Scalar: DistributionFloatingPoint>(
    logits: ArraySlice<Scalar>, sample: ArraySlice<Scalar>, temperature tau: Double
  ) -> Row {
    let l = logits.map(Double.init)
    let x = sample.map(Double.init)
    let unmasked = l.indices.filter { l[$0] != -.infinity }
    let n = Double(unmasked.count)
    var result = Row(value: 0, slope: Array(repeating: 0, count: l.count),
                     logPi: Array(repeating: -.infinity, count: l.count), unmaskedCount: n, outsideSupport: false)

    let logZ = logSumExp(unmasked.map { l[$0] })
    for k in unmasked { result.logPi[k] = l[k] - logZ }
    if unmasked.contains(where: { x[$0].isInfinite }) {
      result.value = -.infinity
      result.outsideSupport = true
      return result
    }
    let t = unmasked.map { result.logPi[$0] - tau * x[$0] }
    let normaliser = logSumExp(t)
    var sum = 0.0
    for (i, k) in unmasked.enumerated() {
      let centred = t[i] - normaliser
      sum += centred
      result.slope[k] = 1 - n * Double.exp(centred)
    }
    result.value = Double.logGamma(n) + (n - 1) * Double.log(tau) + sum
    return result
  }

  /// `log sum_k exp(a_k)`, shifted by the maximum; `-infinity` for no terms.
  private static func logSumExp(_ a: [Double]) -> Double {
    guard let m = a.max(), m.isFinite else { return a.max() ?? -.infinity }
    return m + Double.log(a.reduce(0) { $0 + Double.exp($1 - m) })
  }

  /// The log-density of each row, shape: the broadcast shape without the category axis.
  @differentiable(reverse, wrt: (logits, temperature, logSample))
  static func logDensity<Scalar: DistributionFloatingPoint>(
    logits: Tensor<Scalar>, temperature: Scalar, logSample: Tensor<Scalar>
  ) -> Tensor<Scalar> {
    valueAndRows(logits: logits, temperature: temperature, logSample: logSample).value
  }

  private static func valueAndRows<Scalar: DistributionFloatingPoint>(
    logits: Tensor<Scalar>, temperature: Scalar, logSample: Tensor<Scalar>
  ) -> (value: Tensor<Scalar>, rows: [Row]) {
    let k = logits.columnCount
    let (shape, count) = resultRows(logitsShape: logits.shape, sampleShape: logSample.shape)
    let logitRows = logits.rowCount, sampleRows = logSample.rowCount
    let rows = (0..<count).map { r in
      let lr = r % logitRows, xr = r % sampleRows
      return row(logits: logits.scalars[(lr * k)..<((lr + 1) * k)],
                 sample: logSample.scalars[(xr * k)..<((xr + 1) * k)],
                 temperature: Double(temperature))
    }
    return (Tensor(shape: shape, scalars: rows.map { Scalar($0.value) }), rows)
  }

  @derivative(of: logDensity, wrt: (logits, temperature, logSample))
  static func _vjpLogDensity<Scalar: DistributionFloatingPoint>(
    logits: Tensor<Scalar>, temperature: Scalar, logSample: Tensor<Scalar>
  ) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Scalar, Tensor<Scalar>)) {
    let (value, rows) = valueAndRows(logits: logits, temperature: temperature, logSample: logSample)
    return (value, { upstream in
      let v = upstream.unbroadcast(to: value.shape)
      let k = logits.columnCount
      let tau = Double(temperature)
      var dLogits = [Double](repeating: 0, count: logits.scalarCount)
      var dSample = [Double](repeating: 0, count: logSample.scalarCount)
      var dTemperature = 0.0
      for (r, row) in rows.enumerated() where !row.outsideSupport {
        let vr = Double(v.scalars[r])
        guard vr != 0 else { continue }
        let lr = (r % logits.rowCount) * k, xr = (r % logSample.rowCount) * k
        let slopeSum = row.slope.reduce(0, +)
        var temperatureTerm = (row.unmaskedCount - 1) / tau
        for j in 0..<k where row.logPi[j] != -.infinity {
          dLogits[lr + j] += vr * (row.slope[j] - Double.exp(row.logPi[j]) * slopeSum)
          dSample[xr + j] -= vr * tau * row.slope[j]
          temperatureTerm -= row.slope[j] * Double(logSample.scalars[xr + j])
        }
        dTemperature += vr * temperatureTerm
      }
      return (Tensor(shape: logits.shape, scalars: dLogits.map { Scalar($0) }),
              Scalar(dTemperature),
              Tensor(shape: logSample.shape, scalars: dSample.map { Scalar($0) }))
    })
  }
}
