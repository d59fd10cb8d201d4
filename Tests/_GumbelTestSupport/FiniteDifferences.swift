import _Differentiation
import GumbelTensor

/// Checks a pullback against central finite differences along random directions, with a
/// random (not all-ones) upstream tangent.
///
/// For an upstream tangent `u` and a direction `d`, the pullback must satisfy
/// `<pullback(u), d> = <u, J d>`, and `J d ~ (f(x + h d) - f(x - h d)) / 2h`.
/// Returns the two sides for each of `trials` pairs `(u, d)`.
public func pullbackAgreement(
  at x: Tensor<Double>, trials: Int = 3, step: Double = 1e-6, seed: UInt64 = 1,
  of f: @differentiable(reverse) (Tensor<Double>) -> Tensor<Double>
) -> [(analytic: Double, numeric: Double)] {
  var rng = SplitMix64(seed: seed)
  let (value, pullback) = valueWithPullback(at: x, of: f)
  return (0..<trials).map { _ in
    let u = randomTensor(shape: value.shape, using: &rng)
    let d = randomTensor(shape: x.shape, using: &rng)
    let analytic = dot(pullback(u).unbroadcastForTests(to: x.shape), d)
    let numeric = dot(u, (f(x + d * step) - f(x - d * step)) / Tensor(2 * step))
    return (analytic, numeric)
  }
}

/// The same check for a function of a tensor and a scalar (such as a temperature).
public func pullbackAgreement(
  at x: Tensor<Double>, _ t: Double, trials: Int = 3, step: Double = 1e-6, seed: UInt64 = 1,
  of f: @differentiable(reverse) (Tensor<Double>, Double) -> Tensor<Double>
) -> [(analytic: Double, numeric: Double)] {
  var rng = SplitMix64(seed: seed)
  let (value, pullback) = valueWithPullback(at: x, t, of: f)
  return (0..<trials).map { _ in
    let u = randomTensor(shape: value.shape, using: &rng)
    let d = randomTensor(shape: x.shape, using: &rng)
    let dt = Double.random(in: -1...1, using: &rng)
    let (gx, gt) = pullback(u)
    let analytic = dot(gx.unbroadcastForTests(to: x.shape), d) + gt * dt
    let numeric = dot(u, (f(x + d * step, t + dt * step) - f(x - d * step, t - dt * step)) / Tensor(2 * step))
    return (analytic, numeric)
  }
}

/// A tensor with elements uniform in [-1, 1].
public func randomTensor(shape: [Int], in range: ClosedRange<Double> = -1...1, using rng: inout SplitMix64) -> Tensor<Double> {
  Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Double.random(in: range, using: &rng) })
}

/// The sum of element-wise products.
public func dot(_ a: Tensor<Double>, _ b: Tensor<Double>) -> Double {
  precondition(a.scalarCount == b.scalarCount)
  return zip(a.scalars, b.scalars).reduce(0) { $0 + $1.0 * $1.1 }
}

/// Whether `a` and `b` agree to a relative tolerance, with an absolute floor.
public func isClose<T: BinaryFloatingPoint>(_ a: T, _ b: T, relative: T = 1e-5, absolute: T = 1e-9) -> Bool {
  abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

extension Tensor where Scalar == Double {
  /// A zero tangent (shape `[]`) materialised to `shape`; other tangents unchanged.
  func unbroadcastForTests(to shape: [Int]) -> Tensor {
    self.shape == shape ? self : Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { scalars[$0 % scalars.count] })
  }
}
