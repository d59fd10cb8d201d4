import _Differentiation
import GumbelKernels
import RealModule

/// Element-wise activation functions of neural networks, and the Bernoulli log-likelihood on
/// logits, each with its derivative.
extension Tensor {
  /// `max(x, 0)` for each element. Its derivative is 1 where `x > 0` and 0 elsewhere (0 at 0,
  /// as in JAX).
  @inlinable
  public func relu() -> Tensor { Tensor(shape: shape, scalars: scalars.map { $0 > 0 ? $0 : 0 }) }

  /// The logistic function `1 / (1 + e^-x)` for each element, computed without overflow
  /// (`Kernels.sigmoid`: specialised for `Float` and `Double` even in unspecialised callers).
  @inlinable
  public func sigmoid() -> Tensor {
    let count = scalarCount
    return Tensor(shape: shape, scalars: scalars.withUnsafeBufferPointer { x in
      [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
        if let o = out.baseAddress { Kernels.sigmoid(x, into: o) }
        initialized = count
      }
    })
  }

  /// `log(1 + e^x)` for each element, as `max(x, 0) + log1p(e^-|x|)` (no overflow for large `x`,
  /// no loss of precision for very negative `x`).
  @inlinable
  public func softplus() -> Tensor { Tensor(shape: shape, scalars: scalars.map(Self.softplus)) }

  /// `log(sigmoid(x)) = -softplus(-x)` for each element, finite for every finite `x`.
  @inlinable
  public func logSigmoid() -> Tensor { Tensor(shape: shape, scalars: scalars.map { -Self.softplus(-$0) }) }

  /// The negative log-likelihood of binary `labels` under independent Bernoulli distributions
  /// with these logits, element by element: `softplus(x) - labels * x`, which is
  /// `-log sigmoid(x)` where the label is 1 and `-log(1 - sigmoid(x))` where it is 0 (like
  /// `optax.sigmoid_binary_cross_entropy`). Labels in between give the cross-entropy.
  ///
  /// The derivative with respect to the logits is `sigmoid(x) - labels`; the labels are data
  /// (not differentiated).
  ///
  /// - Precondition: `labels` has the shape of this tensor.
  @inlinable
  public func sigmoidCrossEntropy(labels: Tensor) -> Tensor {
    precondition(labels.shape == shape, "labels \(labels.shape) do not match logits \(shape)")
    if Scalar.self == Float.self { return Self.sigmoidCrossEntropyOfFloats(self, labels: labels) }
    return Tensor(shape: shape, scalars: zip(scalars, labels.scalars).map { Self.softplus($0) - $1 * $0 })
  }

  /// `Float`'s ``sigmoidCrossEntropy(labels:)``: the vectorised kernel
  /// (`GumbelKernels/CrossEntropyKernels.swift`), within a few units in the last place of the
  /// scalar formula (its `exp` and `log1p` are polynomials).
  @usableFromInline
  static func sigmoidCrossEntropyOfFloats(_ logits: Tensor, labels: Tensor) -> Tensor {
    let count = logits.scalarCount
    let out = logits.scalars.withUnsafeBufferPointer { x in
      labels.scalars.withUnsafeBufferPointer { y in
        [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
          if let x = x.baseAddress, let y = y.baseAddress, let o = out.baseAddress {
            Kernels.sigmoidCrossEntropy(logits: x.kernelCast(to: Float.self), labels: y.kernelCast(to: Float.self), count: count,
                                        into: o.kernelCast(to: Float.self))
          }
          initialized = count
        }
      }
    }
    return Tensor(shape: logits.shape, scalars: out)
  }

