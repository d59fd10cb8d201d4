import ArgumentParser
import GumbelExperiments
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

/// `estimate --estimator`: `exact`, an estimator's name, or `all` (every one that applies to
/// the variables: ``EstimatorLab/Method/all`` or ``EstimatorLab/Method/allForBits``).
struct EstimatorChoice {
  /// The method chosen, or `nil` for all.
  let method: EstimatorLab.Method?
  let name: String

  init?(argument: String) {
    if argument == "all" {
      method = nil
    } else if let method = EstimatorLab.Method(name: argument) {
      self.method = method
    } else {
      return nil
    }
    name = argument
  }

  /// The methods chosen for `latent` variables, in the order they are reported.
  func methods(for latent: LatentType) -> [EstimatorLab.Method] {
    method.map { [$0] } ?? (latent == .bernoulli ? EstimatorLab.Method.allForBits : EstimatorLab.Method.all)
  }

  /// The choice named `argument`, refused with the same message as an unknown estimator.
  static func parse(_ argument: String) throws -> EstimatorChoice {
    guard let choice = EstimatorChoice(argument: argument) else {
      throw UnknownEstimatorName(name: argument, expected: allValueStrings)
    }
    return choice
  }

  static let all = EstimatorChoice(argument: "all")!

  static var allValueStrings: [String] { ["exact"] + EstimatorKind.allCases.map(\.rawValue) + ["all"] }
}
