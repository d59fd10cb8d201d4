import _Differentiation
import GumbelDistributions
import GumbelEstimators
import GumbelNN
import GumbelRandom
import GumbelTensor

/// A multilayer perceptron with two hidden ReLU layers: `Dense, ReLU, Dense, ReLU, Dense`.
public typealias TwoHiddenLayerPerceptron<Scalar: TensorFloatingPoint & RandomFloatingPoint> =
  Sequential<Sequential<Sequential<Sequential<Dense<Scalar>, ReLU<Scalar>>, Dense<Scalar>>, ReLU<Scalar>>, Dense<Scalar>>

extension Sequential {
  /// `Dense(sizes[0] -> sizes[1]), ReLU, Dense(sizes[1] -> sizes[2]), ReLU, Dense(sizes[2] -> sizes[3])`,
  /// each dense layer's weights drawn from the next key of `keys`.
  public static func perceptron<S>(sizes: [Int], keys: inout PRNGSequence, initializer: WeightInitializer<S> = .haiku)
    -> TwoHiddenLayerPerceptron<S> where Self == TwoHiddenLayerPerceptron<S>
  {
    precondition(sizes.count == 4, "a two-hidden-layer perceptron has 4 sizes, not \(sizes)")
    let d1 = Dense<S>(inputSize: sizes[0], outputSize: sizes[1], key: keys.nextKey(), initializer: initializer)
    let d2 = Dense<S>(inputSize: sizes[1], outputSize: sizes[2], key: keys.nextKey(), initializer: initializer)
    let d3 = Dense<S>(inputSize: sizes[2], outputSize: sizes[3], key: keys.nextKey(), initializer: initializer)
    return Sequential { d1; ReLU<S>(); d2; ReLU<S>(); d3 }
  }
}

/// The kind of each latent variable of a ``DiscreteVAE``.
public enum LatentType: String, CaseIterable, Codable, Sendable {
  /// `K` classes, coded one-hot, with a uniform prior `1 / K` (or a learned one).
  case categorical
  /// A bit, with a uniform prior `1 / 2` (or a learned one; the paper's "Bernoulli (200)").
  case bernoulli
}

/// The variational autoencoder of Jang, Gu & Poole (2017), section 4.2: binary images `x`
/// (`[batch, pixels]`), `N` discrete latents (categorical of `K` classes, or Bernoulli), a
/// uniform prior or a learned one (``learnsPrior``), and a Bernoulli decoder on logits.
///
/// - encoder: `pixels -> hidden[0] -> hidden[1] -> code` (ReLU), the logits of `q(z | x)`, shaped
///   `[batch N, K]` for categorical latents and `[batch N, 1]` for bits; `code` is `N K` or `N`;
/// - decoder: `code -> hidden[1] -> hidden[0] -> pixels` (ReLU), the logits of `p(x | z)`, fed the
///   one-hot codes (or bits) of the `N` latents;
/// - prior: uniform, or (``learnsPrior``) `p(z_j) = softmax(priorLogits[j])` for latent `j`
///   (`sigmoid` for bits), its logits trained with the rest: the "learned categorical prior"
///   of the paper's final version;
/// - loss: the negative ELBO per image, `-log p(x | z) + KL(q(z | x) || p(z))`, with the
///   reconstruction term summed over pixels at a sample `z` from the gradient estimator and the KL
///   computed exactly from the encoder's and the prior's probabilities, averaged over the batch.
public struct DiscreteVAE<Scalar: DistributionFloatingPoint>: TrainableModel {
  public var encoder: TwoHiddenLayerPerceptron<Scalar>
  public var decoder: TwoHiddenLayerPerceptron<Scalar>
  /// The logits of the prior, `[N, logitsPerLatent]`: zeros (uniform) at the start, and kept
  /// there unless ``learnsPrior``.
  public var priorLogits: Tensor<Scalar>
  /// Whether the prior is learned (``priorLogits`` used and trained) or uniform.
  @noDerivative public let learnsPrior: Bool
  /// `N`, the number of latent variables.
  @noDerivative public let latentCount: Int
  /// `K`, the number of classes of each latent variable (2 for bits).
  @noDerivative public let categoryCount: Int
  /// Categorical latents or bits.
  @noDerivative public let latentType: LatentType
  /// The number of pixels of an image.
  @noDerivative public let pixelCount: Int

