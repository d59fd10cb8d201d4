import GumbelKernels

/// Raw random words from a key, in either ``PRNGScheme``, like `jax.random.bits`.
///
/// These are the kernels behind every sampler: they hash eight or sixteen counters at a time
/// with the SIMD form of ``Threefry2x32/hash(key:_:_:)``.
@usableFromInline
enum RandomBits {
  @usableFromInline typealias Lanes = SIMD8<UInt32>

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
      fillLinear(key: key.words, range: range, into: out, first: (0, 0), firstCountsUp: false, output: .xor)
    case .original:
      // Word j < half is the first output of block j, whose counter is (j, half + j) (or (j, 0)
      // for the padding of an odd count); word j >= half is the second output of block j - half.
      let half = (count + 1) / 2
      let low = range.clamped(to: 0..<half), high = range.clamped(to: half..<count)
      let padded = count % 2 == 1 && low.contains(half - 1)
      let linearLow = low.lowerBound..<(padded ? low.upperBound - 1 : low.upperBound)
      fillLinear(key: key.words, range: linearLow, into: out, first: (0, half), firstCountsUp: true, output: .first)
      if padded {
        out[linearLow.count] = Threefry2x32.hash(key: key.words, counter: (UInt32(truncatingIfNeeded: half - 1), 0)).0
      }
      fillLinear(key: key.words, range: high, into: out + low.count, first: (-half, 0), firstCountsUp: true, output: .second)
    }
  }

  /// Which 32-bit word a block gives: the xor of its two outputs (the partitionable scheme), or
  /// one of them (the original scheme).
  @usableFromInline
  enum BlockOutput { case xor, first, second }

  /// For each `j` in `range`, hashes the counter `(j + first.0, j + first.1)` if
  /// `firstCountsUp`, else `(first.0, j + first.1)` (modulo 2^32), and writes the chosen output
  /// to `out[j - range.lowerBound]`: sixteen counters at a time, then the rest eight at a time
  /// (a last partial group is padded). Sixteen lanes are two or four vector registers per
  /// word, independent chains of rounds side by side that keep the processor busy where one
  /// chain would wait on each step: faster than eight lanes with SSE and with AVX2 alike.
  /// With ``AVX2/handles(count:)``, ``AVX2/threefryWords(key:range:first:firstCountsUp:output:into:)``
  /// computes the same words.
  @inlinable @inline(__always)
  static func fillLinear(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<UInt32>,
    first: (Int, Int), firstCountsUp: Bool, output: BlockOutput
  ) {
    if AVX2.handles(count: range.count) {
      let code: Int32 = switch output { case .xor: 0; case .first: 1; case .second: 2 }
      AVX2.threefryWords(key: key, range: range, first: first, firstCountsUp: firstCountsUp, output: code, into: out)
      return
    }
    fillLinearInSwift(key: key, range: range, into: out, first: first, firstCountsUp: firstCountsUp, output: output)
  }

  /// ``fillLinear(key:range:into:first:firstCountsUp:output:)`` in Swift, whatever the processor.
  @inlinable @inline(__always)
  static func fillLinearInSwift(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<UInt32>,
    first: (Int, Int), firstCountsUp: Bool, output: BlockOutput
  ) {
    let wideEnd = range.lowerBound + range.count / 16 * 16
    fillLinear(
      key: key, range: range.lowerBound..<wideEnd, into: out, first: first, firstCountsUp: firstCountsUp,
      output: output, lanes: SIMD16<UInt32>.self)
    fillLinear(
      key: key, range: wideEnd..<range.upperBound, into: out + (wideEnd - range.lowerBound), first: first,
      firstCountsUp: firstCountsUp, output: output, lanes: SIMD8<UInt32>.self)
  }

  /// ``fillLinearInSwift(key:range:into:first:firstCountsUp:output:)`` with `V.scalarCount` counters
  /// per step.
  @inlinable @inline(__always)
  static func fillLinear<V: ThreefryLanes>(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<UInt32>,
    first: (Int, Int), firstCountsUp: Bool, output: BlockOutput, lanes _: V.Type
  ) {
    var iota = V()
    for lane in iota.indices { iota[lane] = UInt32(lane) }
    let raw = UnsafeMutableRawPointer(out)
    var j = range.lowerBound
    while j < range.upperBound {
      let lanes = min(V.scalarCount, range.upperBound - j)
      var x0 = V.wrappingSum(V(repeating: UInt32(truncatingIfNeeded: (firstCountsUp ? j : 0) + first.0)), firstCountsUp ? iota : V())
      var x1 = V.wrappingSum(V(repeating: UInt32(truncatingIfNeeded: j + first.1)), iota)
      Threefry2x32.hash(key: key, &x0, &x1)
      let words: V
      switch output {
      case .xor: words = x0 ^ x1
      case .first: words = x0
      case .second: words = x1
      }
      let offset = 4 * (j - range.lowerBound)
      if lanes == V.scalarCount {
        raw.storeBytes(of: words, toByteOffset: offset, as: V.self)
      } else {
        for lane in 0..<lanes { raw.storeBytes(of: words[lane], toByteOffset: offset + 4 * lane, as: UInt32.self) }
      }
      j += lanes
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
      fill(key: key.words, range: range, into: out, counter: { j in
        (UInt32(truncatingIfNeeded: j), UInt32(truncatingIfNeeded: count + j))
      }) { UInt64($0) << 32 | UInt64($1) }
    case .partitionable:
      fill(key: key.words, range: range, into: out, counter: partitionableCounter) { UInt64($0) << 32 | UInt64($1) }
    }
  }

  /// The partitionable scheme: element `i` hashes the counter `(hi32(i), lo32(i))`.
  @inlinable @inline(__always)
  static func partitionableCounter(_ i: Int) -> (UInt32, UInt32) {
    (UInt32(truncatingIfNeeded: i >> 32), UInt32(truncatingIfNeeded: i))
  }

  /// For each `j` in `range`, writes `combine(hash(counter(j)))` to `out[j - range.lowerBound]`,
  /// hashing eight counters at a time.
  @inlinable @inline(__always)
  static func fill<Word>(
    key: (UInt32, UInt32), range: Range<Int>, into out: UnsafeMutablePointer<Word>,
    counter: (Int) -> (UInt32, UInt32),
    combine: (UInt32, UInt32) -> Word
  ) {
    var j = range.lowerBound
    var o = out
    while j + Lanes.scalarCount <= range.upperBound {
      var x0 = Lanes(), x1 = Lanes()
      for lane in 0..<Lanes.scalarCount {
        (x0[lane], x1[lane]) = counter(j + lane)
      }
      Threefry2x32.hash(key: key, &x0, &x1)
      for lane in 0..<Lanes.scalarCount {
        (o + lane).initialize(to: combine(x0[lane], x1[lane]))
      }
      j += Lanes.scalarCount
      o += Lanes.scalarCount
    }
    while j < range.upperBound {
      let (y0, y1) = Threefry2x32.hash(key: key, counter: counter(j))
      o.initialize(to: combine(y0, y1))
      j += 1
      o += 1
    }
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
