import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelNN
import GumbelRandom
import GumbelTensor
import RealModule

/// The settings of a discrete-VAE training run: everything that, with the data, decides its
/// result. Two runs with equal configurations and data give equal models, bit for bit.
public struct VAETrainingConfiguration: Codable, Equatable, Sendable {
  /// `N`, the number of latents.
  public var latentCount: Int = 30
  /// `K`, the classes of each categorical latent (unused for Bernoulli latents).
  public var categoryCount: Int = 10
  /// Categorical latents or bits.
  public var latentType: LatentType = .categorical
  /// Whether the prior is learned (``DiscreteVAE/learnsPrior``) or uniform.
  public var learnsPrior: Bool = false
  /// The widths of the encoder's hidden layers (the decoder's in reverse order).
  public var hiddenSizes: [Int] = [512, 256]
  /// The gradient estimator (written as its name, such as `"st-gs"`).
  public var estimator: EstimatorKind = .stGS
  /// The decay of REINFORCE's moving-average baseline
  /// (``ReinforceEstimator/Baseline/movingAverage(decay:)``), or `nil` for no baseline. Used by
  /// the `reinforce` estimator only; its state is carried across steps and checkpoints.
  public var baselineDecay: Double? = nil
  /// The draws per image of the `rloo` estimator (``Estimator/draws``), 2 to
  /// ``Estimator/maximumDraws``; unused by the other estimators.
  public var draws: Int = 4
  /// The seed of every key of the run.
  public var seed: Int = 0
  /// Images per step (a last partial batch of each epoch is dropped).
  public var batchSize: Int = 100
  /// Adam's learning rate (with Optax's other defaults) at the first step.
  public var learningRate: Double = 1e-3
  /// The learning rate is multiplied by `learningRateDecay` every `learningRateDecaySteps`
  /// steps (``learningRateSchedule``; 1, the default, keeps it constant). The seed notebook
  /// multiplies it by 0.9 every 1000 steps.
  public var learningRateDecay: Double = 1
  public var learningRateDecaySteps: Int = 1000
  /// The temperature at step `t` is `max(minimumTemperature, initialTemperature *
  /// exp(-temperatureDecay * t'))`, `t'` being `t` rounded down to a multiple of
  /// `temperatureInterval` (``temperatureSchedule``), raised to the estimator's
  /// ``EstimatorKind/minimumTemperature`` (1 for ReinMax).
  public var initialTemperature: Double = 1
  public var minimumTemperature: Double = 0.5
  public var temperatureDecay: Double = 3e-4
  public var temperatureInterval: Int = 1
  /// Samples per image when evaluating the negative ELBO.
  public var evaluationSamples: Int = 10
  /// Draws per test image of the importance-weighted bound computed after every epoch (0, the
  /// default, for none): ``EpochRecord/testNLLBound``, the curve of the bound over training.
  public var epochBoundSamples: Int = 0

  public init() {}

  /// Jang, Gu & Poole's annealing (section 4.1): `max(minimumTemperature, initialTemperature *
  /// exp(-temperatureDecay * t))`, updated every `temperatureInterval` steps.
  public var temperatureSchedule: ExponentialAnnealing<Double> {
    ExponentialAnnealing(initial: initialTemperature, minimum: minimumTemperature, rate: temperatureDecay,
                         interval: temperatureInterval)
  }

  /// Adam's learning rate: constant, or Optax's staircase `exponential_decay`.
  public var learningRateSchedule: LearningRateSchedule<Float> {
    learningRateDecay == 1 ? .constant(Float(learningRate))
      : .exponentialDecay(initial: Float(learningRate), decayRate: Float(learningRateDecay),
                          transitionSteps: learningRateDecaySteps, staircase: true)
  }

  /// The schedule's temperature at step `step` (0 for the first).
  public func temperature(step: Int) -> Double {
    temperatureSchedule.temperature(atStep: step)
  }

  /// The temperature the estimator uses at step `step`: the schedule's, raised to the
  /// estimator's minimum.
  public func estimatorTemperature(step: Int) -> Double {
    estimator.usableTemperature(temperature(step: step))
  }

