import CGumbelKernels

/// An optimiser's update of one parameter tensor, its moments and its gradient in a single pass.
extension Kernels {
  /// Adam's step (Kingma & Ba, 2015, Algorithm 1, in Optax's order of operations), in place,
  /// element by element:
  ///
  ///     m = b1 m + (1 - b1) g,   v = b2 v + (1 - b2) g^2
  ///     p -= rate * ((m / correction1) / (sqrt(v / correction2) + eps))
  ///
  /// with `correction1 = 1 - b1^t` and `correction2 = 1 - b2^t`. The generic entry point runs
  /// `Float`'s form (eight lanes at a time, each with the scalar form's operations in the same
  /// order, so the same bits) or the scalar form for other types.
  @inlinable
  package static func adamStep<Scalar: KernelScalar>(
    parameters p: UnsafeMutableBufferPointer<Scalar>, firstMoments m: UnsafeMutableBufferPointer<Scalar>,
    secondMoments v: UnsafeMutableBufferPointer<Scalar>, gradients g: UnsafeBufferPointer<Scalar>,
    rate: Scalar, beta1 b1: Scalar, beta2 b2: Scalar, epsilon eps: Scalar, correction1: Scalar, correction2: Scalar
  ) {
    let count = p.count
    precondition(m.count == count && v.count == count && g.count == count, "Adam's buffers differ in length")
    guard count > 0 else { return }
    if Scalar.self == Float.self {
      return adamStep(
        parameters: p.baseAddress!.kernelCast(to: Float.self), firstMoments: m.baseAddress!.kernelCast(to: Float.self),
        secondMoments: v.baseAddress!.kernelCast(to: Float.self), gradients: g.baseAddress!.kernelCast(to: Float.self),
        count: count, rate: kernelCast(rate), beta1: kernelCast(b1), beta2: kernelCast(b2), epsilon: kernelCast(eps),
        correction1: kernelCast(correction1), correction2: kernelCast(correction2))
    }
    for j in 0..<count {
      m[j] = b1 * m[j] + (1 - b1) * g[j]
      v[j] = b2 * v[j] + (1 - b2) * (g[j] * g[j])
      let mHat = m[j] / correction1, vHat = v[j] / correction2
      p[j] -= rate * (mHat / (vHat.squareRoot() + eps))
    }
  }

  /// `Float`'s form of ``adamStep(parameters:firstMoments:secondMoments:gradients:rate:beta1:beta2:epsilon:correction1:correction2:)``.
  /// A large tensor is shared between threads in blocks of 16,384 elements (each element's
  /// result depends on that element alone, so not on the thread count): the step streams four
  /// buffers and takes a square root and three divisions per element. Each block runs
  /// ``adamStepInC(parameters:firstMoments:secondMoments:gradients:count:rate:beta1:beta2:epsilon:correction1:correction2:)``
  /// when ``KernelPath/runsC(count:)``, else ``adamStepInLanes(parameters:firstMoments:secondMoments:gradients:count:rate:beta1:beta2:epsilon:correction1:correction2:)``:
  /// the same bits. (Swift's default x86-64 build has no vector square root: the lanes' form
  /// takes eight scalar ones, and a step of a VAE's 1.2 million parameters took a quarter of
  /// its training time on one thread.)
  @usableFromInline
  package static func adamStep(
    parameters p: UnsafeMutablePointer<Float>, firstMoments m: UnsafeMutablePointer<Float>,
    secondMoments v: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int,
    rate: Float, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, correction1: Float, correction2: Float
  ) {
    Parallelism.forEachBlock(rows: count, elementsPerRow: 1, blockRows: 1 << 14) { _, range in
      let start = range.lowerBound
      if KernelPath.runsC(count: range.count) {
        adamStepInC(parameters: p + start, firstMoments: m + start, secondMoments: v + start, gradients: g + start,
                    count: range.count, rate: rate, beta1: b1, beta2: b2, epsilon: eps,
                    correction1: correction1, correction2: correction2)
      } else {
        adamStepInLanes(parameters: p + start, firstMoments: m + start, secondMoments: v + start, gradients: g + start,
                        count: range.count, rate: rate, beta1: b1, beta2: b2, epsilon: eps,
                        correction1: correction1, correction2: correction2)
      }
    }
  }

  /// The C form of ``adamStepInLanes(parameters:firstMoments:secondMoments:gradients:count:rate:beta1:beta2:epsilon:correction1:correction2:)``
  /// (AVX-512 where ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func adamStepInC(
    parameters p: UnsafeMutablePointer<Float>, firstMoments m: UnsafeMutablePointer<Float>,
    secondMoments v: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int,
    rate: Float, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, correction1: Float, correction2: Float
  ) {
    gumbel_kernel_adam_step(p, m, v, g, Int64(count), rate, b1, b2, eps, correction1, correction2)
  }

  /// One block of ``adamStep(parameters:firstMoments:secondMoments:gradients:count:rate:beta1:beta2:epsilon:correction1:correction2:)``,
  /// eight lanes at a time: the Swift form.
  @inline(__always)
  static func adamStepInLanes(
    parameters p: UnsafeMutablePointer<Float>, firstMoments m: UnsafeMutablePointer<Float>,
    secondMoments v: UnsafeMutablePointer<Float>, gradients g: UnsafePointer<Float>, count: Int,
    rate: Float, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, correction1: Float, correction2: Float
  ) {
    typealias Lanes = VectorMath.Lanes
    let (vb1, vb2, c1, c2) = (Lanes(repeating: b1), Lanes(repeating: b2), Lanes(repeating: 1 - b1), Lanes(repeating: 1 - b2))
    let (vRate, vEps, k1, k2) = (Lanes(repeating: rate), Lanes(repeating: eps), Lanes(repeating: correction1), Lanes(repeating: correction2))
    var j = 0
    while j + 8 <= count {
      let gj = VectorMath.load(g + j)
      let mj = vb1 * VectorMath.load(m + j) + c1 * gj
      let vj = vb2 * VectorMath.load(v + j) + c2 * (gj * gj)
      let mHat = mj / k1, vHat = vj / k2
      VectorMath.store(mj, to: m + j)
      VectorMath.store(vj, to: v + j)
      VectorMath.store(VectorMath.load(p + j) - vRate * (mHat / (vHat.squareRoot() + vEps)), to: p + j)
      j += 8
    }
    while j < count {
      m[j] = b1 * m[j] + (1 - b1) * g[j]
      v[j] = b2 * v[j] + (1 - b2) * (g[j] * g[j])
      let mHat = m[j] / correction1, vHat = v[j] / correction2
      p[j] -= rate * (mHat / (vHat.squareRoot() + eps))
      j += 1
    }
  }
}
