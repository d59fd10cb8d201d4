import _Differentiation
import ArgumentParser
import Foundation
import GumbelKit

/// `gumbel bench`: the time of one sampling operation per element, or of one matrix product,
/// for comparison with JAX, PyTorch and NumPy (`Benchmarks/speed/compare.py` and
/// `matmul_compare.py` run both sides alternately).
struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Time a Gumbel-softmax operation on a batch of float32 logits (temperature 0.5 by default), or a float32 matrix product.",
    discussion: """
      soft: Gumbel noise and softmax((logits + g) / temperature) per row; hard: the straight-through
      one-hot sample; grad: forward and backward of sum(w * hard sample) with respect to the
      logits through Swift's autodiff; noise: Gumbel noise alone. Every call draws fresh noise
      (key.fold(in: call)). matmul: MatrixMultiply.product of a ROWS x DEPTH matrix and a
      DEPTH x COLS one, uniform in [-1, 1) (--transpose-lhs stores the left one as DEPTH x ROWS,
      --transpose-rhs the right one as COLS x DEPTH, as the backward products of a dense layer
      do); nsPerElement is per element of the ROWS x COLS result and gflops counts
      2 ROWS COLS DEPTH operations per call. The result is the median over repetitions, after
      warm-up, of the time per call, in a release build.
      """)

  enum Operation: String, ExpressibleByArgument, CaseIterable { case soft, hard, grad, noise, matmul }

  @Option(help: "soft, hard, grad, noise or matmul.") var op: Operation
  @Option(help: "Rows of the batch (matmul: rows of the result, M).") var rows: Int
  @Option(help: "Categories per row (matmul: columns of the result, N).") var cols: Int
  @Option(help: "matmul only, and required there: the length of each dot product (K).") var depth: Int?
  @Flag(help: "matmul only: the left operand is stored transposed, DEPTH x ROWS.") var transposeLhs = false
  @Flag(help: "matmul only: the right operand is stored transposed, COLS x DEPTH.") var transposeRhs = false
  @Option(help: "Threads the kernels may use (default: every processor).") var threads: Int = Parallelism.processorCount
  @Option(help: "Calls per timed repetition (default: enough for about 20 ms).") var iterations: Int?
  @Option(help: "The temperature of soft, hard and grad.") var temperature: Float = 0.5
  @Option(help: "Timed repetitions; the median is reported.") var repetitions: Int = 9
  @Option(help: "Seconds of untimed calls before the timed ones (at least 3 calls).") var warmUp: Double = 0.3
  @Option(help: "text or json.") var format: OutputFormat = .text

  /// Arrays of the batch's size that an operation holds at once (logits, weights, noise,
  /// sample, and the pullback's temporaries), for the memory check.
  static let arraysHeld = 8

  /// Copies of each matrix a product holds at once, for the memory check: the operands and the
  /// result, and room for one working copy of each (a transposed or packed operand).
  static let matrixCopiesHeld = 2

  func validate() throws {
    guard rows >= 1, cols >= 1 else { throw ValidationError("--rows and --cols must be at least 1") }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
    guard temperature.isFinite, temperature > 0 else { throw ValidationError("--temperature must be finite and positive") }
    if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    guard warmUp >= 0, warmUp <= 60 else { throw ValidationError("--warm-up must be between 0 and 60 seconds") }
    let memory = Double(ProcessInfo.processInfo.physicalMemory) / 2
    guard op == .matmul else {
      if depth != nil { throw ValidationError("--depth applies to --op matmul only") }
      if transposeLhs || transposeRhs { throw ValidationError("--transpose-lhs and --transpose-rhs apply to --op matmul only") }
      let (elements, overflow) = rows.multipliedReportingOverflow(by: cols)
      let bytes = Double(elements) * Double(MemoryLayout<Float>.size * Self.arraysHeld)
      guard !overflow, elements <= RandomLimits.maxElementCount, bytes <= memory else {
        throw ValidationError("a \(rows) x \(cols) batch needs more memory than half of this machine's")
      }
      return
    }
    guard let depth else { throw ValidationError("--op matmul needs --depth (the K of an M x K by K x N product)") }
    guard depth >= 1 else { throw ValidationError("--depth must be at least 1") }
    // The left operand, the right one and the result, each within what one key may fill.
    let counts = [(rows, depth), (depth, cols), (rows, cols)].map { $0.multipliedReportingOverflow(by: $1) }
    let bytes = counts.reduce(0) { $0 + Double($1.partialValue) } * Double(MemoryLayout<Float>.size * Self.matrixCopiesHeld)
    guard counts.allSatisfy({ !$0.overflow && $0.partialValue <= RandomLimits.maxElementCount }), bytes <= memory else {
      throw ValidationError("a \(rows) x \(depth) by \(depth) x \(cols) product needs more memory than half of this machine's")
    }
  }

  func run() throws {
    let call = if op == .matmul, let depth {
      try Self.matrixProduct(rows: rows, depth: depth, cols: cols, transposeLhs: transposeLhs, transposeRhs: transposeRhs)
    } else {
      Self.operation(op, rows: rows, cols: cols, temperature: temperature)
    }
    let perCall = Parallelism.$maxThreads.withValue(threads) {
      Self.medianNanosecondsPerCall(call, iterations: iterations, repetitions: repetitions, warmUpSeconds: warmUp)
    }
    let nsPerElement = perCall / Double(rows * cols)
    let callsPerSecond = 1e9 / perCall
    // A product's multiplications and additions, 2 M N K per call; nil for the other operations.
    let gflops = depth.map { 2 * Double(rows) * Double(cols) * Double($0) * callsPerSecond / 1e9 }
    switch format {
    case .json:
      var fields: [(key: String, value: String)] = [
        ("op", JSONText.string(op.rawValue)), ("rows", "\(rows)"), ("cols", "\(cols)"), ("threads", "\(threads)"),
        ("nsPerElement", JSONText.number(nsPerElement)), ("callsPerSecond", JSONText.number(callsPerSecond)),
      ]
      if let depth, let gflops {
        fields += [("depth", "\(depth)"), ("transposeLhs", "\(transposeLhs)"), ("transposeRhs", "\(transposeRhs)"),
                   ("gflops", JSONText.number(gflops))]
      }
      print(JSONText.object(fields))
    case .text:
      let shape = depth.map { "\(rows)x\($0)\(transposeLhs ? " (stored transposed)" : "") by \($0)x\(cols)\(transposeRhs ? " (stored transposed)" : "")" }
      print("\(op.rawValue) \(shape ?? "\(rows)x\(cols)"), \(threads) thread(s): \(nsPerElement.formatted(digits: 3)) ns/element, "
        + "\((perCall / 1000).formatted(digits: 3)) µs/call, \(callsPerSecond.formatted(digits: 1)) calls/s"
        + (gflops.map { ", \($0.formatted(digits: 3)) GFLOP/s" } ?? ""))
    }
  }

  /// One matrix product per call, of operands of uniform values in [-1, 1) stored as `rows x
  /// depth` (`depth x rows` when `transposeLhs`) and `depth x cols` (`cols x depth` when
  /// `transposeRhs`); returns one element of the result.
  static func matrixProduct(rows: Int, depth: Int, cols: Int, transposeLhs: Bool, transposeRhs: Bool) throws -> (UInt32) -> Float {
    let keys = PRNGKey(seed: 0).split(into: 2)
    let lhsShape = transposeLhs ? [depth, rows] : [rows, depth]
    let rhsShape = transposeRhs ? [cols, depth] : [depth, cols]
    let lhs = Tensor<Float>(shape: lhsShape, scalars: try keys[0].uniform(shape: lhsShape, minval: -1, maxval: 1))
    let rhs = Tensor<Float>(shape: rhsShape, scalars: try keys[1].uniform(shape: rhsShape, minval: -1, maxval: 1))
    return { _ in MatrixMultiply.product(lhs, rhs, transposeLhs: transposeLhs, transposeRhs: transposeRhs).scalars[0] }
  }

  /// One call of a sampling operation for call number `i`, returning a value derived from its
  /// result (so that nothing is optimised away); `matrixProduct` makes the calls of `matmul`.
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
    case .matmul:
      preconditionFailure("matmul needs a depth: see matrixProduct(rows:depth:cols:transposeLhs:transposeRhs:)")
    }
  }

  /// The median over `repetitions` of the mean time of one call, in nanoseconds, after a
  /// warm-up of `warmUpSeconds` (at least 3 calls). A fresh process runs its first parallel
  /// calls slower than its later ones, while a long-lived peer such as a NumPy worker process is
  /// already warm: on the 2-core AMD EPYC, 100x512x256 on two threads timed 17 to 21 GFLOP/s
  /// with a warm-up of 3 calls and 29 to 31 with 0.3 s, in six alternating runs.
  static func medianNanosecondsPerCall(_ call: (UInt32) -> Float, iterations: Int?, repetitions: Int, warmUpSeconds: Double) -> Double {
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
    var warmedUp = time(max(3, calls / 10))
    while warmedUp < warmUpSeconds * 1e9 { warmedUp += time(max(1, calls / 10)) }
    let times = (0..<repetitions).map { _ in time(calls) / Double(calls) }.sorted()
    blackHole(sink)
    return times[times.count / 2]
  }
}

/// Keeps `value` alive, so that the work that produced it is not optimised away.
@inline(never) func blackHole(_ value: Float) {
  if value.isNaN { FileHandle.standardError.write(Data()) }
}