  /// A new estimator of this configuration at the temperature of `step`, its baseline's moving
  /// average starting at `movingAverage`.
  public func makeEstimator(step: Int = 0, movingAverage: Float = 0) throws -> Estimator<Float> {
    let baseline: ReinforceEstimator<Float>.Baseline = baselineDecay.map { .movingAverage(decay: Float($0)) } ?? .none
    return try Estimator(estimator, temperature: Float(estimatorTemperature(step: step)), baseline: baseline,
                         movingAverage: movingAverage, draws: draws, bits: latentType == .bernoulli)
  }

  /// Checks the settings.
  public func validate() throws {
    func require(_ ok: Bool, _ message: String) throws { if !ok { throw TrainingError.invalidConfiguration(message) } }
    try require(latentCount > 0, "the number of latents must be positive, not \(latentCount)")
    try require(categoryCount >= 2, "each latent needs at least 2 categories, not \(categoryCount)")
    let (codeSize, overflow) = latentType == .bernoulli ? (latentCount, false) : latentCount.multipliedReportingOverflow(by: categoryCount)
    try require(!overflow && codeSize <= 1 << 16, "a code of latents x categories must be at most 65536 wide")
    try require(hiddenSizes.count == 2 && hiddenSizes.allSatisfy { $0 > 0 }, "two positive hidden sizes are needed, not \(hiddenSizes)")
    try require(batchSize > 0, "the batch size must be positive, not \(batchSize)")
    try require(learningRate > 0 && learningRate.isFinite, "the learning rate must be positive, not \(learningRate)")
    try require(learningRateDecay > 0 && learningRateDecay <= 1, "the learning-rate decay must be in (0, 1], not \(learningRateDecay)")
    try require(learningRateDecaySteps > 0, "the learning rate decays every positive number of steps, not \(learningRateDecaySteps)")
    // Temperatures far outside [1e-4, 1e4] round to 0 or overflow in Float samples.
    try require(initialTemperature >= 1e-4 && initialTemperature <= 1e4,
                "the initial temperature must be between 1e-4 and 1e4, not \(initialTemperature)")
    try require(minimumTemperature >= 1e-4 && minimumTemperature <= 1e4,
                "the minimum temperature must be between 1e-4 and 1e4, not \(minimumTemperature)")
    try require(temperatureDecay >= 0 && temperatureDecay.isFinite, "the temperature decay must be non-negative, not \(temperatureDecay)")
    try require(temperatureInterval > 0, "the temperature is updated every positive number of steps, not \(temperatureInterval)")
    try require(evaluationSamples > 0, "evaluation needs at least one sample per image")
    try require(epochBoundSamples >= 0 && epochBoundSamples <= 1_000_000,
                "the bound after each epoch takes 0 to 1000000 draws per image, not \(epochBoundSamples)")
    try require(estimator.appliesToCategories || latentType == .bernoulli,
                "the \(estimator.rawValue) estimator is defined for Bernoulli latents only (--latent-type bernoulli)")
    try require((2...Estimator<Float>.maximumDraws).contains(draws),
                "RLOO takes 2 to \(Estimator<Float>.maximumDraws) draws per image, not \(draws)")
    if let decay = baselineDecay {
      try require(decay >= 0 && decay < 1, "the baseline decay must be in [0, 1), not \(decay)")
    }
  }
}

