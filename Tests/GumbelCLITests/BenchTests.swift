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

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func matmulJSONReportsTheShapeAndConsistentRates(transposeLhs: Bool, transposeRhs: Bool) throws {
    let (m, k, n) = (3, 7, 5)
    let flags = (transposeLhs ? ["--transpose-lhs"] : []) + (transposeRhs ? ["--transpose-rhs"] : [])
    let object = try CLITests.json(CLITests.gumbel([
      "bench", "--op", "matmul", "--rows", "\(m)", "--depth", "\(k)", "--cols", "\(n)", "--threads", "2",
      "--iterations", "2", "--repetitions", "3", "--format", "json"] + flags))
    #expect(object["op"] as? String == "matmul")
    #expect(object["rows"] as? Int == m && object["depth"] as? Int == k && object["cols"] as? Int == n)
    #expect(object["threads"] as? Int == 2)
    #expect(object["transposeLhs"] as? Bool == transposeLhs && object["transposeRhs"] as? Bool == transposeRhs)
    let ns = try #require((object["nsPerElement"] as? NSNumber)?.doubleValue)
    let calls = try #require((object["callsPerSecond"] as? NSNumber)?.doubleValue)
    let gflops = try #require((object["gflops"] as? NSNumber)?.doubleValue)
    #expect(ns > 0 && calls > 0 && gflops > 0)
    // nsPerElement counts the M x N elements of the result; a product is 2 M N K operations.
    #expect(abs(ns * Double(m * n) * calls / 1e9 - 1) < 1e-9)
    #expect(abs(gflops / (2 * Double(m * n * k) * calls / 1e9) - 1) < 1e-9)
  }

  @Test func otherOperationsHaveNoMatmulFields() throws {
    let object = try CLITests.json(CLITests.gumbel(
      "bench", "--op", "noise", "--rows", "2", "--cols", "3", "--iterations", "1", "--repetitions", "1", "--format", "json"))
    for key in ["depth", "transposeLhs", "transposeRhs", "gflops"] { #expect(object[key] == nil, "\(key)") }
  }

  @Test func matmulTextNamesTheRate() throws {
    let result = try CLITests.gumbel(
      "bench", "--op", "matmul", "--rows", "4", "--depth", "3", "--cols", "2", "--transpose-rhs",
      "--iterations", "1", "--repetitions", "1")
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasPrefix("matmul 4x3 by 3x2 (stored transposed), ") && result.stdout.contains(" GFLOP/s"), "\(result.stdout)")
  }

  @Test(arguments: [
    ["--op", "soft", "--rows", "0", "--cols", "5"],
    ["--op", "soft", "--rows", "2", "--cols", "-1"],
    ["--op", "warp", "--rows", "2", "--cols", "5"],
    ["--op", "grad", "--rows", "2", "--cols", "5", "--threads", "0"],
    ["--op", "noise", "--rows", "2", "--cols", "5", "--iterations", "0"],
    ["--op", "noise", "--rows", "2", "--cols", "5", "--warm-up", "-1"],
    ["--op", "noise", "--rows", "2", "--cols", "5", "--warm-up", "nan"],
    ["--op", "soft", "--rows", "2", "--cols", "5", "--temperature", "0"],
    ["--op", "grad", "--rows", "2", "--cols", "5", "--temperature", "nan"],
    ["--op", "soft", "--rows", "4000000000", "--cols", "4000000000"],
    ["--op", "soft", "--rows", "1000000", "--cols", "100000"],
    ["--op", "matmul", "--rows", "2", "--cols", "5"],
    ["--op", "matmul", "--rows", "2", "--depth", "0", "--cols", "5"],
    ["--op", "matmul", "--rows", "2", "--depth", "-3", "--cols", "5"],
    ["--op", "matmul", "--rows", "2", "--depth", "x", "--cols", "5"],
    ["--op", "matmul", "--rows", "0", "--depth", "3", "--cols", "5"],
    ["--op", "matmul", "--rows", "2", "--depth", "3", "--cols", "5", "--threads", "0"],
    ["--op", "soft", "--rows", "2", "--depth", "3", "--cols", "5"],
    ["--op", "grad", "--rows", "2", "--cols", "5", "--transpose-lhs"],
    ["--op", "noise", "--rows", "2", "--cols", "5", "--transpose-rhs"],
    ["--op", "matmul", "--rows", "200000", "--depth", "200000", "--cols", "200000"],
    ["--op", "matmul", "--rows", "4000000000", "--depth", "4000000000", "--cols", "2"],
  ])
  func badInputGivesOneLineAndANonZeroExit(arguments: [String]) throws {
    let result = try CLITests.gumbel(["bench"] + arguments)
    #expect(result.status != 0 && result.exited)
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: "), "\(result.stderr)")
  }
}
