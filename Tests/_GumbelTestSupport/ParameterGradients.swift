import GumbelTensor

/// Checks a gradient with respect to a model's parameters against central differences along
/// random directions, `<grad, d> ~ (f(p + h d) - f(p - h d)) / 2h`, and returns the directions
/// where they disagree by more than `tolerance * max(1, |numeric|)`: empty when the gradient is
/// right. Framework-neutral, so that XCTest and Swift Testing suites share it.
public func parameterGradientMismatches(
  of f: ([Tensor<Double>]) -> Double, at parameters: [Tensor<Double>], gradient: [Tensor<Double>],
  trials: Int = 3, step: Double = 1e-5, tolerance: Double = 1e-5
) -> [(analytic: Double, numeric: Double)] {
  var rng = SplitMix64(seed: 5)
  let gradients = zip(gradient, parameters).map { $0.unbroadcast(to: $1.shape) }
  var mismatches: [(analytic: Double, numeric: Double)] = []
  for _ in 0..<trials {
    let directions = parameters.map { randomTensor(shape: $0.shape, using: &rng) }
    let plus = zip(parameters, directions).map { $0 + $1 * step }
    let minus = zip(parameters, directions).map { $0 - $1 * step }
    let numeric = (f(plus) - f(minus)) / (2 * step)
    let analytic = zip(gradients, directions).reduce(0) { $0 + dot($1.0, $1.1) }
    if !(abs(analytic - numeric) <= tolerance * max(1, abs(numeric))) { mismatches.append((analytic, numeric)) }
  }
  return mismatches
}
