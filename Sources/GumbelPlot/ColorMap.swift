/// A sequential colour map: a piecewise-linear path through colour stops, used for heat maps.
///
/// ``viridis`` (van der Walt and Smith, for matplotlib, 2015) is perceptually uniform, readable
/// in grey scale, and safe for the common colour-vision deficiencies.
public struct ColorMap: Equatable, Sendable {
  /// Evenly spaced colour stops, from the value 0 to the value 1.
  public let stops: [Color]

  /// A map through the given stops (at least two).
  public init(stops: [Color]) {
    precondition(stops.count >= 2, "a colour map needs at least two stops")
    self.stops = stops
  }

  /// The colour at `t`, clamped to 0...1.
  public func color(at t: Double) -> Color {
    let clamped = t.isNaN ? 0 : min(max(t, 0), 1)
    let position = clamped * Double(stops.count - 1)
    let index = min(Int(position), stops.count - 2)
    return stops[index].mixed(with: stops[index + 1], position - Double(index))
  }

  /// The colours of `levels` equal bands, each taken at the middle of its band.
  public func discrete(levels: Int) -> [Color] {
    precondition(levels >= 1, "a discrete colour map needs at least one level")
    return (0..<levels).map { color(at: (Double($0) + 0.5) / Double(levels)) }
  }

  /// Viridis, sampled at 20 evenly spaced points (matplotlib's `viridis(linspace(0, 1, 20))`).
  public static let viridis = ColorMap(stops: [
    0x440154, 0x481467, 0x482576, 0x453781, 0x404688, 0x39558C, 0x33638D, 0x2D718E, 0x287D8E,
    0x238A8D, 0x1F968B, 0x20A386, 0x29AF7F, 0x3CBC75, 0x56C667, 0x75D054, 0x95D840, 0xBADE28,
    0xDDE318, 0xFDE725,
  ].map(Color.init(hex:)))
}
