import _Differentiation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

/// The computations of the seed notebook (JAX's Gumbel-softmax walkthrough), cell by cell, for
/// one key scheme: what `gumbel demo` prints and reports.
public struct NotebookExperiment: Equatable, Sendable {
  /// In [4]: `log([1/5, 1/5, 1/5, 1/5, 1/5])`.
  public var logits: [Float] = []
  /// In [7]: how often each category is the argmax of `ArgmaxGumbelSoftmax(PRNGKey(i), logits,
  /// tau = 0.001)` over `i = 0..<1000`.
  public var counts: [Int] = []
  /// In [5]: the gradient of `categorical(PRNGKey(48), logits)^2` (zero: a step function).
  public var categoricalGradient: [Float] = []
  /// In [10]: the gradient of `ArgmaxGumbelSoftmax(PRNGKey(48), logits)^2`.
  public var squareGradient: [Float] = []
  /// In [11]: the gradient of `ArgmaxGumbelSoftmax(PRNGKey(48), logits)`.
  public var estimatorGradient: [Float] = []
  /// The gradient of the straight-through index ``GumbelSoftmax/indexSample(using:)``.
  public var indexGradient: [Float] = []

  /// An empty record; ``run(scheme:)`` fills one.
  public init() {}

  /// The notebook's cells, with keys of `scheme`.
  public static func run(scheme: PRNGScheme) throws -> NotebookExperiment {
    var result = NotebookExperiment()
    let logits = Tensor<Float>([Float](repeating: 1.0 / 5, count: 5)).log()
    result.logits = logits.scalars
    let key48 = PRNGKey(seed: 48, scheme: scheme)

    // In [5]: f(key, logits) = Float(categorical(key, logits))^2. The category is an integer,
    // which carries no derivative: Swift's autodiff sees that f does not depend on the logits
    // through any differentiable operation, and the gradient is zero.
    _ = try Categorical(logits: logits)
    result.categoricalGradient = gradient(at: logits) { l in
      let category = Float((try? Categorical(trustedLogits: withoutDerivative(at: l)).sample(using: key48))?[0] ?? 0)
      return category * category
    }.unbroadcast(to: [5]).scalars

    // In [7]
    var counts = [Int](repeating: 0, count: 5)
    for i in 0..<1000 {
      let value = argmaxGumbelSoftmax(key: PRNGKey(seed: i, scheme: scheme), logits: logits, temperature: 0.001)
      counts[Int(value)] += 1
    }
    result.counts = counts

    // In [10], In [11]
    result.squareGradient = gradient(at: logits) { l in
      let value = argmaxGumbelSoftmax(key: key48, logits: l)
      return value * value
    }.scalars
    result.estimatorGradient = gradient(at: logits) { l in argmaxGumbelSoftmax(key: key48, logits: l) }.scalars

    // The principled index form.
    result.indexGradient = gradient(at: logits) { l in
      GumbelSoftmax(trustedLogits: l, temperature: 1).indexSample(using: key48).sum()
    }.scalars
    return result
  }
}

/// The notebook's `ArgmaxGumbelSoftmax`, as written:
/// `(y - stop_gradient(y) + stop_gradient(argmax(y)))[0]` with
/// `y = softmax((gumbel(key, shape) + logits) / tau)`. Its value is the index of the sampled
/// category; its gradient is that of `y[0]`.
@differentiable(reverse, wrt: logits)
public func argmaxGumbelSoftmax(key: PRNGKey, logits: Tensor<Float>, temperature: Float = 1) -> Float {
  let y = GumbelSoftmax(trustedLogits: logits, temperature: temperature).sample(using: key)
  let index = Float(withoutDerivative(at: y).argmax()[0])
  return straightThrough(index, gradientFrom: y.scalar(at: 0))
}
