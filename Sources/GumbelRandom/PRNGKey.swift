/// A key for JAX's Threefry-2x32 pseudo-random number generator, reproducing `jax.random`
/// bit for bit.
///
/// A key is a value: sampling never changes it, and new keys come only from ``split(into:)``
/// and ``fold(in:)``, as in JAX. Drawing twice from the same key gives the same numbers.
///
///     let key = PRNGKey(seed: 0)                     // jax.random.PRNGKey(0)
///     let (key1, subkey) = key.split()               // key1, subkey = jax.random.split(key)
///     let noise = try subkey.gumbel(shape: [3, 5])   // jax.random.gumbel(subkey, (3, 5))
///
/// The key also carries the ``PRNGScheme`` that turns it into bits; keys made from it inherit
/// it. JAX keeps that choice in a global flag; here it travels with the key.
public struct PRNGKey: Hashable, Sendable, CustomStringConvertible {
  /// The two 32-bit words of the key, as in JAX's `uint32[2]` key data.
  public var words: (UInt32, UInt32)
  /// How this key produces bits and new keys.
  public var scheme: PRNGScheme

  /// A key from its raw words, like `jax.random.wrap_key_data(jnp.array([k0, k1], uint32))`.
  public init(words: (UInt32, UInt32), scheme: PRNGScheme = .default) {
    self.words = words
    self.scheme = scheme
  }

  /// A key from an integer seed, like `jax.random.PRNGKey(seed)`.
  ///
  /// By default the key is `(0, seed mod 2^32)`, as in JAX with its default 32-bit types:
  /// `PRNGKey(seed: 48).words == (0, 48)` and `PRNGKey(seed: -1).words == (0, 0xFFFFFFFF)`.
  /// With `x64`, the key is the high and low 32 bits of the 64-bit seed, as in JAX with
  /// `jax_enable_x64`: `PRNGKey(seed: -1, x64: true).words == (0xFFFFFFFF, 0xFFFFFFFF)`.
  /// The two agree for seeds in `0..<2^32`.
  public init(seed: Int64, scheme: PRNGScheme = .default, x64: Bool = false) {
    let bits = UInt64(bitPattern: seed)
    let high = x64 ? UInt32(truncatingIfNeeded: bits >> 32) : 0
    self.init(words: (high, UInt32(truncatingIfNeeded: bits)), scheme: scheme)
  }

  /// A key from an integer seed, like `jax.random.PRNGKey(seed)` (see ``init(seed:scheme:x64:)``).
  public init(seed: Int, scheme: PRNGScheme = .default, x64: Bool = false) {
    self.init(seed: Int64(seed), scheme: scheme, x64: x64)
  }

  /// `n` new keys, independent of this one and of each other, like `jax.random.split(key, n)`.
  public func split(into count: Int) -> [PRNGKey] {
    precondition(count >= 0, "cannot split a key into \(count) keys")
    switch scheme {
    case .partitionable:
      return (0..<count).map { j in
        child(Threefry2x32.hash(key: words, counter: (UInt32(truncatingIfNeeded: j >> 32), UInt32(truncatingIfNeeded: j))))
      }
    case .original:
      let flat = RandomBits.words32(key: self, count: 2 * count)
      return (0..<count).map { j in child((flat[2 * j], flat[2 * j + 1])) }
    }
  }

  /// Two new keys, like `key, subkey = jax.random.split(key)`.
  public func split() -> (PRNGKey, PRNGKey) {
    let keys = split(into: 2)
    return (keys[0], keys[1])
  }

  /// A new key that depends on this one and on `data`, like `jax.random.fold_in(key, data)`.
  ///
  /// It hashes the counter `(0, data)`: the same in both schemes.
  public func fold(in data: UInt32) -> PRNGKey {
    child(Threefry2x32.hash(key: words, counter: (0, data)))
  }

  public var description: String { "PRNGKey(\(words.0), \(words.1), \(scheme))" }

  public static func == (lhs: PRNGKey, rhs: PRNGKey) -> Bool {
    lhs.words == rhs.words && lhs.scheme == rhs.scheme
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(words.0)
    hasher.combine(words.1)
    hasher.combine(scheme)
  }

  private func child(_ words: (UInt32, UInt32)) -> PRNGKey {
    PRNGKey(words: words, scheme: scheme)
  }
}
