import CGumbelKernels

/// The Gumbel transform of random words: `-log(-log(u))` with `u` the word's uniform float in
/// [`tiny`, 1), as `jax.random.gumbel` computes it for `Float`.
///
/// `u = unitInterval(word)` takes the top 23 bits of the word as the significand of a float in
/// [1, 2) and subtracts 1 (JAX's `_uniform`); it is raised to `tiny`, the least normal float,
/// where it is 0 (for `u > 0`, JAX's `u * (1 - tiny) + tiny` rounds to `u`). The logarithms
/// are ``VectorMath/logOfPositiveNormal(_:)``.
extension Kernels {
  /// Standard Gumbel samples of a vector of words at once.
  @inlinable @inline(__always)
  package static func standardGumbel<V: FloatLanes>(fromRandomWords words: V.Bits) -> V {
    minusLog(minusLog(uniformAboveZero(fromRandomWords: words)))
  }

  /// `u = unitInterval(word)` lane by lane, raised to `tiny` where it is 0: u is 0 or at least
  /// 2^-23, so adding tiny changes only 0 (as JAX's `u * (1 - tiny) + tiny`).
  @inlinable @inline(__always)
  static func uniformAboveZero<V: FloatLanes>(fromRandomWords words: V.Bits) -> V {
    V(bitPattern: (words &>> 9) | 0x3F80_0000) - 1 + .leastNormalMagnitude
  }

  /// `-log(x)` lane by lane for positive normal `x`, the negation as a subtraction from 0 (the
  /// compiler keeps that in vector registers).
  @inlinable @inline(__always)
  static func minusLog<V: FloatLanes>(_ x: V) -> V {
    V() - VectorMath.logOfPositiveNormal(x)
  }

  /// Replaces each of the `count` random words at `out` (read as their bits) by its standard
  /// Gumbel sample, plus `addend[i]` if `addend` is given: ``standardGumbelInC(_:count:adding:)``
  /// when ``KernelPath/runsC(count:)`` (the addition in the pass that computes the sample, the
  /// same bits as an addition after it), else ``standardGumbelInSwift(_:count:)`` and the
  /// additions.
  @inlinable @inline(__always)
  package static func standardGumbel(_ out: UnsafeMutablePointer<Float>, count n: Int, adding addend: UnsafePointer<Float>?) {
    if KernelPath.runsC(count: n) {
      standardGumbelInC(out, count: n, adding: addend)
    } else {
      standardGumbelInSwift(out, count: n)
      if let addend { for i in 0..<n { out[i] += addend[i] } }
    }
  }

  /// The transform in Swift, whatever the processor: sixteen or eight samples at a time (a
  /// last partial group is padded), with the same operations on every lane, so every sample
  /// has the same value whatever its position.
  @inlinable
  package static func standardGumbelInSwift(_ out: UnsafeMutablePointer<Float>, count n: Int) {
    let raw = UnsafeMutableRawPointer(out)
    // Sixteen at a time, and one logarithm per pass over the block: each logarithm is a chain
    // of dependent steps, and two vectors' chains side by side, in a loop short enough for the
    // processor to overlap its iterations, run faster than one (with AVX2 the second pass
    // saves about a tenth). Same operations per lane as `standardGumbel(fromRandomWords:)`, so
    // the same values.
    let wideEnd = n / 16 * 16
    var i = 0
    while i < wideEnd {
      let words = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<UInt32>.self)
      let u: SIMD16<Float> = uniformAboveZero(fromRandomWords: words)
      raw.storeBytes(of: minusLog(u), toByteOffset: 4 * i, as: SIMD16<Float>.self)
      i += 16
    }
    i = 0
    while i < wideEnd {
      let minusLogU = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
      raw.storeBytes(of: minusLog(minusLogU), toByteOffset: 4 * i, as: SIMD16<Float>.self)
      i += 16
    }
    // The rest eight at a time; the words of a last partial group are read as floats (the same
    // bits), padded with zero bits.
    while i < n {
      let words = VectorMath.load(out + i, count: n - i, padding: 0).bitPattern
      VectorMath.store(standardGumbel(fromRandomWords: words) as SIMD8<Float>, to: out + i, count: n - i)
      i += 8
    }
  }

  /// The C form of ``standardGumbelInSwift(_:count:)`` with the additions (AVX-512 where
  /// ``KernelPath/usesAVX512``).
  ///
  /// - Precondition: ``KernelPath/usesC``.
  @usableFromInline
  package static func standardGumbelInC(
    _ data: UnsafeMutablePointer<Float>, count: Int, adding addend: UnsafePointer<Float>? = nil
  ) {
    gumbel_kernel_standard_gumbel_in_place(data, Int64(count), addend)
  }
}
