import Foundation
import GumbelDistributions
import GumbelRandom
import GumbelTensor

extension DiscreteVAE {
  /// The importance-weighted bound on each image's negative log-likelihood (Burda, Grosse &
  /// Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016, eq. 8), with `m = samples`
  /// draws `z_i ~ q(z | x)` (one-hot codes or bits, ``drawLatents(logits:key:)`` with keys
  /// folded from `key`):
  ///
  ///     -log (1/m) sum_i p(x | z_i) p(z_i) / q(z_i | x)
  ///
  /// with the model's prior `p(z)` (uniform, or learned).
  ///
  /// Its expectation is at least `-log p(x)` and at most the negative ELBO, and it decreases to
  /// `-log p(x)` as `m` grows. Computed in log space, each image keeping a running log-sum-exp
  /// of its log weights (in `Double`); `samplesPerPass` draws of every image are decoded at a
  /// time, so memory does not grow with `samples`.
  public func importanceWeightedNLL(images: Tensor<Scalar>, samples: Int, key: PRNGKey, samplesPerPass: Int = 50) -> [Double] {
    precondition(samples > 0 && samplesPerPass > 0, "need at least one sample, not \(samples)")
    let batch = images.shape[0], n = latentCount, width = logitsPerLatent
    let logits = encode(images)
    // log q of each value of each latent: log-softmax rows, or log sigmoid(l) and log sigmoid(-l).
    let bits = latentType == .bernoulli
    let logQ = bits ? logits.logSigmoid().scalars : logits.logSoftmax().scalars
    let logQOfZero = bits ? (Tensor(repeating: 0, shape: logits.shape) - logits).logSigmoid().scalars : []
    // log p of each value of each latent, from the prior's logits (zeros when it is uniform), in Double.
    let prior = activePriorLogits
    let logPriorTable = bits ? [] : Self.logSoftmaxRows(prior)
    let logPriorOfOne = bits ? prior.scalars.map { -Self.softplus(-Double($0)) } : []
    let logPriorOfZero = bits ? prior.scalars.map { -Self.softplus(Double($0)) } : []
    var runningMax = [Double](repeating: -.infinity, count: batch)
    var runningSum = [Double](repeating: 0, count: batch)
    var first = 0
    while first < samples {
      let count = min(samplesPerPass, samples - first)
      var codes = [Scalar]()
      codes.reserveCapacity(count * logits.scalarCount)
      var logWeights = [Double](repeating: 0, count: count * batch)
      for s in 0..<count {
        let z = drawLatents(logits: logits, key: key.fold(in: UInt32(first + s))).scalars
        for i in 0..<batch {
          var logPriorOverPosterior = 0.0
          for row in (i * n)..<((i + 1) * n) {
            let j = row - i * n
            if bits {
              logPriorOverPosterior += z[row] > 0 ? logPriorOfOne[j] - Double(logQ[row]) : logPriorOfZero[j] - Double(logQOfZero[row])
            } else {
              let chosen = (row * width)..<((row + 1) * width)
              let k = (chosen.first { z[$0] > 0 } ?? chosen.lowerBound) - chosen.lowerBound
              logPriorOverPosterior += logPriorTable[j * width + k] - Double(logQ[row * width + k])
            }
          }
          logWeights[s * batch + i] = logPriorOverPosterior
        }
        codes += z
      }
      let targets = Tensor(shape: [count * batch, pixelCount],
                           scalars: Self.tiled(images.scalars, times: count))
      let z = Tensor(shape: [count * batch * n, width], scalars: codes)
      let reconstruction = decode(z).sigmoidCrossEntropy(labels: targets).sumAlongLastAxis().scalars
      for s in 0..<count {
        for i in 0..<batch {
          let logWeight = logWeights[s * batch + i] - Double(reconstruction[s * batch + i])
          if logWeight > runningMax[i] {
            runningSum[i] = runningSum[i] * Foundation.exp(runningMax[i] - logWeight) + 1
            runningMax[i] = logWeight
          } else {
            runningSum[i] += Foundation.exp(logWeight - runningMax[i])
          }
        }
      }
      first += count
    }
    let logM = Foundation.log(Double(samples))
    return (0..<batch).map { -(runningMax[$0] + Foundation.log(runningSum[$0]) - logM) }
  }

  /// `log softmax` of each row of `logits`, in `Double`.
  static func logSoftmaxRows(_ logits: Tensor<Scalar>) -> [Double] {
    logits.rows.flatMap { row -> [Double] in
      let values = row.map(Double.init), top = values.max() ?? 0
      let logSum = top + Foundation.log(values.reduce(0) { $0 + Foundation.exp($1 - top) })
      return values.map { $0 - logSum }
    }
  }

  /// `log(1 + e^x)` without overflow.
  static func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }
}
