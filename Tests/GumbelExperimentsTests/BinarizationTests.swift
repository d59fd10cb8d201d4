import Foundation
import GumbelData
import GumbelExperiments
import Testing

/// The two binarisations: the threshold against `pixel > 127` by hand, the fixed stochastic one
/// against JAX's bits (`make_binarization_vectors.py`) and against its Bernoulli probabilities.
@Suite struct BinarizationTests {
  static func images(_ greys: [UInt8], width: Int) -> LabeledImages {
    LabeledImages(pixels: greys, labels: Array(repeating: 0, count: greys.count / width), rows: 1, columns: width)
  }

  @Test func thresholdKeepsPixelsAbove127() {
    let images = Self.images([0, 127, 128, 255, 200, 3], width: 3)
    #expect(Binarization.threshold.pixels(of: images, stream: 0) == [0, 0, 1, 1, 1, 0])
    #expect(Binarization.threshold.pixels(of: images, stream: 1) == [0, 0, 1, 1, 1, 0])
  }

  @Test func sampledMatchesJAX() {
    let images = Self.images(BinarizationVectors.greys, width: BinarizationVectors.pixelsPerImage)
    for (seed, stream, bits) in BinarizationVectors.sampled {
      let expected = bits.joined().map { Float(String($0))! }
      #expect(Binarization.sampled(seed: seed).pixels(of: images, stream: stream) == expected, "seed \(seed), stream \(stream)")
    }
  }

  /// Grey 0 is never 1 and grey 255 always is; grey `g` is 1 with probability `g / 255`: over
  /// 100,000 pixels the fraction is within 5 standard deviations, `5 sqrt(p (1 - p) / n)`.
  @Test(arguments: [0, 1, 64, 128, 200, 254, 255] as [UInt8])
  func sampledPixelsAreBernoulliOfTheGreyLevel(grey: UInt8) {
    let n = 100_000
    let images = Self.images(Array(repeating: grey, count: n), width: 1_000)  // 100 images
    let bits = Binarization.sampled(seed: 3).pixels(of: images, stream: 0)
    #expect(bits.count == n)
    let p = Double(Float(grey) / 255)
    let fraction = bits.reduce(0, +) / Float(n)
    if grey == 0 { #expect(fraction == 0) }
    if grey == 255 { #expect(fraction == 1) }
    #expect(abs(Double(fraction) - p) <= 5 * (p * (1 - p) / Double(n)).squareRoot())
  }

  /// A seed gives the same draw every time; another seed, or the other stream, a different one
  /// (of 10,000 pixels of grey 128, a coincidence has probability 2^-10000).
  @Test func theDrawIsFixedBySeedAndStream() {
    let images = Self.images(Array(repeating: 128, count: 10_000), width: 100)
    let draw = Binarization.sampled(seed: 11).pixels(of: images, stream: 0)
    #expect(Binarization.sampled(seed: 11).pixels(of: images, stream: 0) == draw)
    #expect(Binarization.sampled(seed: 12).pixels(of: images, stream: 0) != draw)
    #expect(Binarization.sampled(seed: 11).pixels(of: images, stream: 1) != draw)
  }
}
