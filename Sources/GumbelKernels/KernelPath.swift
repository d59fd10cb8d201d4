import CGumbelKernels

/// Which form of the kernels runs: the C forms compiled for AVX-512F or AVX2, or the Swift
/// forms. Chosen once, at run time, before `main`.
///
/// Swift compiles a whole module for one instruction set (SSE2 for a default x86-64 build),
/// and has no way to compile one function for another. The C target `CGumbelKernels` does that
/// for the kernels that dominate sampling time: each C form repeats its Swift form's operations
/// lane by lane, in the same order, so the results are the same bits whichever runs
/// (`Guides/Kernels.md`; the tests of `GumbelKernelsTests` compare the two on sweeps of inputs).
/// On processors without AVX2, off x86-64, and for inputs under ``minimumCCount`` elements, the
/// Swift forms run.
///
/// The element-by-element kernels (Threefry words, the Gumbel transform, `exp`, the finiteness
/// check) are also compiled for AVX-512F and run in that form on processors that have it:
/// sixteen lanes per instruction where AVX2 has eight, each element computed the same way.
///
/// Set the environment variable `GUMBEL_DISABLE_AVX2` to a non-empty value to run the Swift
/// forms everywhere, or `GUMBEL_DISABLE_AVX512` to run the AVX2 forms where AVX-512 would be
/// chosen (for comparisons; the values do not change).
@usableFromInline
package enum KernelPath: String, Sendable {
  /// The element-by-element kernels in their AVX-512F form, the others in their AVX2 form.
  case avx512
  /// Every C kernel in its AVX2 form.
  case avx2
  /// The Swift kernels alone.
  case swift

  /// The path this process runs.
  package static var current: KernelPath { usesAVX512 ? .avx512 : usesC ? .avx2 : .swift }

  /// Whether the C kernels run: the processor and the operating system support AVX2, and
  /// `GUMBEL_DISABLE_AVX2` is unset or empty.
  ///
  /// Read from a flag the C target sets before `main`, so that checking it costs one load.
  @inlinable
  package static var usesC: Bool { gumbel_avx2_is_enabled() != 0 }

  /// Whether the element-by-element C kernels run their AVX-512 form: ``usesC``, the processor
  /// and the operating system support AVX-512F, and `GUMBEL_DISABLE_AVX512` is unset or empty.
  package static var usesAVX512: Bool { gumbel_avx512_is_enabled() != 0 }

  /// Whether the C form takes an input of `count` elements: ``usesC`` and at least
  /// ``minimumCCount`` elements. Shorter inputs run the Swift forms, which the compiler inlines
  /// into their callers: faster than a call into C for a handful of elements (a 1 x 5 soft
  /// sample took a tenth longer through C), with the same results.
  @inlinable
  package static func runsC(count: Int) -> Bool { count >= minimumCCount && usesC }

  /// The fewest elements for which the C forms run (see ``runsC(count:)``).
  @inlinable package static var minimumCCount: Int { 64 }
}
