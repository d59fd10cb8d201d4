import Foundation
import GumbelExperiments
import Testing
import _GumbelTestSupport

/// A training run killed at any moment, even while it writes its checkpoint, resumes to the same
/// numbers bit for bit; a checkpoint that cannot be written stops the run in one line and leaves
/// the previous one as it was.
@Suite struct InterruptedRunTests {
  #if DEBUG
  // The debug build trains about 10 times slower: fewer epochs and interruptions.
  static let (epochs, interruptions) = (2, 2)
  #else
  static let (epochs, interruptions) = (3, 6)
  #endif

  /// The arguments of a small run on `data` writing to `out`.
  static func arguments(data: URL, out: URL) -> [String] {
    ["train-vae", "--data", data.path, "--epochs", "\(epochs)", "--latents", "4", "--bound-samples", "0",
     "--threads", "1", "--format", "json", "--out", out.path]
  }

  /// Starts `gumbel` with `arguments`, its output discarded.
  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = gumbelExecutable
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func kill(_ process: Process) {
    _ = Foundation.kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  /// Everything a resumed run continues from: parameters, Adam's moments and step, counters and
  /// the step losses (not the wall-clock times).
  static func expectSameTraining(_ a: VAETrainingState, _ b: VAETrainingState) {
    #expect(a.epoch == b.epoch && a.step == b.step && a.optimizer.step == b.optimizer.step)
    #expect(a.stepLosses == b.stepLosses)
    let tensors = { (s: VAETrainingState) in s.model.parameters + s.optimizer.firstMoments + s.optimizer.secondMoments }
    let (x, y) = (tensors(a), tensors(b))
    #expect(x.count == y.count)
    for (u, v) in zip(x, y) {
      #expect(u.shape == v.shape)
      #expect(u.scalars.map(\.bitPattern) == v.scalars.map(\.bitPattern))
    }
    #expect(a.epochs.map(\.testNegELBO) == b.epochs.map(\.testNegELBO))
  }

  @Test func killedRunsResumeToTheSameNumbers() throws {
    let directory = try TrainVAETests.temporaryDirectory()
    try TrainVAETests.writeTinyIDX(train: 200, test: 10, in: directory)
    let reference = directory.appendingPathComponent("reference")
    let started = Date()
    let uninterrupted = try CLITests.gumbel(Self.arguments(data: directory, out: reference))
    try #require(uninterrupted.status == 0, "\(uninterrupted.stderr)")
    let duration = Date().timeIntervalSince(started)

    let out = directory.appendingPathComponent("interrupted")
    let checkpoint = out.appendingPathComponent("checkpoint.gvae").path
    let partial = checkpoint + ".partial"
    var generator = SystemRandomNumberGenerator()
    for attempt in 0..<Self.interruptions {
      let resume = FileManager.default.fileExists(atPath: checkpoint) ? ["--resume"] : []
      try? FileManager.default.removeItem(atPath: partial)
      let process = try Self.start(Self.arguments(data: directory, out: out) + resume)
      if attempt % 2 == 0 {
        // At a random moment.
        Thread.sleep(forTimeInterval: Double.random(in: 0.05...max(0.1, duration * 0.6), using: &generator))
        Self.kill(process)
      } else {
        // As soon as a checkpoint write has begun (a partial file left by an earlier kill was
        // removed, so this run's write made it). On a loaded machine the write may end before
        // the kill lands; the partial file planted below stands in for that case.
        let deadline = Date().addingTimeInterval(max(60, duration * 2))
        while !FileManager.default.fileExists(atPath: partial) && process.isRunning && Date() < deadline { usleep(200) }
        Self.kill(process)
      }
      // Whatever the moment, the checkpoint is absent or whole.
      if FileManager.default.fileExists(atPath: checkpoint) { _ = try Checkpoint.read(from: checkpoint) }
    }
    // What a kill in the middle of a write leaves: half a checkpoint in the partial file, beside
    // the last whole one. The resumed run reads the whole one and writes over the partial file.
    let saved = FileManager.default.fileExists(atPath: checkpoint) ? try Checkpoint.read(from: checkpoint) : nil
    let bytes = try saved.map { try Checkpoint.encode($0) } ?? Array("GVAECKPT".utf8)
    try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: partial))
    let final = try CLITests.gumbel(Self.arguments(data: directory, out: out) + (saved == nil ? [] : ["--resume"]))
    try #require(final.status == 0, "\(final.stderr)")
    if (saved?.epoch ?? 0) < Self.epochs { #expect(!FileManager.default.fileExists(atPath: partial)) }
    Self.expectSameTraining(try Checkpoint.read(from: reference.appendingPathComponent("checkpoint.gvae").path),
                            try Checkpoint.read(from: checkpoint))
    // The final report's numbers too (the JSON differs only in its timing).
    let numbers = { (result: GumbelProcessResult) -> [Double?] in
      guard let object = try? CLITests.json(result) else { return [] }
      return ["trainNegELBO", "testNegELBO"].map { object[$0] as? Double }
    }
    #expect(numbers(final) == numbers(uninterrupted))
  }

