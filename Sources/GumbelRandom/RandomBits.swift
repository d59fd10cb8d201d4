import GumbelKernels

/// Raw random words from a key, in either ``PRNGScheme``, like `jax.random.bits`.
///
/// The two schemes as ranges of counters for the Threefry kernels (`Kernels.threefryWords`),
/// which hash eight or sixteen counters at a time.
@usableFromInline
enum RandomBits {
  /// `count` 32-bit words: `jax.random.bits(key, (count,), uint32)`.
  @inlinable
  static func words32(key: PRNGKey, count: Int) -> [UInt32] {
    [UInt32](unsafeUninitializedCapacity: count) { out, initialized in
      words32(key: key, count: count, range: 0..<count, into: out.baseAddress!)
      initialized = count
    }
  }

  /// Words `range` of the `count` words of ``words32(key:count:)``, written to
  /// `out[0..<range.count]`: any slice of a draw can be computed on its own (by one thread
  /// of a batch kernel) and equals the same slice of the whole draw.
  @inlinable
  static func words32(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<UInt32>) {
    switch key.scheme {
    case .partitionable:
      // Counter (hi32(j), lo32(j)); hi32 is 0 below RandomLimits.maxElementCount.
      Kernels.threefryWords(key: key.words, range: range, first: (0, 0), firstCountsUp: false, output: .xor, into: out)
    case .original:
      // Word j < half is the first output of block j, whose counter is (j, half + j) (or (j, 0)
      // for the padding of an odd count); word j >= half is the second output of block j - half.
      let half = (count + 1) / 2
      let low = range.clamped(to: 0..<half), high = range.clamped(to: half..<count)
      let padded = count % 2 == 1 && low.contains(half - 1)
      let linearLow = low.lowerBound..<(padded ? low.upperBound - 1 : low.upperBound)
      Kernels.threefryWords(key: key.words, range: linearLow, first: (0, half), firstCountsUp: true, output: .first, into: out)
      if padded {
        out[linearLow.count] = Kernels.threefryHash(key: key.words, counter: (UInt32(truncatingIfNeeded: half - 1), 0)).0
      }
      Kernels.threefryWords(
        key: key.words, range: high, first: (-half, 0), firstCountsUp: true, output: .second, into: out + low.count)
    }
  }

  /// `count` 64-bit words: `jax.random.bits(key, (count,), uint64)` with 64-bit types enabled.
  @inlinable
  static func words64(key: PRNGKey, count: Int) -> [UInt64] {
    [UInt64](unsafeUninitializedCapacity: count) { out, initialized in
      words64(key: key, count: count, range: 0..<count, into: out.baseAddress!)
      initialized = count
    }
  }

  /// Words `range` of ``words64(key:count:)``, written to `out[0..<range.count]`.
  @inlinable
  static func words64(key: PRNGKey, count: Int, range: Range<Int>, into out: UnsafeMutablePointer<UInt64>) {
    switch key.scheme {
    case .original:
      // iota(2n) split in halves: word j pairs counter j (high) with counter n + j (low).
      Kernels.threefryWords(key: key.words, range: range, into: out, counter: { j in
        (UInt32(truncatingIfNeeded: j), UInt32(truncatingIfNeeded: count + j))
      }) { UInt64($0) << 32 | UInt64($1) }
    case .partitionable:
      Kernels.threefryWords(key: key.words, range: range, into: out, counter: partitionableCounter) { UInt64($0) << 32 | UInt64($1) }
    }
  }

  /// The partitionable scheme: element `i` hashes the counter `(hi32(i), lo32(i))`.
  @inlinable @inline(__always)
  static func partitionableCounter(_ i: Int) -> (UInt32, UInt32) {
    (UInt32(truncatingIfNeeded: i >> 32), UInt32(truncatingIfNeeded: i))
  }
}

extension PRNGKey {
  /// Random 32-bit words of the given shape, row-major: `jax.random.bits(key, shape, uint32)`.
  public func bits32(shape: [Int]) throws(RandomError) -> [UInt32] {
    RandomBits.words32(key: self, count: try RandomLimits.elementCount(of: shape))
  }

  /// Random 64-bit words of the given shape, row-major: `jax.random.bits(key, shape, uint64)`
  /// (JAX needs `jax_enable_x64` for this).
  public func bits64(shape: [Int]) throws(RandomError) -> [UInt64] {
    RandomBits.words64(key: self, count: try RandomLimits.elementCount(of: shape))
  }
}
