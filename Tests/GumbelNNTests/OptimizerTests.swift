import _Differentiation
import Foundation
import Testing
import GumbelNN
import GumbelTensor
import _GumbelTestSupport

@Suite struct OptimizerTests {
  /// A layer with weights [1, 2] (a column) and bias 0, and a gradient for it.
  func layer() -> Dense<Double> { Dense(weight: Tensor(shape: [2, 1], scalars: [1, 2]), bias: Tensor([0])) }
  func gradient(_ w: [Double], _ b: Double = 0) -> Dense<Double>.TangentVector {
    .init(weight: Tensor(shape: [2, 1], scalars: w), bias: Tensor([b]))
  }

  @Test func sGDWithMomentumByHand() {
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(0.1), momentum: 0.9)
    sgd.update(&model, along: gradient([0.5, -1]))
    // t = g = [0.5, -1]; p = [1, 2] - 0.1 t.
    #expect(abs(model.weight.scalars[0] - (0.95)) <= 1e-15)
    #expect(abs(model.weight.scalars[1] - (2.1)) <= 1e-15)
    sgd.update(&model, along: gradient([0.5, -1]))
    // t = g + 0.9 t = [0.95, -1.9]; p = [0.95 - 0.095, 2.1 + 0.19].
    #expect(abs(model.weight.scalars[0] - (0.855)) <= 1e-15)
    #expect(abs(model.weight.scalars[1] - (2.29)) <= 1e-15)
    #expect(sgd.step == 2)
  }

  @Test func plainSGDAndAZeroGradient() {
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(0.5))
    sgd.update(&model, along: .zero)  // scalar zero tangents are materialised
    #expect(model.weight.scalars == [1, 2])
    sgd.update(&model, along: gradient([1, 1], 2))
    #expect(model.weight.scalars == [0.5, 1.5])
    #expect(model.bias.scalars == [-1])
  }

  @Test func adamByHand() {
    var model = layer()
    var adam = Adam<Dense<Double>>(learningRate: .constant(0.1))
    #expect(adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-8)
    adam.update(&model, along: gradient([0.5, -1]))
    // First step: m_hat = g, v_hat = g^2, so p -= 0.1 g / (|g| + 1e-8).
    #expect(abs(model.weight.scalars[0] - (1 - 0.1 * 0.5 / (0.5 + 1e-8))) <= 1e-15)
    #expect(abs(model.weight.scalars[1] - (2 + 0.1 * 1 / (1 + 1e-8))) <= 1e-15)
    #expect(model.bias.scalars == [0])  // a zero gradient moves nothing
    adam.update(&model, along: gradient([0.25, 1]))
    // Second step, by hand: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, corrected by 1 - 0.9^2, 1 - 0.999^2.
    #expect(abs(model.weight.scalars[0] - (0.8067820404774624)) <= 1e-12)
    #expect(abs(model.weight.scalars[1] - (2.0947368411578946)) <= 1e-12)
    #expect(abs(adam.firstMoments[0].scalars[0] - (0.07)) <= 1e-15)
    #expect(abs(adam.secondMoments[0].scalars[0] - (0.00031225)) <= 1e-15)
    #expect(adam.step == 2)
  }

  @Test func schedules() {
    #expect(LearningRateSchedule<Double>.constant(0.3)(1000) == 0.3)
    let decay = LearningRateSchedule<Double>.exponentialDecay(initial: 1, decayRate: 0.5, transitionSteps: 2)
    #expect(decay(0) == 1)
    #expect(abs(decay(1) - (0.5.squareRoot())) <= 1e-15)
    #expect(abs(decay(2) - (0.5)) <= 1e-15)
    let stairs = LearningRateSchedule<Double>.exponentialDecay(initial: 2, decayRate: 0.1, transitionSteps: 10, staircase: true)
    #expect(stairs(0) == 2 && stairs(9) == 2)
    #expect(abs(stairs(10) - (0.2)) <= 1e-15)
    #expect(abs(stairs(25) - (0.02)) <= 1e-15)
    // Adam reads the schedule at the update count before the update, as Optax does.
    var model = layer()
    var adam = Adam<Dense<Double>>(learningRate: .exponentialDecay(initial: 0.1, decayRate: 0.5, transitionSteps: 1))
    adam.update(&model, along: gradient([1, 1]))
    #expect(abs(model.weight.scalars[0] - (1 - 0.1 / (1 + 1e-8))) <= 1e-15)
  }

  @Test func globalNormClipping() {
    let g = [Tensor<Double>([3]), Tensor<Double>(rows: [[4]])]
    #expect(globalNorm(g) == 5)
    let clipped = clippedByGlobalNorm(g, maxNorm: 1)
    #expect(abs(clipped[0].scalars[0] - (0.6)) <= 1e-15)
    #expect(abs(clipped[1].scalars[0] - (0.8)) <= 1e-15)
    #expect(clipped[1].shape == [1, 1])
    #expect(clippedByGlobalNorm(g, maxNorm: 10) == g)
    // Clipping inside SGD: gradient [3, 4] of norm 5 clipped to norm 1, then a step of 1.
    var model = layer()
    var sgd = SGD<Dense<Double>>(learningRate: .constant(1), clipNorm: 1)
    sgd.update(&model, along: gradient([3, 4]))
    #expect(abs(model.weight.scalars[0] - (1 - 0.6)) <= 1e-15)
    #expect(abs(model.weight.scalars[1] - (2 - 0.8)) <= 1e-15)
  }

  /// Adam on a `Float` layer of 37 x 19 weights (groups of eight lanes and a partial one), over
  /// five steps with clipping and a decaying rate: every parameter and moment equals the
  /// formula evaluated element by element in `Float`, bit for bit, and the parameters are
  /// changed in place (the same buffer before and after an update).
  @Test func adamOnFloatsFollowsTheFormulaInPlace() {
    var generator = SplitMix64(seed: 9)
    func random(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -1...1, using: &generator) } }
    var model = Dense<Float>(weight: Tensor(shape: [37, 19], scalars: random(37 * 19)), bias: Tensor(random(19)))
    let schedule = LearningRateSchedule<Float>.exponentialDecay(initial: 0.01, decayRate: 0.5, transitionSteps: 2)
    var adam = Adam<Dense<Float>>(learningRate: schedule, clipNorm: 5)
    var expected = [model.weight.scalars, model.bias.scalars]
    var m = expected.map { [Float](repeating: 0, count: $0.count) }, v = m
    for step in 1...5 {
      let g = Dense<Float>.TangentVector(weight: Tensor(shape: [37, 19], scalars: random(37 * 19)), bias: Tensor(random(19)))
      let clipped = clippedByGlobalNorm(g.parameters, maxNorm: 5).map(\.scalars)
      let rate = schedule(step - 1)
      let (c1, c2) = (1 - Float.pow(0.9, step), 1 - Float.pow(0.999, step))
      for t in 0..<2 {
        for j in expected[t].indices {
          m[t][j] = 0.9 * m[t][j] + (1 - 0.9) * clipped[t][j]
          v[t][j] = 0.999 * v[t][j] + (1 - 0.999) * (clipped[t][j] * clipped[t][j])
          expected[t][j] -= rate * ((m[t][j] / c1) / ((v[t][j] / c2).squareRoot() + 1e-8))
        }
      }
      let before = model.weight.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      adam.update(&model, along: g)
      let after = model.weight.scalars.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      #expect(model.weight.scalars == expected[0] && model.bias.scalars == expected[1], "step \(step)")
      #expect(adam.firstMoments.map(\.scalars) == m && adam.secondMoments.map(\.scalars) == v, "step \(step)")
      #expect(before == after, "step \(step): the weights were copied")
    }
    #expect(globalNorm([Tensor(shape: [37, 19], scalars: random(37 * 19))]) > 5)  // so clipping was active
  }
}
