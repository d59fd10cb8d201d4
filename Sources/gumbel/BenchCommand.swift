import _Differentiation
import ArgumentParser
import Foundation
import GumbelKit

/// `gumbel bench`: the time of one sampling operation per element, for comparison with JAX
/// and PyTorch (`Benchmarks/speed/compare.py` runs both sides alternately).
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Time a Gumbel-softmax operation on a batch of float32 logits (temperature 0.5 by default).",
    discussion: """
      soft: Gumbel noise and softmax((logits + g) / temperature) per row; hard: the straight-through
      one-hot sample; grad: forward and backward of sum(w * hard sample) with respect to the
      logits through Swift's autodiff; noise: Gumbel noise alone. Every call draws fresh noise
      (key.fold(in: call)); the result is the median over repetitions, after warm-up, of the
      time per call, in a release build.
      """)

  enum Operation: String, ExpressibleByArgument, CaseIterable { case soft, hard, grad, noise }

  @Option(help: "soft, hard, grad or noise.") var op: Operation
  @Option(help: "Rows of the batch.") var rows: Int
  @Option(help: "Categories per row.") var cols: Int
  @Option(help: "Threads the kernels may use (default: every processor).") var threads: Int = Parallelism.processorCount
  @Option(help: "Calls per timed repetition (default: enough for about 20 ms).") var iterations: Int?
  @Option(help: "The temperature of soft, hard and grad.") var temperature: Float = 0.5
  @Option(help: "Timed repetitions; the median is reported.") var repetitions: Int = 9
  @Option(help: "text or json.") var format: OutputFormat = .text

  /// Arrays of the batch's size that an operation holds at once (logits, weights, noise,
  /// sample, and the pullback's temporaries), for the memory check.
  static let arraysHeld = 8

  func validate() throws {
    guard rows >= 1, cols >= 1 else { throw ValidationError("--rows and --cols must be at least 1") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    guard temperature.isFinite, temperature > 0 else { throw ValidationError("--temperature must be finite and positive") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    let (elements, overflow) = rows.multipliedReportingOverflow(by: cols)
    let bytes = Double(elements) * Double(MemoryLayout<Float>.size * Self.arraysHeld)
    guard !overflow, elements <= RandomLimits.maxElementCount, bytes <= Double(ProcessInfo.processInfo.physicalMemory) / 2 else {
      throw ValidationError("a \(rows) x \(cols) batch needs more memory than half of this machine's")
    }
  }

  func run() throws {
    let call = Self.operation(op, rows: rows, cols: cols, temperature: temperature)
    let perCall = Parallelism.$maxThreads.withValue(threads) {
      Self.medianNanosecondsPerCall(call, iterations: iterations, repetitions: repetitions)
    }
    let nsPerElement = perCall / Double(rows * cols)
    let callsPerSecond = 1e9 / perCall
    switch format {
    case .json:
      print(JSONText.object([
        "op": JSONText.string(op.rawValue), "rows": "\(rows)", "cols": "\(cols)", "threads": "\(threads)",
        "nsPerElement": JSONText.number(nsPerElement), "callsPerSecond": JSONText.number(callsPerSecond),
      ]))
    case .text:
      print("\(op.rawValue) \(rows)x\(cols), \(threads) thread(s): \(nsPerElement.formatted(digits: 3)) ns/element, "
        + "\((perCall / 1000).formatted(digits: 3)) µs/call, \(callsPerSecond.formatted(digits: 1)) calls/s")
    }
  }

  /// One call of the operation for call number `i`, returning a value derived from its result
  /// (so that nothing is optimised away).
  static func operation(_ op: Operation, rows: Int, cols: Int, temperature: Float) -> (UInt32) -> Float {
    let setup = PRNGKey(seed: 0)
    let keys = setup.split(into: 3)
    let shape = [rows, cols]
    let logits = Tensor<Float>(shape: shape, scalars: keys[0].gumbel(count: rows * cols))
    let weights = Tensor<Float>(shape: shape, scalars: keys[1].gumbel(count: rows * cols))
    let base = keys[2]
    switch op {
    case .noise:
      return { i in
        let noise: [Float] = base.fold(in: i).gumbel(count: rows * cols)
        return noise[0] + noise[noise.count - 1]
      }
    case .soft:
      let distribution = GumbelSoftmax(trustedLogits: logits, temperature: temperature)
      return { i in distribution.sample(using: base.fold(in: i)).scalars[0] }
    case .hard:
      let distribution = GumbelSoftmax(trustedLogits: logits, temperature: temperature)
      return { i in distribution.hardSample(using: base.fold(in: i)).scalars[0] }
    case .grad:
      return { i in
        let key = base.fold(in: i)
        let g = gradient(at: logits) { l in
          (GumbelSoftmax(trustedLogits: l, temperature: temperature).hardSample(using: key) * weights).sum()
        }
        return g.scalars[0]
      }
    }
  }

  /// The median over `repetitions` of the mean time of one call, in nanoseconds, after a
  /// warm-up of a tenth of the calls (at least 3).
  static func medianNanosecondsPerCall(_ call: (UInt32) -> Float, iterations: Int?, repetitions: Int) -> Double {
    let clock = ContinuousClock()
    var sink: Float = 0
    var counter: UInt32 = 0
    func time(_ calls: Int) -> Double {
      let start = clock.now
      for _ in 0..<calls {
        sink += call(counter)
        counter &+= 1
      }
      let elapsed = start.duration(to: clock.now).components
      return Double(elapsed.seconds) * 1e9 + Double(elapsed.attoseconds) * 1e-9
    }
    let once = max(1, time(3) / 3)
    let calls = iterations ?? max(1, Int(20e6 / once))
    _ = time(max(3, calls / 10))
    let times = (0..<repetitions).map { _ in time(calls) / Double(calls) }.sorted()
    blackHole(sink)
    return times[times.count / 2]
  }
}

/// Keeps `value` alive, so that the work that produced it is not optimised away.
@inline(never) func blackHole(_ value: Float) {
  if value.isNaN { FileHandle.standardError.write(Data()) }
}
