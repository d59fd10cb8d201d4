/// Raw random words from a key, in either ``PRNGScheme``, like `jax.random.bits`.
///
/// These are the kernels behind every sampler: they hash eight counters at a time with the
/// SIMD form of ``Threefry2x32/hash(key:_:_:)``.
@usableFromInline
enum RandomBits {
  @usableFromInline typealias Lanes = SIMD8<UInt32>

  /// `count` 32-bit words: `jax.random.bits(key, (count,), uint32)`.
  @inlinable
  static func words32(key: PRNGKey, count: Int) -> [UInt32] {
    switch key.scheme {
    case .original: return originalWords(key: key.words, count: count)
    case .partitionable:
      return partitionable(key: key.words, count: count) { $0 ^ $1 }
    }
  }

  /// `count` 64-bit words: `jax.random.bits(key, (count,), uint64)` with 64-bit types enabled.
  @inlinable
  static func words64(key: PRNGKey, count: Int) -> [UInt64] {
    switch key.scheme {
    case .original:
      // iota(2n) split in halves: word j pairs counter j (high) with counter n + j (low).
      return blocks(key: key.words, count: count, counter: { j in (UInt32(truncatingIfNeeded: j), UInt32(truncatingIfNeeded: count + j)) }) {
        UInt64($0) << 32 | UInt64($1)
      }
    case .partitionable:
      return partitionable(key: key.words, count: count) { UInt64($0) << 32 | UInt64($1) }
    }
  }

  /// The partitionable scheme: element `i` hashes the counter `(hi32(i), lo32(i))`.
  @inlinable
  static func partitionable<Word>(
    key: (UInt32, UInt32), count: Int, combine: (UInt32, UInt32) -> Word
  ) -> [Word] {
    blocks(key: key, count: count, counter: { i in (UInt32(truncatingIfNeeded: i >> 32), UInt32(truncatingIfNeeded: i)) }, combine: combine)
  }

  /// `count` values, value `j` combining the two words of the hash of `counter(j)`.
  @inlinable
  static func blocks<Word>(
    key: (UInt32, UInt32), count: Int,
    counter: (Int) -> (UInt32, UInt32),
    combine: (UInt32, UInt32) -> Word
  ) -> [Word] {
    [Word](unsafeUninitializedCapacity: count) { out, initialized in
      var j = 0
      while j + Lanes.scalarCount <= count {
        var x0 = Lanes(), x1 = Lanes()
        for lane in 0..<Lanes.scalarCount {
          (x0[lane], x1[lane]) = counter(j + lane)
        }
        Threefry2x32.hash(key: key, &x0, &x1)
        for lane in 0..<Lanes.scalarCount {
          (out.baseAddress! + j + lane).initialize(to: combine(x0[lane], x1[lane]))
        }
        j += Lanes.scalarCount
      }
      while j < count {
        let (y0, y1) = Threefry2x32.hash(key: key, counter: counter(j))
        (out.baseAddress! + j).initialize(to: combine(y0, y1))
        j += 1
      }
      initialized = count
    }
  }

  /// The original scheme's `threefry_2x32(key, iota(count))`: the counters `0..<count`, padded
  /// with one 0 when `count` is odd, are split into halves `x0` and `x1`; word `j` is the first
  /// output of block `j` and word `half + j` the second.
  @usableFromInline
  static func originalWords(key: (UInt32, UInt32), count: Int) -> [UInt32] {
    let half = (count + 1) / 2
    var words = [UInt32](repeating: 0, count: count)
    let pairs = blocks(key: key, count: half, counter: { j in
      let second = j + half
      return (UInt32(truncatingIfNeeded: j), second < count ? UInt32(truncatingIfNeeded: second) : 0)
    }) { ($0, $1) }
    for (j, pair) in pairs.enumerated() {
      words[j] = pair.0
      if j + half < count { words[j + half] = pair.1 }
    }
    return words
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
