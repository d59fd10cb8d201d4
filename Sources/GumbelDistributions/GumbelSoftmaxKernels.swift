import GumbelKernels
import GumbelRandom
import GumbelTensor

/// What a draw of the fused kernel computes.
public enum GumbelSoftmaxDrawContents: Sendable {
  /// Each row's category `argmax(logits + g)`, and the perturbed logits in place of the
  /// sample, without the softmax: all that the forward value of a hard (one-hot) or index
  /// sample needs, and all that their pullback needs (it recomputes the softmax, block by
  /// block, instead of keeping a second array).
  case argmax
  /// Each row's category, and its one-hot vector in place of the sample: the forward value of
  /// a hard sample outside differentiation. Each block of rows is zeroed while it is in cache,
  /// instead of in a pass of its own over the whole sample.
  case oneHot
  /// The soft sample and each row's category.
  case sample
  /// The soft sample, each row's category and the perturbed logits, which the pullback needs.
  case sampleAndPerturbedLogits
}

/// One draw of Gumbel-softmax samples for a batch, as the fused kernel leaves it.
public struct GumbelSoftmaxDraw<Scalar: DistributionFloatingPoint> {
  /// The shape of the sample: `[count] + logits.shape`, or `logits.shape`.
  public var shape: [Int]
  /// The soft sample `softmax((logits + g) / temperature)`, row-major; for a draw of
  /// ``GumbelSoftmaxDrawContents/argmax``, the perturbed logits `logits + g` instead, and for
  /// one of ``GumbelSoftmaxDrawContents/oneHot``, the one-hot vectors of the categories.
  public var sample: [Scalar]
  /// The perturbed logits `logits + g` beside the soft sample, for a draw of
  /// ``GumbelSoftmaxDrawContents/sampleAndPerturbedLogits`` (`nil` otherwise).
  public var perturbed: [Scalar]?
  /// The category `argmax(logits + g)` of each row (the first on ties).
  public var argmax: [Int32]

  @inlinable
  public init(shape: [Int], sample: [Scalar], perturbed: [Scalar]?, argmax: [Int32]) {
    self.shape = shape
    self.sample = sample
    self.perturbed = perturbed
    self.argmax = argmax
  }
}

/// The fused kernels behind ``GumbelSoftmax``'s samplers and their derivatives.
///
/// The forward kernel works on one block of rows (about 2,048 elements) at a time, while the
/// block is in cache: Gumbel noise for the block (the same bits as `key.gumbel(count:)` gives
/// for those elements), plus the logits (added as the noise is made when the block's logit
/// rows are consecutive), then the rows' softmax
/// (`Kernels.softmaxRowsInPlace`, the kernel of `Tensor.softmax`), or only each row's argmax
/// when that is all the caller needs. Blocks run on up to `Parallelism.maxThreads` threads
/// and do not depend on the thread count, so neither do the results.
///
/// The functions are generic and inlinable. Each calls its body for `Float` or `Double` by
/// name when `Scalar` is one of them (a comparison that folds away once specialised), so every
/// call runs code specialised for its scalar type, even from a generic caller that the
/// compiler did not specialise (a distribution method, a layer).
public enum GumbelSoftmaxKernels {
  /// Draws `softmax((logits + g) / temperature)` for each row, with `g` standard Gumbel noise
  /// from `key` for `count` samples (shape `[count] + logits.shape`) or one per row of logits,
  /// or only as much of it as `contents` asks for.
  @inlinable
  public static func draw<Scalar: DistributionFloatingPoint>(
    logits: Tensor<Scalar>, temperature: Scalar, key: PRNGKey, count: Int?, contents: GumbelSoftmaxDrawContents
  ) -> GumbelSoftmaxDraw<Scalar> {
    if Scalar.self == Float.self {
      let draw = drawSpecialised(
        logits: kernelCast(logits, to: Tensor<Float>.self), temperature: kernelCast(temperature, to: Float.self), key: key,
        count: count, contents: contents)
      return kernelCast(draw, to: GumbelSoftmaxDraw<Scalar>.self)
    }
    if Scalar.self == Double.self {
      let draw = drawSpecialised(
        logits: kernelCast(logits, to: Tensor<Double>.self), temperature: kernelCast(temperature, to: Double.self), key: key,
        count: count, contents: contents)
      return kernelCast(draw, to: GumbelSoftmaxDraw<Scalar>.self)
    }
    return drawSpecialised(logits: logits, temperature: temperature, key: key, count: count, contents: contents)
  }