  /// A model with weights drawn from `key` (Haiku's default initialiser, biases 0) and a
  /// uniform prior (learned from there when `learnsPrior`). `categoryCount` is ignored for
  /// Bernoulli latents (each has 2 values).
  public init(pixelCount: Int = 784, hiddenSizes: [Int] = [512, 256], latentCount: Int = 30, categoryCount: Int = 10,
              latentType: LatentType = .categorical, learnsPrior: Bool = false, key: PRNGKey,
              initializer: WeightInitializer<Scalar> = .haiku) {
    precondition(hiddenSizes.count == 2, "the VAE has two hidden layers, not \(hiddenSizes.count)")
    precondition(pixelCount > 0 && latentCount > 0 && (latentType == .bernoulli || categoryCount > 1),
                 "the VAE needs pixels, latents and at least two categories")
    self.latentCount = latentCount
    self.categoryCount = latentType == .bernoulli ? 2 : categoryCount
    self.latentType = latentType
    self.pixelCount = pixelCount
    self.learnsPrior = learnsPrior
    priorLogits = Tensor(repeating: 0, shape: [latentCount, latentType == .bernoulli ? 1 : categoryCount])
    var keys = PRNGSequence(key)
    let codeSize = latentType == .bernoulli ? latentCount : latentCount * categoryCount
    encoder = .perceptron(sizes: [pixelCount, hiddenSizes[0], hiddenSizes[1], codeSize], keys: &keys, initializer: initializer)
    decoder = .perceptron(sizes: [codeSize, hiddenSizes[1], hiddenSizes[0], pixelCount], keys: &keys, initializer: initializer)
  }

  /// The prior's logits as the model uses them: ``priorLogits`` if it ``learnsPrior``, zeros
  /// (uniform) otherwise, whatever ``priorLogits`` holds.
  public var activePriorLogits: Tensor<Scalar> {
    learnsPrior ? priorLogits : Tensor(repeating: 0, shape: priorLogits.shape)
  }

  /// The logits of each latent: `K` for a categorical latent, 1 for a bit.
  public var logitsPerLatent: Int { latentType == .bernoulli ? 1 : categoryCount }

  /// The width of an image's code, the decoder's input: `N K`, or `N` for bits.
  public var codeSize: Int { latentCount * logitsPerLatent }

  /// The logits of `q(z | x)` for a batch of images: `[batch * N, K]` (`[batch * N, 1]` for bits).
  @differentiable(reverse, wrt: self)
  public func encode(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
    let rows = withoutDerivative(at: images).shape[0] * withoutDerivative(at: latentCount)
    return Self.apply(encoder, to: images).reshaped(to: [rows, withoutDerivative(at: self).logitsPerLatent])
  }

  /// The logits of `p(x | z)` for one-hot codes or bits (or their relaxations) `[batch * N,
  /// logitsPerLatent]`: `[batch, pixels]`.
  @differentiable(reverse)
  public func decode(_ latents: Tensor<Scalar>) -> Tensor<Scalar> {
    let size = withoutDerivative(at: self).codeSize
    let batch = withoutDerivative(at: latents).scalarCount / size
    return Self.apply(decoder, to: latents.reshaped(to: [batch, size]))
  }

  /// `network(x)`, the layers applied one by one: `Dense, ReLU, Dense, ReLU, Dense`, each
  /// hidden layer and its ReLU as one ``affineReLU(_:_:_:)`` (the same values as the network's
  /// own call, bit for bit). Written here so that this module specialises the layers (and their
  /// derivatives) for `Scalar`: the generic ``Sequential`` of `GumbelNN` would run them
  /// unspecialised.
  @differentiable(reverse, wrt: network)
  @differentiable(reverse)
  static func apply(_ network: TwoHiddenLayerPerceptron<Scalar>, to x: Tensor<Scalar>) -> Tensor<Scalar> {
    let (d1, d2) = (network.first.first.first.first, network.first.first.second)
    let h1 = affineReLU(x, d1.weight, d1.bias)
    let h2 = affineReLU(h1, d2.weight, d2.bias)
    return network.second(h2)
  }

  /// The estimator's sample of the latents for `logits` (one-hot codes, or bits). Bits are
  /// drawn with one row per image (the same draws, element by element), so that an estimator
  /// that pairs consecutive rows (DisARM) pairs an image's two copies.
  @differentiable(reverse, wrt: logits)
  func sampleLatents(logits: Tensor<Scalar>, estimator: Estimator<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    guard withoutDerivative(at: latentType) == .bernoulli else { return estimator.sample(logits: logits, using: key) }
    let shape = withoutDerivative(at: logits).shape
    let images = shape[0] / withoutDerivative(at: latentCount)
    return estimator.sampleBits(logits: logits.reshaped(to: [images, withoutDerivative(at: latentCount)]), using: key)
      .reshaped(to: shape)
  }

