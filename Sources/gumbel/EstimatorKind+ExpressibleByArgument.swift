import ArgumentParser
import GumbelKit

/// Estimator names on the command line: `--estimator st-gs`.
extension EstimatorKind: ExpressibleByArgument {
  /// The estimator named `argument`, refused with the library's one message for an unknown
  /// name (``UnknownEstimatorName``), on one line, in every command: options use it as their
  /// `transform`.
  static func parse(_ argument: String) throws -> EstimatorKind {
    try EstimatorKind(name: argument)
  }

  /// The names, for help texts.
  static var nameList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// `estimate --estimator`: `exact`, an estimator's name, or `all`.
struct EstimatorChoice {
  /// The methods chosen, in the order they are reported.
  let methods: [EstimatorLab.Method]
  let name: String

  init?(argument: String) {
    if argument == "all" {
      methods = EstimatorLab.Method.all
    } else if let method = EstimatorLab.Method(name: argument) {
      methods = [method]
    } else {
      return nil
    }
    name = argument
  }

  /// The choice named `argument`, refused with the same message as an unknown estimator.
  static func parse(_ argument: String) throws -> EstimatorChoice {
    guard let choice = EstimatorChoice(argument: argument) else {
      throw UnknownEstimatorName(name: argument, expected: allValueStrings)
    }
    return choice
  }

  static let all = EstimatorChoice(argument: "all")!

  static var allValueStrings: [String] { EstimatorLab.Method.all.map(\.name) + ["all"] }
}
