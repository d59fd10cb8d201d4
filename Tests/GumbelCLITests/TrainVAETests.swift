import Foundation
import Testing

/// `gumbel train-vae` refuses bad input with one line naming the problem (training itself is
/// tested in GumbelNNTests, where a small model trains in seconds).
@Suite struct TrainVAETests {
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("gumbel-train-vae-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func expectOneLineError(_ arguments: [String], mentioning words: [String]) throws {
    let result = try CLITests.gumbel(["train-vae"] + arguments)
    #expect(result.status != 0 && result.exited)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: "), "\(result.stderr)")
    for word in words { #expect(result.stderr.contains(word), "\(result.stderr) should mention \(word)") }
  }

  @Test func missingDataFileIsNamed() throws {
    try Self.expectOneLineError(["--data", "/nonexistent/digits.csv", "--epochs", "1"], mentioning: ["/nonexistent/digits.csv"])
  }

  @Test func malformedDataNamesTheFileAndLine() throws {
    let directory = try Self.temporaryDirectory()
    let file = directory.appendingPathComponent("bad.csv")
    let good = Array(repeating: "0", count: 784).joined(separator: ",") + ",3"
    try (good + "\n" + "1,2,three\n").write(to: file, atomically: true, encoding: .utf8)
    try Self.expectOneLineError(["--data", file.path, "--epochs", "1"], mentioning: ["bad.csv", "2"])
  }

  @Test func corruptCheckpointIsAClearError() throws {
    let directory = try Self.temporaryDirectory()
    try Data("not a checkpoint".utf8).write(to: directory.appendingPathComponent("checkpoint.gvae"))
    try Self.expectOneLineError(["--out", directory.path, "--resume", "--epochs", "1"], mentioning: ["checkpoint"])
  }

  @Test(arguments: [
    ["--epochs", "0"],
    ["--latents", "0"],
    ["--categories", "1"],
    ["--estimator", "magic"],
    ["--estimator", "reinmax", "--epochs", "-3"],
    ["--format", "xml"],
  ])
  func badOptionsGiveOneLine(arguments: [String]) throws {
    try Self.expectOneLineError(arguments, mentioning: [])
  }
}
