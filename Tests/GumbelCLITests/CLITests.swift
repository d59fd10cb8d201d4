import _GumbelTestSupport
import Foundation
import Testing

/// End-to-end tests of the built `gumbel` binary: its output, and one-line errors.
@Suite struct CLITests {
  typealias Result = GumbelProcessResult

  static func gumbel(_ arguments: String...) throws -> Result { try runGumbel(arguments) }

  static func gumbel(_ arguments: [String]) throws -> Result { try runGumbel(arguments) }

  static func json(_ result: Result) throws -> [String: Any] {
    #expect(result.status == 0, "stderr: \(result.stderr)")
    return try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  static func doubles(_ value: Any?) -> [Double] { (value as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue } }

  @Test func demoReproducesTheNotebook() throws {
    let object = try Self.json(Self.gumbel("demo", "--format", "json"))
    #expect(object["scheme"] as? String == "original")
    #expect((object["counts"] as? [Int]) == [201, 199, 198, 190, 212])
    #expect(Self.doubles(object["categoricalGradient"]) == [0, 0, 0, 0, 0])
    // The values the notebook printed, to 1e-5 relative.
    let square = [0.46325743, -0.09352899, -0.34142467, -0.00644364, -0.02186022]
    let estimator = [0.11581436, -0.02338225, -0.08535617, -0.00161091, -0.00546505]
    for (ours, theirs) in zip(Self.doubles(object["squareGradient"]), square) { #expect(abs(ours - theirs) <= 1e-5 * abs(theirs)) }
    for (ours, theirs) in zip(Self.doubles(object["estimatorGradient"]), estimator) { #expect(abs(ours - theirs) <= 1e-5 * abs(theirs)) }
    #expect(Self.doubles(object["estimatorGradient"]).count == 5)
  }

  @Test func demoTextNarratesEveryCell() throws {
    let result = try Self.gumbel("demo")
    #expect(result.status == 0)
    for cell in ["In [4]", "In [5]", "In [7]", "In [10]", "In [11]", "partitionable"] { #expect(result.stdout.contains(cell)) }
    #expect(!result.stdout.contains("DIFFER"))
  }

  @Test func randomCommandsPrintShapeAndValues() throws {
    let bits = try Self.json(Self.gumbel("random", "bits", "--seed", "0", "--shape", "2,3", "--format", "json"))
    #expect((bits["shape"] as? [Int]) == [2, 3])
    #expect(Self.doubles(bits["values"]).count == 6)
    let split = try Self.json(Self.gumbel("random", "split", "--key", "0,42", "--num", "3", "--format", "json"))
    #expect((split["keys"] as? [[Int]])?.count == 3)
    let fold = try Self.json(Self.gumbel("random", "fold-in", "--seed", "1", "--data", "7", "--format", "json"))
    #expect((fold["keys"] as? [[Int]])?.first?.count == 2)
    let categorical = try Self.json(Self.gumbel("random", "categorical", "--seed", "3", "--logits", "0,-inf,1", "--shape", "50", "--format", "json"))
    let draws = Self.doubles(categorical["values"])
    #expect(draws.count == 50 && !draws.contains(1))
    let uniform = try Self.json(Self.gumbel("random", "uniform", "--seed", "3", "--shape", "100", "--minval", "-2", "--maxval", "-1", "--dtype", "float64", "--format", "json"))
    #expect(Self.doubles(uniform["values"]).allSatisfy { $0 >= -2 && $0 < -1 })
  }

  @Test func helpPrintsUsageAndSucceeds() throws {
    for arguments in [["--help"], ["sample", "--help"], ["random", "bits", "--help"]] {
      let result = try Self.gumbel(arguments)
      #expect(result.status == 0 && result.stdout.contains("USAGE:") && result.stderr.isEmpty, "\(arguments)")
    }
  }

  @Test func negativeListValuesWorkWithAndWithoutEquals() throws {
    let joined = try Self.gumbel("sample", "--logits=-1,2", "--temperature", "0.5", "--seed", "4", "--format", "json")
    let separate = try Self.gumbel("sample", "--logits", "-1,2", "--temperature", "0.5", "--seed", "4", "--format", "json")
    #expect(joined.status == 0 && joined.stdout == separate.stdout)
  }

  @Test func sampleWithGradientWeights() throws {
    let object = try Self.json(Self.gumbel("sample", "--probs", "0.2,0.3,0.5", "--temperature", "0.7", "--count", "4",
                                           "--grad-weights", "1,-1,0.5", "--hard", "--format", "json"))
    let samples = try #require(object["samples"] as? [[Double]])
    #expect(samples.count == 4)
    for row in samples { #expect(row.reduce(0, +) == 1 && row.allSatisfy { $0 == 0 || $0 == 1 }) }
    let gradient = try #require(object["gradient"] as? [String: Any])
    let logits = Self.doubles(gradient["logits"])
    // The softmax gradient of each row sums to 0 over the categories.
    #expect(logits.count == 3 && abs(logits.reduce(0, +)) < 1e-5)
    #expect((gradient["temperature"] as? NSNumber) != nil)
    let csv = try Self.gumbel("sample", "--logits", "0,1", "--temperature", "1", "--count", "2", "--format", "csv")
    #expect(csv.stdout.split(separator: "\n").count == 3)
  }

  @Test func logProbPrintsTheConcreteDensity() throws {
    let object = try Self.json(Self.gumbel("log-prob", "--probs", "0.5,0.5", "--temperature", "1", "--value", "0.25,0.75", "--format", "json"))
    // For K = 2, tau = 1, pi = (1/2, 1/2): p(y) = 1 / (y1 y2 (1/y1 + 1/y2)^2) * (1/4) / (1/4)... = 1 exactly.
    let logProb = try #require((object["logProb"] as? NSNumber)?.doubleValue)
    #expect(abs(logProb) < 1e-12)
  }

  /// `--latent bernoulli`: independent bits, `f(b) = (V . b - T)^2`; the exact gradient is
  /// `sum_b P(b) (b_i - p_i) f(b)` over the 8 values of 3 bits (computed here), and DisARM's
  /// mean is within 4.5 standard errors of it.
  @Test func estimateOnBits() throws {
    let logits = [0.3, -1.2, 0.8], v = [1.0, -2, 0.5], t = 0.7
    let object = try Self.json(Self.gumbel("estimate", "--latent", "bernoulli", "--estimator", "disarm", "--logits=0.3,-1.2,0.8",
                                           "--values=1,-2,0.5", "--target=0.7", "--samples", "4000", "--format", "json"))
    let mean = Self.doubles(object["mean"]), exact = Self.doubles(object["exact"]), variance = Self.doubles(object["variance"])
    let p = logits.map { 1 / (1 + exp(-$0)) }
    for i in 0..<3 {
      let expected = (0..<8).reduce(0.0) { total, index in
        let b = (0..<3).map { Double((index >> $0) & 1) }
        let probability = (0..<3).reduce(1.0) { $0 * (b[$1] == 1 ? p[$1] : 1 - p[$1]) }
        let dot = zip(v, b).reduce(0) { $0 + $1.0 * $1.1 } - t
        return total + probability * (b[i] - p[i]) * dot * dot
      }
      #expect(abs(exact[i] - expected) < 1e-12)
      #expect(abs(mean[i] - expected) <= 4.5 * (variance[i] / 4000).squareRoot(), "bit \(i)")
    }
    let all = try Self.json(Self.gumbel("estimate", "--latent", "bernoulli", "--probs", "0.3,0.6", "--samples", "50", "--format", "json"))
    let rows = try #require(all["estimators"] as? [[String: Any]])
    #expect(rows.map { $0["estimator"] as? String } == ["exact", "reinforce", "rloo", "st", "gs", "st-gs", "disarm"])
    #expect(rows.allSatisfy { $0["error"] == nil })
  }

  @Test func estimateReportsBiasAndVarianceAgainstTheExactGradient() throws {
    let object = try Self.json(Self.gumbel("estimate", "--estimator", "reinforce", "--probs", "0.2,0.3,0.5",
                                           "--samples", "4000", "--seed", "2", "--format", "json"))
    #expect(object["estimator"] as? String == "reinforce")
    let mean = Self.doubles(object["mean"]), exact = Self.doubles(object["exact"]), variance = Self.doubles(object["variance"])
    #expect(mean.count == 3 && exact.count == 3 && variance.count == 3)
    // REINFORCE is unbiased: within 4.5 standard errors of the exact gradient.
    for k in 0..<3 { #expect(abs(mean[k] - exact[k]) <= 4.5 * (variance[k] / 4000).squareRoot()) }
    let all = try Self.json(Self.gumbel("estimate", "--probs", "0.5,0.5", "--temperature", "0.5", "--samples", "50", "--format", "json"))
    let rows = try #require(all["estimators"] as? [[String: Any]])
    #expect(rows.map { $0["estimator"] as? String } == ["exact", "reinforce", "st", "gs", "st-gs", "gumbel-rao", "reinmax", "gst", "gst-p", "rloo"])
    #expect(rows.map { $0["error"] != nil } == [false, false, false, false, false, false, true, false, false, false],
            "only reinmax refuses temperatures below 1")
    let table = try Self.gumbel("estimate", "--logits", "0,1,2", "--samples", "100")
    #expect(table.status == 0 && table.stdout.contains("gumbel-rao"))
  }

  @Test(arguments: [
    ["estimate", "--estimator", "frobnicate", "--logits", "0,1"],
    ["estimate", "--estimator", "reinmax", "--logits", "0,1", "--temperature", "0.5"],
    ["estimate", "--logits", "0,1", "--values", "1,2,3"],
    ["estimate", "--logits", "0,1", "--samples", "0"],
    ["estimate", "--logits", "0,1", "--estimator", "gumbel-rao", "--rao-samples", "0"],
    ["estimate", "--logits", "0,1", "--estimator", "gst", "--gap", "0"],
    ["estimate", "--logits", "0,1", "--estimator", "gst", "--gap", "-1"],
    ["estimate", "--logits", "0,1", "--gap", "nan"],
    ["estimate", "--logits", "0,1", "--gap", "inf"],
    ["estimate", "--logits", "0,1", "--estimator", "rloo", "--draws", "1"],
    ["estimate", "--logits", "0,1", "--draws", "100000"],
    ["optimize-toy", "--estimator", "rloo", "--draws", "0"],
    ["estimate", "--estimator", "disarm", "--logits", "0,1"],
    ["estimate", "--latent", "bernoulli", "--logits", "nan,1"],
    ["estimate", "--latent", "bernoulli", "--logits=-inf,1"],
    ["estimate", "--latent", "bernoulli", "--probs", "0,0.5"],
    ["estimate", "--latent", "bernoulli", "--probs", "0.5,1"],
    ["estimate", "--latent", "bernoulli", "--logits", "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"],
    ["estimate", "--latent", "gaussian", "--logits", "0,1"],
    ["optimize-toy", "--estimator", "disarm"],
    ["sample", "--probs", "-0.5,1.5", "--temperature", "1"],
    ["sample", "--probs", "0.3,0.3", "--temperature", "1"],
    ["sample", "--logits", "1,2", "--temperature", "0"],
    ["sample", "--logits", "1,2", "--temperature", "-1"],
    ["sample", "--logits", "1,2", "--temperature", "nan"],
    ["sample", "--logits", "1,2", "--temperature", "inf"],
    ["sample", "--logits", "nan,1", "--temperature", "1"],
    ["sample", "--logits", "-inf,-inf", "--temperature", "1"],
    ["sample", "--logits", "", "--temperature", "1"],
    ["sample", "--logits", "1,x", "--temperature", "1"],
    ["sample", "--logits", "1,2", "--probs", "0.5,0.5", "--temperature", "1"],
    ["sample", "--logits", "1,2", "--temperature", "1", "--grad-weights", "1,2,3"],
    ["sample", "--logits", "1,2", "--temperature", "1", "--count", "-3"],
    ["sample", "--logits", "1,2", "--temperature", "1", "--count", "100000000000"],
    ["log-prob", "--logits", "1,2", "--temperature", "1", "--value", "0.5,0.6"],
    ["log-prob", "--logits", "1,2,3", "--temperature", "1", "--value", "0.5,0.5"],
    ["log-prob", "--logits", "1,2", "--temperature", "1", "--value", "0,1"],
    ["random", "uniform", "--shape", "-1,2"],
    ["random", "uniform", "--shape", "2", "--minval", "1", "--maxval", "0"],
    ["random", "bits", "--shape", "100000,100000,100000"],
    ["random", "bits", "--width", "16"],
    ["random", "categorical", "--logits", "0,1", "--shape", "-2"],
    ["random", "split", "--num", "-1"],
    ["random", "split", "--seed", "1", "--key", "1,2"],
    ["random", "gumbel", "--key", "1,2,3"],
    ["frobnicate"],
  ])
  func badInputGivesOneLineAndANonZeroExit(arguments: [String]) throws {
    let result = try runGumbel(arguments)
    #expect(result.status != 0)
    #expect(result.exited, "terminated by a signal")
    #expect(result.stderr.split(separator: "\n").count == 1, "stderr: \(result.stderr)")
    #expect(result.stderr.hasPrefix("gumbel: error: "))
  }

}
