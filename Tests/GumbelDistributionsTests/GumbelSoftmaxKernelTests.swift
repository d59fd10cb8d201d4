import _Differentiation
import _GumbelTestSupport
import GumbelDistributions
import GumbelKernels
import GumbelRandom
import GumbelTensor
import Testing

/// The fused sampling kernels give the bits of the unfused composition, for any thread count.
@Suite struct GumbelSoftmaxKernelTests {
  static func logits<Scalar: DistributionFloatingPoint>(rows: Int, columns: Int, as _: Scalar.Type) -> Tensor<Scalar> {
    var scalars: [Scalar] = PRNGKey(seed: 3).gumbel(count: rows * columns).map { 3 * $0 }
    for i in stride(from: 1, to: scalars.count, by: 7) { scalars[i] = -.infinity }
    return Tensor(shape: [rows, columns], scalars: scalars)
  }

  static func checkFusedEqualsComposition<Scalar: DistributionFloatingPoint>(_: Scalar.Type) {
    let logits = Self.logits(rows: 3, columns: 13, as: Scalar.self)
    let distribution = GumbelSoftmax(trustedLogits: logits, temperature: 0.37)
    for scheme in [PRNGScheme.partitionable, .original] {
      let key = PRNGKey(seed: 11, scheme: scheme)
      let noise = Tensor<Scalar>(shape: [5, 3, 13], scalars: key.gumbel(count: 5 * 3 * 13))
      let perturbed = logits + noise
      #expect(distribution.sample(using: key, count: 5) == perturbed.softmax(temperature: 0.37))
      #expect(distribution.hardSample(using: key, count: 5) == perturbed.oneHotArgmax())
      #expect(distribution.indexSample(using: key, count: 5).scalars == perturbed.argmax().map { Scalar($0) })
      // Outside differentiation the one-hot value is written by the draw itself (`.oneHot`);
      // under differentiation the one-hot and index values are built from an `.argmax` draw
      // that keeps the perturbed logits for the pullback: the same values.
      let hard = valueWithPullback(at: distribution) { $0.hardSample(using: key, count: 5) }.value
      let index = valueWithPullback(at: distribution) { $0.indexSample(using: key, count: 5) }.value
      #expect(hard == perturbed.oneHotArgmax())
      #expect(index.scalars == perturbed.argmax().map { Scalar($0) })
    }
  }

  @Test func fusedSamplesEqualTheComposition() {
    Self.checkFusedEqualsComposition(Float.self)
    Self.checkFusedEqualsComposition(Double.self)
  }

  /// Batches whose blocks run the AVX2 kernels (which add the logits as they make the noise
  /// when a block's logit rows are consecutive, and after it when the block wraps around to
  /// the first logit row), for one sample per row of logits and for several.
  @Test(arguments: [nil, 2, 3] as [Int?])
  func fusedSamplesOfLargeBatchesEqualTheComposition(count: Int?) {
    let logits = Self.logits(rows: 300, columns: 70, as: Float.self)
    let distribution = GumbelSoftmax(trustedLogits: logits, temperature: 0.6)
    let key = PRNGKey(seed: 12)
    let shape = count.map { [$0, 300, 70] } ?? [300, 70]
    let noise = Tensor<Float>(shape: shape, scalars: key.gumbel(count: shape.reduce(1, *)))
    let perturbed = logits + noise
    let sample = distribution.sample(using: key, count: count)
    #expect(sample.scalars.map(\.bitPattern) == perturbed.softmax(temperature: 0.6).scalars.map(\.bitPattern))
    #expect(distribution.indexSample(using: key, count: count).scalars == perturbed.argmax().map { Float($0) })
  }

