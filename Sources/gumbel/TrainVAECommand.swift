import ArgumentParser
import Foundation
import GumbelExperiments
import GumbelKit

/// `gumbel train-vae`: trains the discrete VAE of Jang, Gu & Poole (2017) on binarised MNIST.
struct TrainVAE: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train-vae",
    abstract: "Train a VAE with discrete latents (N categorical of K classes, or N bits) on binarised MNIST with a chosen gradient estimator.",
    discussion: """
      Data: the vendored Data/mnist_5k.csv.gz (the last 100 images of each digit are the test set), \
      another CSV of 784 pixels and a label per line, or a directory with the four MNIST IDX files. \
      Pixels are 1 above grey level 127, or with --binarization sampled drawn once with probability \
      grey/255 (a fixed stochastic binarisation, as the papers' binarised MNIST). \
      Writes OUT/loss.svg, OUT/reconstructions.svg, OUT/prior-samples.svg, OUT/summary.json and \
      OUT/checkpoint.gvae after every epoch; --resume continues from that checkpoint. At the end, \
      the test set's importance-weighted bound on -log p(x) with --bound-samples draws per image \
      (Burda et al., 2016; testNLLBound in the JSON). The temperature at step t is \
      max(--min-temperature, --initial-temperature * exp(-t' * --temperature-decay)), t' the step \
      rounded down to a multiple of --temperature-interval (Jang et al. 2017 use 1, 0.5, 1e-5 and 1000).
      """)

  @OptionGroup var dataOptions: VAEDataOptions
  @Option(help: "Total number of epochs (a resumed run trains until it has this many).")
  var epochs: Int = 30
  @Option(help: "The gradient estimator: \(EstimatorKind.nameList) (default: st-gs).", transform: EstimatorKind.parse)
  var estimator: EstimatorKind = .stGS
  @Option(help: "categorical or bernoulli.")
  var latentType: LatentType = .categorical
  @Option(help: "N, the number of latent variables.")
  var latents: Int = 30
  @Option(help: "K, the classes of each categorical latent variable (default 10; not with bernoulli).")
  var categories: Int?
  @Option(help: "REINFORCE's moving-average baseline decay, in [0, 1) (reinforce only; default: no baseline).")
  var baselineDecay: Double?
  @Option(help: "Draws per image of the rloo estimator, at least 2 (rloo only; default 4).")
  var draws: Int?
  @Option(help: "Threads the kernels may use (default: every processor).")
  var threads: Int = Parallelism.processorCount
  @Option(help: "Draws per test image of the importance-weighted bound at the end (0 to skip).")
  var boundSamples: Int = 1000
  @Option(help: "Draws per test image of the importance-weighted bound after every epoch, for its curve (0: none).")
  var epochBoundSamples: Int = 0
  @Flag(help: "Learn the prior's logits (from uniform) with the rest of the model; without it the prior stays uniform.")
  var learnedPrior = false
  @Option(help: "The temperature at step 0.")
  var initialTemperature: Double = 1
  @Option(help: "The temperature's lower limit.")
  var minTemperature: Double = 0.5
  @Option(help: "r of the temperature's exp(-r t).")
  var temperatureDecay: Double = 3e-4
  @Option(help: "Steps between temperature updates.")
  var temperatureInterval: Int = 1
  @Option(help: "Adam's learning rate.")
  var learningRate: Double = 1e-3
  @Option(help: "Multiply the learning rate by this every --learning-rate-decay-steps steps (1: constant).")
  var learningRateDecay: Double = 1
  @Option(help: "Steps between learning-rate decays.")
  var learningRateDecaySteps: Int = 1000
  @Option(help: "The seed of every random key (initialisation, shuffles, samples).")
  var seed: Int = 0
  @Option(help: "The output directory.")
  var out: String = "vae-output"
  @Flag(help: "Continue from OUT/checkpoint.gvae.")
  var resume = false
  @Option(help: "text (progress and a summary per epoch) or json (one final object).")
  var format: OutputFormat = .text

  /// The command's own rules; the run's settings are checked by
  /// ``VAETrainingConfiguration/validate()``, as a library caller's are.
  func validate() throws {
    guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
    if latentType == .bernoulli, categories != nil { throw ValidationError("--categories applies to categorical latents only") }
    if baselineDecay != nil, estimator != .reinforce { throw ValidationError("--baseline-decay applies to --estimator reinforce only") }
    if draws != nil, estimator != .rloo { throw ValidationError("--draws applies to --estimator rloo only") }
    guard boundSamples >= 0, boundSamples <= 1_000_000 else {
      throw ValidationError("--bound-samples must be between 0 and 1000000, not \(boundSamples)")
    }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
    do {
      try trainingConfiguration.validate()
    } catch let error as TrainingError {
      throw ValidationError(error.description)
    }
  }

  /// K: --categories, 10 by default, 2 (the values of a bit) for Bernoulli latents.
  var categoryCount: Int { latentType == .bernoulli ? 2 : categories ?? 10 }

  /// The run's settings from the flags.
  var trainingConfiguration: VAETrainingConfiguration {
    var configuration = VAETrainingConfiguration()
    configuration.latentType = latentType
    configuration.latentCount = latents
    configuration.categoryCount = categoryCount
    configuration.estimator = estimator
    configuration.seed = seed
    configuration.baselineDecay = baselineDecay
    configuration.draws = draws ?? configuration.draws
    configuration.learningRate = learningRate
    configuration.learningRateDecay = learningRateDecay
    configuration.learningRateDecaySteps = learningRateDecaySteps
    configuration.initialTemperature = initialTemperature
    configuration.minimumTemperature = minTemperature
    configuration.temperatureDecay = temperatureDecay
    configuration.temperatureInterval = temperatureInterval
    configuration.learnsPrior = learnedPrior
    configuration.epochBoundSamples = epochBoundSamples
    return configuration
  }

  func run() throws {
    try runLibraryWork(threads: threads) { try train() }
  }

  func train() throws {
    let dataPath = dataOptions.path
    let (trainSet, testSet, trainImages, testImages) = try dataOptions.load()
    let pixels = trainSet.pixelsPerImage
    let fingerprint = VAETrainer.fingerprint([trainImages, testImages])

    let configuration = trainingConfiguration

    try FigureOutput.makeDirectory(out)
    let checkpointPath = (out as NSString).appendingPathComponent("checkpoint.gvae")
    var state: VAETrainingState
    if resume {
      state = try Checkpoint.read(from: checkpointPath)
      try Checkpoint.validate(state, continues: configuration, dataFingerprint: fingerprint, path: checkpointPath)
      // What is evaluated after each epoch is this run's choice, not the saved one's.
      state.configuration.epochBoundSamples = configuration.epochBoundSamples
      guard state.model.pixelCount == pixels else {
        throw CheckpointError.mismatch(path: checkpointPath, reason: "it has \(state.model.pixelCount) pixels per image, the data \(pixels)")
      }
    } else {
      state = try VAETrainingState(configuration: configuration, pixelCount: pixels, dataFingerprint: fingerprint)
    }
    var trainer = try VAETrainer(state: state, trainImages: trainImages, testImages: testImages)

    let text = format == .text
    if text {
      let latentText = latentType == .bernoulli ? "\(latents) Bernoulli latents" : "\(latents) x \(categoryCount) categorical latents"
      Self.say("discrete VAE: \(latentText), estimator \(estimator.rawValue), seed \(seed); "
        + "\(trainSet.count) training and \(testSet.count) test images from \(dataPath), binarised: \(dataOptions.chosenBinarization); "
        + "matmul: \(MatrixMultiply.backend)")
      if resume { Self.say("resuming from \(checkpointPath) after epoch \(trainer.state.epoch) (step \(trainer.state.step))") }
    }
    let showProgress = text && isatty(STDERR_FILENO) != 0
    while trainer.state.epoch < epochs {
      let epoch = trainer.state.epoch + 1
      let record = try trainer.trainEpoch { progress in
        if showProgress { Self.drawProgress(progress, epoch: epoch, epochs: epochs) }
      }
      if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      if text {
        let bound = record.testNLLBound.map { String(format: "  test bound %.2f", $0) } ?? ""
        Self.say(String(format: "epoch %d/%d  train loss %.2f  test -ELBO %.2f", record.epoch, epochs, record.trainLoss,
                        record.testNegELBO) + bound
          + String(format: "  tau %.3f  %.2f s (%.0f images/s)", record.temperature, record.seconds,
                   Double(trainer.stepsPerEpoch * configuration.batchSize) / record.seconds))
      }
      try Checkpoint.write(trainer.state, to: checkpointPath)
      try VAEFigures(trainer, testSet: testSet, testImages: testImages).write(to: out)
    }

    let trainNegELBO = trainer.evaluate(trainImages)
    let testNegELBO = trainer.state.epochs.last?.testNegELBO ?? trainer.evaluate(testImages)
    let seconds = Self.secondsPerEpoch(trainer.state.epochs)
    var fields: [(key: String, value: String)] = [
      ("epochs", JSONText.number(trainer.state.epoch)),
      ("latentType", JSONText.string(latentType.rawValue)),
      ("prior", JSONText.string(learnedPrior ? "learned" : "uniform")),
      ("estimator", JSONText.string(estimator.rawValue)),
      ("trainNegELBO", JSONText.number(trainNegELBO)),
      ("testNegELBO", JSONText.number(testNegELBO)),
      ("secondsPerEpoch", JSONText.number(seconds)),
    ]
    fields += dataOptions.jsonFields
    var boundText = ""
    if boundSamples > 0 {
      if text { Self.say("importance-weighted bound: \(boundSamples) draws per test image...") }
      let bound = trainer.evaluateBound(testImages, samples: boundSamples)
      fields += [("testNLLBound", JSONText.number(bound)), ("boundSamples", JSONText.number(boundSamples))]
      boundText = String(format: ", test NLL bound %.2f (%d draws)", bound, boundSamples)
    }
    let summary = JSONText.object(fields)
    try FigureOutput.write(summary + "\n", to: (out as NSString).appendingPathComponent("summary.json"))
    if text {
      Self.say(String(format: "done: %d epochs, train -ELBO %.2f, test -ELBO %.2f nats%@, %.2f s per epoch (median after the first); figures and checkpoint in %@",
                   trainer.state.epoch, trainNegELBO, testNegELBO, boundText, seconds, out))
    } else {
      Self.say(summary)
    }
  }

  /// Writes a line to standard output unbuffered, so that each epoch's line appears when it ends
  /// even when the output is a file or a pipe.
  static func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
  }

  /// The median of the epochs' training seconds, leaving out the first epoch when there are others.
  static func secondsPerEpoch(_ records: [EpochRecord]) -> Double {
    let timed = (records.count > 1 ? Array(records.dropFirst()) : records).map(\.seconds).sorted()
    guard !timed.isEmpty else { return .nan }
    let mid = timed.count / 2
    return timed.count % 2 == 1 ? timed[mid] : (timed[mid - 1] + timed[mid]) / 2
  }

  static func drawProgress(_ p: VAETrainer.StepProgress, epoch: Int, epochs: Int) {
    let width = 24
    let filled = width * p.stepInEpoch / max(p.stepsPerEpoch, 1)
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let rate = Double(p.stepInEpoch * p.batchSize) / max(p.elapsedSeconds, 1e-9)
    let eta = p.elapsedSeconds / Double(p.stepInEpoch) * Double(p.stepsPerEpoch - p.stepInEpoch)
    let line = String(format: "\repoch %d/%d [%@] %d/%d  loss %.2f  tau %.3f  %.0f img/s  ETA %.1fs\u{1B}[K",
                      epoch, epochs, bar, p.stepInEpoch, p.stepsPerEpoch, p.loss, p.temperature, rate, eta)
    FileHandle.standardError.write(Data(line.utf8))
  }
}
