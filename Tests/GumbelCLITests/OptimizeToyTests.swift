import Foundation
import Testing

/// End-to-end tests of `gumbel optimize-toy` (a few steps: a debug build takes about a quarter
/// of a second per step of the full 128 x 64 problem).
@Suite struct OptimizeToyTests {
  @Test func jsonReportsTheExactLossAndTheOptimum() throws {
    let object = try CLITests.json(CLITests.gumbel("optimize-toy", "--estimator", "st-gs", "--steps", "4", "--seed", "3",
                                                   "--format", "json"))
    #expect(object["estimator"] as? String == "st-gs")
    #expect(object["steps"] as? Int == 4)
    #expect((object["optimum"] as? NSNumber)?.doubleValue == 0.2025)
    let initial = try #require((object["initialLoss"] as? NSNumber)?.doubleValue)
    let final = try #require((object["finalLoss"] as? NSNumber)?.doubleValue)
    #expect(abs(initial - 0.2525) < 1e-9)
    // Four Adam steps of about 1e-3 per logit, all in the right direction.
    #expect(final < initial - 1e-5 && final > 0.2025, "\(final)")
    let curve = try #require(object["curve"] as? [[String: Any]])
    #expect(curve.compactMap { $0["step"] as? Int } == [0, 1, 2, 3, 4])
    #expect((curve.last?["loss"] as? NSNumber)?.doubleValue == final)
  }

  @Test func textSummarisesTheCurve() throws {
    let result = try CLITests.gumbel("optimize-toy", "--estimator", "reinforce", "--steps", "2")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("estimator reinforce, seed 0, 2 steps"))
    #expect(result.stdout.contains("final exact loss") && result.stdout.contains("optimum 0.2025"))
    // The same seed gives the same run.
    #expect(try CLITests.gumbel("optimize-toy", "--estimator", "reinforce", "--steps", "2").stdout == result.stdout)
  }

  @Test func badInputGetsOneLine() throws {
    let cases: [([String], String)] = [
      (["--estimator", "nope"], "unknown estimator \"nope\"; expected one of reinforce, st, gs, st-gs, gumbel-rao, reinmax"),
      (["--estimator", "reinmax", "--temperature", "0.5"], "ReinMax temperature (must be >= 1) 0.5 is out of range"),
      (["--estimator", "gs", "--temperature=-1"], "temperature"),
      (["--estimator", "gs", "--temperature", "nan"], "temperature"),
      (["--estimator", "st", "--steps", "-1"], "--steps must be between 0 and 1000000"),
      (["--estimator", "st", "--format", "xml"], "format"),
      (["--steps", "3"], "--estimator"),
    ]
    for (arguments, message) in cases {
      let result = try CLITests.gumbel(["optimize-toy"] + arguments)
      #expect(result.status != 0, "\(arguments)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
      #expect(result.stderr.hasPrefix("gumbel: error: ") && result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }
  }
}
