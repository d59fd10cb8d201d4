import Foundation

/// What a run of the `gumbel` executable printed, and how it ended.
public struct GumbelProcessResult: Sendable {
  public let status: Int32
  /// Whether the process exited (rather than being killed by a signal).
  public let exited: Bool
  public let stdout: String
  public let stderr: String

  public init(status: Int32, exited: Bool, stdout: String, stderr: String) {
    (self.status, self.exited, self.stdout, self.stderr) = (status, exited, stdout, stderr)
  }
}

/// The `gumbel` executable built next to the test bundle.
public var gumbelExecutable: URL {
  URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gumbel")
}

/// Runs the `gumbel` executable built next to the test bundle, for end-to-end tests, with the
/// test's environment plus `environment`; with `limits` (such as `ulimit -v 1048576`), through
/// `/bin/sh`, which sets them first.
public func runGumbel(_ arguments: [String], environment: [String: String] = [:], limits: String? = nil) throws -> GumbelProcessResult {
  let process = Process()
  if let limits {
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "\(limits) && exec \"$0\" \"$@\"", gumbelExecutable.path] + arguments
  } else {
    process.executableURL = gumbelExecutable
    process.arguments = arguments
  }
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  let out = Pipe(), err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  let stdout = out.fileHandleForReading.readDataToEndOfFile()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return GumbelProcessResult(
    status: process.terminationStatus, exited: process.terminationReason == .exit,
    stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}