extension VAETrainingConfiguration {
  /// Decodes a configuration. The settings added after checkpoint version 2 (the latent type,
  /// the learning-rate decay, the initial temperature and its update interval) and after version
  /// 3 (the learned prior) keep their defaults when absent, which is what the runs that wrote
  /// such checkpoints used.
  public init(from decoder: any Decoder) throws {
    self.init()
    let c = try decoder.container(keyedBy: CodingKeys.self)
    latentCount = try c.decode(Int.self, forKey: .latentCount)
    categoryCount = try c.decode(Int.self, forKey: .categoryCount)
    hiddenSizes = try c.decode([Int].self, forKey: .hiddenSizes)
    estimator = try c.decode(EstimatorKind.self, forKey: .estimator)
    baselineDecay = try c.decodeIfPresent(Double.self, forKey: .baselineDecay)
    seed = try c.decode(Int.self, forKey: .seed)
    batchSize = try c.decode(Int.self, forKey: .batchSize)
    learningRate = try c.decode(Double.self, forKey: .learningRate)
    minimumTemperature = try c.decode(Double.self, forKey: .minimumTemperature)
    temperatureDecay = try c.decode(Double.self, forKey: .temperatureDecay)
    evaluationSamples = try c.decode(Int.self, forKey: .evaluationSamples)
    latentType = try c.decodeIfPresent(LatentType.self, forKey: .latentType) ?? latentType
    learningRateDecay = try c.decodeIfPresent(Double.self, forKey: .learningRateDecay) ?? learningRateDecay
    learningRateDecaySteps = try c.decodeIfPresent(Int.self, forKey: .learningRateDecaySteps) ?? learningRateDecaySteps
    initialTemperature = try c.decodeIfPresent(Double.self, forKey: .initialTemperature) ?? initialTemperature
    temperatureInterval = try c.decodeIfPresent(Int.self, forKey: .temperatureInterval) ?? temperatureInterval
    learnsPrior = try c.decodeIfPresent(Bool.self, forKey: .learnsPrior) ?? learnsPrior
    epochBoundSamples = try c.decodeIfPresent(Int.self, forKey: .epochBoundSamples) ?? epochBoundSamples
    draws = try c.decodeIfPresent(Int.self, forKey: .draws) ?? draws
  }
}

/// What went wrong in training.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
  case invalidConfiguration(String)
  case invalidData(String)
  case diverged(step: Int, loss: Double)

  public var description: String {
    switch self {
    case .invalidConfiguration(let message): message
    case .invalidData(let message): message
    case let .diverged(step, loss): "training diverged: the loss at step \(step) is \(loss)"
    }
  }
}

/// One finished epoch.
public struct EpochRecord: Codable, Equatable, Sendable {
  /// The epoch's number, from 1.
  public var epoch: Int
  /// The training objective (negative ELBO at the estimator's samples) averaged over the epoch's steps.
  public var trainLoss: Double
  /// The test set's negative ELBO under the discrete model after the epoch.
  public var testNegELBO: Double
  /// Wall-clock seconds of the epoch's training steps (not the evaluation).
  public var seconds: Double
  /// The temperature of the epoch's last step.
  public var temperature: Double
  /// The test set's importance-weighted bound after the epoch, with
  /// ``VAETrainingConfiguration/epochBoundSamples`` draws per image (`nil` when 0).
  public var testNLLBound: Double? = nil
}

/// Everything a run has: the model, the optimiser's state, and the history. A checkpoint is this
/// state written out; training continued from it ends exactly where the uninterrupted run ends.
public struct VAETrainingState {
  public var configuration: VAETrainingConfiguration
  public var model: DiscreteVAE<Float>
  public var optimizer: Adam<DiscreteVAE<Float>>
  /// The gradient estimator, built once for the run; the trainer sets its temperature each step
  /// and it carries its state (REINFORCE's moving-average baseline) across steps and checkpoints.
  public var estimator: Estimator<Float>
  /// Completed epochs.
  public var epoch: Int = 0
  /// Completed steps (updates).
  public var step: Int = 0
  /// The training objective at each step.
  public var stepLosses: [Double] = []
  /// Each completed epoch.
  public var epochs: [EpochRecord] = []
  /// A hash of the training and test images, to catch resuming on other data.
  public var dataFingerprint: UInt64

  /// A new run: weights from the run's initialisation key, Adam at step 0.
  public init(configuration: VAETrainingConfiguration, pixelCount: Int, dataFingerprint: UInt64) throws {
    try configuration.validate()
    self.configuration = configuration
    model = DiscreteVAE(pixelCount: pixelCount, hiddenSizes: configuration.hiddenSizes,
                           latentCount: configuration.latentCount, categoryCount: configuration.categoryCount,
                           latentType: configuration.latentType, learnsPrior: configuration.learnsPrior, key: VAETrainer.keys(seed: configuration.seed).initialization)
    optimizer = Adam(learningRate: configuration.learningRateSchedule)
    estimator = try configuration.makeEstimator()
    self.dataFingerprint = dataFingerprint
  }
}

