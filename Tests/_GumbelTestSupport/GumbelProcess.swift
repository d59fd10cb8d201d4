import Foundation

/// What a run of the `gumbel` executable printed, and how it ended.
public struct GumbelProcessResult: Sendable {
  public let status: Int32
  /// Whether the process exited (rather than being killed by a signal).
  public let exited: Bool
  public let stdout: String
  public let stderr: String
}

/// Runs the `gumbel` executable built next to the test bundle, for end-to-end tests, with the
/// test's environment plus `environment`.
public func runGumbel(_ arguments: [String], environment: [String: String] = [:]) throws -> GumbelProcessResult {
  let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  let process = Process()
  process.executableURL = directory.appendingPathComponent("gumbel")
  process.arguments = arguments
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