  /// A batch large enough to be split over threads (more than
  /// `Parallelism.minimumParallelElements` elements) gives the same bits on 1, 2 and 3 threads.
  @Test func resultsDoNotDependOnTheThreadCount() {
    let logits = Self.logits(rows: 600, columns: 97, as: Float.self)
    let weights = Self.logits(rows: 600, columns: 97, as: Float.self).replacing(where: logits.maskedElements, with: 0)
    let key = PRNGKey(seed: 5)
    func run() -> [[Float]] {
      let distribution = GumbelSoftmax(trustedLogits: logits, temperature: 0.5)
      let soft = gradient(at: distribution) { d in (d.sample(using: key) * weights).sum() }
      let hard = gradient(at: distribution) { d in (d.hardSample(using: key, count: 2) * weights).sum() }
      return [distribution.sample(using: key).scalars, key.gumbel(count: 600 * 97),
              soft.logits.scalars, [soft.temperature], hard.logits.scalars, [hard.temperature]]
    }
    let one = Parallelism.$maxThreads.withValue(1) { run() }
    for threads in [2, 3] {
      #expect(Parallelism.$maxThreads.withValue(threads) { run() } == one, "\(threads) threads")
    }
  }

  /// Under differentiation the hard sample is a one-hot tensor whose elements are made only if
  /// read, and `sum`'s pullback is a tensor of ones; products with either skip a pass over
  /// memory (`ElementPattern`). The gradients of `sum(w * hardSample)` must still be the soft
  /// sample's pullback of `w`, bit for bit (the straight-through estimator's definition), on
  /// batches above and below the size at which the elements are deferred.
  @Test(arguments: [(600, 97), (3, 13)])
  func straightThroughGradientsEqualTheSoftSamplesPullback(rows: Int, columns: Int) {
    let logits = Self.logits(rows: rows, columns: columns, as: Float.self)
    let weights = Self.logits(rows: rows, columns: columns, as: Float.self).replacing(where: logits.maskedElements, with: 0)
    let ones = Tensor<Float>(shape: [rows, columns], scalars: [Float](repeating: 1, count: rows * columns))
    let distribution = GumbelSoftmax(trustedLogits: logits, temperature: 0.5)
    let key = PRNGKey(seed: 9)
    let softPullback = pullback(at: distribution) { $0.sample(using: key) }
    for (upstream, composed) in [
      (weights, gradient(at: distribution) { d in (d.hardSample(using: key) * weights).sum() }),
      (weights, gradient(at: distribution) { d in (weights * d.hardSample(using: key)).sum() }),
      (ones, gradient(at: distribution) { d in d.hardSample(using: key).sum() }),
    ] {
      let expected = softPullback(upstream)
      #expect(composed.logits.scalars == expected.logits.scalars)
      #expect(composed.temperature == expected.temperature)
    }
  }

  /// Any slice of a noise draw, computed on its own, equals that slice of the whole draw.
  @Test(arguments: [PRNGScheme.partitionable, .original])
  func noiseSlicesEqualTheWholeDraw(scheme: PRNGScheme) {
    let key = PRNGKey(seed: 9, scheme: scheme)
    for count in [1, 7, 8, 9, 101] {
      let whole: [Float] = key.gumbel(count: count)
      let wide: [Double] = key.gumbel(count: count)
      for start in [0, 1, count / 2, count - 1] {
        for end in [start + 1, (start + count + 1) / 2, count] where end > start && end <= count {
          var part = [Float](repeating: 0, count: end - start)
          var widePart = [Double](repeating: 0, count: end - start)
          part.withUnsafeMutableBufferPointer { Float.standardGumbelSamples(key: key, count: count, range: start..<end, into: $0.baseAddress!) }
          widePart.withUnsafeMutableBufferPointer { Double.standardGumbelSamples(key: key, count: count, range: start..<end, into: $0.baseAddress!) }
          #expect(part == Array(whole[start..<end]), "count \(count), \(start)..<\(end)")
          #expect(widePart == Array(wide[start..<end]), "count \(count), \(start)..<\(end)")
        }
      }
    }
  }
}
