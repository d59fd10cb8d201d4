import _Differentiation
import XCTest
import GumbelNN
import GumbelRandom
import GumbelTensor
import _GumbelTestSupport

/// Checks a gradient with respect to a model's parameters against central differences along
/// random directions: `<grad, d> ~ (f(p + h d) - f(p - h d)) / 2h`.
func assertParameterGradient<Model: TrainableModel>(
  of f: @escaping (Model) -> Double, at model: Model, gradient: Model.TangentVector,
  trials: Int = 3, step: Double = 1e-5, tolerance: Double = 1e-5, file: StaticString = #filePath, line: UInt = #line
) where Model.Scalar == Double {
  var rng = SplitMix64(seed: 5)
  let parameters = model.parameters
  let gradients = zip(gradient.parameters, parameters).map { $0.unbroadcast(to: $1.shape) }
  for _ in 0..<trials {
    let directions = parameters.map { randomTensor(shape: $0.shape, using: &rng) }
    var plus = model, minus = model
    plus.parameters = zip(parameters, directions).map { $0 + $1 * step }
    minus.parameters = zip(parameters, directions).map { $0 - $1 * step }
    let numeric = (f(plus) - f(minus)) / (2 * step)
    let analytic = zip(gradients, directions).reduce(0) { $0 + dot($1.0, $1.1) }
    XCTAssertEqual(analytic, numeric, accuracy: tolerance * max(1, abs(numeric)), file: file, line: line)
  }
}

final class LayerTests: XCTestCase {
  func testDenseComputesAnAffineMap() {
    let dense = Dense<Double>(weight: Tensor(rows: [[1, 2], [3, 4], [5, 6]]), bias: Tensor([0.5, -1]))
    XCTAssertEqual(dense(Tensor(rows: [[1, 0, 1], [0, 1, 0]])), Tensor(rows: [[6.5, 7], [3.5, 3]]))
    XCTAssertEqual([dense.inputSize, dense.outputSize], [3, 2])
  }

