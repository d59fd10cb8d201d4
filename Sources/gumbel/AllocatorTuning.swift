#if canImport(Glibc)
import Glibc
#endif

/// The tool's malloc settings, made once at start-up.
///
/// With its defaults, glibc serves each block of 128 KB or more with a fresh `mmap` (the
/// threshold rises with use, up to 32 MB) and returns the top of its heap to the kernel as soon
/// as 128 KB there are free. A loop that allocates and frees tensors of a few megabytes, as
/// every training step and every `gumbel bench` call does, then takes a page fault for each
/// 4 KB page of each new array on every iteration: about half the time of a forward and
/// backward pass at 1024 x 1000. Serving blocks up to 32 MB from the heap and keeping up to
/// 512 MB of freed heap lets later arrays reuse those pages.
///
/// A program using the library can do the same with `mallopt`, or with the environment
/// variables `MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=536870912`.
enum AllocatorTuning {
  static func keepFreedMemoryForReuse() {
    #if canImport(Glibc)
    // `mallopt` is declared in <malloc.h>, which the Glibc module does not import: look it up.
    typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
    let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
    let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD
    _ = mallopt(mmapThreshold, 32 << 20)
    _ = mallopt(trimThreshold, 512 << 20)
    #endif
  }
}
