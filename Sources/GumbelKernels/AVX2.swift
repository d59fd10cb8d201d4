import GumbelAVX2

/// The AVX2 forms of the hottest kernels, chosen at run time.
///
/// Swift compiles a whole module for one instruction set (SSE2 for a default x86-64 build),
/// and has no way to compile one function for another. The C target GumbelAVX2 does that for
/// the kernels that dominate sampling time: Threefry-2x32 counters, the Gumbel transform of
/// random words, `exp` of non-positive floats, and the row steps of the softmax and its
/// pullback (argmax, shift, sum, division), alone or for a block of rows in one call. Each
/// repeats its Swift kernel's operations lane by lane, in the same order (the argmax search
/// ends differently when every lane is finite, with the same answer), so results are bit for
/// bit the same whichever runs (the tests compare the two on sweeps of inputs). On processors
/// without AVX2, off x86-64, and for inputs under ``minimumCount`` elements, the Swift kernels
/// run. A change to the operations of one of these Swift kernels must be made in the C one too.
///
/// The element-by-element kernels (Threefry words, the Gumbel transform, `exp`, the check that
/// floats are finite) are also compiled for AVX-512F, and run in that form on processors that
/// have it (``usesAVX512``): sixteen lanes per instruction where AVX2 has eight, each element
/// computed the same way.
///
/// Set the environment variable `GUMBEL_DISABLE_AVX2` to a non-empty value to run the Swift
/// kernels everywhere, or `GUMBEL_DISABLE_AVX512` to run the AVX2 forms where AVX-512 would
/// be chosen (for comparisons; the values do not change).
public enum AVX2 {
  /// Whether the AVX2 kernels run: the processor and the operating system support AVX2, and
  /// `GUMBEL_DISABLE_AVX2` is unset or empty.
  ///
  /// Read from a flag the C target sets before `main`, so that checking it costs one load.
  @inlinable
  public static var isEnabled: Bool { gumbel_avx2_is_enabled() != 0 }

  /// Whether the element-by-element kernels run their AVX-512 form: sixteen lanes per
  /// instruction, from the same C source as the AVX2 form, with the same bits. They are
  /// ``threefryWords(key:range:first:firstCountsUp:output:into:)``,
  /// ``standardGumbelInPlace(_:count:adding:)``, ``expOfNonPositiveInPlace(_:count:)`` (also
  /// inside the softmax rows) and ``allFinite(_:count:)``. True when ``isEnabled`` is, the
  /// processor and the operating system support AVX-512F, and the environment variable
  /// `GUMBEL_DISABLE_AVX512` is unset or empty.
  public static var usesAVX512: Bool { gumbel_avx512_is_enabled() != 0 }

  /// Whether the AVX2 kernels take an input of `count` elements: they are enabled and the
  /// input has at least ``minimumCount`` elements. Shorter inputs run the Swift kernels, which
  /// the compiler inlines into their callers: faster than a call into C for a handful of
  /// elements (a 1 x 5 soft sample took a tenth longer through C), with the same results.
  @inlinable
  public static func handles(count: Int) -> Bool { count >= minimumCount && isEnabled }

  /// The fewest elements for which the AVX2 kernels run (see ``handles(count:)``).
  @inlinable public static var minimumCount: Int { 64 }

  /// For each `j` in `range`, the Threefry-2x32 hash under `key` of the counter
  /// `(j + first.0, j + first.1)` if `firstCountsUp`, else `(first.0, j + first.1)` (modulo
  /// 2^32): the xor of its two outputs (`output` 0), the first (1) or the second (2), written
  /// to `out[j - range.lowerBound]`.
  ///
  /// - Precondition: ``isEnabled``.
  public static func threefryWords(
    key: (UInt32, UInt32), range: Range<Int>, first: (Int, Int), firstCountsUp: Bool, output: Int32,
    into out: UnsafeMutablePointer<UInt32>
  ) {
    gumbel_avx2_threefry_words(
      key.0, key.1, Int64(range.lowerBound), Int64(range.upperBound), Int64(first.0), Int64(first.1),
      firstCountsUp ? 1 : 0, output, out)
  }

  /// Replaces each of the `count` random words at `data` (read as their bits) by the standard
  /// Gumbel sample `-log(-log(u))`, with `u` the word's uniform float raised to the least
  /// normal float where it is 0, plus `addend[i]` if `addend` is given (in the pass that
  /// computes the sample, the same bits as an addition after it).
  ///
  /// - Precondition: ``isEnabled``.
  public static func standardGumbelInPlace(
    _ data: UnsafeMutablePointer<Float>, count: Int, adding addend: UnsafePointer<Float>? = nil
  ) {
    gumbel_avx2_standard_gumbel_in_place(data, Int64(count), addend)
  }

