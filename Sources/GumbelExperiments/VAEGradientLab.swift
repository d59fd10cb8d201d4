import _Differentiation
import Foundation
import GumbelDistributions
import GumbelEstimators
import GumbelPlot
import GumbelRandom
import GumbelTensor

/// The gradient of a small discrete VAE's negative ELBO with respect to its encoder, exactly
/// and as each estimator gives it: the bias analysis of Liu et al. (NeurIPS 2023, "Bridging
/// Discrete and Backpropagation: Straight-Through and Beyond", the ReinMax paper), on a model
/// whose latent configurations can all be enumerated.
///
/// For a batch of images `x_b` and the `C = K^N` configurations `z_c` of the latents (`2^N` for
/// bits), the negative ELBO averaged over the batch is
///
///     L(phi) = mean_b [ sum_c q_phi(z_c | x_b) R(x_b, z_c) + KL(q_phi(z | x_b) || p(z)) ]
///
/// with `R(x, z) = -log p(x | z)`, the decoder's reconstruction loss, which does not depend on
/// the encoder's parameters `phi`. `q(z_c | x)` is the product of the latents' probabilities,
/// `exp` of a sum of log-probabilities, taken for all `c` at once as a matrix product with a 0/1
/// selection matrix. So `L` is computed exactly, and its gradient with respect to `phi` is
/// taken by automatic differentiation: the exact gradient.
///
/// Each estimator is measured over `S` estimates, each the gradient of
/// ``DiscreteVAE/negativeELBO(images:estimator:key:)`` (what a training step uses) with
/// respect to the encoder, with keys folded from one key (the same draws for every
/// estimator). With `g*` the exact gradient, `g_s` the estimates and `g` their mean:
///
/// - relative bias `|g - g*| / |g*|` (it includes Monte Carlo noise of about
///   ``Measurement/biasNoise``; for unbiased estimators it is that noise);
/// - relative standard deviation `sqrt(sum_i var(g_i)) / |g*|`;
/// - cosine similarity, the mean over estimates of `cos(g_s, g*)` (what one step sees), and
///   `cos(g, g*)` of the mean.
///
/// The decoder's gradient is not measured (every estimator gives it through the same decoder).
/// The KL term's gradient is exact in the estimates too (it is computed from the encoder's
/// probabilities), so the differences are those of the reconstruction term's gradient, measured
/// against the whole gradient. A relative measure is `inf` (null in JSON) if the exact gradient
/// is 0.
public struct VAEGradientLab<Scalar: DistributionFloatingPoint> {
  /// The largest number of latent configurations enumerated (`K^N`, or `2^N` for bits).
  public static var maxConfigurations: Int { 16_384 }

  /// The model whose encoder gradient is measured.
  public let model: DiscreteVAE<Scalar>
  /// The batch of images, `[batch, pixels]`.
  public let images: Tensor<Scalar>
  /// `C`, the number of latent configurations.
  public let configurationCount: Int
  /// `[N * K, C]`: 1 where configuration `c` gives latent `n` value `k` (row `n K + k`).
  let selection: Tensor<Scalar>
  /// `[batch, C]`: `R(x_b, z_c) - m_b`, the reconstruction losses `R(x_b, z_c) = -log p(x_b | z_c)`
  /// less each image's mean `m_b` over the configurations: `sum_c q_c (R_c - m) = sum_c q_c R_c - m`
  /// for any `q`, so the gradient is the same, and the sum is not the small difference of large
  /// terms (`R` is hundreds of nats).
  let centredReconstruction: Tensor<Scalar>
  /// `mean_b m_b`, added back to the value (a constant: its mean over images is the same).
  let meanReconstruction: Scalar
  /// ``exactNegativeELBO(model:)`` at ``model``.
  public private(set) var exactLoss: Double = 0
  /// The exact gradient of ``exactNegativeELBO(model:)`` with respect to the encoder's
  /// parameters at ``model``, flattened (weights and biases, layer by layer), in `Double`.
  public private(set) var exactGradient: [Double] = []
  /// `|g*|`, the exact gradient's Euclidean norm.
  public private(set) var exactGradientNorm: Double = 0