/// Trains a ``DiscreteVAE`` with Adam, one epoch at a time.
///
/// Keys depend only on the seed and on the epoch and step numbers (`fold_in`), so a run resumed
/// from a checkpoint draws the same shuffles and samples as an uninterrupted one, and the
/// matrix products sum in a fixed order, so its numbers are the same bit for bit.
public struct VAETrainer {
  public var state: VAETrainingState
  /// Binarised training images, `[count, pixels]`.
  public let trainImages: Tensor<Float>
  /// Binarised test images.
  public let testImages: Tensor<Float>

  /// The progress of one step, for progress bars.
  public struct StepProgress: Sendable {
    public var stepInEpoch: Int
    public var stepsPerEpoch: Int
    public var loss: Double
    public var temperature: Double
    public var elapsedSeconds: Double
    public var batchSize: Int
  }

  /// A trainer for `state` on the given images (0 or 1 values, one image per row).
  public init(state: VAETrainingState, trainImages: Tensor<Float>, testImages: Tensor<Float>) throws {
    guard trainImages.rank == 2, testImages.rank == 2, trainImages.shape[1] == state.model.pixelCount,
          testImages.shape[1] == state.model.pixelCount else {
      throw TrainingError.invalidData("images of \(trainImages.shape) and \(testImages.shape) do not fit a model of \(state.model.pixelCount) pixels")
    }
    guard trainImages.shape[0] >= state.configuration.batchSize else {
      throw TrainingError.invalidData("\(trainImages.shape[0]) training images are fewer than one batch of \(state.configuration.batchSize)")
    }
    self.state = state
    self.trainImages = trainImages
    self.testImages = testImages
  }

  /// FNV-1a over the images, for ``VAETrainingState/dataFingerprint``.
  public static func fingerprint(_ tensors: [Tensor<Float>]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for t in tensors {
      for d in t.shape { hash = (hash ^ UInt64(d)) &* 0x100_0000_01b3 }
      for x in t.scalars { hash = (hash ^ UInt64(x.bitPattern)) &* 0x100_0000_01b3 }
    }
    return hash
  }

  /// The keys of a run: `PRNGKey(seed)` folded with 0 (initialisation), 1 (shuffles, then the
  /// epoch), 2 (samples, then the step) and 3 (evaluation).
  public static func keys(seed: Int) -> (initialization: PRNGKey, shuffle: PRNGKey, sampling: PRNGKey, evaluation: PRNGKey) {
    let root = PRNGKey(seed: seed)
    return (root.fold(in: 0), root.fold(in: 1), root.fold(in: 2), root.fold(in: 3))
  }

  public var stepsPerEpoch: Int { trainImages.shape[0] / state.configuration.batchSize }

  /// The order of the training images in epoch `epoch` (from 0): indices sorted by random 32-bit
  /// words, ties by index.
  public func permutation(epoch: Int) -> [Int] {
    let key = Self.keys(seed: state.configuration.seed).shuffle.fold(in: UInt32(truncatingIfNeeded: epoch))
    let count = trainImages.shape[0]
    let bits = (try? key.bits32(shape: [count])) ?? []
    return (0..<count).sorted { (bits[$0], $0) < (bits[$1], $1) }
  }

  /// Rows `indices` of `images`.
  public static func rows(_ indices: ArraySlice<Int>, of images: Tensor<Float>) -> Tensor<Float> {
    let width = images.shape[1]
    var out = [Float]()
    out.reserveCapacity(indices.count * width)
    images.scalars.withUnsafeBufferPointer { x in
      for i in indices { out.append(contentsOf: x[(i * width)..<((i + 1) * width)]) }
    }
    return Tensor(shape: [indices.count, width], scalars: out)
  }

