/// How a key turns into streams of bits and into new keys: JAX's two Threefry schemes.
///
/// JAX has generated random bits from a Threefry key in two ways, chosen by the
/// `jax_threefry_partitionable` flag. Both hash counters with ``Threefry2x32``; they differ in
/// which counters they hash and how they combine the two output words.
public enum PRNGScheme: String, Sendable, CaseIterable, Hashable {
  /// JAX's default since version 0.5 (`jax_threefry_partitionable=True`).
  ///
  /// Element `i` of a request hashes the counter `(hi32(i), lo32(i))`. A 32-bit draw is the
  /// exclusive-or of the two output words, a 64-bit draw is their concatenation. Splitting into
  /// `n` keys hashes the counters `(0, j)` for `j < n`.
  case partitionable

  /// JAX's scheme before version 0.5 (`jax_threefry_partitionable=False`), which produced the
  /// numbers of most published notebooks.
  ///
  /// A request for `n` 32-bit words hashes `iota(n)` split into two halves: the counter
  /// `(j, j + ceil(n/2))` yields words `j` and `j + ceil(n/2)` (a final odd counter is padded
  /// with 0). A request for `n` 64-bit values hashes `iota(2n)` and joins word `j` (high) with
  /// word `n + j` (low). Splitting into `n` keys draws `2n` words and pairs them in order.
  case original

  /// The scheme of `jax.random` today.
  public static let `default`: PRNGScheme = .partitionable
}