  /// What goes wrong in setting up a measurement.
  public enum Failure: Error, Equatable, CustomStringConvertible {
    /// `K^N` (or `2^N`) is above ``VAEGradientLab/maxConfigurations``.
    case tooManyConfigurations(latents: Int, values: Int)
    /// The images are not `[batch, pixels]` with `batch >= 1` and the model's pixel count.
    case imageShape([Int], pixels: Int)
    /// Fewer than two estimates (a variance needs two).
    case tooFewDraws(Int)

    public var description: String {
      switch self {
      case let .tooManyConfigurations(latents, values):
        "\(values)^\(latents) latent configurations are too many to enumerate (at most \(VAEGradientLab.maxConfigurations))"
      case let .imageShape(shape, pixels):
        "the images must be [batch, \(pixels)] with at least one image, not \(shape)"
      case let .tooFewDraws(draws):
        "need at least 2 estimates per estimator, not \(draws)"
      }
    }
  }

  /// A lab for `model` on `images` (`[batch, pixels]`, binary): decodes every configuration once
  /// and takes the exact loss and gradient.
  /// (Specialised for `Float` here, the command line's type: a generic call from another module
  /// would run every tensor operation through protocol witnesses, several times slower.)
  @_specialize(exported: true, where Scalar == Float)
  public init(model: DiscreteVAE<Scalar>, images: Tensor<Scalar>) throws(Failure) {
    let (n, k) = (model.latentCount, model.categoryCount)
    guard let count = Self.configurationCount(latents: n, values: k) else {
      throw .tooManyConfigurations(latents: n, values: k)
    }
    guard images.shape.count == 2, images.shape[0] >= 1, images.shape[1] == model.pixelCount else {
      throw .imageShape(images.shape, pixels: model.pixelCount)
    }
    self.model = model
    self.images = images
    configurationCount = count

    // Configuration c is the base-K number with latent 0 as its most significant digit.
    var select = [Scalar](repeating: 0, count: n * k * count)
    var codes = [Scalar](repeating: 0, count: count * model.codeSize)
    let bits = model.latentType == .bernoulli
    for c in 0..<count {
      var rest = c
      for latent in stride(from: n - 1, through: 0, by: -1) {
        let value = rest % k
        rest /= k
        select[(latent * k + value) * count + c] = 1
        if bits {
          codes[c * n + latent] = Scalar(value)
        } else {
          codes[(c * n + latent) * k + value] = 1
        }
      }
    }
    selection = Tensor(shape: [n * k, count], scalars: select)

    // R[b, c] = sum_p softplus(l_cp) - x_bp l_cp for the decoder's logits l_c.
    let decoded = model.decode(Tensor(shape: [count * n, model.logitsPerLatent], scalars: codes))   // [C, pixels]
    let softplusSums = decoded.softplus().sumAlongLastAxis().scalars
    let products = matmul(images, decoded.transposed()).scalars   // [batch, C]
    let batch = images.shape[0]
    let losses = (0..<(batch * count)).map { Double(softplusSums[$0 % count]) - Double(products[$0]) }
    let means = (0..<batch).map { b in losses[(b * count)..<((b + 1) * count)].reduce(0, +) / Double(count) }
    centredReconstruction = Tensor(shape: [batch, count], scalars: losses.indices.map { Scalar(losses[$0] - means[$0 / count]) })
    meanReconstruction = Scalar(means.reduce(0, +) / Double(batch))

    let (loss, gradient) = valueWithGradient(at: model) { exactNegativeELBO(model: $0) }
    exactLoss = Double(loss)
    exactGradient = Self.flattened(gradient)
    exactGradientNorm = Self.norm(exactGradient)
  }

  /// `values^latents` if it is at most ``maxConfigurations``, else `nil`.
  public static func configurationCount(latents: Int, values: Int) -> Int? {
    guard latents >= 1, values >= 2 else { return nil }
    var count = 1
    for _ in 0..<latents {
      count *= values
      if count > maxConfigurations { return nil }
    }
    return count
  }

