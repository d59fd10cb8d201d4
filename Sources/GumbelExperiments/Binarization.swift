import GumbelData
import GumbelRandom

/// How the VAE's binary pixels are made from grey levels 0-255.
///
/// The seed notebook thresholds; the papers' tables (Jang et al. 2017, Table 1, and most VAE
/// papers since Salakhutdinov & Murray 2008) use a *fixed stochastic* binarisation instead: each
/// pixel drawn once, 1 with probability `grey / 255`, and kept for the whole run. The grey edges
/// of the strokes then become noise that no model can predict, which costs many nats, so a
/// number measured on one is not comparable with a number measured on the other.
public enum Binarization: Equatable, Sendable, CustomStringConvertible {
  /// 1 where the grey level is above 127: deterministic (the seed notebook's).
  case threshold
  /// Each pixel drawn once from Bernoulli(`grey / 255`), with uniforms from `seed`: the same
  /// draw on every run with that seed, and a draw of the same distribution as Salakhutdinov &
  /// Murray's binarised MNIST (not their file itself).
  case sampled(seed: Int)

  /// The pixels of `images` as 0 and 1, row-major, one image after another.
  ///
  /// `stream` keeps the draws of different image sets apart (the commands pass 0 for the
  /// training images and 1 for the test images). For `.sampled(seed:)`, pixel `j` of image `i` is
  /// 1 when `u[j] < Float(grey) / 255`, with `u = uniform(fold_in(fold_in(PRNGKey(seed), stream),
  /// i), [pixelsPerImage])`: the same bits as that JAX expression (tested against JAX's output,
  /// `Tests/GumbelExperimentsTests/make_binarization_vectors.py`).
  public func pixels(of images: LabeledImages, stream: UInt32) -> [Float] {
    switch self {
    case .threshold:
      return images.binarized(threshold: 127)
    case .sampled(let seed):
      let streamKey = PRNGKey(seed: seed).fold(in: stream)
      let width = images.pixelsPerImage
      var out = [Float]()
      out.reserveCapacity(images.pixels.count)
      for image in 0..<images.count {
        let uniforms = streamKey.fold(in: UInt32(truncatingIfNeeded: image)).uniform(count: width, as: Float.self)
        for (j, u) in uniforms.enumerated() {
          out.append(u < Float(images.pixels[image * width + j]) / 255 ? 1 : 0)
        }
      }
      return out
    }
  }

  public var description: String {
    switch self {
    case .threshold: "threshold (> 127)"
    case .sampled(let seed): "sampled once (seed \(seed))"
    }
  }
}