  /// `Float`'s pullback of ``sigmoidCrossEntropy(labels:)``: `v (sigmoid(x) - labels)`, vectorised.
  @usableFromInline
  static func sigmoidCrossEntropyPullbackOfFloats(_ logits: Tensor, labels: Tensor, upstream: Tensor) -> Tensor {
    let count = logits.scalarCount
    let out = logits.scalars.withUnsafeBufferPointer { x in
      labels.scalars.withUnsafeBufferPointer { y in
        upstream.scalars.withUnsafeBufferPointer { v in
          [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            if let x = x.baseAddress, let y = y.baseAddress, let v = v.baseAddress, let o = out.baseAddress {
              Kernels.sigmoidCrossEntropyPullback(
                logits: x.kernelCast(to: Float.self), labels: y.kernelCast(to: Float.self), upstream: v.kernelCast(to: Float.self),
                count: count, into: o.kernelCast(to: Float.self))
            }
            initialized = count
          }
        }
      }
    }
    return Tensor(shape: logits.shape, scalars: out)
  }

  @inlinable
  static func sigmoid(_ x: Scalar) -> Scalar { Kernels.sigmoid(x) }

  @inlinable
  static func softplus(_ x: Scalar) -> Scalar {
    Swift.max(x, 0) + Scalar.log(onePlus: Scalar.exp(-Swift.abs(x)))
  }

  /// `op(v, self)` element-wise, for pullbacks (`v` brought to this shape first).
  @inlinable
  func pullbackMap(_ v: Tensor, _ op: (Scalar, Scalar) -> Scalar) -> Tensor {
    Tensor(shape: shape, scalars: zip(v.unbroadcast(to: shape).scalars, scalars).map(op))
  }

  @inlinable
  @derivative(of: relu)
  func _vjpRelu() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (relu(), { [self] v in pullbackMap(v) { v, x in x > 0 ? v : 0 } })
  }

  @inlinable
  @derivative(of: sigmoid)
  func _vjpSigmoid() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let y = sigmoid()
    return (y, { v in
      let v = v.unbroadcast(to: y.shape)
      let count = y.scalarCount
      return Tensor(shape: y.shape, scalars: y.scalars.withUnsafeBufferPointer { y in
        v.scalars.withUnsafeBufferPointer { v in
          [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            if let v = v.baseAddress, let o = out.baseAddress { Kernels.sigmoidPullback(value: y, upstream: v, into: o) }
            initialized = count
          }
        }
      })
    })
  }

  @inlinable
  @derivative(of: softplus)
  func _vjpSoftplus() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (softplus(), { [self] v in pullbackMap(v) { v, x in v * Self.sigmoid(x) } })
  }

  @inlinable
  @derivative(of: logSigmoid)
  func _vjpLogSigmoid() -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    (logSigmoid(), { [self] v in pullbackMap(v) { v, x in v * Self.sigmoid(-x) } })
  }

  @inlinable
  @derivative(of: sigmoidCrossEntropy, wrt: self)
  func _vjpSigmoidCrossEntropy(labels: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = sigmoidCrossEntropy(labels: labels)
    return (value, { [self] v in
      if Scalar.self == Float.self {
        return Self.sigmoidCrossEntropyPullbackOfFloats(self, labels: labels, upstream: v.unbroadcast(to: shape))
      }
      let v = v.unbroadcast(to: shape).scalars
      var out = [Scalar](repeating: 0, count: scalars.count)
      for i in out.indices { out[i] = v[i] * (Self.sigmoid(scalars[i]) - labels.scalars[i]) }
      return Tensor(shape: shape, scalars: out)
    })
  }
}

/// Changing shape by repeating, and its derivative.
extension Tensor {
  /// Each element repeated `count` times along a new last axis: shape `[...]` becomes
  /// `[..., count]` (like `jnp.repeat(x[..., None], count, -1)`). The derivative sums over that axis.
  @inlinable
  public func repeatedAlongNewAxis(count: Int) -> Tensor {
    precondition(count >= 0, "cannot repeat \(count) times")
    var out = [Scalar]()
    out.reserveCapacity(scalarCount * count)
    for x in scalars { out.append(contentsOf: repeatElement(x, count: count)) }
    return Tensor(shape: shape + [count], scalars: out)
  }

  @inlinable
  @derivative(of: repeatedAlongNewAxis)
  func _vjpRepeatedAlongNewAxis(count: Int) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let value = repeatedAlongNewAxis(count: count)
    return (value, { [shape] v in v.unbroadcast(to: value.shape).sumAlongLastAxis().reshaped(to: shape) })
  }
}
