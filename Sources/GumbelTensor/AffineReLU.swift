import _Differentiation

/// A dense layer with a ReLU, `max(input weight + bias, 0)`: `[B, I] x [I, O] + [O]` gives
/// `[B, O]`, like `jax.nn.relu(x @ w + b)`, with the same values as
/// `affine(input, weight, bias).relu()`, bit for bit.
///
/// One operation, so the bias and the ReLU are applied by the product's kernel as it stores
/// each tile of the output, and the pullback masks the upstream tangent in one pass. With `v' = v * (output > 0)`, the derivative
/// is `d input = v' weight^T`, `d weight = input^T v'`, `d bias = sum_rows v'`.
///
/// - Precondition: `input` is `[B, I]`, `weight` is `[I, O]` and `bias` is `[O]`.
@inlinable
public func affineReLU<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>) -> Tensor<Scalar> {
  MatrixMultiply.product(input, weight, addingRow: bias, relu: true)
}

@inlinable
@derivative(of: affineReLU)
func _vjpAffineReLU<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>, Tensor<Scalar>))
{
  let value = affineReLU(input, weight, bias)
  return (value, { v in
    let masked = AffineKernels.maskedByPositive(v.unbroadcast(to: value.shape), output: value)
    let (dWeight, dBias) = denseParameterGradients(input: input, upstream: masked)
    return (MatrixMultiply.product(masked, weight, transposeRhs: true), dWeight, dBias)
  })
}

/// The derivative with respect to the parameters alone (the input a constant, as for a network's
/// first layer), which skips `v' weight^T`.
@inlinable
@derivative(of: affineReLU, wrt: (weight, bias))
func _vjpAffineReLUParameters<Scalar>(_ input: Tensor<Scalar>, _ weight: Tensor<Scalar>, _ bias: Tensor<Scalar>)
  -> (value: Tensor<Scalar>, pullback: (Tensor<Scalar>) -> (Tensor<Scalar>, Tensor<Scalar>))
{
  let value = affineReLU(input, weight, bias)
  return (value, { v in
    denseParameterGradients(input: input, upstream: AffineKernels.maskedByPositive(v.unbroadcast(to: value.shape), output: value))
  })
}
