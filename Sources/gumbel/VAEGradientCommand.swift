import ArgumentParser
import Foundation
import GumbelExperiments
import GumbelKit
import GumbelPlot

/// `gumbel vae-gradient`: every estimator's encoder gradient of a small discrete VAE against the
/// exact one, by enumeration (``VAEGradientLab``).
struct VAEGradient: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "vae-gradient",
    abstract: "Measure each gradient estimator on a small discrete VAE against the exact encoder gradient (by enumeration).",
    discussion: """
      The model is train-vae's with N latents of K classes (or N bits), at most 16384 configurations \
      (default 4 x 8, as in the ReinMax paper's bias analysis). The exact negative ELBO of a batch of \
      training images sums q(z | x) -log p(x | z) over every configuration; its gradient with respect \
      to the encoder is the reference. Each estimator gives --estimates gradients of the training loss \
      (the same keys for every estimator); reported: relative bias |mean - exact| / |exact| (with the \
      Monte Carlo noise an unbiased estimator shows, relativeSD / sqrt(estimates)), relative standard \
      deviation, and the cosine to the exact gradient (mean over estimates, and of the mean). Measured \
      at initialisation and after --epochs epochs of training with --train-estimator, or at a saved \
      --checkpoint. Writes OUT/vae-gradient.svg and OUT/vae-gradient.json.
      """)

  @OptionGroup var dataOptions: VAEDataOptions
  @Option(help: "A train-vae checkpoint to measure (its model, no training), instead of a new model.")
  var checkpoint: String?
  @Option(help: "categorical or bernoulli (a new model only).")
  var latentType: LatentType?
  @Option(help: "N, the number of latent variables (a new model only; default 4, or 12 bits).")
  var latents: Int?
  @Option(help: "K, the classes of each categorical latent (a new model only; default 8).")
  var categories: Int?
  @Option(help: "Comma-separated estimators to measure, or all (default: every one that applies).")
  var estimators: String = "all"
  @Option(help: "Gradient estimates per estimator, at least 2.")
  var estimates: Int = 1000
  @Option(help: "The temperature of the measured relaxed estimators (reinmax uses at least 1); training anneals its own.")
  var temperature: Double = 1
  @Option(help: "Draws per estimate of the measured rloo estimator, at least 2.")
  var draws: Int = 4
  @Option(help: "Training images in the measured batch (the first ones of the training set).")
  var images: Int = 100
  @Option(help: "Epochs of training before the second measurement (default 10; 0: initialisation only; not with --checkpoint).")
  var epochs: Int?
  @Option(help: "The estimator that trains the model between the measurements (default st-gs; not with --checkpoint).",
          transform: EstimatorKind.parse)
  var trainEstimator: EstimatorKind?
  @Option(help: "The seed of the model, its training and the estimates.")
  var seed: Int = 0
  @Option(help: "Threads the kernels may use (default: every processor).")
  var threads: Int = Parallelism.processorCount
  @Option(help: "The output directory.")
  var out: String = "vae-gradient-output"
  @Option(help: "text or json.")
  var format: OutputFormat = .text

  static let maxEstimates = 100_000
  static let maxImages = 1000

  func validate() throws {
    guard (2...Self.maxEstimates).contains(estimates) else {
      throw ValidationError("--estimates must be between 2 and \(Self.maxEstimates), not \(estimates)")
    }
    guard (1...Self.maxImages).contains(images) else { throw ValidationError("--images must be between 1 and \(Self.maxImages), not \(images)") }
    guard temperature.isFinite, temperature > 0 else { throw ValidationError("--temperature must be finite and positive, not \(temperature)") }
    guard (2...Estimator<Float>.maximumDraws).contains(draws) else {
      throw ValidationError("--draws must be between 2 and \(Estimator<Float>.maximumDraws), not \(draws)")
    }
    guard (0...1000).contains(trainingEpochs) else { throw ValidationError("--epochs must be between 0 and 1000, not \(trainingEpochs)") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1, not \(threads)") }
    if checkpoint != nil {
      guard latentType == nil, latents == nil, categories == nil, epochs == nil, trainEstimator == nil else {
        throw ValidationError("--latent-type, --latents, --categories, --epochs and --train-estimator describe a new model: "
                              + "a checkpoint has its own")
      }
      // The estimators are checked against the checkpoint's latents once it is read.
      return
    }
    if latentType == .bernoulli, categories != nil { throw ValidationError("--categories applies to categorical latents only") }
    let (n, k) = shape
    guard n >= 1 else { throw ValidationError("--latents must be at least 1, not \(n)") }
    guard k >= 2 else { throw ValidationError("--categories must be at least 2, not \(k)") }
    guard VAEGradientLab<Float>.configurationCount(latents: n, values: k) != nil else {
      throw ValidationError("\(k)^\(n) latent configurations are too many to enumerate (at most \(VAEGradientLab<Float>.maxConfigurations))")
    }
    _ = try chosenKinds(for: latentType ?? .categorical)
  }

  /// `--epochs`, 10 by default.
  var trainingEpochs: Int { epochs ?? 10 }

  /// N and K of a new model.
  var shape: (latents: Int, values: Int) {
    latentType == .bernoulli ? (latents ?? 12, 2) : (latents ?? 4, categories ?? 8)
  }

  /// The estimators of `--estimators` for `type` latents, in the order given; for `all`, the
  /// unbiased ones (REINFORCE, RLOO, DisARM) first.
  func chosenKinds(for type: LatentType) throws -> [EstimatorKind] {
    let applicable = EstimatorKind.allCases.filter { type == .bernoulli || $0.appliesToCategories }
    let unbiased = applicable.filter { $0.usesScoreFunction || $0 == .disarm }
    guard estimators != "all" else { return unbiased + applicable.filter { !unbiased.contains($0) } }
    return try estimators.split(separator: ",", omittingEmptySubsequences: false).map { name in
      let kind = try EstimatorKind.parse(String(name).trimmingCharacters(in: .whitespaces))
      guard applicable.contains(kind) else { throw ValidationError("\(kind.rawValue) is defined for Bernoulli latents only") }
      return kind
    }
  }

  func run() throws {
    try runLibraryWork(threads: threads) { try measureAll() }
  }

  /// One measured point: its name, the epoch, the exact gradient's norm and each estimator's numbers.
  struct Point {
    var name: String
    var epoch: Int
    var exactNorm: Double
    var measurements: [VAEGradientLab<Float>.Measurement]
  }

  func measureAll() throws {
    let dataPath = dataOptions.path
    let (trainSet, _, trainImages, testImages) = try dataOptions.load()
    let pixels = trainSet.pixelsPerImage
    guard images <= trainSet.count else {
      throw CLIError("--images \(images) is more than the \(trainSet.count) training images of \(dataPath)")
    }
    let batch = VAETrainer.rows(Array(0..<images)[...], of: trainImages)

    var points = [Point]()
    var model: DiscreteVAE<Float>
    if let checkpoint {
      let state = try Checkpoint.read(from: checkpoint)
      guard state.model.pixelCount == pixels else {
        throw CheckpointError.mismatch(path: checkpoint, reason: "it has \(state.model.pixelCount) pixels per image, the data \(pixels)")
      }
      model = state.model
      guard VAEGradientLab<Float>.configurationCount(latents: model.latentCount, values: model.categoryCount) != nil else {
        throw CLIError("\(checkpoint) has \(model.categoryCount)^\(model.latentCount) latent configurations, too many to enumerate "
                       + "(at most \(VAEGradientLab<Float>.maxConfigurations))")
      }
      points.append(try measure(model, on: batch, name: "checkpoint (epoch \(state.epoch))", epoch: state.epoch))
    } else {
      var configuration = VAETrainingConfiguration()
      configuration.latentType = latentType ?? .categorical
      (configuration.latentCount, configuration.categoryCount) = shape
      configuration.estimator = trainEstimator ?? .stGS
      configuration.seed = seed
      try configuration.validate()
      var trainer = try VAETrainer(
        state: try VAETrainingState(configuration: configuration, pixelCount: pixels,
                                    dataFingerprint: VAETrainer.fingerprint([trainImages, testImages])),
        trainImages: trainImages, testImages: testImages)
      points.append(try measure(trainer.state.model, on: batch, name: "initialisation", epoch: 0))
      let epochs = trainingEpochs
      if epochs > 0 {
        for _ in 0..<epochs { _ = try trainer.trainEpoch() }
        let record = trainer.state.epochs.last!
        if format == .text {
          say(String(format: "trained %d epochs with %@: test -ELBO %.2f", epochs, configuration.estimator.rawValue, record.testNegELBO))
        }
        points.append(try measure(trainer.state.model, on: batch, name: "after \(epochs) epoch\(epochs == 1 ? "" : "s")", epoch: epochs))
      }
      model = trainer.state.model
    }

    try FigureOutput.makeDirectory(out)
    let kinds = points[0].measurements.map(\.kind)
    let figure = GradientQualityFigure(
      title: "\(describe(model)): encoder gradient against the exact one (\(estimates) estimates, \(batch.shape[0]) images)",
      rows: kinds.map(\.rawValue),
      points: points.map { point in
        .init(name: point.name, values: point.measurements.map(GradientQualityFigure.Value.init))
      })
    try figure.write(to: (out as NSString).appendingPathComponent("vae-gradient.svg"))
    let json = self.json(points, model: model, images: batch.shape[0])
    try FigureOutput.write(json + "\n", to: (out as NSString).appendingPathComponent("vae-gradient.json"))
    if format == .json {
      say(json)
    } else {
      say("figure and JSON in \(out)")
    }
  }

  /// Every chosen estimator at `model`, with the same keys.
  func measure(_ model: DiscreteVAE<Float>, on batch: Tensor<Float>, name: String, epoch: Int) throws -> Point {
    let lab = try VAEGradientLab(model: model, images: batch)
    let key = VAETrainer.keys(seed: seed).sampling.fold(in: 0x6772_6164)   // "grad"
    let text = format == .text
    if text {
      say("\(name): \(describe(model)), \(lab.configurationCount) configurations, \(batch.shape[0]) images, "
        + String(format: "|exact gradient| %.4g, exact -ELBO %.3f", lab.exactGradientNorm, lab.exactLoss))
      say("estimator    tau    rel. bias (noise)      rel. SD   cosine  cos(mean)")
    }
    var measurements = [VAEGradientLab<Float>.Measurement]()
    for kind in try chosenKinds(for: model.latentType) {
      let estimator = try Estimator<Float>(kind, temperature: Float(kind.usableTemperature(temperature)), draws: draws,
                                           bits: model.latentType == .bernoulli)
      let m = try lab.measure(estimator, draws: estimates, key: key)
      measurements.append(m)
      if text {
        let tau = m.temperature.map { String(format: "%.2f", $0) } ?? "-"
        say(kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0) + tau.padding(toLength: 6, withPad: " ", startingAt: 0)
          + String(format: " %9.4f (%7.4f)  %10.4f  %7.4f  %9.4f", m.relativeBias, m.biasNoise, m.relativeStandardDeviation,
                   m.cosine, m.cosineOfMean))
      }
    }
    return Point(name: name, epoch: epoch, exactNorm: lab.exactGradientNorm, measurements: measurements)
  }

  func describe(_ model: DiscreteVAE<Float>) -> String {
    model.latentType == .bernoulli ? "VAE with \(model.latentCount) bits" : "VAE with \(model.latentCount) x \(model.categoryCount) categorical latents"
  }

  func json(_ points: [Point], model: DiscreteVAE<Float>, images: Int) -> String {
    JSONText.object(dataOptions.jsonFields + [
      ("latentType", JSONText.string(model.latentType.rawValue)),
      ("latents", JSONText.number(model.latentCount)),
      ("categories", JSONText.number(model.categoryCount)),
      ("configurations", JSONText.number(VAEGradientLab<Float>.configurationCount(latents: model.latentCount, values: model.categoryCount) ?? 0)),
      ("images", JSONText.number(images)),
      ("estimates", JSONText.number(estimates)),
      ("seed", JSONText.number(seed)),
      ("points", JSONText.array(points.map { point in
        JSONText.object([
          ("name", JSONText.string(point.name)),
          ("epoch", JSONText.number(point.epoch)),
          ("exactGradientNorm", JSONText.number(point.exactNorm)),
          ("estimators", JSONText.array(point.measurements.map { m in
            JSONText.object([
              ("estimator", JSONText.string(m.kind.rawValue)),
              ("temperature", m.temperature.map { JSONText.number($0) } ?? "null"),
              ("relativeBias", JSONText.number(m.relativeBias)),
              ("biasNoise", JSONText.number(m.biasNoise)),
              ("relativeSD", JSONText.number(m.relativeStandardDeviation)),
              ("cosine", JSONText.number(m.cosine)),
              ("cosineOfMean", JSONText.number(m.cosineOfMean)),
            ])
          })),
        ])
      })),
    ])
  }

  func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
}
