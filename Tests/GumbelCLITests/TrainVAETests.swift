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
    ["--bound-samples", "-1"],
    ["--bound-samples", "100000000"],
    ["--latent-type", "gaussian"],
    ["--latent-type", "bernoulli", "--categories", "4"],
    ["--initial-temperature", "nan"],
    ["--min-temperature", "0"],
    ["--temperature-decay", "-1"],
    ["--temperature-interval", "0"],
    ["--learning-rate-decay", "inf"],
    ["--learning-rate-decay", "1.5"],
    ["--learning-rate", "-0.1"],
    ["--min-temperature", "1e-50"],
    ["--latents", "4611686018427387904", "--categories", "4"],
    ["--latents", "2", "--categories", "4611686018427387904"],
    ["--latent-type", "bernoulli", "--latents", "4611686018427387904"],
    ["--threads", "0"],
    ["--baseline-decay", "0.9"],
    ["--estimator", "reinforce", "--baseline-decay", "1"],
    ["--epoch-bound-samples", "-5"],
    ["--epoch-bound-samples", "2000000"],
    ["--learned-prior", "yes"],
    ["--draws", "4"],
    ["--estimator", "rloo", "--draws", "1"],
    ["--binarization", "random"],
    ["--binarization-seed", "3"],
    ["--binarization", "threshold", "--binarization-seed", "3"],
    ["--binarization", "sampled", "--binarization-seed", "x"],
  ])
  func badOptionsGiveOneLine(arguments: [String]) throws {
    try Self.expectOneLineError(arguments, mentioning: [])
  }

  /// Writes the four IDX files of a tiny data set: `train` and `test` random 28x28 images, binary
  /// (0 or 255) or, with `grey`, of every grey level.
  static func writeTinyIDX(train: Int, test: Int, grey: Bool = false, in directory: URL) throws {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt8 {  // xorshift64, seeded: the same files every run
      state ^= state << 13; state ^= state >> 7; state ^= state << 17
      return UInt8(state & 255)
    }
    func bigEndian(_ x: UInt32) -> [UInt8] { [UInt8(x >> 24), UInt8(x >> 16 & 255), UInt8(x >> 8 & 255), UInt8(x & 255)] }
    for (prefix, count) in [("train", train), ("t10k", test)] {
      let pixels = (0..<(count * 784)).map { _ in grey ? next() : (next() & 1) * 255 }
      let images = bigEndian(0x0803) + bigEndian(UInt32(count)) + bigEndian(28) + bigEndian(28) + pixels
      let labels = bigEndian(0x0801) + bigEndian(UInt32(count)) + (0..<count).map { UInt8($0 % 10) }
      try Data(images).write(to: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte"))
      try Data(labels).write(to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
    }
  }

  /// A one-epoch run with Bernoulli latents and a learned prior reports the bound beside the
  /// negative ELBO, in its JSON and in summary.json. (That the bound is below the ELBO is tested exactly in
  /// ImportanceWeightedBoundTests; here q is near the posterior after one step, so the two
  /// differ by less than the 10-draw ELBO estimate's noise: only a loose check.)
  @Test func jsonReportsTheImportanceWeightedBound() throws {
    let directory = try Self.temporaryDirectory()
    try Self.writeTinyIDX(train: 100, test: 20, in: directory)
    let out = directory.appendingPathComponent("out")
    let result = try CLITests.gumbel(["train-vae", "--data", directory.path, "--epochs", "1", "--latent-type", "bernoulli",
                                      "--latents", "8", "--bound-samples", "50", "--learned-prior", "--format", "json",
                                      "--out", out.path])
    #expect(result.status == 0, "\(result.stderr)")
    let object = try CLITests.json(result)
    let summary = try #require(try JSONSerialization.jsonObject(
      with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
    for fields in [object, summary] {
      #expect(fields["latentType"] as? String == "bernoulli")
      #expect(fields["prior"] as? String == "learned")
      #expect(fields["boundSamples"] as? Int == 50)
      let bound = try #require((fields["testNLLBound"] as? NSNumber)?.doubleValue)
      let negELBO = try #require((fields["testNegELBO"] as? NSNumber)?.doubleValue)
      #expect(bound.isFinite && bound > 0 && bound < negELBO + 1, "bound \(bound), -ELBO \(negELBO)")
    }
  }

  /// `--epoch-bound-samples` prints the test bound after every epoch, below the epoch's -ELBO;
  /// a resumed run follows its own flag, not the saved run's.
  @Test func theBoundAfterEveryEpoch() throws {
    let directory = try Self.temporaryDirectory()
    try Self.writeTinyIDX(train: 100, test: 20, in: directory)
    let common = ["train-vae", "--data", directory.path, "--latents", "4", "--bound-samples", "0",
                  "--out", directory.appendingPathComponent("out").path]
    let first = try CLITests.gumbel(common + ["--epochs", "1"])
    #expect(first.status == 0 && !first.stdout.contains("bound"), "\(first.stdout)")
    let result = try CLITests.gumbel(common + ["--epochs", "3", "--resume", "--epoch-bound-samples", "20"])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("epoch ") }
    #expect(lines.count == 2, "\(result.stdout)")
    for line in lines {
      let words = line.split(separator: " ").map(String.init)
      let negELBO = try #require(words.firstIndex(of: "-ELBO").flatMap { Double(words[$0 + 1]) }, "\(line)")
      let bound = try #require(words.firstIndex(of: "bound").flatMap { Double(words[$0 + 1]) }, "\(line)")
      #expect(bound > 0 && bound < negELBO + 1, "\(line)")
    }
  }

  /// `--binarization sampled` is reported with its seed, and a run resumes only on the same draw:
  /// another seed gives other bits, which the checkpoint's data fingerprint refuses.
  @Test func sampledBinarizationIsReportedAndResumedOnTheSameDraw() throws {
    let directory = try Self.temporaryDirectory()
    try Self.writeTinyIDX(train: 100, test: 20, grey: true, in: directory)
    let common = ["train-vae", "--data", directory.path, "--latents", "4", "--bound-samples", "0",
                  "--binarization", "sampled", "--out", directory.appendingPathComponent("out").path]
    let first = try CLITests.gumbel(common + ["--epochs", "1", "--binarization-seed", "3", "--format", "json"])
    #expect(first.status == 0, "\(first.stderr)")
    let object = try CLITests.json(first)
    #expect(object["binarization"] as? String == "sampled")
    #expect(object["binarizationSeed"] as? Int == 3)

    let otherDraw = try CLITests.gumbel(common + ["--epochs", "2", "--binarization-seed", "4", "--resume"])
    #expect(otherDraw.status != 0 && otherDraw.exited)
    #expect(otherDraw.stderr.split(separator: "\n").count == 1 && otherDraw.stderr.contains("other data"), "\(otherDraw.stderr)")
    let threshold = try CLITests.gumbel(common.filter { $0 != "sampled" && $0 != "--binarization" } + ["--epochs", "2", "--resume"])
    #expect(threshold.status != 0 && threshold.stderr.contains("other data"), "\(threshold.stderr)")

    let sameDraw = try CLITests.gumbel(common + ["--epochs", "2", "--binarization-seed", "3", "--resume", "--format", "json"])
    #expect(sameDraw.status == 0, "\(sameDraw.stderr)")
    #expect(try CLITests.json(sameDraw)["epochs"] as? Int == 2)
  }
}
