import Foundation
import GumbelEstimators
import GumbelExperiments
import GumbelRandom
import GumbelTensor
import Testing

/// Checkpoints: a resumed run ends where the uninterrupted one ends, the estimator's state
/// included; damaged, foreign and old files.
@Suite struct CheckpointTests {
  /// Training 3 epochs straight equals training 2, saving a checkpoint, loading it, and training 1.
  @Test(arguments: [(EstimatorKind.stGS, nil, false), (.reinforce, 0.9, false), (.gs, nil, true)] as [(EstimatorKind, Double?, Bool)])
  func resumingEndsWhereTheUninterruptedRunEnds(kind: EstimatorKind, baselineDecay: Double?, learnsPrior: Bool) throws {
    var configuration = VAETestData.configuration(estimator: kind, baselineDecay: baselineDecay)
    configuration.learnsPrior = learnsPrior
    configuration.epochBoundSamples = learnsPrior ? 5 : 0
    var straight = try VAETestData.trainer(configuration)
    for _ in 0..<3 { try straight.trainEpoch() }

    var first = try VAETestData.trainer(configuration)
    for _ in 0..<2 { try first.trainEpoch() }
    let bytes = try Checkpoint.encode(first.state)
    let restored = try Checkpoint.decode(bytes, path: "test.gvae")
    try Checkpoint.validate(restored, continues: configuration, dataFingerprint: first.state.dataFingerprint, path: "test.gvae")
    #expect(restored.estimator.movingAverage == first.state.estimator.movingAverage)
    var resumed = try VAETrainer(state: restored, trainImages: first.trainImages, testImages: first.testImages)
    try resumed.trainEpoch()

    #expect(resumed.state.model.parameters == straight.state.model.parameters)
    #expect(resumed.state.optimizer.firstMoments == straight.state.optimizer.firstMoments)
    #expect(resumed.state.optimizer.secondMoments == straight.state.optimizer.secondMoments)
    #expect(resumed.state.optimizer.step == straight.state.optimizer.step)
    #expect(resumed.state.stepLosses == straight.state.stepLosses)
    #expect(resumed.state.estimator.movingAverage == straight.state.estimator.movingAverage)
    #expect(resumed.state.epochs.map(\.testNegELBO) == straight.state.epochs.map(\.testNegELBO))
    #expect(resumed.state.epochs.map(\.testNLLBound) == straight.state.epochs.map(\.testNLLBound))
    #expect(resumed.state.epochs.allSatisfy { ($0.testNLLBound != nil) == (configuration.epochBoundSamples > 0) })
    // A learned prior moved away from uniform; a uniform one stayed at 0.
    #expect(resumed.state.model.priorLogits.scalars.contains { $0 != 0 } == learnsPrior)
    #expect(resumed.evaluate(resumed.trainImages) == straight.evaluate(straight.trainImages))
  }

  /// REINFORCE's moving-average baseline advances past every image's loss of every step,
  /// `b <- 0.9 b + 0.1 f`, starting from where the previous step left it (not from 0).
  @Test func theBaselineIsCarriedAcrossSteps() throws {
    var trainer = try VAETestData.trainer(VAETestData.configuration(estimator: .reinforce, baselineDecay: 0.9))
    var expected = 0.0
    for s in 0..<3 {
      let batch = VAETrainer.rows(Array((s * 10)..<((s + 1) * 10))[...], of: trainer.trainImages)
      let key = VAETrainer.keys(seed: 7).sampling.fold(in: UInt32(s))
      // Each image's reconstruction loss at its Gumbel-max sample, once per image.
      for loss in Self.reconstructionLosses(trainer.state.model, images: batch, key: key) {
        expected = 0.9 * expected + 0.1 * loss
      }
      _ = try trainer.step(on: batch)
      let carried = Double(trainer.state.estimator.movingAverage)
      #expect(abs(carried - expected) <= 1e-4 * abs(expected), "step \(s): \(carried) vs \(expected)")
    }
    #expect(expected > 1)
  }