  /// The exact negative ELBO `L` of `model` on the lab's images (averaged over them), by
  /// enumeration; differentiable in the model (its encoder and its prior; the decoder enters
  /// through the reconstruction losses computed at ``init(model:images:)``, held constant).
  @differentiable(reverse, wrt: model)
  public func exactNegativeELBO(model: DiscreteVAE<Scalar>) -> Scalar {
    let batch = withoutDerivative(at: images).shape[0]
    let (n, k) = (withoutDerivative(at: model.latentCount), withoutDerivative(at: model.categoryCount))
    let logits = model.encode(images)
    // log q of each value of each latent, [batch N, K]: for a bit, log sigmoid(-l) and log sigmoid(l).
    let logQ = withoutDerivative(at: model.latentType) == .bernoulli
      ? matmul(logits, Tensor(shape: [1, 2], scalars: [-1, 1])).logSigmoid() : logits.logSoftmax()
    let logQOfConfigurations = matmul(logQ.reshaped(to: [batch, n * k]), selection)   // [batch, C]
    let expectedReconstruction = (logQOfConfigurations.exp() * centredReconstruction).sumAlongLastAxis()
    let kl = model.latentKL(logits: logits).reshaped(to: [batch, n]).sumAlongLastAxis()
    return (expectedReconstruction + kl + Tensor(withoutDerivative(at: meanReconstruction))).mean()
  }

  /// One estimator's measurement.
  public struct Measurement: Equatable, Sendable {
    /// The estimator.
    public var kind: EstimatorKind
    /// The temperature the estimator used (`nil` for one that ignores it).
    public var temperature: Double?
    /// The number of estimates `S`.
    public var draws: Int
    /// `|g - g*| / |g*|`.
    public var relativeBias: Double
    /// `sqrt(sum_i var(g_i)) / |g*|`.
    public var relativeStandardDeviation: Double
    /// The mean over estimates of `cos(g_s, g*)`.
    public var cosine: Double
    /// `cos(g, g*)` of the estimates' mean.
    public var cosineOfMean: Double

    /// The relative bias an unbiased estimator shows from Monte Carlo noise alone, about
    /// `relativeStandardDeviation / sqrt(S)` (the root-mean-square of `|g - g*| / |g*|`).
    public var biasNoise: Double { relativeStandardDeviation / Double(draws).squareRoot() }
  }

  /// Measures `estimator` over `draws` estimates with keys `key.fold(in: s)`, against
  /// ``exactGradient``. Memory does not grow with `draws`: the estimates are summed as they come.
  @_specialize(exported: true, where Scalar == Float)
  public func measure(_ estimator: Estimator<Scalar>, draws: Int, key: PRNGKey) throws(Failure) -> Measurement {
    guard draws >= 2 else { throw .tooFewDraws(draws) }
    let (exact, exactNorm) = (exactGradient, exactGradientNorm)
    var sum = [Double](repeating: 0, count: exact.count)
    var squaredNorms = 0.0, cosines = 0.0
    for s in 0..<draws {
      let estimate = Self.flattened(gradient(at: model) { $0.negativeELBO(images: images, estimator: estimator, key: key.fold(in: UInt32(s))) })
      var dot = 0.0, squared = 0.0
      for i in estimate.indices {
        sum[i] += estimate[i]
        dot += estimate[i] * exact[i]
        squared += estimate[i] * estimate[i]
      }
      squaredNorms += squared
      cosines += dot / max((squared.squareRoot() * exactNorm), .leastNormalMagnitude)
    }
    let count = Double(draws)
    let mean = sum.map { $0 / count }
    let meanNorm = Self.norm(mean)
    let error = Self.norm(zip(mean, exact).map { $0 - $1 })
    let totalVariance = max(0, (squaredNorms - count * meanNorm * meanNorm) / (count - 1))
    let dot = zip(mean, exact).reduce(0) { $0 + $1.0 * $1.1 }
    return Measurement(kind: estimator.kind, temperature: estimator.kind.usesTemperature ? Double(estimator.temperature) : nil,
                       draws: draws, relativeBias: error / exactNorm,
                       relativeStandardDeviation: totalVariance.squareRoot() / exactNorm,
                       cosine: cosines / count, cosineOfMean: dot / max(meanNorm * exactNorm, .leastNormalMagnitude))
  }

  /// The encoder's part of a model's gradient, flattened, in `Double`.
  static func flattened(_ gradient: DiscreteVAE<Scalar>.TangentVector) -> [Double] {
    gradient.encoder.parameters.flatMap { $0.scalars.map { Double($0) } }
  }

  static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

extension GradientQualityFigure.Value {
  /// The numbers of `measurement` that the figure draws.
  public init<Scalar>(_ measurement: VAEGradientLab<Scalar>.Measurement) {
    self.init(relativeBias: measurement.relativeBias, biasNoise: measurement.biasNoise,
              relativeStandardDeviation: measurement.relativeStandardDeviation, cosine: measurement.cosine)
  }
}