  /// ``draw(logits:temperature:key:count:contents:)``'s body, called for a concrete type.
  @inlinable
  static func drawSpecialised<Scalar: DistributionFloatingPoint>(
    logits: Tensor<Scalar>, temperature: Scalar, key: PRNGKey, count: Int?, contents: GumbelSoftmaxDrawContents
  ) -> GumbelSoftmaxDraw<Scalar> {
    let shape = count.map { [$0] + logits.shape } ?? logits.shape
    precondition(shape.allSatisfy { $0 >= 0 }, "sample count \(count ?? 0) is negative")
    let k = logits.columnCount
    let total = shape.reduce(1, *)
    let rows = k == 0 ? 0 : total / k
    let logitRows = logits.rowCount
    var argmax = [Int32](filling: rows, with: 0)
    let keepsPerturbed = contents == .sampleAndPerturbedLogits
    var perturbed = [Scalar](filling: keepsPerturbed ? total : 0, with: 0)
    let sample = [Scalar](count: total, placeholder: 0) { out in
      logits.scalars.withUnsafeBufferPointer { l in
        argmax.withUnsafeMutableBufferPointer { argmax in
          perturbed.withUnsafeMutableBufferPointer { perturbed in
            let kept = keepsPerturbed ? perturbed.baseAddress : nil
            let out = out.baseAddress, l = l.baseAddress, argmax = argmax.baseAddress
            Parallelism.forEachBlock(rows: rows, elementsPerRow: k, blockRows: Parallelism.blockRows(elementsPerRow: k)) { _, block in
              let start = block.lowerBound * k
              let range = start..<(block.upperBound * k)
              // The logits repeat every `logitRows` rows (over the leading sample dimension).
              var logitRow = block.lowerBound % logitRows
              if logitRow + block.count <= logitRows {
                // The block's logits are consecutive: added as the noise is made.
                Scalar.standardGumbelSamples(key: key, count: total, range: range, adding: l! + logitRow * k, into: out! + start)
              } else {
                Scalar.standardGumbelSamples(key: key, count: total, range: range, into: out! + start)
                for r in block {
                  let row = out! + r * k, logits = l! + logitRow * k
                  for j in 0..<k { row[j] += logits[j] }
                  logitRow += 1
                  if logitRow == logitRows { logitRow = 0 }
                }
              }
              if let kept { (kept + start).update(from: out! + start, count: block.count * k) }
              switch contents {
              case .argmax, .oneHot:
                Kernels.indexOfMaximumRows(out! + start, rows: block.count, columns: k, into: argmax! + block.lowerBound)
                if contents == .oneHot {
                  for r in block {
                    let row = out! + r * k
                    row.update(repeating: 0, count: k)
                    row[Int(argmax![r])] = 1
                  }
                }
              case .sample, .sampleAndPerturbedLogits:
                Kernels.softmaxRowsInPlace(
                  out! + start, rows: block.count, columns: k, temperature: temperature, argmax: argmax! + block.lowerBound)
              }
            }
          }
        }
      }
    }
    return GumbelSoftmaxDraw(shape: shape, sample: sample, perturbed: keepsPerturbed ? perturbed : nil, argmax: argmax)
  }

