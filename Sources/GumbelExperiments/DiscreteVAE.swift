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

/// The categorical variational autoencoder of Jang, Gu & Poole (2017), section 4.2: binary
/// images `x` (`[batch, pixels]`), `N` categorical latents of `K` classes each, a uniform
/// categorical prior, and a Bernoulli decoder on logits.
///
/// - encoder: `pixels -> hidden[0] -> hidden[1] -> N K` (ReLU), the logits of `q(z | x)`, shaped `[batch N, K]`;
/// - decoder: `N K -> hidden[1] -> hidden[0] -> pixels` (ReLU), the logits of `p(x | z)`;
/// - loss: the negative ELBO per image, `-log p(x | z) + KL(q(z | x) || uniform)`, with the
///   reconstruction term summed over pixels at a sample `z` from the gradient estimator and the KL
///   computed exactly from the encoder's probabilities, averaged over the batch.
public struct CategoricalVAE<Scalar: DistributionFloatingPoint>: TrainableModel {
  public var encoder: TwoHiddenLayerPerceptron<Scalar>
  public var decoder: TwoHiddenLayerPerceptron<Scalar>
  /// `N`, the number of categorical latent variables.
  @noDerivative public let latentCount: Int
  /// `K`, the number of classes of each latent variable.
  @noDerivative public let categoryCount: Int
  /// The number of pixels of an image.
  @noDerivative public let pixelCount: Int

  /// A model with weights drawn from `key` (Haiku's default initialiser, biases 0).
  public init(pixelCount: Int = 784, hiddenSizes: [Int] = [512, 256], latentCount: Int = 30, categoryCount: Int = 10,
              key: PRNGKey, initializer: WeightInitializer<Scalar> = .haiku) {
    precondition(hiddenSizes.count == 2, "the VAE has two hidden layers, not \(hiddenSizes.count)")
    precondition(pixelCount > 0 && latentCount > 0 && categoryCount > 1,
                 "the VAE needs pixels, latents and at least two categories")
    var keys = PRNGSequence(key)
    let latentSize = latentCount * categoryCount
    encoder = .perceptron(sizes: [pixelCount, hiddenSizes[0], hiddenSizes[1], latentSize], keys: &keys, initializer: initializer)
    decoder = .perceptron(sizes: [latentSize, hiddenSizes[1], hiddenSizes[0], pixelCount], keys: &keys, initializer: initializer)
    self.latentCount = latentCount
    self.categoryCount = categoryCount
    self.pixelCount = pixelCount
  }

  /// The logits of `q(z | x)` for a batch of images: `[batch * N, K]`.
  @differentiable(reverse, wrt: self)
  public func encode(_ images: Tensor<Scalar>) -> Tensor<Scalar> {
    let rows = withoutDerivative(at: images).shape[0] * withoutDerivative(at: latentCount)
    return Self.apply(encoder, to: images).reshaped(to: [rows, withoutDerivative(at: categoryCount)])
  }

