import Foundation
import ArgumentParser
import GumbelExperiments
import GumbelKit

/// How results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

/// A comma-separated list of numbers, such as `-1,2.5,-inf`.
struct NumberList<Number: LosslessStringConvertible>: ExpressibleByArgument {
  let values: [Number]

  init?(argument: String) {
    let parts = argument.split(separator: ",", omittingEmptySubsequences: false)
    let values = parts.compactMap { Number(String($0).trimmingCharacters(in: .whitespaces)) }
    guard !argument.isEmpty, values.count == parts.count else { return nil }
    self.values = values
  }
}

/// Where the random numbers come from.
struct KeyOptions: ParsableArguments {
  @Option(help: "Integer seed, as jax.random.PRNGKey(seed).")
  var seed: Int64?

  @Option(parsing: .unconditional, help: "Raw key words K0,K1 (uint32), instead of --seed.")
  var key: NumberList<UInt32>?

  @Option(help: "Threefry bit scheme: partitionable (JAX >= 0.5, default) or original (older JAX).")
  var scheme: PRNGScheme = .default

  func validate() throws {
    if seed != nil && key != nil { throw ValidationError("give --seed or --key, not both") }
    if let key, key.values.count != 2 { throw ValidationError("--key takes two words K0,K1, got \(key.values.count)") }
  }

  var prngKey: PRNGKey {
    if let key { return PRNGKey(words: (key.values[0], key.values[1]), scheme: scheme) }
    return PRNGKey(seed: seed ?? 0, scheme: scheme)
  }
}

extension PRNGScheme: ExpressibleByArgument {}

/// Logits or probabilities of a categorical distribution.
struct CategoryOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Comma-separated logits (unnormalised log-probabilities; -inf masks a category).")
  var logits: NumberList<Double>?

  @Option(name: [.customLong("probs")], parsing: .unconditional, help: "Comma-separated class probabilities summing to 1.")
  var probabilities: NumberList<Double>?

  func validate() throws {
    if (logits == nil) == (probabilities == nil) { throw ValidationError("give exactly one of --logits and --probs") }
  }

  /// The logits as given, or the log of the probabilities, checked.
  func checkedLogits<Scalar: DistributionFloatingPoint>(as type: Scalar.Type = Scalar.self) throws -> [Scalar] {
    if let logits {
      let values = logits.values.map { Scalar($0) }
      try DistributionLimits.validate(logits: values, categories: values.count)
      return values
    }
    let probabilities = self.probabilities!.values
    try DistributionLimits.validate(probabilities: probabilities, categories: probabilities.count)
    let values = probabilities.map { Scalar.log(Scalar($0)) }
    try DistributionLimits.validate(logits: values, categories: values.count)
    return values
  }
}

/// A dimension list such as `2,3`, checked by the samplers (a negative one is an error there).
typealias ShapeList = NumberList<Int>
extension LatentType: ExpressibleByArgument {}

/// Runs `body` with the kernels limited to `threads`, turning the library's typed errors of
/// data, checkpoints, training and measurement into ``CLIError``s: their one-line descriptions.
func runLibraryWork(threads: Int, _ body: () throws -> Void) throws {
  do {
    try Parallelism.$maxThreads.withValue(threads) { try body() }
  } catch let error as DataError {
    throw CLIError(error.description)
  } catch let error as CheckpointError {
    throw CLIError(error.description)
  } catch let error as TrainingError {
    throw CLIError(error.description)
  } catch let error as VAEGradientLab<Float>.Failure {
    throw CLIError(error.description)
  }
}