  /// `KL(q || p)` of each latent, `[batch * N]`: to the uniform prior,
  /// ``klToUniform(logits:categories:)`` or, for bits, ``klToUniformBit(logits:)``; to a learned
  /// one, ``klToPrior(logits:priorLogits:)`` or ``klToPriorBit(logits:priorLogits:)``.
  @differentiable(reverse, wrt: (self, logits))
  func latentKL(logits: Tensor<Scalar>) -> Tensor<Scalar> {
    let bits = withoutDerivative(at: latentType) == .bernoulli
    let kl: Tensor<Scalar>
    if withoutDerivative(at: learnsPrior) {
      kl = bits ? Self.klToPriorBit(logits: logits, priorLogits: priorLogits)
        : Self.klToPrior(logits: logits, priorLogits: priorLogits)
    } else {
      kl = bits ? Self.klToUniformBit(logits: logits) : Self.klToUniform(logits: logits, categories: withoutDerivative(at: categoryCount))
    }
    return kl.reshaped(to: [withoutDerivative(at: logits).rowCount])
  }

  /// The training objective: the negative ELBO averaged over the batch, at one sample of the
  /// latents per image drawn by `estimator` with `key`. Its value is the negative ELBO; its
  /// gradient is the estimator's.
  ///
  /// The estimator sees `[batch * N, K]` logits (`[batch * N, 1]` for bits) and each image's
  /// reconstruction loss, shared by the image's `N` latents; its surrogate adds whatever it adds
  /// to that loss (nothing for straight-through and Gumbel-softmax estimators, REINFORCE's
  /// score-function term with a baseline taken over images), so the objective is
  /// `recon + (surrogate - recon) + KL` per image, where the added term has value 0 and carries
  /// only its gradient.
  ///
  /// An estimator with several draws per estimate (`rloo`, ``Estimator/drawsPerEstimate``)
  /// sees each image that many times in a row, and the objective averages over the copies.
  @differentiable(reverse, wrt: self)
  public func negativeELBO(images: Tensor<Scalar>, estimator: Estimator<Scalar>, key: PRNGKey) -> Scalar {
    let images = Self.repeatingRows(of: withoutDerivative(at: images), times: estimator.drawsPerEstimate)
    let batch = withoutDerivative(at: images).shape[0]
    let n = withoutDerivative(at: latentCount)
    let logits = encode(images)
    let z = sampleLatents(logits: logits, estimator: estimator, key: key)
    let reconstruction = decode(z).sigmoidCrossEntropy(labels: images).sumAlongLastAxis()   // [batch]
    let kl = latentKL(logits: logits).reshaped(to: [batch, n]).sumAlongLastAxis()
    // Where the surrogate is the loss, the added term is 0 with a gradient of exactly 0:
    // skipped (the same bits).
    guard !estimator.surrogateIsTheLoss else { return (reconstruction + kl).mean() }
    let surrogate = estimator.groupedSurrogateLoss(logits: logits, sample: z, loss: reconstruction,
                                                   bits: withoutDerivative(at: latentType) == .bernoulli)
    let estimatorTerm = surrogate - reconstruction
    let zeroValued = estimatorTerm - withoutDerivative(at: estimatorTerm)
    return (reconstruction + kl + zeroValued).mean()
  }

  /// Each row of `x` `times` times in a row (`x` itself for once).
  static func repeatingRows(of x: Tensor<Scalar>, times: Int) -> Tensor<Scalar> {
    guard times > 1 else { return x }
    let width = x.columnCount, scalars = x.scalars
    var rows = [Scalar]()
    rows.reserveCapacity(scalars.count * times)
    for r in 0..<x.rowCount {
      for _ in 0..<times { rows.append(contentsOf: scalars[(r * width)..<((r + 1) * width)]) }
    }
    return Tensor(shape: [x.rowCount * times, width], scalars: rows)
  }

  /// `scalars` `times` times over, one whole copy after another (`jnp.tile` of a flat array):
  /// the targets of a decoder batch that holds several draws for each image. (Copied by
  /// whole arrays: `Array(repeatElement(scalars, count: times).joined())` goes element by
  /// element, and took 3% of an epoch's evaluation.)
  static func tiled(_ scalars: [Scalar], times: Int) -> [Scalar] {
    var tiles = [Scalar]()
    tiles.reserveCapacity(scalars.count * times)
    for _ in 0..<times { tiles.append(contentsOf: scalars) }
    return tiles
  }

