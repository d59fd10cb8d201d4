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
  /// more than it saves.
  public static let minimumParallelElements = 1 << 15

  /// Splits `0..<count` rows, of `elementsPerRow` elements each, into blocks of `blockRows`
  /// rows (the last may be shorter) and calls `body(blockIndex, rowRange)` for each, on up to
  /// ``maxThreads`` threads. Blocks are fixed by `blockRows` alone, so callers that keep
  /// per-block results get the same results for any thread count.
  @inlinable
  public static func forEachBlock(
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
    // Each of `threads` workers takes a contiguous run of blocks. The blocks write disjoint
    // parts of the caller's buffers, which is what makes sharing `body` safe.
    withoutActuallyEscaping(body) { body in
      let shared = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: threads) { t in
        for b in (blocks * t / threads)..<(blocks * (t + 1) / threads) {
          shared.value(b, (b * blockRows)..<min(count, (b + 1) * blockRows))
        }
      }
    }
  }

  /// A block size of whole rows holding about `targetElements` elements.
  @inlinable
  public static func blockRows(elementsPerRow: Int, targetElements: Int = 1 << 14) -> Int {
    max(1, targetElements / max(1, elementsPerRow))
  }
}

/// A value handed to other threads by a caller that guarantees they use it without races.
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
  @usableFromInline let value: Value
  @inlinable init(_ value: Value) { self.value = value }
}
