import CGumbelKernels

/// The sigmoid cross-entropy on logits (the Bernoulli negative log-likelihood of a decoder's
/// pixels) and its pullback, eight lanes at a time.
///
/// Concrete `Float` code, not inlinable (one call per batch). The operations are those of the
/// scalar form in `GumbelTensor` in the same order, with ``VectorMath/exp(_:)``'s polynomial in
/// place of `expf` and ``VectorMath/logOnePlus(unit:)`` in place of `log1pf`, so results can
/// differ from it in the last bits. A last partial group of lanes is padded with zeros and
/// computed as a whole group, so an element's value does not depend on its position.
extension Kernels {
  /// `out[i] = softplus(x[i]) - labels[i] x[i]` with `softplus(x) = max(x, 0) + log1p(e^-|x|)`
  /// (`optax.sigmoid_binary_cross_entropy`): no overflow for large `|x|`. Non-finite logits
  /// give what the formula gives in IEEE 754 arithmetic (NaN stays NaN; `+infinity` gives NaN;
  /// `-infinity` gives `+infinity` for label 1 and NaN for label 0).
  ///
  /// Runs ``sigmoidCrossEntropyInC(logits:labels:count:into:)`` when
  /// ``KernelPath/runsC(count:)``, else ``sigmoidCrossEntropyInSwift(logits:labels:count:into:)``:
  /// the same bits.
  @usableFromInline
  package static func sigmoidCrossEntropy(
    logits x: UnsafePointer<Float>, labels: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    if KernelPath.runsC(count: count) {
      sigmoidCrossEntropyInC(logits: x, labels: labels, count: count, into: out)
    } else {
      sigmoidCrossEntropyInSwift(logits: x, labels: labels, count: count, into: out)
    }
  }

  /// The C form of ``sigmoidCrossEntropyInSwift(logits:labels:count:into:)`` (AVX-512 where
  /// ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func sigmoidCrossEntropyInC(
    logits x: UnsafePointer<Float>, labels: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    gumbel_kernel_sigmoid_cross_entropy(x, labels, Int64(count), out)
  }

  /// The Swift form of ``sigmoidCrossEntropy(logits:labels:count:into:)``.
  @usableFromInline
  package static func sigmoidCrossEntropyInSwift(
    logits x: UnsafePointer<Float>, labels: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    forEachGroup(count) { i, n in
      let logits = VectorMath.load(x + i, count: n, padding: 0)
      let y = VectorMath.load(labels + i, count: n, padding: 0)
      VectorMath.store(softplus(logits) - y * logits, to: out + i, count: n)
    }
  }

  /// `out[i] = upstream[i] (sigmoid(x[i]) - labels[i])`, the pullback of
  /// ``sigmoidCrossEntropy(logits:labels:count:into:)`` with respect to the logits, with
  /// `sigmoid(x) = 1 / (1 + e^-x)` for `x >= 0` and `e^x / (1 + e^x)` below (no overflow).
  @usableFromInline
  package static func sigmoidCrossEntropyPullback(
    logits x: UnsafePointer<Float>, labels: UnsafePointer<Float>, upstream: UnsafePointer<Float>, count: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    forEachGroup(count) { i, n in
      let logits = VectorMath.load(x + i, count: n, padding: 0)
      let y = VectorMath.load(labels + i, count: n, padding: 0)
      let v = VectorMath.load(upstream + i, count: n, padding: 0)
      let e = VectorMath.expOfNonPositive(negativeMagnitude(logits))
      let numerator = VectorMath.select(e, where: VectorMath.signMask(logits), otherwise: VectorMath.Lanes(repeating: 1))
      VectorMath.store(v * (numerator / (e + 1) - y), to: out + i, count: n)
    }
  }

  /// `max(x, 0) + log1p(e^-|x|)` lane by lane.
  @inline(__always)
  static func softplus(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
    let e = VectorMath.expOfNonPositive(negativeMagnitude(x))
    return rectified(x) + VectorMath.logOnePlus(unit: e)
  }

  /// `-|x|` lane by lane (the sign bit set).
  @inline(__always)
  static func negativeMagnitude(_ x: VectorMath.Lanes) -> VectorMath.Lanes {
    VectorMath.Lanes(bitPattern: x.bitPattern | 0x8000_0000)
  }

  /// Calls `body(start, n)` for each group of eight elements, the last with `n` below 8 if
  /// `count` is not a multiple of 8.
  @inline(__always)
  static func forEachGroup(_ count: Int, _ body: (Int, Int) -> Void) {
    var i = 0
    while i < count {
      body(i, Swift.min(8, count - i))
      i += 8
    }
  }
}
