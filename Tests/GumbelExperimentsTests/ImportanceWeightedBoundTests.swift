import Foundation
import GumbelExperiments
import GumbelRandom
import GumbelTensor
import Testing

/// The importance-weighted bound against the exact likelihood and the exact ELBO, both by
/// enumerating every latent configuration of a model small enough to enumerate.
@Suite struct ImportanceWeightedBoundTests {
  /// A 6-pixel model, 2 latents of 3 classes (9 configurations) or 3 bits (8), its decoder's
  /// weights scaled by 1.5 so that the posterior differs from the (spread) `q` and the bound's gap to
  /// the ELBO is visible.
  /// With `learnsPrior`, the prior's logits are `[0.8, -0.5, 0.1]` per latent (categories) or
  /// `[1.2, -0.7, 0.3]` (bits).
  static func model(_ type: LatentType, learnsPrior: Bool = false) -> DiscreteVAE<Double> {
    var model = DiscreteVAE<Double>(pixelCount: 6, hiddenSizes: [5, 4], latentCount: type == .bernoulli ? 3 : 2,
                                    categoryCount: 3, latentType: type, learnsPrior: learnsPrior, key: PRNGKey(seed: 5))
    model.decoder.parameters = model.decoder.parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars.map { $0 * 1.5 }) }
    if learnsPrior {
      model.priorLogits = type == .bernoulli ? Tensor(shape: [3, 1], scalars: [1.2, -0.7, 0.3])
        : Tensor(rows: [[0.8, -0.5, 0.1], [0.8, -0.5, 0.1]])
    }
    return model
  }

  /// `log p(z)` of a configuration: a sum over latents of `log softmax(prior row)` at the chosen
  /// class, or `log sigmoid(+-a)` for a bit.
  static func logPrior(_ model: DiscreteVAE<Double>, values: [Int]) -> Double {
    let prior = model.priorLogits.rows
    return values.enumerated().reduce(0) { total, latent in
      let (j, v) = latent
      if model.latentType == .bernoulli {
        let a = prior[j][0]
        return total + (v == 1 ? -log1p(exp(-a)) : -log1p(exp(a)))
      }
      return total + prior[j][v] - log(prior[j].map { exp($0) }.reduce(0, +))
    }
  }

  static let images = Tensor<Double>(shape: [4, 6], scalars: [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0])

  /// Each configuration's code (one-hot per latent, or the bits) and its value index per latent.
  static func configurations(_ model: DiscreteVAE<Double>) -> [(code: [Double], values: [Int])] {
    let values = model.latentType == .bernoulli ? 2 : model.categoryCount
    var out = [(code: [Double], values: [Int])]()
    for index in 0..<Int(pow(Double(values), Double(model.latentCount))) {
      var rest = index, code = [Double](), chosen = [Int]()
      for _ in 0..<model.latentCount {
        let v = rest % values
        rest /= values
        chosen.append(v)
        code += model.latentType == .bernoulli ? [Double(v)] : (0..<values).map { $0 == v ? 1 : 0 }
      }
      out.append((code, chosen))
    }
    return out
  }

  /// `-log p(x)` and the negative ELBO of each image, exactly: sums over every configuration.
  static func exact(_ model: DiscreteVAE<Double>, _ images: Tensor<Double>) -> (nll: [Double], negELBO: [Double]) {
    let batch = images.shape[0], n = model.latentCount
    let logits = model.encode(images).scalars
    let width = model.logitsPerLatent
    var nll = [Double](), negELBO = [Double]()
    let configurations = Self.configurations(model)
    for i in 0..<batch {
      let image = Tensor(shape: [1, images.shape[1]], scalars: Array(images.scalars[(i * 6)..<((i + 1) * 6)]))
      var logJoint = [Double](), logQ = [Double]()
      for (code, values) in configurations {
        let decoded = model.decode(Tensor(shape: [n, width], scalars: code))
        let logLikelihood = -decoded.sigmoidCrossEntropy(labels: image).sum()
        var q = 0.0
        for j in 0..<n {
          let row = Array(logits[((i * n + j) * width)..<((i * n + j + 1) * width)])
          if model.latentType == .bernoulli {
            let l = row[0]
            q += values[j] == 1 ? -log1p(exp(-l)) : -log1p(exp(l))
          } else {
            let top = row.max()!
            q += row[values[j]] - top - log(row.map { exp($0 - top) }.reduce(0, +))
          }
        }
        logJoint.append(logLikelihood + Self.logPrior(model, values: values))
        logQ.append(q)
      }
      let top = logJoint.max()!
      nll.append(-(top + log(logJoint.map { exp($0 - top) }.reduce(0, +))))
      negELBO.append(-zip(logJoint, logQ).reduce(0) { $0 + exp($1.1) * ($1.0 - $1.1) })
    }
    return (nll, negELBO)
  }

  @Test(arguments: LatentType.allCases, [false, true])
  func boundApproachesTheExactNegativeLogLikelihood(type: LatentType, learnsPrior: Bool) {
    let model = Self.model(type, learnsPrior: learnsPrior)
    let (nll, negELBO) = Self.exact(model, Self.images)
    let bound = model.importanceWeightedNLL(images: Self.images, samples: 20_000, key: PRNGKey(seed: 9), samplesPerPass: 500)
    for i in 0..<nll.count {
      // The gap between the ELBO and the likelihood is what the bound closes.
      #expect(negELBO[i] - nll[i] > 0.1, "image \(i): -ELBO \(negELBO[i]), -log p(x) \(nll[i])")
      #expect(abs(bound[i] - nll[i]) < 0.03, "image \(i): bound \(bound[i]), exact \(nll[i])")
    }
  }

  @Test(arguments: LatentType.allCases, [false, true])
  func boundDoesNotExceedTheNegativeELBO(type: LatentType, learnsPrior: Bool) {
    let model = Self.model(type, learnsPrior: learnsPrior)
    let (_, negELBO) = Self.exact(model, Self.images)
    for seed in 0..<5 {
      let bound = model.importanceWeightedNLL(images: Self.images, samples: 1000, key: PRNGKey(seed: Int64(seed)))
      for i in 0..<negELBO.count { #expect(bound[i] < negELBO[i], "seed \(seed), image \(i): \(bound[i]) vs \(negELBO[i])") }
    }
  }

  /// With one draw, the bound is `-log w`, whose mean over draws is the negative ELBO.
  @Test func oneDrawAveragesToTheNegativeELBO() {
    let model = Self.model(.categorical, learnsPrior: true)
    let (_, negELBO) = Self.exact(model, Self.images)
    let draws = (0..<4000).map { model.importanceWeightedNLL(images: Self.images, samples: 1, key: PRNGKey(seed: Int64($0))) }
    for i in 0..<negELBO.count {
      let values = draws.map { $0[i] }
      let mean = values.reduce(0, +) / Double(values.count)
      let sd = sqrt(values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1))
      #expect(abs(mean - negELBO[i]) < 5 * sd / sqrt(Double(values.count)), "image \(i): \(mean) vs \(negELBO[i])")
    }
  }

  /// Decoding the draws in passes of any size gives the same numbers (the running log-sum-exp
  /// sees the draws in the same order).
  @Test func passSizeDoesNotChangeTheBound() {
    let model = Self.model(.bernoulli)
    let a = model.importanceWeightedNLL(images: Self.images, samples: 37, key: PRNGKey(seed: 2), samplesPerPass: 5)
    let b = model.importanceWeightedNLL(images: Self.images, samples: 37, key: PRNGKey(seed: 2), samplesPerPass: 100)
    #expect(a == b)
  }
}
