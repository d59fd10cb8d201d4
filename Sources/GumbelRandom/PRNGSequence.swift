/// An endless supply of keys from one seed key, like Haiku's `hk.PRNGSequence`.
///
/// Each call to ``next()`` splits the current key in two, keeps the first and returns the
/// second: the same keys as repeating `key, subkey = jax.random.split(key)` in JAX, and as
/// `next(hk.PRNGSequence(key))` in Haiku. It is a value: copying it copies its position.
public struct PRNGSequence: Sendable, IteratorProtocol, Sequence {
  /// The key that the next key will be split from.
  public private(set) var key: PRNGKey

  public init(_ key: PRNGKey) { self.key = key }

  public init(seed: Int, scheme: PRNGScheme = .default) {
    self.init(PRNGKey(seed: seed, scheme: scheme))
  }

  /// The next key. Never `nil`: the sequence does not end.
  public mutating func next() -> PRNGKey? { nextKey() }

  /// The next key, without the optional of `IteratorProtocol`.
  public mutating func nextKey() -> PRNGKey {
    let (carry, subkey) = key.split()
    key = carry
    return subkey
  }
}
