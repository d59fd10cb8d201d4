import Foundation
import Testing
@testable import GumbelPlot

/// The logarithmic scale: its map, its ticks, its nice domains and labels.
@Suite struct LogScaleTests {
  @Test func equalRatiosTakeEqualDistances() {
    let x = LogScale(domain: 0.1...10, range: (0, 200))
    #expect(abs(x(1) - 100) < 1e-9 && abs(x(0.1)) < 1e-9 && abs(x(10) - 200) < 1e-9)
    #expect(abs((x(4) - x(2)) - (x(0.5) - x(0.25))) < 1e-9)
    // Decreasing ranges (a y axis) work too, and the exponent scale maps the same way.
    let y = LogScale(domain: 0.01...100, range: (300, 0))
    #expect(abs(y(1) - 150) < 1e-9)
    #expect(abs(y.exponents(Foundation.log10(3)) - y(3)) < 1e-9)
  }

  @Test func shortDomainsTickAtOneTwoFiveLongOnesAtDecades() {
    #expect(LogScale(domain: 0.1...10, range: (0, 1)).ticks() == [0.1, 0.2, 0.5, 1, 2, 5, 10])
    #expect(LogScale(domain: 0.05...5, range: (0, 1)).ticks() == [0.05, 0.1, 0.2, 0.5, 1, 2, 5])
    #expect(LogScale(domain: 0.001...1000, range: (0, 1)).ticks() == [0.001, 0.01, 0.1, 1, 10, 100, 1000])
    // More decades than fit: every second power of ten.
    #expect(LogScale(domain: 1e-8...1e8, range: (0, 1)).ticks(maxCount: 9) == [1e-8, 1e-6, 1e-4, 0.01, 1, 100, 1e4, 1e6, 1e8])
    // A domain with no nice value inside has no ticks.
    #expect(LogScale(domain: 0.3...0.45, range: (0, 1)).ticks().isEmpty)
  }

  @Test func niceDomainsRoundOut() {
    #expect(LogScale.niceDomain(covering: [0.13, 4.2]) == 0.1...5)
    #expect(LogScale.niceDomain(covering: [0.2, 0.5]) == 0.2...0.5)
    #expect(LogScale.niceDomain(covering: [3e-4, 52]) == 1e-4...100)
    // One value, or values closer than a factor 1.5, get room around them.
    #expect(LogScale.niceDomain(covering: [3]) == 1...10)
    // Zero, negative and non-finite values are left out; none at all gives 0.1...1.
    #expect(LogScale.niceDomain(covering: [0, -1, .nan, .infinity, 0.3, 7]) == 0.2...10)
    #expect(LogScale.niceDomain(covering: [0, -2]) == 0.1...1)
    #expect(LogScale.niceBelow(0.07) == 0.05 && LogScale.niceBelow(1) == 1 && LogScale.niceBelow(19.9) == 10)
    #expect(LogScale.niceAbove(0.07) == 0.1 && LogScale.niceAbove(2) == 2 && LogScale.niceAbove(2.1) == 5)
  }

  @Test func labelsArePlainNumbersOrScientific() {
    #expect(LogScale.labels(for: [0.001, 0.01, 0.5, 1, 20, 1000]) == ["0.001", "0.01", "0.5", "1", "20", "1000"])
    #expect(LogScale.labels(for: [1e-5, 1e6]) == ["1e-5", "1e6"])
  }

  /// Powers of ten keep their labels first; other labels are added where they fit.
  @Test func axisTicksDropLabelsThatWouldCollide() {
    let x = LogScale(domain: 0.1...10, range: (0, 60))
    let ticks = x.axisTicks(at: [0.1, 0.11, 0.2, 1, 10], edge: .bottom)
    #expect(ticks.map(\.label) == ["0.1", nil, nil, "1", "10"])
    #expect(abs(ticks[3].value) < 1e-12 && abs(ticks[4].value - 1) < 1e-12)
    let y = LogScale(domain: 1...1000, range: (100, 0))
    #expect(y.axisTicks(at: [1, 2, 5, 10, 100, 1000], edge: .left).map(\.label) == ["1", nil, nil, "10", "100", "1000"])
  }
}
