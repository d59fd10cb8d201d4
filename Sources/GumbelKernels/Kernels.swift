import RealModule

/// Every kernel of the package: the inner loops over raw buffers, with `package` access.
///
/// Each family of kernels has one file (`ArgmaxKernels.swift`, `SoftmaxKernels.swift`...) that
/// holds, for each kernel, up to four forms side by side:
///
/// - the entry point generic over the scalar type, which the public modules call;
/// - `Float`'s form, which runs the C form (`CGumbelKernels`) when ``KernelPath/runsC(count:)``
///   and else the Swift form;
/// - the Swift form (`...InSwift`), which the tests compare with the C form bit for bit;
/// - the C form (`...InC`), a thin call into `CGumbelKernels`.
///
/// The public scalar protocols (`TensorFloatingPoint`, `RandomFloatingPoint`) carry no kernels:
/// a generic entry point finds `Float`'s or `Double`'s form by comparing `Scalar.self` with
/// `Float.self` and `Double.self`. Specialised for a type, the comparison is a constant and
/// folds away; unspecialised (a generic caller the compiler did not specialise), it is one
/// comparison of two metadata pointers per call, after which the concrete, specialised `Float`
/// or `Double` form runs. Other scalar types run the generic Swift form.
@usableFromInline
package enum Kernels {}

/// The scalar types the generic entry points take.
@usableFromInline
package typealias KernelScalar = BinaryFloatingPoint & Real

extension UnsafePointer {
  /// The same address read as `T`s: for the generic kernels' branch of a concrete type equal to
  /// `Pointee` (so the memory is bound to it already).
  @inlinable @inline(__always)
  package func kernelCast<T>(to _: T.Type = T.self) -> UnsafePointer<T> {
    UnsafeRawPointer(self).assumingMemoryBound(to: T.self)
  }
}

extension UnsafeMutablePointer {
  /// The same address read as `T`s (see `UnsafePointer.kernelCast(to:)`).
  @inlinable @inline(__always)
  package func kernelCast<T>(to _: T.Type = T.self) -> UnsafeMutablePointer<T> {
    UnsafeMutableRawPointer(self).assumingMemoryBound(to: T.self)
  }
}

/// `value` as `T`, for the generic kernels' branch of a concrete type `T` equal to `Value`.
@inlinable @inline(__always)
package func kernelCast<Value, T>(_ value: Value, to _: T.Type = T.self) -> T {
  unsafeBitCast(value, to: T.self)
}

extension UnsafeBufferPointer {
  /// The same elements read as `T`s (see `UnsafePointer.kernelCast(to:)`).
  @inlinable @inline(__always)
  package func kernelCast<T>(to _: T.Type = T.self) -> UnsafeBufferPointer<T> {
    UnsafeBufferPointer<T>(start: baseAddress?.kernelCast(to: T.self), count: count)
  }
}

extension UnsafeMutableBufferPointer {
  /// The same elements read as `T`s (see `UnsafePointer.kernelCast(to:)`).
  @inlinable @inline(__always)
  package func kernelCast<T>(to _: T.Type = T.self) -> UnsafeMutableBufferPointer<T> {
    UnsafeMutableBufferPointer<T>(start: baseAddress?.kernelCast(to: T.self), count: count)
  }
}
