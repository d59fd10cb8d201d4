import Foundation
import Testing

/// End-to-end tests of `gumbel vae-gradient` on a model of 2 latents of 3 classes (9
/// configurations), at initialisation (a debug build trains slowly).
@Suite struct VAEGradientCommandTests {
  @Test func jsonReportsEachEstimatorAgainstTheExactGradient() throws {
    let directory = try TrainVAETests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try TrainVAETests.writeTinyIDX(train: 100, test: 20, in: directory)
    let object = try CLITests.json(CLITests.gumbel(
      "vae-gradient", "--data", directory.path, "--latents", "2", "--categories", "3", "--estimates", "60", "--epochs", "0", "--images", "10",
      "--estimators", "reinforce,st-gs", "--out", directory.path, "--format", "json"))
    #expect(object["configurations"] as? Int == 9)
    #expect(object["images"] as? Int == 10 && object["estimates"] as? Int == 60)
    #expect(object["binarization"] as? String == "threshold" && object["binarizationSeed"] == nil)
    let points = try #require(object["points"] as? [[String: Any]])
    #expect(points.map { $0["name"] as? String } == ["initialisation"])
    let rows = try #require(points.first?["estimators"] as? [[String: Any]])
    #expect(rows.map { $0["estimator"] as? String } == ["reinforce", "st-gs"])
    #expect(rows.map { $0["temperature"] is NSNull } == [true, false])
    func number(_ row: [String: Any], _ key: String) -> Double { (row[key] as? NSNumber)?.doubleValue ?? .nan }
    // REINFORCE is unbiased: its relative bias is Monte Carlo noise, whose root mean square is
    // biasNoise.
    #expect(number(rows[0], "relativeBias") < 4 * number(rows[0], "biasNoise"), "\(rows[0])")
    for row in rows {
      #expect(number(row, "relativeSD") > 0 && (-1...1).contains(number(row, "cosine")) && (-1...1).contains(number(row, "cosineOfMean")))
    }
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("vae-gradient.svg").path))
    let saved = try Data(contentsOf: directory.appendingPathComponent("vae-gradient.json"))
    #expect((try JSONSerialization.jsonObject(with: saved) as? [String: Any])?["configurations"] as? Int == 9)
  }

  /// A saved Bernoulli model, measured with the estimator for bits only; its training did not
  /// run here.
  @Test func measuresACheckpoint() throws {
    let directory = try TrainVAETests.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    try TrainVAETests.writeTinyIDX(train: 100, test: 20, in: directory)
    let out = directory.appendingPathComponent("run")
    let training = try CLITests.gumbel(["train-vae", "--data", directory.path, "--epochs", "1", "--latent-type", "bernoulli",
                                        "--latents", "3", "--bound-samples", "0", "--out", out.path])
    #expect(training.status == 0, "\(training.stderr)")
    let checkpoint = out.appendingPathComponent("checkpoint.gvae").path
    let object = try CLITests.json(CLITests.gumbel(
      "vae-gradient", "--data", directory.path, "--checkpoint", checkpoint, "--estimates", "40", "--images", "5",
      "--estimators", "disarm,st", "--out", directory.appendingPathComponent("lab").path, "--format", "json"))
    #expect(object["latentType"] as? String == "bernoulli" && object["configurations"] as? Int == 8)
    let points = try #require(object["points"] as? [[String: Any]])
    #expect(points.map { $0["name"] as? String } == ["checkpoint (epoch 1)"])
    let rows = try #require(points.first?["estimators"] as? [[String: Any]])
    #expect(rows.map { $0["estimator"] as? String } == ["disarm", "st"])
    // A categorical checkpoint refuses disarm, once it is read.
    let categorical = try CLITests.gumbel(["train-vae", "--data", directory.path, "--epochs", "1", "--latents", "2",
                                           "--categories", "3", "--bound-samples", "0", "--out", out.path])
    #expect(categorical.status == 0, "\(categorical.stderr)")
    PlotCommandTests.expectOneLineError(
      try CLITests.gumbel(["vae-gradient", "--data", directory.path, "--checkpoint", checkpoint, "--estimators", "disarm"]),
      containing: "disarm is defined for Bernoulli latents only")
    // So does one with too many configurations (train-vae's default, 30 latents of 10 classes).
    let large = try CLITests.gumbel(["train-vae", "--data", directory.path, "--epochs", "1", "--bound-samples", "0", "--out", out.path])
    #expect(large.status == 0, "\(large.stderr)")
    PlotCommandTests.expectOneLineError(try CLITests.gumbel(["vae-gradient", "--data", directory.path, "--checkpoint", checkpoint]),
                                        containing: "10^30 latent configurations, too many")
  }

  @Test func badInputGetsOneLine() throws {
    let cases: [([String], String)] = [
      (["--latents", "5"], "8^5 latent configurations are too many to enumerate (at most 16384)"),
      (["--latent-type", "bernoulli", "--latents", "15"], "2^15 latent configurations"),
      (["--latent-type", "bernoulli", "--categories", "3"], "--categories applies to categorical latents only"),
      (["--estimates", "1"], "--estimates must be between 2 and 100000"),
      (["--estimators", "disarm"], "disarm is defined for Bernoulli latents only"),
      (["--estimators", "st,frobnicate"], "unknown estimator \"frobnicate\""),
      (["--temperature", "nan"], "--temperature must be finite and positive"),
      (["--temperature", "0"], "--temperature must be finite and positive"),
      (["--draws", "1"], "--draws must be between 2 and 1024"),
      (["--images", "0"], "--images must be between 1 and 1000"),
      (["--checkpoint", "/nonexistent/checkpoint.gvae"], "/nonexistent/checkpoint.gvae"),
      (["--checkpoint", "x.gvae", "--latents", "3"], "a checkpoint has its own"),
      (["--checkpoint", "x.gvae", "--epochs", "3"], "a checkpoint has its own"),
      (["--latents", "0"], "--latents must be at least 1, not 0"),
      (["--categories", "1"], "--categories must be at least 2, not 1"),
      (["--images", "5000"], "--images must be between 1 and 1000"),
      (["--images", "1000", "--data", "/nonexistent"], "/nonexistent"),
      (["--binarization-seed", "2"], "--binarization-seed applies to --binarization sampled only"),
      (["--binarization", "fuzzy"], "fuzzy"),
    ]
    for (arguments, message) in cases {
      PlotCommandTests.expectOneLineError(try CLITests.gumbel(["vae-gradient"] + arguments), containing: message)
    }
  }
}
