import _Differentiation
import XCTest
import GumbelNN
import GumbelTensor

final class OptimizerTests: XCTestCase {
  /// A layer with weights [1, 2] (a column) and bias 0, and a gradient for it.
  func layer() -> Dense<Double> { Dense(weight: Tensor(shape: [2, 1], scalars: [1, 2]), bias: Tensor([0])) }
  func gradient(_ w: [Double], _ b: Double = 0) -> Dense<Double>.TangentVector {
    .init(weight: Tensor(shape: [2, 1], scalars: w), bias: Tensor([b]))
  }

  func testSGDWithMomentumByHand() {
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(0.1), momentum: 0.9)
    sgd.update(&model, along: gradient([0.5, -1]))
    // t = g = [0.5, -1]; p = [1, 2] - 0.1 t.
    XCTAssertEqual(model.weight.scalars[0], 0.95, accuracy: 1e-15)
    XCTAssertEqual(model.weight.scalars[1], 2.1, accuracy: 1e-15)
    sgd.update(&model, along: gradient([0.5, -1]))
    // t = g + 0.9 t = [0.95, -1.9]; p = [0.95 - 0.095, 2.1 + 0.19].
    XCTAssertEqual(model.weight.scalars[0], 0.855, accuracy: 1e-15)
    XCTAssertEqual(model.weight.scalars[1], 2.29, accuracy: 1e-15)
    XCTAssertEqual(sgd.step, 2)
  }

  func testPlainSGDAndAZeroGradient() {
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(0.5))
    sgd.update(&model, along: .zero)  // scalar zero tangents are materialised
    XCTAssertEqual(model.weight.scalars, [1, 2])
    sgd.update(&model, along: gradient([1, 1], 2))
    XCTAssertEqual(model.weight.scalars, [0.5, 1.5])
    XCTAssertEqual(model.bias.scalars, [-1])
  }

  func testAdamByHand() {
    var model = layer()
    var adam = Adam<Dense<Double>>(learningRate: .constant(0.1))
    XCTAssertEqual([adam.beta1, adam.beta2, adam.epsilon], [0.9, 0.999, 1e-8])
    adam.update(&model, along: gradient([0.5, -1]))
    // First step: m_hat = g, v_hat = g^2, so p -= 0.1 g / (|g| + 1e-8).
    XCTAssertEqual(model.weight.scalars[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), accuracy: 1e-15)
    XCTAssertEqual(model.weight.scalars[1], 2 + 0.1 * 1 / (1 + 1e-8), accuracy: 1e-15)
    XCTAssertEqual(model.bias.scalars, [0])  // a zero gradient moves nothing
    adam.update(&model, along: gradient([0.25, 1]))
    // Second step, by hand: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, corrected by 1 - 0.9^2, 1 - 0.999^2.
    XCTAssertEqual(model.weight.scalars[0], 0.8067820404774624, accuracy: 1e-12)
    XCTAssertEqual(model.weight.scalars[1], 2.0947368411578946, accuracy: 1e-12)
    XCTAssertEqual(adam.firstMoments[0].scalars[0], 0.07, accuracy: 1e-15)
    XCTAssertEqual(adam.secondMoments[0].scalars[0], 0.00031225, accuracy: 1e-15)
    XCTAssertEqual(adam.step, 2)
  }

  func testSchedules() {
    XCTAssertEqual(LearningRateSchedule<Double>.constant(0.3)(1000), 0.3)
    let decay = LearningRateSchedule<Double>.exponentialDecay(initial: 1, decayRate: 0.5, transitionSteps: 2)
    XCTAssertEqual(decay(0), 1)
    XCTAssertEqual(decay(1), 0.5.squareRoot(), accuracy: 1e-15)
    XCTAssertEqual(decay(2), 0.5, accuracy: 1e-15)
    let stairs = LearningRateSchedule<Double>.exponentialDecay(initial: 2, decayRate: 0.1, transitionSteps: 10, staircase: true)
    XCTAssertEqual([stairs(0), stairs(9)], [2, 2])
    XCTAssertEqual(stairs(10), 0.2, accuracy: 1e-15)
    XCTAssertEqual(stairs(25), 0.02, accuracy: 1e-15)
    // Adam reads the schedule at the update count before the update, as Optax does.
    var model = layer()
    var adam = Adam<Dense<Double>>(learningRate: .exponentialDecay(initial: 0.1, decayRate: 0.5, transitionSteps: 1))
    adam.update(&model, along: gradient([1, 1]))
    XCTAssertEqual(model.weight.scalars[0], 1 - 0.1 / (1 + 1e-8), accuracy: 1e-15)
  }

  func testGlobalNormClipping() {
    let g = [Tensor<Double>([3]), Tensor<Double>(rows: [[4]])]
    XCTAssertEqual(globalNorm(g), 5)
    let clipped = clippedByGlobalNorm(g, maxNorm: 1)
    XCTAssertEqual(clipped[0].scalars[0], 0.6, accuracy: 1e-15)
    XCTAssertEqual(clipped[1].scalars[0], 0.8, accuracy: 1e-15)
    XCTAssertEqual(clipped[1].shape, [1, 1])
    XCTAssertEqual(clippedByGlobalNorm(g, maxNorm: 10), g)
    // Clipping inside SGD: gradient [3, 4] of norm 5 clipped to norm 1, then a step of 1.
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(1), clipNorm: 1)
    sgd.update(&model, along: gradient([3, 4]))
    XCTAssertEqual(model.weight.scalars[0], 1 - 0.6, accuracy: 1e-15)
    XCTAssertEqual(model.weight.scalars[1], 2 - 0.8, accuracy: 1e-15)
  }
}