  /// One update on `batch` at the state's current step; returns the objective and the temperature.
  public mutating func step(on batch: Tensor<Float>) throws -> (loss: Double, temperature: Double) {
    let configuration = state.configuration
    let temperature = configuration.temperature(step: state.step)
    try state.estimator.setTemperature(Float(configuration.estimator.usableTemperature(temperature)))
    let estimator = state.estimator
    let key = Self.keys(seed: configuration.seed).sampling.fold(in: UInt32(truncatingIfNeeded: state.step))
    let (loss, gradient) = valueWithGradient(at: state.model) { model in
      model.negativeELBO(images: batch, estimator: estimator, key: key)
    }
    guard loss.isFinite else { throw TrainingError.diverged(step: state.step, loss: Double(loss)) }
    if estimator.observesLosses {
      // The losses the step's estimator saw (same model, sample and key): one more forward pass.
      state.estimator.observe(losses: state.model.imageLosses(images: batch, estimator: estimator, key: key))
    }
    state.optimizer.update(&state.model, along: gradient)
    state.step += 1
    state.stepLosses.append(Double(loss))
    return (Double(loss), temperature)
  }

  /// Trains one epoch (every full batch of a fresh shuffle), evaluates the test set, and records it.
  @discardableResult
  public mutating func trainEpoch(progress: (StepProgress) -> Void = { _ in }) throws -> EpochRecord {
    let order = permutation(epoch: state.epoch)
    let batchSize = state.configuration.batchSize
    let steps = stepsPerEpoch
    let start = DispatchTime.now().uptimeNanoseconds
    var total = 0.0, temperature = 0.0
    for s in 0..<steps {
      let batch = Self.rows(order[(s * batchSize)..<((s + 1) * batchSize)], of: trainImages)
      let result = try step(on: batch)
      total += result.loss
      temperature = result.temperature
      let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      progress(StepProgress(stepInEpoch: s + 1, stepsPerEpoch: steps, loss: result.loss, temperature: temperature,
                            elapsedSeconds: elapsed, batchSize: batchSize))
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    state.epoch += 1
    let boundSamples = state.configuration.epochBoundSamples
    let record = EpochRecord(epoch: state.epoch, trainLoss: total / Double(steps), testNegELBO: evaluate(testImages),
                             seconds: seconds, temperature: temperature,
                             testNLLBound: boundSamples > 0 ? evaluateBound(testImages, samples: boundSamples) : nil)
    state.epochs.append(record)
    return record
  }

  /// The mean importance-weighted bound on the negative log-likelihood of `images`
  /// (``DiscreteVAE/importanceWeightedNLL(images:samples:key:samplesPerPass:)``, `samples`
  /// draws per image), from the run's evaluation key folded with `UInt32.max`.
  public func evaluateBound(_ images: Tensor<Float>, samples: Int) -> Double {
    let key = Self.keys(seed: state.configuration.seed).evaluation.fold(in: .max)
    return Self.meanOverChunks(of: images, key: key) { chunk, key in
      state.model.importanceWeightedNLL(images: chunk, samples: samples, key: key)
    }
  }

  /// The mean negative ELBO of `images` under the discrete model (one-hot samples or bits, the
  /// configuration's number per image), from the run's evaluation key.
  public func evaluate(_ images: Tensor<Float>) -> Double {
    Self.meanOverChunks(of: images, key: Self.keys(seed: state.configuration.seed).evaluation) { chunk, key in
      state.model.discreteNegativeELBO(images: chunk, samples: state.configuration.evaluationSamples, key: key).map(Double.init)
    }
  }

  /// The mean over `images` of `perImage`, called on chunks of 100 images, chunk `c` with
  /// `key.fold(in: c)` (NaN for no images).
  static func meanOverChunks(of images: Tensor<Float>, key: PRNGKey, _ perImage: (Tensor<Float>, PRNGKey) -> [Double]) -> Double {
    let count = images.shape[0]
    if count == 0 { return .nan }
    var total = 0.0
    for (c, first) in stride(from: 0, to: count, by: 100).enumerated() {
      let chunk = rows(Array(first..<min(first + 100, count))[...], of: images)
      total += perImage(chunk, key.fold(in: UInt32(c))).reduce(0, +)
    }
    return total / Double(count)
  }
}
