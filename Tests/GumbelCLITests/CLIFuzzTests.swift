import Foundation
import Testing

/// Random extreme inputs through the built binary: logit scales up to 3e37, half the categories
/// masked, temperatures from 1e-4 to 1e4. Every run prints finite numbers or one clean error line.
@Suite struct CLIFuzzTests {
  struct Generator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
  }

  static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let process = Process()
    process.executableURL = directory.appendingPathComponent("gumbel")
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationReason == .exit, "killed by a signal: \(arguments)")
    return (process.terminationStatus, stdout, stderr)
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
    var rng = Generator(state: 2026)
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