  /// What ``negativeELBO(images:estimator:key:)`` hands the estimator as each image's loss,
  /// `[batch]`: the reconstruction loss at the estimator's sample. An estimator that learns
  /// from the losses it saw (a moving-average baseline) observes these after the step.
  public func imageLosses(images: Tensor<Scalar>, estimator: Estimator<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    let images = Self.repeatingRows(of: images, times: estimator.drawsPerEstimate)
    let z = sampleLatents(logits: encode(images), estimator: estimator, key: key)
    return decode(z).sigmoidCrossEntropy(labels: images).sumAlongLastAxis()
  }

  /// `KL(softmax(logits) || uniform) = sum_k q_k (log q_k + log K)` for each row of `logits`.
  @differentiable(reverse, wrt: logits)
  public static func klToUniform(logits: Tensor<Scalar>, categories: Int) -> Tensor<Scalar> {
    let logQ = logits.logSoftmax()
    let logK = Tensor<Scalar>(Scalar.log(Scalar(categories)))
    return (logQ.exp() * (logQ + logK)).sumAlongLastAxis()
  }

  /// `KL(Bernoulli(q) || Bernoulli(1/2)) = log 2 - H(q)` for each logit, `q = sigmoid(logit)`
  /// and `H(q) = softplus(l) - l q` the entropy (as ``Bernoulli/entropy()``, written here so that
  /// it runs specialised for `Scalar`); shaped as `logits`.
  @differentiable(reverse, wrt: logits)
  public static func klToUniformBit(logits: Tensor<Scalar>) -> Tensor<Scalar> {
    Tensor<Scalar>(Scalar.log(2)) - (logits.softplus() - logits * logits.sigmoid())
  }

  /// `KL(softmax(logits) || softmax(priorLogits[j])) = sum_k q_k (log q_k - log p_k)` for each
  /// row of `logits` (`[batch * N, K]`), row `i` against prior row `j = i mod N` of `priorLogits`
  /// (`[N, K]`).
  @differentiable(reverse, wrt: (logits, priorLogits))
  public static func klToPrior(logits: Tensor<Scalar>, priorLogits: Tensor<Scalar>) -> Tensor<Scalar> {
    let (rows, n, k) = (withoutDerivative(at: logits).rowCount, withoutDerivative(at: priorLogits).rowCount,
                        withoutDerivative(at: logits).columnCount)
    let logQ = logits.logSoftmax()
    let logRatio = logQ.reshaped(to: [rows / n, n, k]) - priorLogits.logSoftmax()
    return (logQ.exp() * logRatio.reshaped(to: [rows, k])).sumAlongLastAxis()
  }

  /// `KL(Bernoulli(q) || Bernoulli(p)) = q (log q - log p) + (1 - q) (log(1 - q) - log(1 - p))`
  /// for each logit (`[batch * N, 1]`), `q = sigmoid(logit)` and `p = sigmoid(priorLogits[j])`
  /// for prior row `j = i mod N` (`[N, 1]`); shaped as `logits`.
  @differentiable(reverse, wrt: (logits, priorLogits))
  public static func klToPriorBit(logits: Tensor<Scalar>, priorLogits: Tensor<Scalar>) -> Tensor<Scalar> {
    let (rows, n) = (withoutDerivative(at: logits).rowCount, withoutDerivative(at: priorLogits).rowCount)
    let q = logits.sigmoid()
    let onOne = (logits.logSigmoid().reshaped(to: [rows / n, n, 1]) - priorLogits.logSigmoid()).reshaped(to: [rows, 1])
    let onZero = ((-logits).logSigmoid().reshaped(to: [rows / n, n, 1]) - (-priorLogits).logSigmoid()).reshaped(to: [rows, 1])
    return q * onOne + (Tensor<Scalar>(1) - q) * onZero
  }

  /// A draw of the latents from `q(z | x)` (or from the prior, for zero logits), without
  /// gradient: one-hot rows by the Gumbel-max trick, or bits `u < sigmoid(logit)`.
  public func drawLatents(logits: Tensor<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    latentType == .bernoulli ? BitSampling.bernoulli(logits: logits, key: key) : OneHotSampling.gumbelMax(logits: logits, key: key)
  }