  /// Replaces each of the `count` floats at `data`, each at most 0 or NaN, by its exponential
  /// (``VectorMath/expOfNonPositive(_:)``).
  ///
  /// - Precondition: ``isEnabled``.
  public static func expOfNonPositiveInPlace(_ data: UnsafeMutablePointer<Float>, count: Int) {
    gumbel_avx2_exp_of_non_positive_in_place(data, Int64(count))
  }

  /// Whether each of the `count` floats at `x` is finite (neither infinite nor NaN).
  ///
  /// - Precondition: ``isEnabled``.
  public static func allFinite(_ x: UnsafePointer<Float>, count: Int) -> Bool {
    gumbel_avx2_all_finite(x, Int64(count)) != 0
  }

  /// The index of the first largest of the `count` (at least 16) floats at `x`, or `nil` if
  /// the largest is infinite or NaN: `Float.indexOfMaximum`'s vector search.
  ///
  /// - Precondition: ``isEnabled``, `count >= 16`.
  public static func indexOfMaximum(_ x: UnsafePointer<Float>, count: Int) -> Int? {
    let index = gumbel_avx2_index_of_maximum(x, Int64(count))
    return index < 0 ? nil : Int(index)
  }

  /// The index of the first largest element of each of `rows` rows of `columns` (at least 1)
  /// floats at `x`, as `Float.indexOfMaximum` finds it, written to `argmax`.
  ///
  /// - Precondition: ``isEnabled``, `columns >= 1`.
  public static func indexOfMaximumRows(
    _ x: UnsafePointer<Float>, rows: Int, columns k: Int, into argmax: UnsafeMutablePointer<Int32>
  ) {
    precondition(k >= 1, "rows need at least one element")
    gumbel_avx2_index_of_maximum_rows(x, Int64(rows), Int64(k), argmax)
  }

  /// `Tensor.softmaxRowsInPlace` in one call: each of `rows` rows of `columns` (at least 1)
  /// floats at `x` replaced by its softmax at `temperature`, and each row's argmax written to
  /// `argmax` if given.
  ///
  /// - Precondition: ``isEnabled``, `columns >= 1`.
  public static func softmaxRowsInPlace(
    _ x: UnsafeMutablePointer<Float>, rows: Int, columns k: Int, temperature: Float, argmax: UnsafeMutablePointer<Int32>?
  ) {
    precondition(k >= 1, "rows need at least one element")
    gumbel_avx2_softmax_rows_in_place(x, Int64(rows), Int64(k), temperature, argmax)
  }

  /// `destination[i] = (source[i] - maximum) / temperature` for `i < count`; `destination`
  /// may be `source`.
  ///
  /// - Precondition: ``isEnabled``.
  public static func shiftAndScale(
    _ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, count: Int, maximum: Float,
    temperature: Float
  ) {
    gumbel_avx2_shift_and_scale(source, destination, Int64(count), maximum, temperature)
  }

  /// The sum of the `count` floats at `x`, in `Float.sumInLaneOrder`'s order.
  ///
  /// - Precondition: ``isEnabled``.
  public static func sumInLaneOrder(_ x: UnsafePointer<Float>, count: Int) -> Float {
    gumbel_avx2_sum_in_lane_order(x, Int64(count))
  }

  /// Divides each of the `count` floats at `row` by their sum in `Float.sumInLaneOrder`'s order.
  ///
  /// - Precondition: ``isEnabled``.
  public static func divideBySum(_ row: UnsafeMutablePointer<Float>, count: Int) {
    gumbel_avx2_divide_by_sum(row, Int64(count))
  }

  /// `Float.softmaxPullbackRow`: writes `dx` and returns the row's temperature gradient.
  ///
  /// - Precondition: ``isEnabled``.
  public static func softmaxPullbackRow(
    y: UnsafePointer<Float>, x: UnsafePointer<Float>, upstream v: UnsafePointer<Float>, count k: Int,
    maximum m: Float, temperature: Float, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    gumbel_avx2_softmax_pullback_row(y, x, v, Int64(k), m, temperature, dx)
  }

  /// `Float.softmaxPullbackRows`: writes `dx` and returns the rows' temperature gradients
  /// added in row order. With `sample` `nil`, the softmax of the rows is first recomputed into
  /// `dx`, and their tempered shifted logits kept in `scratch` (`rows * columns` floats).
  ///
  /// - Precondition: ``isEnabled``.
  public static func softmaxPullbackRows(
    x: UnsafePointer<Float>, sample: UnsafePointer<Float>?, upstream v: UnsafePointer<Float>,
    argmax: UnsafePointer<Int32>, rows: Int, columns k: Int, temperature: Float,
    scratch: UnsafeMutablePointer<Float>?, into dx: UnsafeMutablePointer<Float>
  ) -> Float {
    precondition(sample != nil || scratch != nil, "a recomputed softmax needs scratch space")
    return gumbel_avx2_softmax_pullback_rows(x, sample, v, argmax, Int64(rows), Int64(k), temperature, scratch, dx)
  }
}