  /// Without a baseline the estimator has no state.
  @Test func noBaselineNoState() throws {
    var trainer = try VAETestData.trainer(VAETestData.configuration(estimator: .reinforce))
    try trainer.trainEpoch()
    #expect(trainer.state.estimator.movingAverage == 0)
    #expect(!trainer.state.estimator.observesLosses)
  }

  /// `sum_p max(l, 0) - l x + log(1 + exp(-|l|))` per image, with `l` the decoder's logits at
  /// the one-hot latents `argmax(logits + g)`.
  static func reconstructionLosses(_ model: DiscreteVAE<Float>, images: Tensor<Float>, key: PRNGKey) -> [Double] {
    let logits = model.encode(images)
    let noise: [Float] = key.gumbel(count: logits.scalarCount)
    let k = logits.columnCount
    var oneHot = [Float](repeating: 0, count: logits.scalarCount)
    for r in 0..<logits.rowCount {
      let row = (r * k)..<((r + 1) * k)
      let best = row.max { logits.scalars[$0] + noise[$0] < logits.scalars[$1] + noise[$1] }!
      oneHot[best] = 1
    }
    let decoded = model.decode(Tensor(shape: logits.shape, scalars: oneHot)).scalars.map(Double.init)
    let pixels = images.shape[1]
    return (0..<images.shape[0]).map { i in
      (0..<pixels).reduce(0.0) { total, p in
        let l = decoded[i * pixels + p], x = Double(images.scalars[i * pixels + p])
        return total + max(l, 0) - l * x + log(1 + exp(-abs(l)))
      }
    }
  }

