/// Array initialisers for the small arrays of small calls, allocated in code specialised for
/// the element type.
///
/// The standard initialisers that leave elements to be written (`Array(repeating:count:)`,
/// `Array(unsafeUninitializedCapacity:initializingWith:)`, `reserveCapacity`) allocate through a
/// function of the standard library that the compiler cannot specialise, and that looks up the
/// type metadata of the array's storage class on every call: on this project's machine, about
/// 60 ns of the 120 that a five-element array costs, and a tenth of a 1 x 5 `grad`. An array
/// copied from a collection (`Array(repeatElement(_:count:))`) is allocated in specialised code,
/// without the lookup. These initialisers take that path for arrays of up to
/// ``specializedAllocationLimit`` elements (where filling them first costs a few nanoseconds),
/// and the standard one beyond (where the lookup no longer matters).
extension Array {
  /// The most elements for which the initialisers below copy from a collection.
  @inlinable
  package static var specializedAllocationLimit: Int { 256 }

  /// `count` copies of `value`, as `Array(repeating:count:)`.
  @inlinable
  package init(filling count: Int, with value: Element) {
    if count <= Self.specializedAllocationLimit {
      self.init(repeatElement(value, count: count))
    } else {
      self.init(repeating: value, count: count)
    }
  }

  /// `count` elements that `body` writes, every one of them, as
  /// `Array(unsafeUninitializedCapacity:initializingWith:)` with all `count` initialised.
  /// A small array holds `placeholder` in each element when `body` starts.
  ///
  /// - Precondition: `Element` is a trivial type (a float or an integer), for which writing an
  ///   element and initialising it are the same.
  @inlinable
  package init(count: Int, placeholder: Element, writing body: (UnsafeMutableBufferPointer<Element>) -> Void) {
    assert(_isPOD(Element.self), "\(Element.self) is not a trivial type")
    if count <= Self.specializedAllocationLimit {
      self.init(repeatElement(placeholder, count: count))
      withUnsafeMutableBufferPointer { body($0) }
    } else {
      self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
        body(buffer)
        initialized = count
      }
    }
  }
}
