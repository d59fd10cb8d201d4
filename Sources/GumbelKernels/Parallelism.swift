import Dispatch
import Foundation

/// How many threads the batch kernels may use, and the loop that spreads rows over them.
///
/// Kernels split a batch into blocks of whole rows whose size does not depend on the thread
/// count, compute each block independently, and combine per-block partial sums in block order;
/// so every result is bit-identical for any thread count. Set the count for a scope with
///
///     Parallelism.$maxThreads.withValue(1) { dist.sample(using: key) }
public enum Parallelism {
  /// The number of active processors, at least 1.
  public static let processorCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

  /// The most threads a kernel may use in the current task; every processor by default.
  @TaskLocal public static var maxThreads: Int = processorCount

  /// Work below this many elements runs on the calling thread: waking a second thread costs
  /// more than it saves. (Sampling costs 5 to 20 ns per element on one core, so 8,192
  /// elements are 40 to 160 µs of work, against some microseconds to wake a thread.)
  @usableFromInline package static let minimumParallelElements = 1 << 13

  /// Splits `0..<count` rows, of `elementsPerRow` elements each, into blocks of `blockRows`
  /// rows (the last may be shorter) and calls `body(blockIndex, rowRange)` for each, on up to
  /// ``maxThreads`` threads. Blocks are fixed by `blockRows` alone, so callers that keep
  /// per-block results get the same results for any thread count.
  @inlinable
  package static func forEachBlock(
    rows count: Int, elementsPerRow: Int, blockRows: Int, _ body: (Int, Range<Int>) -> Void
  ) {
    let blockRows = max(1, blockRows)
    let blocks = (count + blockRows - 1) / blockRows
    // Small work never reads the task-local thread count (a lookup that costs more than it).
    let threads = count * elementsPerRow < minimumParallelElements ? 1 : min(maxThreads, blocks)
    if threads <= 1 {
      for b in 0..<blocks { body(b, (b * blockRows)..<min(count, (b + 1) * blockRows)) }
      return
    }
    // Each of `threads` workers takes the next block not yet taken until none is left, so a
    // worker that finishes early (or starts late) takes more. The blocks write disjoint parts
    // of the caller's buffers, which is what makes sharing `body` safe.
    let next = BlockCounter()
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: threads) { _ in
        while true {
          let b = next.take()
          if b >= blocks { break }
          shared.value(b, (b * blockRows)..<min(count, (b + 1) * blockRows))
        }
      }
    }
  }

  /// A block size of whole rows holding about `targetElements` elements: 2,048 by default
  /// (8 KB of `Float`, so that a block's passes stay in the first-level cache, and a batch of
  /// 1024 x 10 makes five blocks to share between threads).
  @inlinable
  package static func blockRows(elementsPerRow: Int, targetElements: Int = 1 << 11) -> Int {
    max(1, targetElements / max(1, elementsPerRow))
  }
}

/// A value handed to other threads by a caller that guarantees they use it without races.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
  @usableFromInline let value: Value
  @inlinable init(_ value: Value) { self.value = value }
}

/// The index of the next block to compute, shared by the workers of one loop. (A lock, not
/// an atomic: `Synchronization.Atomic` needs macOS 15, and a block is thousands of elements.)
@usableFromInline
final class BlockCounter: @unchecked Sendable {
  @usableFromInline let lock = NSLock()
  @usableFromInline var next = 0

  @inlinable init() {}

  /// The next index, taken: each index is returned once.
  @inlinable func take() -> Int {
    lock.lock()
    defer { lock.unlock() }
    next += 1
    return next - 1
  }
}