  @Test func fileRoundTrip() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    let path = NSTemporaryDirectory() + "gumbel-vae-\(UUID().uuidString).gvae"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Checkpoint.write(trainer.state, to: path)
    let state = try Checkpoint.read(from: path)
    #expect(state.model.parameters == trainer.state.model.parameters)
    #expect(state.configuration == trainer.state.configuration)
    #expect(state.epochs == trainer.state.epochs)
    #expect(state.epoch == 1 && state.step == 4)
    #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))[8..<12]) == [4, 0, 0, 0])
  }

  /// A version 1 file (no estimator state in its header, no settings of versions 3 and 4, no
  /// prior logits among the tensors) is read, with the moving average at 0 and a uniform prior;
  /// an unknown version is refused in one line.
  @Test func versionOneFilesAreRead() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    let bytes = try Checkpoint.encode(trainer.state)
    var json = Self.parts(of: bytes).json
    let field = try #require(json.range(of: #""baselineMovingAverage":[0-9]+,"#, options: .regularExpression))
    json.removeSubrange(field)
    // Nor the settings that came with versions 3 and 4.
    for key in ["initialTemperature", "latentType", "learningRateDecay", "learningRateDecaySteps", "temperatureInterval",
                "learnsPrior", "epochBoundSamples"] {
      let setting = try #require(json.range(of: #","\#(key)":("[a-z]+"|[0-9.e+-]+|false)"#, options: .regularExpression), "\(key)")
      json.removeSubrange(setting)
    }
    // The 12 parameter tensors of the encoder and the decoder, and their moments: no prior logits.
    json = json.replacingOccurrences(of: #""parameterTensors":13"#, with: #""parameterTensors":12"#)
      .replacingOccurrences(of: #""momentTensors":26"#, with: #""momentTensors":24"#)
    #expect(json.contains(#""estimator":"st-gs""#) && !json.contains("latentType") && json.contains(#""momentTensors":24"#))
    let optimizer = trainer.state.optimizer
    let withoutPrior = Array(trainer.state.model.parameters.prefix(12) + optimizer.firstMoments.prefix(12) + optimizer.secondMoments.prefix(12))
    let old = Self.file(Array(bytes[..<8]) + [1, 0, 0, 0], json: json, tensors: Self.tensorBytes(withoutPrior))
    let state = try Checkpoint.decode(old, path: "old.gvae")
    #expect(state.model.parameters == trainer.state.model.parameters)
    #expect(state.model.priorLogits == Tensor(repeating: 0, shape: [3, 4]))
    #expect(state.optimizer.firstMoments == optimizer.firstMoments && state.optimizer.secondMoments == optimizer.secondMoments)
    #expect(state.estimator.movingAverage == 0)
    #expect(state.configuration == trainer.state.configuration)

    let future = Self.sealed(Array(bytes[..<8]) + [5, 0, 0, 0] + Array(bytes[12..<(bytes.count - 8)]))
    #expect(throws: CheckpointError.corrupt(path: "new.gvae", reason: "format version 5, expected 1 to 4")) {
      try Checkpoint.decode(future, path: "new.gvae")
    }
  }

  /// The tensors as the format writes them: rank (UInt32), dimensions (UInt64), Float32 bits.
  static func tensorBytes(_ tensors: [Tensor<Float>]) -> [UInt8] {
    tensors.flatMap { tensor -> [UInt8] in
      Array(littleEndian(UInt64(tensor.rank)).prefix(4)) + tensor.shape.flatMap { littleEndian(UInt64($0)) }
        + tensor.scalars.flatMap { Array(littleEndian(UInt64($0.bitPattern)).prefix(4)) }
    }
  }

  /// The checkpoint's configuration names the estimator; an unknown name is the one message.
  @Test func anUnknownEstimatorInTheHeaderIsNamed() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    let bytes = try Checkpoint.encode(trainer.state)
    let (json, tensors) = Self.parts(of: bytes)
    let changed = Self.file(Array(bytes[..<12]), json: json.replacingOccurrences(of: #""estimator":"st-gs""#, with: #""estimator":"magic""#),
                            tensors: tensors)
    do {
      _ = try Checkpoint.decode(changed, path: "c.gvae")
      Issue.record("an unknown estimator was accepted")
    } catch {
      #expect(error.description.contains(#"unknown estimator "magic"; expected one of reinforce, st, gs, st-gs, gumbel-rao, reinmax"#),
              "\(error)")
    }
  }

  @Test func corruptOrMismatchedCheckpointsAreClearErrors() throws {
    var trainer = try VAETestData.trainer()
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
    #expect(message(flipped) == "checkpoint c.gvae is corrupt: checksum mismatch (the file is truncated or damaged)")
    #expect(message(Array(bytes.prefix(bytes.count - 100))) == "checkpoint c.gvae is corrupt: checksum mismatch (the file is truncated or damaged)")
    #expect(message(Array("hello, this is not a checkpoint at all".utf8))
      == "checkpoint c.gvae is corrupt: not a swift-gumbel VAE checkpoint (no GVAECKPT header)")
    #expect(message([]) == "checkpoint c.gvae is corrupt: not a swift-gumbel VAE checkpoint (no GVAECKPT header)")
    #expect(throws: CheckpointError.unreadable(path: "/nonexistent/c.gvae", reason: "no such file")) {
      try Checkpoint.read(from: "/nonexistent/c.gvae")
    }
    // An endless device is not read.
    #expect(throws: CheckpointError.unreadable(path: "/dev/zero", reason: "not a regular file")) {
      try Checkpoint.read(from: "/dev/zero")
    }

    var other = VAETestData.configuration()
    other.latentCount = 5
    other.estimator = .gs
    #expect(throws: CheckpointError.mismatch(path: "c.gvae", reason: "it was saved with latents 3 (asked 5), estimator st-gs (asked gs)")) {
      try Checkpoint.validate(trainer.state, continues: other, dataFingerprint: trainer.state.dataFingerprint, path: "c.gvae")
    }
    #expect(throws: CheckpointError.mismatch(path: "c.gvae", reason: "it was trained on other data")) {
      try Checkpoint.validate(trainer.state, continues: VAETestData.configuration(), dataFingerprint: 1, path: "c.gvae")
    }
  }

  /// Headers and tensor lengths that lie (sealed with a valid checksum, as a hostile file would
  /// be) are refused before anything of the size they claim is allocated, and never trap.
  @Test func lyingHeadersAreRefusedBeforeAllocating() throws {
    var trainer = try VAETestData.trainer()
    try trainer.trainEpoch()
    let bytes = try Checkpoint.encode(trainer.state)
    let (json, tensors) = Self.parts(of: bytes)
    func message(json: String, tensors: [UInt8]) -> String {
      let file = Self.file(Array(bytes[..<12]), json: json, tensors: tensors)
      do {
        _ = try Checkpoint.decode(file, path: "c.gvae")
        return "no error"
      } catch {
        return error.description
      }
    }
    func replacing(_ pattern: String, with replacement: String) throws -> String {
      let range = try #require(json.range(of: pattern, options: .regularExpression), "\(pattern)")
      return json.replacingCharacters(in: range, with: replacement)
    }
    // A model of 2^30 x 2^30 weights, which the file's tensors do not hold.
    #expect(message(json: try replacing(#""hiddenSizes":\[[0-9,]+\]"#, with: #""hiddenSizes":[1073741824,1073741824]"#), tensors: tensors)
      .contains("parameter shapes"))
    #expect(message(json: try replacing(#""pixelCount":[0-9]+"#, with: #""pixelCount":0"#), tensors: tensors)
      .contains("0 pixels per image"))
    #expect(message(json: try replacing(#""parameterTensors":[0-9]+"#, with: #""parameterTensors":-5"#), tensors: tensors)
      .contains("bad tensor counts"))
    #expect(message(json: try replacing(#""momentTensors":[0-9]+"#, with: #""momentTensors":9223372036854775807"#), tensors: tensors)
      .contains("bad tensor counts"))
    #expect(message(json: try replacing(#""epoch":[0-9]+"#, with: #""epoch":-1"#), tensors: tensors).contains("negative counters"))
    // A first tensor of rank 8 whose dimensions multiply past Int.max, then one claiming
    // 2^31 - 1 elements in a few bytes.
    let huge: [UInt8] = [8, 0, 0, 0] + (0..<8).flatMap { (_: Int) -> [UInt8] in Self.littleEndian(0x7fff_ffff) }
    #expect(message(json: json, tensors: huge).contains("tensor 0 is truncated"))
    #expect(message(json: json, tensors: [1, 0, 0, 0] + Self.littleEndian(0x7fff_ffff) + [0, 0, 0, 0]).contains("tensor 0 is truncated"))
    #expect(message(json: json, tensors: [1, 0, 0, 0] + Self.littleEndian(1 << 40)).contains("tensor 0 has a bad shape"))
    #expect(message(json: json, tensors: tensors) == "no error")
  }

  /// A checkpoint's JSON header and its tensor bytes (between the header and the checksum).
  static func parts(of bytes: [UInt8]) -> (json: String, tensors: [UInt8]) {
    let jsonLength = Int(bytes[12..<20].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
    return (String(decoding: bytes[20..<(20 + jsonLength)], as: UTF8.self), Array(bytes[(20 + jsonLength)..<(bytes.count - 8)]))
  }

  /// A checkpoint of `prefix` (magic and version), the header `json` with its length, and
  /// `tensors`, sealed with its checksum.
  static func file(_ prefix: [UInt8], json: String, tensors: [UInt8]) -> [UInt8] {
    sealed(prefix + littleEndian(UInt64(json.utf8.count)) + Array(json.utf8) + tensors)
  }

  static func littleEndian(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

  /// `bytes` followed by their FNV-1a 64 hash, little-endian.
  static func sealed(_ bytes: [UInt8]) -> [UInt8] {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return bytes + littleEndian(hash)
  }
}
