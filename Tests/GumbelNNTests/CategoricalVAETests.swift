import _Differentiation
import Foundation
import XCTest
import GumbelNN
import GumbelDistributions
import GumbelEstimators
import GumbelRandom
import GumbelTensor
import _GumbelTestSupport

final class CategoricalVAETests: XCTestCase {
  /// Two kinds of 16-pixel images (top half or bottom half on, with a few flipped pixels).
  static func images(count: Int, seed: UInt64) -> Tensor<Float> {
    var rng = SplitMix64(seed: seed)
    var pixels = [Float]()
    for i in 0..<count {
      for p in 0..<16 {
        let on = (i % 2 == 0) == (p < 8)
        let flip = Double.random(in: 0..<1, using: &rng) < 0.05
        pixels.append(on != flip ? 1 : 0)
      }
    }
    return Tensor(shape: [count, 16], scalars: pixels)
  }

  static func tinyConfiguration(estimator: EstimatorKind = .stGS) -> VAETrainingConfiguration {
    var c = VAETrainingConfiguration()
    c.latentCount = 3
    c.categoryCount = 4
    c.hiddenSizes = [12, 8]
    c.batchSize = 10
    c.learningRate = 3e-2
    c.evaluationSamples = 3
    c.estimator = estimator.rawValue
    c.seed = 7
    return c
  }

  static func trainer(_ configuration: VAETrainingConfiguration = tinyConfiguration()) throws -> VAETrainer {
    let train = images(count: 40, seed: 1), test = images(count: 20, seed: 2)
    let state = try VAETrainingState(configuration: configuration, pixelCount: 16,
                                     dataFingerprint: VAETrainer.fingerprint([train, test]))
    return try VAETrainer(state: state, trainImages: train, testImages: test)
  }

  func testKLToUniform() {
    let logits = Tensor<Double>(rows: [[0, 0, 0], [1, 2, 3], [-50, 0, 50]])
    let kl = CategoricalVAE<Double>.klToUniform(logits: logits, categories: 3).scalars
    XCTAssertEqual(kl[0], 0, accuracy: 1e-15)
    let q = [1.0, 2, 3].map { exp($0) }, total = q.reduce(0, +)
    XCTAssertEqual(kl[1], q.map { $0 / total }.reduce(0) { $0 + $1 * log($1 * 3) }, accuracy: 1e-12)
    XCTAssertEqual(kl[2], log(3), accuracy: 1e-12)  // almost one-hot: KL = log K
  }

  /// With the (smooth) Gumbel-softmax estimator and a fixed key, the objective is a smooth
  /// function of every weight, so its gradient must match finite differences.
  func testNegativeELBOGradientAgainstFiniteDifferences() throws {
    let model = CategoricalVAE<Double>(pixelCount: 16, hiddenSizes: [7, 5], latentCount: 2, categoryCount: 3, key: PRNGKey(seed: 3))
    let x = Tensor(shape: [4, 16], scalars: Self.images(count: 4, seed: 3).scalars.map(Double.init))
    let estimator = try Estimator<Double>(.gs, temperature: 0.7)
    let key = PRNGKey(seed: 11)
    let g = gradient(at: model) { m in m.negativeELBO(images: x, estimator: estimator, key: key) }
    assertParameterGradient(of: { $0.negativeELBO(images: x, estimator: estimator, key: key) }, at: model, gradient: g,
                            tolerance: 1e-5)
  }

