import _Differentiation
import GumbelRandom
import GumbelTensor

/// The Gumbel-softmax, or Concrete, distribution: a continuous relaxation of the categorical
/// distribution on the probability simplex.
///
/// A sample is `y = softmax((logits + g) / temperature)` with `g` standard Gumbel noise, so
/// it is a differentiable function of the logits and the temperature (the reparameterisation
/// trick). As the temperature falls to 0, samples approach one-hot vectors distributed as
/// `Categorical(softmax(logits))`; as it grows, they approach the centre of the simplex.
/// Its density on the open simplex, for `K` categories and `pi = softmax(logits)`, is
///
///     p(y) = (K-1)! tau^(K-1) prod_k (pi_k y_k^(-tau-1)) / (sum_k pi_k y_k^(-tau))^K
///
/// References: E. Jang, S. Gu, B. Poole, "Categorical Reparameterization with Gumbel-Softmax",
/// ICLR 2017 (arXiv:1611.01144); C. J. Maddison, A. Mnih, Y. W. Teh, "The Concrete
/// Distribution: A Continuous Relaxation of Discrete Random Variables", ICLR 2017
/// (arXiv:1611.00712). PyTorch's `RelaxedOneHotCategorical` and TFP's
/// `RelaxedOneHotCategorical` are the same distribution.
///
/// The logits have shape `[K]` or `[..., K]` (a batch of rows). A logit of `-infinity`
/// masks its category: it is never drawn, its coordinate is exactly 0, and it is left out of
/// the density (which then lives on the face of the simplex of the other categories), and all
/// gradients stay finite.
///
///     let dist = try GumbelSoftmax(probabilities: Tensor([0.2, 0.2, 0.2, 0.2, 0.2]), temperature: 0.5)
///     let y = dist.sample(using: key, count: 3)                 // shape [3, 5]
///     let g = gradient(at: dist) { d in d.hardSample(using: key).sum() }
///     g.logits; g.temperature
public struct GumbelSoftmax<Scalar: DistributionFloatingPoint>: Differentiable {
  /// Unnormalised log-probabilities, shape `[..., K]`.
  public var logits: Tensor<Scalar>
  /// The temperature `tau > 0`.
  public var temperature: Scalar

  /// A distribution from logits, checked: at least one category, logits finite or `-infinity`,
  /// no row fully masked, and a finite positive temperature.
  public init(logits: Tensor<Scalar>, temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(logits: logits.scalars, categories: logits.columnCount)
    try DistributionLimits.validate(temperature: temperature)
    self.init(trustedLogits: logits, temperature: temperature)
  }

  /// A distribution from class probabilities, checked: non-negative, each row summing to 1
  /// within ``DistributionLimits/simplexTolerance``. The logits are `log(probabilities)`;
  /// a probability of 0 masks its category.
  public init(probabilities: Tensor<Scalar>, temperature: Scalar) throws(DistributionError) {
    try DistributionLimits.validate(probabilities: probabilities.scalars, categories: probabilities.columnCount)
    try self.init(logits: probabilities.log(), temperature: temperature)
  }

  /// A distribution from logits that are not checked, for use inside differentiable code
  /// where the logits come from a model.
  @inlinable
  @differentiable(reverse)
  public init(trustedLogits logits: Tensor<Scalar>, temperature: Scalar) {
    self.logits = logits
    self.temperature = temperature
  }

  /// The number of categories `K`.
  @inlinable public var categoryCount: Int { logits.columnCount }

  /// The class probabilities `softmax(logits)`.
  @differentiable(reverse)
  public var probabilities: Tensor<Scalar> { logits.softmax() }

  /// Standard Gumbel noise for `count` samples (shape `[count] + logits.shape`), or for one
  /// sample per row of logits when `count` is `nil`. The same key gives the same noise as
  /// `jax.random.gumbel(key, shape)`.
  @inlinable
  public func noise(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    Self.noise(using: key, count: count, logitsShape: logits.shape)
  }

  @inlinable
  static func noise(using key: PRNGKey, count: Int?, logitsShape: [Int]) -> Tensor<Scalar> {
    let shape = count.map { [$0] + logitsShape } ?? logitsShape
    precondition(shape.allSatisfy { $0 >= 0 }, "sample count \(count ?? 0) is negative")
    return Tensor(shape: shape, scalars: key.gumbel(count: shape.reduce(1, *)))
  }