  /// The logits of `p(x | z)` for one-hot (or relaxed) latents `[batch * N, K]`: `[batch, pixels]`.
  @differentiable(reverse)
  public func decode(_ latents: Tensor<Scalar>) -> Tensor<Scalar> {
    let size = withoutDerivative(at: latentCount) * withoutDerivative(at: categoryCount)
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

  /// The training objective: the negative ELBO averaged over the batch, at one sample of the
  /// latents per image drawn by `estimator` with `key`. Its value is the negative ELBO; its
  /// gradient is the estimator's.
  ///
  /// The estimator sees `[batch * N, K]` logits and, for each row, its image's reconstruction
  /// loss; its surrogate adds, for each latent, whatever it adds to the loss (nothing for
  /// straight-through and Gumbel-softmax estimators, the score-function term for REINFORCE), so
  /// the objective is `recon + sum_n (surrogate_n - recon) + KL` per image, where the added terms
  /// have value 0 and carry only their gradient.
  @differentiable(reverse, wrt: self)
  public func negativeELBO(images: Tensor<Scalar>, estimator: Estimator<Scalar>, key: PRNGKey) -> Scalar {
    let batch = withoutDerivative(at: images).shape[0]
    let n = withoutDerivative(at: latentCount), k = withoutDerivative(at: categoryCount)
    let logits = encode(images)
    let z = estimator.sample(logits: logits, using: key)
    let reconstruction = decode(z).sigmoidCrossEntropy(labels: images).sumAlongLastAxis()   // [batch]
    let kl = Self.klToUniform(logits: logits, categories: k).reshaped(to: [batch, n]).sumAlongLastAxis()
    // Where the surrogate is the loss, the added terms are 0 with a gradient of exactly 0:
    // skipped (the same bits).
    guard !estimator.surrogateIsTheLoss else { return (reconstruction + kl).mean() }
    let rowLoss = reconstruction.repeatedAlongNewAxis(count: n).reshaped(to: [batch * n])
    let surrogate = estimator.surrogateLoss(logits: logits, sample: z, loss: rowLoss)
    let estimatorTerms = (surrogate - rowLoss).reshaped(to: [batch, n]).sumAlongLastAxis()
    let zeroValued = estimatorTerms - withoutDerivative(at: estimatorTerms)
    return (reconstruction + kl + zeroValued).mean()
  }

  /// What ``negativeELBO(images:estimator:key:)`` hands the estimator as the loss of each row
  /// of latents, `[batch * N]`: each image's reconstruction loss at the estimator's sample,
  /// repeated for its `N` latents. An estimator that learns from the losses it saw (a
  /// moving-average baseline) observes these after the step.
  public func latentRowLosses(images: Tensor<Scalar>, estimator: Estimator<Scalar>, key: PRNGKey) -> Tensor<Scalar> {
    let batch = images.shape[0]
    let z = estimator.sample(logits: encode(images), using: key)
    let reconstruction = decode(z).sigmoidCrossEntropy(labels: images).sumAlongLastAxis()
    return reconstruction.repeatedAlongNewAxis(count: latentCount).reshaped(to: [batch * latentCount])
  }

  /// `KL(softmax(logits) || uniform) = sum_k q_k (log q_k + log K)` for each row of `logits`.
  @differentiable(reverse, wrt: logits)
  public static func klToUniform(logits: Tensor<Scalar>, categories: Int) -> Tensor<Scalar> {
    let logQ = logits.logSoftmax()
    let logK = Tensor<Scalar>(Scalar.log(Scalar(categories)))
    return (logQ.exp() * (logQ + logK)).sumAlongLastAxis()
  }

  /// The negative ELBO of each image under the discrete model: `samples` one-hot draws of
  /// `z ~ q(z | x)` (Gumbel-max with keys folded from `key`), the reconstruction loss averaged
  /// over them, plus the exact KL to the uniform prior.
  public func discreteNegativeELBO(images: Tensor<Scalar>, samples: Int = 10, key: PRNGKey) -> [Scalar] {
    precondition(samples > 0, "need at least one sample, not \(samples)")
    let batch = images.shape[0]
    let logits = encode(images)
    let kl = Self.klToUniform(logits: logits, categories: categoryCount).reshaped(to: [batch, latentCount]).sumAlongLastAxis()
    // All draws in one decoder batch: rows s * batch + i.
    var oneHots = [Scalar]()
    oneHots.reserveCapacity(samples * logits.scalarCount)
    for s in 0..<samples {
      oneHots += OneHotSampling.gumbelMax(logits: logits, key: key.fold(in: UInt32(s))).scalars
    }
    let z = Tensor(shape: [samples * logits.rowCount, categoryCount], scalars: oneHots)
    let targets = Tensor(shape: [samples * batch, pixelCount], scalars: Array([[Scalar]](repeating: images.scalars, count: samples).joined()))
    let reconstruction = decode(z).sigmoidCrossEntropy(labels: targets).sumAlongLastAxis().scalars
    return (0..<batch).map { i in
      var total: Scalar = 0
      for s in 0..<samples { total += reconstruction[s * batch + i] }
      return total / Scalar(samples) + kl.scalars[i]
    }
  }

  /// The decoder's pixel probabilities at the most probable latent classes `argmax q(z | x)`:
  /// `[batch, pixels]`, for pictures of reconstructions.
  public func reconstructions(of images: Tensor<Scalar>) -> Tensor<Scalar> {
    decode(encode(images).oneHotArgmax()).sigmoid()
  }

  /// The decoder's pixel probabilities for `count` latents drawn from the uniform prior.
  public func priorSamples(count: Int, key: PRNGKey) -> Tensor<Scalar> {
    let uniform = Tensor<Scalar>(repeating: 0, shape: [count * latentCount, categoryCount])
    return decode(OneHotSampling.gumbelMax(logits: uniform, key: key)).sigmoid()
  }

  public var parameters: [Tensor<Scalar>] {
    get { encoder.parameters + decoder.parameters }
    set {
      let split = encoder.parameters.count
      encoder.parameters = Array(newValue[..<split])
      decoder.parameters = Array(newValue[split...])
    }
  }

  public mutating func updateParameters(_ body: (inout Tensor<Scalar>) -> Void) {
    encoder.updateParameters(body)
    decoder.updateParameters(body)
  }
}

extension CategoricalVAE {
  /// The gradient of the encoder and the decoder.
  public struct TangentVector: Differentiable, AdditiveArithmetic, ParameterGroup {
    public typealias TangentVector = Self
    public var encoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector
    public var decoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector

    public init(encoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector, decoder: TwoHiddenLayerPerceptron<Scalar>.TangentVector) {
      self.encoder = encoder
      self.decoder = decoder
    }

    public var parameters: [Tensor<Scalar>] {
      get { encoder.parameters + decoder.parameters }
      set {
        let split = encoder.parameters.count
        encoder.parameters = Array(newValue[..<split])
        decoder.parameters = Array(newValue[split...])
      }
    }
  }

  public mutating func move(by offset: TangentVector) {
    encoder.move(by: offset.encoder)
    decoder.move(by: offset.decoder)
  }
}