  /// Runs one epoch into a new directory and returns the directory, its data and the checkpoint's bytes.
  static func firstEpoch() throws -> (directory: URL, out: URL, checkpoint: Data) {
    let directory = try TrainVAETests.temporaryDirectory()
    try TrainVAETests.writeTinyIDX(train: 100, test: 10, in: directory)
    let out = directory.appendingPathComponent("out")
    var arguments = Self.arguments(data: directory, out: out)
    arguments[arguments.firstIndex(of: "--epochs")! + 1] = "1"
    let first = try CLITests.gumbel(arguments)
    try #require(first.status == 0, "\(first.stderr)")
    return (directory, out, try Data(contentsOf: out.appendingPathComponent("checkpoint.gvae")))
  }

  /// Expects a one-line refusal naming the checkpoint, and the previous checkpoint unchanged
  /// (with no partial file left, unless `partialRemains`).
  static func expectCheckpointKept(_ result: GumbelProcessResult, out: URL, previous: Data, partialRemains: Bool = false) throws {
    let checkpoint = out.appendingPathComponent("checkpoint.gvae")
    #expect(result.exited && result.status != 0)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: cannot write checkpoint "),
            "\(result.stderr)")
    #expect(result.stderr.contains(checkpoint.path))
    #expect(try Data(contentsOf: checkpoint) == previous)
    #expect(FileManager.default.fileExists(atPath: checkpoint.path + ".partial") == partialRemains)
  }

  /// A full disk, simulated by a file-size limit (`ulimit -f`, 512-byte blocks in `sh`) far
  /// below the checkpoint's size: the write fails (EFBIG), the run stops in one line.
  @Test func aFullDiskKeepsThePreviousCheckpoint() throws {
    let (directory, out, previous) = try Self.firstEpoch()
    let result = try runGumbel(Self.arguments(data: directory, out: out) + ["--resume"], limits: "ulimit -f 2048")
    try Self.expectCheckpointKept(result, out: out, previous: previous)
    #expect(result.stderr.contains("File too large"), "\(result.stderr)")
  }

  /// A directory the run may not write to. Root writes anywhere, so as root the new file's path
  /// is made a directory instead, which no one can open for writing.
  @Test func anUnwritableDirectoryKeepsThePreviousCheckpoint() throws {
    let (directory, out, previous) = try Self.firstEpoch()
    let partial = out.appendingPathComponent("checkpoint.gvae.partial").path
    let asRoot = geteuid() == 0
    if asRoot {
      try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: false)
    } else {
      try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: out.path)
    }
    defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: out.path) }
    let result = try CLITests.gumbel(Self.arguments(data: directory, out: out) + ["--resume"])
    try Self.expectCheckpointKept(result, out: out, previous: previous, partialRemains: asRoot)
  }
}
