import _Differentiation
import ArgumentParser
import GumbelExperiments
import GumbelKit

/// `gumbel demo`: the seed notebook, cell by cell, in Swift.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Reproduce the JAX Gumbel-softmax notebook cell by cell, with its printed numbers.")

  @Option(help: "text or json.")
  var format: OutputFormat = .text

  @Option(help: "Also write DIR/index.html: the notebook's story with these numbers and its figures, one self-contained page.")
  var out: String?

  /// What the notebook printed (JAX's original Threefry scheme).
  enum Notebook {
    static let counts = [201, 199, 198, 190, 212]
    static let squareGradient: [Float] = [0.46325743, -0.09352899, -0.34142467, -0.00644364, -0.02186022]
    static let estimatorGradient: [Float] = [0.11581436, -0.02338225, -0.08535617, -0.00161091, -0.00546505]
  }

  func run() throws {
    let original = try NotebookExperiment.run(scheme: .original)
    let partitionable = try NotebookExperiment.run(scheme: .partitionable)
    switch format {
    case .json:
      print(JSONText.object([
        "scheme": JSONText.string("original"),
        "counts": JSONText.array(original.counts),
        "categoricalGradient": JSONText.array(original.categoricalGradient),
        "squareGradient": JSONText.array(original.squareGradient),
        "estimatorGradient": JSONText.array(original.estimatorGradient),
        "indexGradient": JSONText.array(original.indexGradient),
        "partitionable": partitionable.json,
      ]))
    case .text:
      print(Self.narrate(original: original, partitionable: partitionable))
    }
    if let out { try DemoReport.write(original: original, partitionable: partitionable, to: out) }
  }

  static func narrate(original: NotebookExperiment, partitionable: NotebookExperiment) -> String {
    func list<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
    func check(_ ours: [Float], _ theirs: [Float]) -> String {
      let worst = zip(ours, theirs).map { abs($0 - $1) / abs($1) }.max() ?? 0
      return worst <= 1e-5 ? "matches the notebook (largest relative difference \(worst))" : "DIFFERS from the notebook (relative difference \(worst))"
    }
    return """
    swift-gumbel: the Gumbel-softmax notebook, in Swift
    ===================================================
    These numbers use JAX's original Threefry scheme (jax_threefry_partitionable=False), the
    default when the notebook was written: PRNGKey(seed: i, scheme: .original).

    In [4]  logits = log([1/5, 1/5, 1/5, 1/5, 1/5])
            \(list(original.logits))

    In [5]  gradient of f(key, logits) = categorical(key, logits)^2 at PRNGKey(48)
            \(list(original.categoricalGradient))
            Sampling a category is a step function of the logits: its gradient is zero
            almost everywhere, so no learning signal reaches the logits.

    In [7]  counts of ArgmaxGumbelSoftmax(PRNGKey(i), logits, tau=0.001) over i = 0..<1000
            \(list(original.counts))   notebook: \(list(Notebook.counts))  \(original.counts == Notebook.counts ? "identical" : "DIFFERENT")
            At a low temperature the relaxed sample is one-hot and its argmax is a fair draw.

    In [10] gradient of ArgmaxGumbelSoftmax(PRNGKey(48), logits)^2 (tau = 1)
            \(list(original.squareGradient))
            \(check(original.squareGradient, Notebook.squareGradient))

    In [11] gradient of ArgmaxGumbelSoftmax(PRNGKey(48), logits)
            \(list(original.estimatorGradient))
            \(check(original.estimatorGradient, Notebook.estimatorGradient))

    A quirk of the notebook's estimator: it returns (y - stop_gradient(y) + stop_gradient(argmax y))[0],
    so its value is the sampled index but its gradient is that of y[0], the first softmax
    coordinate, whatever was sampled. The principled straight-through index
    (GumbelSoftmax.indexSample) has the same value and the gradient of sum_k k * y_k:
            d index / d logits = \(list(original.indexGradient))

    The same experiment with JAX's current scheme (partitionable, the default since JAX 0.5):
            counts                = \(list(partitionable.counts))
            categorical gradient  = \(list(partitionable.categoricalGradient))
            square gradient       = \(list(partitionable.squareGradient))
            estimator gradient    = \(list(partitionable.estimatorGradient))
            index gradient        = \(list(partitionable.indexGradient))
    """
  }
}

extension NotebookExperiment {
  var json: String {
    JSONText.object([
      "counts": JSONText.array(counts),
      "categoricalGradient": JSONText.array(categoricalGradient),
      "squareGradient": JSONText.array(squareGradient),
      "estimatorGradient": JSONText.array(estimatorGradient),
      "indexGradient": JSONText.array(indexGradient),
    ])
  }
}
