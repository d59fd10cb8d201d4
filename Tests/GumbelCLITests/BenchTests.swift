import Foundation
import Testing

/// End-to-end tests of `gumbel bench` (tiny shapes and counts: what it prints, not how fast).
@Suite struct BenchTests {
  @Test(arguments: ["soft", "hard", "grad", "noise"])
  func jsonReportsTheOperationAndPositiveTimes(op: String) throws {
    let object = try CLITests.json(CLITests.gumbel(
      "bench", "--op", op, "--rows", "3", "--cols", "5", "--threads", "1", "--iterations", "2", "--repetitions", "3",
      "--format", "json"))
    #expect(object["op"] as? String == op)
    #expect(object["rows"] as? Int == 3 && object["cols"] as? Int == 5 && object["threads"] as? Int == 1)
    let ns = try #require((object["nsPerElement"] as? NSNumber)?.doubleValue)
    let calls = try #require((object["callsPerSecond"] as? NSNumber)?.doubleValue)
    #expect(ns > 0 && calls > 0)
    // Both describe the same median call: ns/element * elements = 1e9 / calls per second.
    #expect(abs(ns * 15 * calls / 1e9 - 1) < 1e-9)
  }

  @Test(arguments: [
    ["--op", "soft", "--rows", "0", "--cols", "5"],
    ["--op", "soft", "--rows", "2", "--cols", "-1"],
    ["--op", "warp", "--rows", "2", "--cols", "5"],
    ["--op", "grad", "--rows", "2", "--cols", "5", "--threads", "0"],
    ["--op", "noise", "--rows", "2", "--cols", "5", "--iterations", "0"],
    ["--op", "soft", "--rows", "2", "--cols", "5", "--temperature", "0"],
    ["--op", "grad", "--rows", "2", "--cols", "5", "--temperature", "nan"],
    ["--op", "soft", "--rows", "4000000000", "--cols", "4000000000"],
    ["--op", "soft", "--rows", "1000000", "--cols", "100000"],
  ])
  func badInputGivesOneLineAndANonZeroExit(arguments: [String]) throws {
    let result = try CLITests.gumbel(["bench"] + arguments)
    #expect(result.status != 0 && result.exited)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: "), "\(result.stderr)")
  }
}