  /// `logits + g`, the logits perturbed by fresh Gumbel noise.
  @inlinable
  @differentiable(reverse, wrt: self)
  func perturbedLogits(using key: PRNGKey, count: Int?) -> Tensor<Scalar> {
    logits + Self.noise(using: key, count: count, logitsShape: withoutDerivative(at: logits).shape)
  }

  /// The log of a reparameterised sample (the ExpConcrete distribution of Maddison et al.):
  /// `log_softmax((logits + g) / temperature)`. At low temperatures this keeps the precision
  /// that `log(sample(...))` loses to underflow.
  @inlinable
  @differentiable(reverse, wrt: self)
  public func logSample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    perturbedLogits(using: key, count: count).logSoftmax(temperature: temperature)
  }

  /// A reparameterised (soft) sample, `softmax((logits + g) / temperature)`, differentiable
  /// with respect to the logits and the temperature.
  @inlinable
  @differentiable(reverse, wrt: self)
  public func sample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    Self.relaxedSample(.soft, logits: logits, temperature: temperature, key: key, count: count)
  }

  /// A straight-through sample: the one-hot vector of `argmax(logits + g)` in the forward pass,
  /// and the gradient of the soft sample in the backward pass (Jang et al., section 2.2).
  /// Its category equals `jax.random.categorical(key, logits)` for the same key.
  @inlinable
  @differentiable(reverse, wrt: self)
  public func hardSample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    Self.relaxedSample(.oneHot, logits: logits, temperature: temperature, key: key, count: count)
  }

  /// A straight-through category index, as a float: `argmax(logits + g)` in the forward pass,
  /// and the gradient of the soft index `sum_k k * y_k` in the backward pass. Shape: the
  /// sample shape without the last (category) dimension.
  @inlinable
  @differentiable(reverse, wrt: self)
  public func indexSample(using key: PRNGKey, count: Int? = nil) -> Tensor<Scalar> {
    Self.relaxedSample(.index, logits: logits, temperature: temperature, key: key, count: count)
  }

  /// What a sampler returns from a draw: the soft sample, its straight-through one-hot
  /// vector, or its straight-through index.
  @usableFromInline
  enum SampleForm {
    case soft, oneHot, index

    /// The contents of the draw that gives this form's forward value outside differentiation.
    @inlinable
    var forwardContents: GumbelSoftmaxDrawContents {
      switch self {
      case .soft: .sample
      case .oneHot: .oneHot
      case .index: .argmax
      }
    }

    /// The forward value of this form from a draw of ``forwardContents`` (whose sample is
    /// already the value of a soft or one-hot form), or of a draw for the pullback (contents
    /// `.sampleAndPerturbedLogits` for the soft form, `.argmax` for the others: the pullback
    /// still holds the draw's sample, so the one-hot value is a tensor whose elements are made
    /// from the argmax only if they are read, which a product with it does not do).
    @inlinable
    func value(of draw: GumbelSoftmaxDraw<Scalar>, contents: GumbelSoftmaxDrawContents) -> Tensor<Scalar> {
      switch self {
      case .soft:
        return Tensor(shape: draw.shape, scalars: draw.sample)
      case .oneHot:
        if contents == .oneHot { return Tensor(shape: draw.shape, scalars: draw.sample, pattern: .oneHot(draw.argmax)) }
        return Tensor(shape: draw.shape, deferring: .oneHot(draw.argmax))
      case .index:
        return Tensor(shape: Array(draw.shape.dropLast()), scalars: draw.argmax.map { Scalar($0) })
      }
    }

    /// The upstream tangent of the soft sample that the straight-through pullback passes on:
    /// `v` itself, or `v_r * k` for the index `sum_k k * y_k` of row `r`.
    @inlinable
    func softUpstream(_ v: Tensor<Scalar>, draw: GumbelSoftmaxDraw<Scalar>) -> [Scalar] {
      switch self {
      case .soft, .oneHot:
        return v.unbroadcast(to: draw.shape).scalars
      case .index:
        let k = draw.shape.last ?? 1
        let perRow = v.unbroadcast(to: Array(draw.shape.dropLast())).scalars
        return (0..<draw.sample.count).map { i in perRow[i / k] * Scalar(i % k) }
      }
    }
  }

  /// The samplers as one primitive of the logits and the temperature, with the fused kernels
  /// of ``GumbelSoftmaxKernels`` forward and backward.
  @inlinable
  @differentiable(reverse, wrt: (logits, temperature))
  static func relaxedSample(
    _ form: SampleForm, logits: Tensor<Scalar>, temperature: Scalar, key: PRNGKey, count: Int?
  ) -> Tensor<Scalar> {
    let contents = form.forwardContents
    return form.value(
      of: GumbelSoftmaxKernels.draw(logits: logits, temperature: temperature, key: key, count: count, contents: contents),
      contents: contents)
  }

  @inlinable
  @derivative(of: relaxedSample, wrt: (logits, temperature))
  static func _vjpRelaxedSample(
    _ form: SampleForm, logits: Tensor<Scalar>, temperature: Scalar, key: PRNGKey, count: Int?
  ) -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Scalar)) {
    let contents: GumbelSoftmaxDrawContents = form == .soft ? .sampleAndPerturbedLogits : .argmax
    let draw = GumbelSoftmaxKernels.draw(logits: logits, temperature: temperature, key: key, count: count, contents: contents)
    let logitsShape = logits.shape
    return (form.value(of: draw, contents: contents), { v in
      let gradients = GumbelSoftmaxKernels.pullback(
        of: draw, upstream: form.softUpstream(v, draw: draw), temperature: temperature, logitsShape: logitsShape)
      return (gradients.logits, gradients.temperature)
    })
  }

  /// The log-density of a log-sample `x = log y` under the ExpConcrete distribution:
  ///
  ///     log p(x) = log (n-1)! + (n-1) log tau + sum_k (log pi_k - tau x_k) - n logsumexp_k(log pi_k - tau x_k)
  ///
  /// over the `n` unmasked categories of each row. Computed in log space throughout, so it is
  /// finite at low temperatures where the simplex form over- or underflows, and accumulated in
  /// `Double`, so its gradient is finite wherever its exact value fits in `Scalar`. A row with
  /// an infinite unmasked `x_k` is outside the support: `-infinity`, with zero gradient.
  @differentiable(reverse)
  public func logDensity(ofLogSample x: Tensor<Scalar>) -> Tensor<Scalar> {
    ExpConcreteDensity.logDensity(logits: logits, temperature: temperature, logSample: x)
  }

  /// The log-density of a point `y` of the open simplex (the Concrete density above), computed
  /// as the ExpConcrete density of `log y` minus the log-Jacobian `sum_k log y_k`.
  /// A masked category must have `y_k = 0`; check values with ``validate(value:)``.
  @differentiable(reverse)
  public func logDensity(of value: Tensor<Scalar>) -> Tensor<Scalar> {
    let masked = withoutDerivative(at: logits).maskedElements
    let logY = value.replacing(where: masked, with: 1).log()
    return logDensity(ofLogSample: logY) - logY.sumAlongLastAxis()
  }

  /// Checks that `value` lies in the support of ``logDensity(of:)``: the shape of the logits
  /// (or a batch of them), every unmasked coordinate positive, every masked one 0, each row
  /// summing to 1 within ``DistributionLimits/simplexTolerance``.
  public func validate(value: Tensor<Scalar>) throws(DistributionError) {
    guard value.shape.count >= logits.shape.count, Array(value.shape.suffix(logits.shape.count)) == logits.shape else {
      throw .shapeMismatch(expected: logits.shape, actual: value.shape)
    }
    let k = categoryCount
    for r in 0..<value.rowCount {
      let row = value.scalars[(r * k)..<((r + 1) * k)]
      let logitRow = (r % logits.rowCount) * k
      var sum = 0.0
      for (j, y) in row.enumerated() {
        let isMasked = logits.scalars[logitRow + j] == -.infinity
        guard y.isFinite else { throw .notOnSimplex(row: r, reason: "coordinate \(j) is \(y)") }
        if isMasked, y != 0 { throw .notOnSimplex(row: r, reason: "coordinate \(j) of a masked category is \(y), not 0") }
        if !isMasked, y <= 0 { throw .notOnSimplex(row: r, reason: "coordinate \(j) is \(y), not positive") }
        sum += Double(y)
      }
      guard abs(sum - 1) <= DistributionLimits.simplexTolerance else {
        throw .notOnSimplex(row: r, reason: "coordinates sum to \(sum), not 1")
      }
    }
  }

}
