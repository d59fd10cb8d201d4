import Foundation
import GumbelDistributions
import GumbelTensor

/// Checks of the inputs that every figure shares, turned into ``PlotError``s.
public enum FigureInput {
  /// The most temperatures (panels) one figure draws.
  public static let maxTemperatures = 8

  /// `temperatures`, if it is not empty, has at most ``maxTemperatures`` entries, and each is
  /// finite and positive.
  public static func checked(temperatures: [Double]) throws(PlotError) -> [Double] {
    guard !temperatures.isEmpty else { throw .noTemperatures }
    guard temperatures.count <= maxTemperatures else {
      throw .tooManyTemperatures(count: temperatures.count, limit: maxTemperatures)
    }
    if let bad = temperatures.first(where: { !($0.isFinite && $0 > 0) }) { throw .invalidTemperature(bad) }
    return temperatures
  }

  /// `logits`, if they form a valid categorical distribution (finite or `-infinity`, not all
  /// masked).
  public static func checked(logits: [Double]) throws(PlotError) -> [Double] {
    do {
      try DistributionLimits.validate(logits: logits, categories: logits.count)
    } catch {
      throw .distribution(error)
    }
    return logits
  }

  /// The logits `log p` of probabilities that lie on the simplex (within
  /// ``DistributionLimits/simplexTolerance``).
  public static func logits(fromProbabilities probabilities: [Double]) throws(PlotError) -> [Double] {
    do {
      try DistributionLimits.validate(probabilities: probabilities, categories: probabilities.count)
    } catch {
      throw .distribution(error)
    }
    return probabilities.map { $0 == 0 ? -.infinity : Foundation.log($0) }
  }

  /// Checks that `count` lies in `range`.
  public static func check(_ name: String, _ count: Int, in range: ClosedRange<Int>) throws(PlotError) {
    guard range.contains(count) else { throw .countOutOfRange(name: name, value: count, range: range) }
  }

  /// The Gumbel-softmax distribution with these (checked) logits at each temperature.
  static func distributions(logits: [Double], temperatures: [Double]) throws(PlotError) -> [GumbelSoftmax<Double>] {
    var result: [GumbelSoftmax<Double>] = []
    for temperature in temperatures {
      do {
        result.append(try GumbelSoftmax(logits: Tensor(logits), temperature: temperature))
      } catch {
        throw .distribution(error)
      }
    }
    return result
  }
}