  /// The gradients, with respect to the logits (of shape `logitsShape`) and the temperature,
  /// of `<upstream, sample>` for a draw that kept its perturbed logits (contents `.argmax` or
  /// `.sampleAndPerturbedLogits`): the softmax's pullback block by block
  /// (`Kernels.softmaxPullbackRows`), summed over the sample's leading dimensions.
  /// For an `.argmax` draw each block's soft sample is first recomputed into the gradient's
  /// buffer from the perturbed logits and their known argmax (the forward kernel's softmax
  /// steps, so with the same bits).
  /// Per-block partial sums are added in block order, so the result does not depend on the
  /// thread count.
  @inlinable
  public static func pullback<Scalar: DistributionFloatingPoint>(
    of draw: GumbelSoftmaxDraw<Scalar>, upstream v: [Scalar], temperature: Scalar, logitsShape: [Int]
  ) -> (logits: Tensor<Scalar>, temperature: Scalar) {
    if Scalar.self == Float.self {
      let gradients = pullbackSpecialised(
        of: kernelCast(draw, to: GumbelSoftmaxDraw<Float>.self), upstream: kernelCast(v, to: [Float].self),
        temperature: kernelCast(temperature, to: Float.self), logitsShape: logitsShape)
      return kernelCast(gradients, to: (logits: Tensor<Scalar>, temperature: Scalar).self)
    }
    if Scalar.self == Double.self {
      let gradients = pullbackSpecialised(
        of: kernelCast(draw, to: GumbelSoftmaxDraw<Double>.self), upstream: kernelCast(v, to: [Double].self),
        temperature: kernelCast(temperature, to: Double.self), logitsShape: logitsShape)
      return kernelCast(gradients, to: (logits: Tensor<Scalar>, temperature: Scalar).self)
    }
    return pullbackSpecialised(of: draw, upstream: v, temperature: temperature, logitsShape: logitsShape)
  }

  /// ``pullback(of:upstream:temperature:logitsShape:)``'s body, called for a concrete type.
  @inlinable
  static func pullbackSpecialised<Scalar: DistributionFloatingPoint>(
    of draw: GumbelSoftmaxDraw<Scalar>, upstream v: [Scalar], temperature: Scalar, logitsShape: [Int]
  ) -> (logits: Tensor<Scalar>, temperature: Scalar) {
    // An `.argmax` draw holds the perturbed logits in `sample`; the others keep them apart.
    let perturbed = draw.perturbed ?? draw.sample
    let recomputesSample = draw.perturbed == nil
    let k = draw.shape.last ?? 1
    let rows = draw.argmax.count
    let blockRows = Parallelism.blockRows(elementsPerRow: k)
    let blocks = (rows + blockRows - 1) / max(1, blockRows)
    var dTemperature: Scalar = 0
    let dx = [Scalar](count: draw.sample.count, placeholder: 0) { dx in
      // The per-block partial sums live on the stack when they are few (no allocation for a
      // small batch).
      withUnsafeTemporaryAllocation(of: Scalar.self, capacity: blocks) { partials in
        draw.sample.withUnsafeBufferPointer { y in
          perturbed.withUnsafeBufferPointer { p in
            v.withUnsafeBufferPointer { v in
              draw.argmax.withUnsafeBufferPointer { argmax in
                let dx = dx.baseAddress!, y = y.baseAddress!, p = p.baseAddress!, v = v.baseAddress!
                let partials = partials.baseAddress!, argmax = argmax.baseAddress!
                Parallelism.forEachBlock(rows: rows, elementsPerRow: k, blockRows: blockRows) { b, block in
                  let start = block.lowerBound * k
                  let blockSum = Kernels.softmaxPullbackRows(
                    x: p + start, sample: recomputesSample ? nil : y + start, upstream: v + start,
                    argmax: argmax + block.lowerBound, rows: block.count, columns: k, temperature: temperature,
                    into: dx + start)
                  (partials + b).initialize(to: blockSum)
                }
              }
            }
          }
        }
        for b in 0..<blocks { dTemperature += partials[b] }
      }
    }
    let dLogits = Tensor(shape: draw.shape, scalars: dx).unbroadcast(to: logitsShape)
    return (dLogits, dTemperature)
  }
}