  /// The negative ELBO of each image under the discrete model: `samples` draws of
  /// `z ~ q(z | x)` (``drawLatents(logits:key:)`` with keys folded from `key`), the
  /// reconstruction loss averaged over them, plus the exact KL to the prior.
  public func discreteNegativeELBO(images: Tensor<Scalar>, samples: Int = 10, key: PRNGKey) -> [Scalar] {
    precondition(samples > 0, "need at least one sample, not \(samples)")
    let batch = images.shape[0]
    let logits = encode(images)
    let kl = latentKL(logits: logits).reshaped(to: [batch, latentCount]).sumAlongLastAxis()
    // All draws in one decoder batch: rows s * batch + i.
    var codes = [Scalar]()
    codes.reserveCapacity(samples * logits.scalarCount)
    for s in 0..<samples {
      codes += drawLatents(logits: logits, key: key.fold(in: UInt32(s))).scalars
    }
    let z = Tensor(shape: [samples * logits.rowCount, logitsPerLatent], scalars: codes)
    let targets = Tensor(shape: [samples * batch, pixelCount], scalars: Self.tiled(images.scalars, times: samples))
    let reconstruction = decode(z).sigmoidCrossEntropy(labels: targets).sumAlongLastAxis().scalars
    return (0..<batch).map { i in
      var total: Scalar = 0
      for s in 0..<samples { total += reconstruction[s * batch + i] }
      return total / Scalar(samples) + kl.scalars[i]
    }
  }

  /// The decoder's pixel probabilities at the most probable latents `argmax q(z | x)` (the
  /// likelier value of each bit): `[batch, pixels]`, for pictures of reconstructions.
  public func reconstructions(of images: Tensor<Scalar>) -> Tensor<Scalar> {
    let logits = encode(images)
    let mode = latentType == .bernoulli
      ? Tensor(shape: logits.shape, scalars: logits.scalars.map { $0 > 0 ? 1 : 0 }) : logits.oneHotArgmax()
    return decode(mode).sigmoid()
  }

  /// The decoder's pixel probabilities for `count` latents drawn from the prior.
  public func priorSamples(count: Int, key: PRNGKey) -> Tensor<Scalar> {
    let logits = Tensor(shape: [count * latentCount, logitsPerLatent],
                        scalars: Self.tiled(activePriorLogits.scalars, times: count))
    return decode(drawLatents(logits: logits, key: key)).sigmoid()
  }

  /// The shapes of ``parameters`` for a model of these sizes, without making it (a checkpoint's
  /// tensors are checked against them before a model is allocated).
  public static func parameterShapes(pixelCount: Int, hiddenSizes: [Int], latentCount: Int, categoryCount: Int,
                                     latentType: LatentType) -> [[Int]] {
    let logitsPerLatent = latentType == .bernoulli ? 1 : categoryCount
    let codeSize = latentCount * logitsPerLatent
    func perceptron(_ sizes: [Int]) -> [[Int]] {
      (0..<3).flatMap { [[sizes[$0], sizes[$0 + 1]], [sizes[$0 + 1]]] }
    }
    return perceptron([pixelCount, hiddenSizes[0], hiddenSizes[1], codeSize])
      + perceptron([codeSize, hiddenSizes[1], hiddenSizes[0], pixelCount]) + [[latentCount, logitsPerLatent]]
  }

  /// The encoder's, the decoder's, then the prior's logits.
  public var parameters: [Tensor<Scalar>] {
    get { encoder.parameters + decoder.parameters + [priorLogits] }
    set {
      let split = encoder.parameters.count
      encoder.parameters = Array(newValue[..<split])
      decoder.parameters = Array(newValue[split..<(newValue.count - 1)])
      priorLogits = newValue[newValue.count - 1]
    }
  }

  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {
    encoder.updateParameters(body)
    decoder.updateParameters(body)
    body(&priorLogits)
  }
}

extension DiscreteVAE {
  /// The gradient of the encoder, the decoder and the prior's logits (``Tensor/zero`` where
  /// the prior is not learned).
  public struct TangentVector: Differentiable, AdditiveArithmetic, ParameterGroup {
    public typealias TangentVector = Self
    public var encoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector
    public var decoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector
    public var priorLogits: Tensor<Scalar>

    public init(encoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector, decoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector,
                priorLogits: Tensor<Scalar> = .zero) {
      self.encoder = encoder
      self.decoder = decoder
      self.priorLogits = priorLogits
    }

    public var parameters: [Tensor<Scalar>] {
      get { encoder.parameters + decoder.parameters + [priorLogits] }
      set {
        let split = encoder.parameters.count
        encoder.parameters = Array(newValue[..<split])
        decoder.parameters = Array(newValue[split..<(newValue.count - 1)])
        priorLogits = newValue[newValue.count - 1]
      }
    }
  }

  public mutating func move(by offset: TangentVector) {
    encoder.move(by: offset.encoder)
    decoder.move(by: offset.decoder)
    priorLogits.move(by: offset.priorLogits.unbroadcast(to: priorLogits.shape))
  }
}
