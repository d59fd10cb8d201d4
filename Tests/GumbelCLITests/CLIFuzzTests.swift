import _GumbelTestSupport
import Foundation
import Testing

/// Random extreme inputs through the built binary: logit scales up to 3e37, half the categories
/// masked, temperatures from 1e-4 to 1e4. Every run prints finite numbers or one clean error line.
@Suite struct CLIFuzzTests {
  static func run(_ arguments: [String]) throws -> GumbelProcessResult {
    let result = try runGumbel(arguments)
    #expect(result.exited, "killed by a signal: \(arguments)")
    return result
  }

  /// All numbers in a JSON document, which must parse.
  static func numbers(in json: String) throws -> [Double] {
    var found: [Double] = []
    func walk(_ value: Any) {
      if let n = value as? NSNumber { found.append(n.doubleValue) }
      else if let array = value as? [Any] { array.forEach(walk) }
      else if let object = value as? [String: Any] { object.values.forEach(walk) }
      else if value is NSNull { found.append(.nan) }
    }
    walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    return found
  }

  @Test func extremeInputsGiveFiniteOutputsOrOneLineErrors() throws {
    var rng = SplitMix64(seed: 2026)
    for index in 0..<60 {
      let k = Int.random(in: 1...12, using: &rng)
      let scale = exp(Double.random(in: log(1e-3)...log(3e37), using: &rng))
      var logits = (0..<k).map { _ in Bool.random(using: &rng) ? "-inf" : "\(Double.random(in: -scale...scale, using: &rng))" }
      if index % 5 == 0 { logits = logits.map { _ in "-inf" } }  // sometimes every category masked: an error
      let temperature = exp(Double.random(in: log(1e-4)...log(1e4), using: &rng))
      let count = Int.random(in: 1...4, using: &rng)
      let weights = (0..<(count * k)).map { _ in "\(Double.random(in: -1...1, using: &rng))" }
      let commands: [[String]] = [
        ["sample", "--logits=\(logits.joined(separator: ","))", "--temperature", "\(temperature)", "--count", "\(count)",
         "--seed", "\(index)", "--grad-weights=\(weights.joined(separator: ","))", "--format", "json"] + (index % 2 == 0 ? ["--hard"] : []),
        ["random", "categorical", "--logits=\(logits.joined(separator: ","))", "--seed", "\(index)", "--shape", "5", "--format", "json"],
        ["estimate", "--logits=\(logits.joined(separator: ","))", "--temperature", "\(temperature)", "--samples", "20", "--format", "json"],
      ]
      for arguments in commands {
        let result = try Self.run(arguments)
        if result.status == 0 {
          let numbers = try Self.numbers(in: result.stdout)
          #expect(numbers.allSatisfy { $0.isFinite }, "non-finite output for \(arguments): \(result.stdout)")
        } else {
          #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: "),
                  "not one clean line for \(arguments): \(result.stderr)")
        }
      }
    }
  }
}
