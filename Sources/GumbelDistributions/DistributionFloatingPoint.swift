import GumbelRandom
import GumbelTensor

/// The scalar types of the distributions: `Float` and `Double`, which both the samplers
/// (``RandomFloatingPoint``) and the differentiable arrays (``TensorFloatingPoint``) support.
///
/// Its requirements are the hot kernels of the Gumbel-softmax samplers
/// (``GumbelSoftmaxKernels``). `Float` and `Double` implement each by calling the generic
/// kernel, so the code that runs is specialised for the scalar type even when the caller is
/// generic (a distribution method, a layer), which makes it several times faster.
public protocol DistributionFloatingPoint: RandomFloatingPoint, TensorFloatingPoint {
  /// ``GumbelSoftmaxKernels/draw(logits:temperature:key:count:contents:)``.
  static func gumbelSoftmaxDraw(
    logits: Tensor<Self>, temperature: Self, key: PRNGKey, count: Int?, contents: GumbelSoftmaxDrawContents
  ) -> GumbelSoftmaxDraw<Self>

  /// ``GumbelSoftmaxKernels/pullback(of:upstream:temperature:logitsShape:)``.
  static func gumbelSoftmaxPullback(
    of draw: GumbelSoftmaxDraw<Self>, upstream: [Self], temperature: Self, logitsShape: [Int]
  ) -> (logits: Tensor<Self>, temperature: Self)
}

extension Float: DistributionFloatingPoint {
  public static func gumbelSoftmaxDraw(
    logits: Tensor<Float>, temperature: Float, key: PRNGKey, count: Int?, contents: GumbelSoftmaxDrawContents
  ) -> GumbelSoftmaxDraw<Float> {
    GumbelSoftmaxKernels.draw(logits: logits, temperature: temperature, key: key, count: count, contents: contents)
  }

  public static func gumbelSoftmaxPullback(
    of draw: GumbelSoftmaxDraw<Float>, upstream: [Float], temperature: Float, logitsShape: [Int]
  ) -> (logits: Tensor<Float>, temperature: Float) {
    GumbelSoftmaxKernels.pullback(of: draw, upstream: upstream, temperature: temperature, logitsShape: logitsShape)
  }
}

extension Double: DistributionFloatingPoint {
  public static func gumbelSoftmaxDraw(
    logits: Tensor<Double>, temperature: Double, key: PRNGKey, count: Int?, contents: GumbelSoftmaxDrawContents
  ) -> GumbelSoftmaxDraw<Double> {
    GumbelSoftmaxKernels.draw(logits: logits, temperature: temperature, key: key, count: count, contents: contents)
  }

  public static func gumbelSoftmaxPullback(
    of draw: GumbelSoftmaxDraw<Double>, upstream: [Double], temperature: Double, logitsShape: [Int]
  ) -> (logits: Tensor<Double>, temperature: Double) {
    GumbelSoftmaxKernels.pullback(of: draw, upstream: upstream, temperature: temperature, logitsShape: logitsShape)
  }
}

extension DistributionFloatingPoint {
  /// The Euler-Mascheroni constant, the mean of the standard Gumbel distribution.
  public static var eulerGamma: Self { Self(0.577_215_664_901_532_860_606_512_090_082_402_431_04) }
}