  func testHaikuInitializerIsATruncatedNormalOfStandardDeviationOneOverRootFanIn() {
    let dense = Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 1))
    let w = dense.weight.scalars.map(Double.init)
    let bound = 2 / 20.0  // two standard deviations of 1/sqrt(400)
    XCTAssertTrue(w.allSatisfy { abs($0) <= bound + 1e-7 })
    let mean = w.reduce(0, +) / Double(w.count)
    let sd = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
    // A standard normal truncated to [-2, 2] has standard deviation 0.87962566.
    XCTAssertEqual(mean, 0, accuracy: 0.002)
    XCTAssertEqual(sd, 0.87962566 / 20, accuracy: 0.0005)
    XCTAssertEqual(dense.bias, Tensor(repeating: 0, shape: [100]))
    // The same key gives the same weights; another key others.
    XCTAssertEqual(Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 1)).weight, dense.weight)
    XCTAssertNotEqual(Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 2)).weight, dense.weight)
  }

  func testGlorotAndHeInitializers() {
    let glorot = Dense<Double>(inputSize: 30, outputSize: 20, key: PRNGKey(seed: 3), initializer: .glorotUniform)
    let limit = (6.0 / 50).squareRoot()
    XCTAssertTrue(glorot.weight.scalars.allSatisfy { abs($0) <= limit })
    XCTAssertGreaterThan(glorot.weight.scalars.map(abs).max()!, 0.9 * limit)
    let he = Dense<Double>(inputSize: 50, outputSize: 20, key: PRNGKey(seed: 3), initializer: .heTruncatedNormal)
    XCTAssertTrue(he.weight.scalars.allSatisfy { abs($0) <= 2 * (2.0 / 50).squareRoot() + 1e-12 })
  }

  func testInverseErrorFunction() {
    for y in [-0.999, -0.9, -0.5, -0.1, 0, 0.3, 0.7, 0.95, 0.99999] {
      XCTAssertEqual(erf(WeightInitializer<Double>.inverseErf(y)), y, accuracy: 1e-14)
    }
  }

  func testActivationValues() {
    let x = Tensor<Double>([-800, -2, 0, 3, 800])
    XCTAssertEqual(x.relu(), Tensor([0, 0, 0, 3, 800]))
    XCTAssertEqual(x.sigmoid().scalars[0], 0)
    XCTAssertEqual(x.sigmoid().scalars[2], 0.5)
    XCTAssertEqual(x.sigmoid().scalars[3], 1 / (1 + exp(-3)), accuracy: 1e-15)
    XCTAssertEqual(x.softplus().scalars[4], 800)
    XCTAssertEqual(x.softplus().scalars[1], log(1 + exp(-2)), accuracy: 1e-15)
    XCTAssertEqual(x.logSigmoid().scalars[0], -800)
    XCTAssertEqual(x.logSigmoid().scalars[3], log(1 / (1 + exp(-3))), accuracy: 1e-15)
    let labels = Tensor<Double>([1, 0, 1, 0, 1])
    let expected = zip(x.scalars, labels.scalars).map { l, y in y == 1 ? -Tensor([l]).logSigmoid().scalars[0] : -Tensor([-l]).logSigmoid().scalars[0] }
    for (a, b) in zip(x.sigmoidCrossEntropy(labels: labels).scalars, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
  }

  func testActivationPullbacks() {
    var rng = SplitMix64(seed: 2)
    let x = randomTensor(shape: [4, 5], in: -3...3, using: &rng)
    let labels = Tensor(shape: [4, 5], scalars: (0..<20).map { Double($0 % 2) })
    let functions: [(String, @differentiable(reverse) (Tensor<Double>) -> Tensor<Double>)] = [
      ("relu", { $0.relu() }), ("sigmoid", { $0.sigmoid() }), ("softplus", { $0.softplus() }),
      ("logSigmoid", { $0.logSigmoid() }), ("crossEntropy", { $0.sigmoidCrossEntropy(labels: labels) }),
      ("repeat", { $0.repeatedAlongNewAxis(count: 3) }),
    ]
    for (name, f) in functions {
      for (analytic, numeric) in pullbackAgreement(at: x, of: f) {
        XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)), name)
      }
    }
    let b = randomTensor(shape: [3], using: &rng), w = randomTensor(shape: [5, 3], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in affine(x, w, b) }) {
      XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)))
    }
    XCTAssertEqual(Tensor<Double>([1, 2]).repeatedAlongNewAxis(count: 2), Tensor(rows: [[1, 1], [2, 2]]))
  }

  func mlp(seed: Int) -> Sequential<Sequential<Sequential<Dense<Double>, ReLU<Double>>, Dense<Double>>, Softplus<Double>> {
    var keys = PRNGSequence(seed: seed)
    return Sequential {
      Dense<Double>(inputSize: 4, outputSize: 6, key: keys.nextKey())
      ReLU<Double>()
      Dense<Double>(inputSize: 6, outputSize: 3, key: keys.nextKey())
      Softplus<Double>()
    }
  }

  func testSequentialGradientsAgainstFiniteDifferences() {
    var rng = SplitMix64(seed: 9)
    let model = mlp(seed: 4)
    let x = randomTensor(shape: [5, 4], using: &rng)
    let weights = randomTensor(shape: [5, 3], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in model(x) }) {
      XCTAssertEqual(analytic, numeric, accuracy: 1e-6 * max(1, abs(numeric)))
    }
    let f = { (m: Sequential<Sequential<Sequential<Dense<Double>, ReLU<Double>>, Dense<Double>>, Softplus<Double>>) -> Double in
      (m(x) * weights).sum()
    }
    let g = gradient(at: model) { m in (m(x) * weights).sum() }
    assertParameterGradient(of: f, at: model, gradient: g)
    // With respect to the model alone (the input a constant), the same gradient.
    let (_, pullback) = valueWithPullback(at: model, x) { m, x in (m(x) * weights).sum() }
    XCTAssertEqual(pullback(1).0.parameters, g.parameters)
  }

  func testParametersRoundTripInOrder() {
    var model = mlp(seed: 1)
    let parameters = model.parameters
    XCTAssertEqual(parameters.map(\.shape), [[4, 6], [6], [6, 3], [3]])
    model.parameters = parameters.map { $0 * 2 }
    XCTAssertEqual(model.first.first.first.weight, parameters[0] * 2)
    XCTAssertEqual(model.first.second.bias, parameters[3] * 2)
    XCTAssertEqual(Sigmoid<Double>()(Tensor([0])), Tensor([0.5]))
    XCTAssertEqual(LogSigmoid<Double>().parameters.count, 0)
  }
}
