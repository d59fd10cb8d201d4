import Foundation
import GumbelData
import GumbelPlot
import GumbelTensor

/// The pictures of a discrete-VAE run, built from its state: the data of each figure is
/// chosen here, and drawn by `GumbelPlot`.
public struct VAEFigures {
  /// The training objective per step and the test set's negative ELBO per epoch.
  public var loss: LineChartFigure
  /// Two test images of each digit over their reconstructions.
  public var reconstructions: ImageGridFigure
  /// 100 images decoded from latents drawn from the prior (uniform or learned).
  public var priorSamples: ImageGridFigure

  /// The figures of `trainer`'s run after its latest epoch; `testSet` and `testImages` are the
  /// same images, labelled and binarised.
  public init(_ trainer: VAETrainer, testSet: LabeledImages, testImages: Tensor<Float>) {
    let state = trainer.state
    let steps = state.stepLosses.enumerated().map { (x: Double($0.offset + 1) / Double(trainer.stepsPerEpoch), y: $0.element) }
    loss = LineChartFigure(
      title: "Categorical VAE (\(state.configuration.estimator.rawValue)): negative ELBO", xLabel: "epoch", yLabel: "nats per image",
      series: [
        .init(name: "train (per step)", points: steps, color: "#1f77b4"),
        .init(name: "test (discrete, per epoch)", points: state.epochs.map { (x: Double($0.epoch), y: $0.testNegELBO) }, color: "#d62728"),
      ])

    // Two test images of each digit (the first two of each label), and their reconstructions.
    var chosen = [Int]()
    for round in 0..<2 {
      for digit in 0..<10 {
        let indices = testSet.labels.indices.filter { testSet.labels[$0] == digit }
        if indices.count > round { chosen.append(indices[round]) }
      }
    }
    if chosen.isEmpty { chosen = Array(0..<min(20, testSet.count)) }
    let pixels = testSet.pixelsPerImage
    let originals = chosen.map { i in Array(testImages.scalars[(i * pixels)..<((i + 1) * pixels)]) }
    let batch = Tensor(shape: [chosen.count, pixels], scalars: originals.flatMap { $0 })
    let recon = state.model.reconstructions(of: batch)
    let reconRows = (0..<chosen.count).map { Array(recon.scalars[($0 * pixels)..<(($0 + 1) * pixels)]) }
    reconstructions = ImageGridFigure(
      title: "Test images and reconstructions after epoch \(state.epoch) (decoder probabilities at argmax z)",
      pairing: originals, with: reconRows, captions: ("test image", "reconstruction"),
      imageRows: testSet.rows, imageColumns: testSet.columns, columns: 10)

    let samples = state.model.priorSamples(count: 100, key: VAETrainer.keys(seed: state.configuration.seed).evaluation.fold(in: 999_999))
    let sampleRows = (0..<100).map { Array(samples.scalars[($0 * pixels)..<(($0 + 1) * pixels)]) }
    priorSamples = ImageGridFigure(title: "Samples from the \(state.model.learnsPrior ? "learned" : "uniform") prior after epoch \(state.epoch) (decoder probabilities)",
                                   images: sampleRows, imageRows: testSet.rows, imageColumns: testSet.columns, columns: 10)
  }

  /// Writes `loss.svg`, `reconstructions.svg` and `prior-samples.svg` into `directory`.
  public func write(to directory: String) throws {
    func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
    try loss.write(to: path("loss.svg"))
    try reconstructions.write(to: path("reconstructions.svg"))
    try priorSamples.write(to: path("prior-samples.svg"))
  }
}
