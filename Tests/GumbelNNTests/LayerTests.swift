import _Differentiation
import Foundation
import Testing
import GumbelNN
import GumbelRandom
import GumbelTensor
import _GumbelTestSupport

@Suite struct LayerTests {
  @Test func denseComputesAnAffineMap() {
    let dense = Dense<Double>(weight: Tensor(rows: [[1, 2], [3, 4], [5, 6]]), bias: Tensor([0.5, -1]))
    #expect(dense(Tensor(rows: [[1, 0, 1], [0, 1, 0]])) == Tensor(rows: [[6.5, 7], [3.5, 3]]))
    #expect(dense.inputSize == 3 && dense.outputSize == 2)
  }

  @Test func haikuInitializerIsATruncatedNormalOfStandardDeviationOneOverRootFanIn() {
    let dense = Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 1))
    let w = dense.weight.scalars.map(Double.init)
    let bound = 2 / 20.0  // two standard deviations of 1/sqrt(400)
    #expect(w.allSatisfy { abs($0) <= bound + 1e-7 })
    let mean = w.reduce(0, +) / Double(w.count)
    let sd = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
    // A standard normal truncated to [-2, 2] has standard deviation 0.87962566.
    #expect(abs(mean - (0)) <= 0.002)
    #expect(abs(sd - (0.87962566 / 20)) <= 0.0005)
    #expect(dense.bias == Tensor(repeating: 0, shape: [100]))
    // The same key gives the same weights; another key others.
    #expect(Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 1)).weight == dense.weight)
    #expect(Dense<Float>(inputSize: 400, outputSize: 100, key: PRNGKey(seed: 2)).weight != dense.weight)
  }

  @Test func glorotAndHeInitializers() {
    let glorot = Dense<Double>(inputSize: 30, outputSize: 20, key: PRNGKey(seed: 3), initializer: .glorotUniform)
    let limit = (6.0 / 50).squareRoot()
    #expect(glorot.weight.scalars.allSatisfy { abs($0) <= limit })
    #expect(glorot.weight.scalars.map(abs).max()! > 0.9 * limit)
    let he = Dense<Double>(inputSize: 50, outputSize: 20, key: PRNGKey(seed: 3), initializer: .heTruncatedNormal)
    #expect(he.weight.scalars.allSatisfy { abs($0) <= 2 * (2.0 / 50).squareRoot() + 1e-12 })
  }

  @Test func inverseErrorFunction() {
    for y in [-0.999, -0.9, -0.5, -0.1, 0, 0.3, 0.7, 0.95, 0.99999] {
      #expect(abs(erf(WeightInitializer<Double>.inverseErf(y)) - (y)) <= 1e-14)
    }
  }

  @Test func activationValues() {
    let x = Tensor<Double>([-800, -2, 0, 3, 800])
    #expect(x.relu() == Tensor([0, 0, 0, 3, 800]))
    #expect(x.sigmoid().scalars[0] == 0)
    #expect(x.sigmoid().scalars[2] == 0.5)
    #expect(abs(x.sigmoid().scalars[3] - (1 / (1 + exp(-3)))) <= 1e-15)
    #expect(x.softplus().scalars[4] == 800)
    #expect(abs(x.softplus().scalars[1] - (log(1 + exp(-2)))) <= 1e-15)
    #expect(x.logSigmoid().scalars[0] == -800)
    #expect(abs(x.logSigmoid().scalars[3] - (log(1 / (1 + exp(-3))))) <= 1e-15)
    let labels = Tensor<Double>([1, 0, 1, 0, 1])
    let expected = zip(x.scalars, labels.scalars).map { l, y in y == 1 ? -Tensor([l]).logSigmoid().scalars[0] : -Tensor([-l]).logSigmoid().scalars[0] }
    for (a, b) in zip(x.sigmoidCrossEntropy(labels: labels).scalars, expected) { #expect(abs(a - (b)) <= 1e-12) }
  }

  @Test func activationPullbacks() {
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
        #expect(abs(analytic - (numeric)) <= 1e-6 * max(1, abs(numeric)), "\(name)")
      }
    }
    let b = randomTensor(shape: [3], using: &rng), w = randomTensor(shape: [5, 3], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in affine(x, w, b) }) {
      #expect(abs(analytic - (numeric)) <= 1e-6 * max(1, abs(numeric)))
    }
    #expect(Tensor<Double>([1, 2]).repeatedAlongNewAxis(count: 2) == Tensor(rows: [[1, 1], [2, 2]]))
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

  @Test func sequentialGradientsAgainstFiniteDifferences() {
    var rng = SplitMix64(seed: 9)
    let model = mlp(seed: 4)
    let x = randomTensor(shape: [5, 4], using: &rng)
    let weights = randomTensor(shape: [5, 3], using: &rng)
    for (analytic, numeric) in pullbackAgreement(at: x, of: { x in model(x) }) {
      #expect(abs(analytic - (numeric)) <= 1e-6 * max(1, abs(numeric)))
    }
    let g = gradient(at: model) { m in (m(x) * weights).sum() }
    let mismatches = parameterGradientMismatches(of: { parameters in
      var m = model
      m.parameters = parameters
      return (m(x) * weights).sum()
    }, at: model.parameters, gradient: g.parameters)
    #expect(mismatches.isEmpty, "\(mismatches)")
    // With respect to the model alone (the input a constant), the same gradient.
    let (_, pullback) = valueWithPullback(at: model, x) { m, x in (m(x) * weights).sum() }
    #expect(pullback(1).0.parameters == g.parameters)
  }

  @Test func parametersRoundTripInOrder() {
    var model = mlp(seed: 1)
    let parameters = model.parameters
    #expect(parameters.map(\.shape) == [[4, 6], [6], [6, 3], [3]])
    model.parameters = parameters.map { $0 * 2 }
    #expect(model.first.first.first.weight == parameters[0] * 2)
    #expect(model.first.second.bias == parameters[3] * 2)
    #expect(Sigmoid<Double>()(Tensor([0])) == Tensor([0.5]))
    #expect(LogSigmoid<Double>().parameters.count == 0)
  }
}