  /// Every estimator of the interface trains: a finite loss and a finite gradient.
  func testEveryEstimatorTakesAStep() throws {
    for kind in EstimatorKind.allCases {
      var trainer = try Self.trainer(Self.tinyConfiguration(estimator: kind))
      let batch = VAETrainer.rows([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], of: trainer.trainImages)
      let before = trainer.state.model.parameters
      let result = try trainer.step(on: batch)
      XCTAssertTrue(result.loss.isFinite, "\(kind)")
      XCTAssertTrue(trainer.state.model.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) }, "\(kind)")
      XCTAssertNotEqual(trainer.state.model.parameters, before, "\(kind)")
    }
  }

  func testTrainingLowersTheTestNegativeELBO() throws {
    var trainer = try Self.trainer()
    let initial = trainer.evaluate(trainer.testImages)
    var records = [EpochRecord]()
    for _ in 0..<25 { records.append(try trainer.trainEpoch()) }
    XCTAssertEqual(trainer.state.step, 25 * 4)
    XCTAssertEqual(trainer.state.stepLosses.count, 100)
    // From about 16 log 2 = 11.1 nats (pixels at 1/2) towards 16 H(0.05) + log 2 = 3.9 (the two
    // patterns coded in one latent, 5% of pixels flipped).
    XCTAssertLessThan(records.last!.testNegELBO, initial - 3, "test -ELBO \(initial) -> \(records.map(\.testNegELBO))")
    XCTAssertLessThan(records.last!.trainLoss, records.first!.trainLoss)
  }

  func testTemperatureSchedule() {
    let c = VAETrainingConfiguration()
    XCTAssertEqual(c.temperature(step: 0), 1)
    XCTAssertEqual(c.temperature(step: 1000), exp(-0.3), accuracy: 1e-15)
    XCTAssertEqual(c.temperature(step: 10_000), 0.5)
  }

  func testSameSeedSameResult() throws {
    var a = try Self.trainer(), b = try Self.trainer()
    for _ in 0..<2 {
      try a.trainEpoch()
      try b.trainEpoch()
    }
    XCTAssertEqual(a.state.model.parameters, b.state.model.parameters)
    XCTAssertEqual(a.state.stepLosses, b.state.stepLosses)
    var other = Self.tinyConfiguration()
    other.seed = 8
    var c = try Self.trainer(other)
    try c.trainEpoch()
    XCTAssertNotEqual(c.state.stepLosses, Array(a.state.stepLosses.prefix(4)))
  }

  /// Training 3 epochs straight equals training 2, saving a checkpoint, loading it, and training 1.
  func testResumingFromACheckpointEndsWhereTheUninterruptedRunEnds() throws {
    var straight = try Self.trainer()
    for _ in 0..<3 { try straight.trainEpoch() }

    var first = try Self.trainer()
    for _ in 0..<2 { try first.trainEpoch() }
    let bytes = try Checkpoint.encode(first.state)
    let restored = try Checkpoint.decode(bytes, path: "test.gvae")
    try Checkpoint.validate(restored, continues: Self.tinyConfiguration(), dataFingerprint: first.state.dataFingerprint, path: "test.gvae")
    var resumed = try VAETrainer(state: restored, trainImages: first.trainImages, testImages: first.testImages)
    try resumed.trainEpoch()

    XCTAssertEqual(resumed.state.model.parameters, straight.state.model.parameters)
    XCTAssertEqual(resumed.state.optimizer.firstMoments, straight.state.optimizer.firstMoments)
    XCTAssertEqual(resumed.state.optimizer.secondMoments, straight.state.optimizer.secondMoments)
    XCTAssertEqual(resumed.state.optimizer.step, straight.state.optimizer.step)
    XCTAssertEqual(resumed.state.stepLosses, straight.state.stepLosses)
    XCTAssertEqual(resumed.state.epochs.map(\.testNegELBO), straight.state.epochs.map(\.testNegELBO))
    XCTAssertEqual(resumed.evaluate(resumed.trainImages), straight.evaluate(straight.trainImages))
  }

  func testCheckpointFileRoundTrip() throws {
    var trainer = try Self.trainer()
    try trainer.trainEpoch()
    let path = NSTemporaryDirectory() + "gumbel-vae-\(UUID().uuidString).gvae"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.write(trainer.state, to: path)
    let state = try Checkpoint.read(from: path)
    XCTAssertEqual(state.model.parameters, trainer.state.model.parameters)
    XCTAssertEqual(state.configuration, trainer.state.configuration)
    XCTAssertEqual(state.epochs, trainer.state.epochs)
    XCTAssertEqual([state.epoch, state.step], [1, 4])
  }

  func testCorruptOrMismatchedCheckpointsAreClearErrors() throws {
    var trainer = try Self.trainer()
    try trainer.trainEpoch()
    let bytes = try Checkpoint.encode(trainer.state)
    func message(_ bytes: [UInt8]) -> String {
      do {
        _ = try Checkpoint.decode(bytes, path: "c.gvae")
        return "no error"
      } catch {
        return error.description
      }
    }
    var flipped = bytes
    flipped[bytes.count / 2] ^= 0x40
    XCTAssertEqual(message(flipped), "checkpoint c.gvae is corrupt: checksum mismatch (the file is truncated or damaged)")
    XCTAssertEqual(message(Array(bytes.prefix(bytes.count - 100))), "checkpoint c.gvae is corrupt: checksum mismatch (the file is truncated or damaged)")
    XCTAssertEqual(message(Array("hello, this is not a checkpoint at all".utf8)),
                   "checkpoint c.gvae is corrupt: not a swift-gumbel VAE checkpoint (no GVAECKPT header)")
    XCTAssertEqual(message([]), "checkpoint c.gvae is corrupt: not a swift-gumbel VAE checkpoint (no GVAECKPT header)")
    XCTAssertThrowsError(try Checkpoint.read(from: "/nonexistent/c.gvae")) { error in
      XCTAssertEqual("\(error)", "cannot use checkpoint /nonexistent/c.gvae: no such file")
    }

    var other = Self.tinyConfiguration()
    other.latentCount = 5
    other.estimator = "gs"
    XCTAssertThrowsError(try Checkpoint.validate(trainer.state, continues: other, dataFingerprint: trainer.state.dataFingerprint, path: "c.gvae")) { error in
      XCTAssertEqual("\(error)", "checkpoint c.gvae does not match this run: it was saved with latents 3 (asked 5), estimator st-gs (asked gs)")
    }
    XCTAssertThrowsError(try Checkpoint.validate(trainer.state, continues: Self.tinyConfiguration(), dataFingerprint: 1, path: "c.gvae")) { error in
      XCTAssertEqual("\(error)", "checkpoint c.gvae does not match this run: it was trained on other data")
    }
  }

  func testFiguresAreSVG() throws {
    var trainer = try Self.trainer()
    try trainer.trainEpoch()
    let chart = SVGFigure.lineChart(title: "loss <test>", xLabel: "epoch", yLabel: "nats",
                                    series: [.init(name: "train", points: [(0, 3), (1, 2), (2, .nan), (3, 1)], color: "#000")])
    XCTAssertTrue(chart.hasPrefix("<svg"))
    XCTAssertTrue(chart.contains("<polyline"))
    XCTAssertTrue(chart.contains("loss &lt;test&gt;"))
    XCTAssertTrue(chart.hasSuffix("</svg>\n"))
    let recon = trainer.state.model.reconstructions(of: VAETrainer.rows([0, 1], of: trainer.testImages))
    XCTAssertEqual(recon.shape, [2, 16])
    XCTAssertTrue(recon.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
    let grid = SVGFigure.imageGrid(title: "grid", images: [[Float](repeating: 0, count: 16), [Float](repeating: 1, count: 16)],
                                   imageRows: 4, imageColumns: 4, columns: 2, captions: ["row"])
    // A black image is four runs of one rectangle each; a white one none.
    XCTAssertEqual(grid.components(separatedBy: "fill=\"#000000\"").count - 1, 4)
    XCTAssertEqual(trainer.state.model.priorSamples(count: 3, key: PRNGKey(seed: 0)).shape, [3, 16])
  }

  /// The discrete evaluation's one-hot samples are those of the straight-through sample.
  func testGumbelMaxMatchesTheHardSample() {
    let logits = Tensor<Float>(shape: [6, 4], scalars: (0..<24).map { Float($0 % 5) * 0.3 })
    let key = PRNGKey(seed: 5)
    let hard = GumbelSoftmax(trustedLogits: logits, temperature: 1).hardSample(using: key)
    XCTAssertEqual(CategoricalVAE<Float>.gumbelMax(logits: logits, key: key), hard)
  }
}
