import Foundation
import GumbelRandom
import Testing
@testable import GumbelPlot

/// Each figure, byte for byte, against a file in `Snapshots/`, so that any change to a figure
/// shows up in review as a diff of its SVG.
///
/// To accept a change on purpose, regenerate the files and review the diff:
///
///     GUMBEL_RECORD_SNAPSHOTS=1 swift test --filter GumbelPlotTests.SnapshotTests
@Suite struct SnapshotTests {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
  static var recording: Bool { ProcessInfo.processInfo.environment["GUMBEL_RECORD_SNAPSHOTS"] == "1" }

  /// Compares `svg` with the snapshot `name`, or records it when recording.
  static func check(_ svg: String, named name: String) throws {
    let url = directory.appendingPathComponent(name)
    if recording {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try Data(svg.utf8).write(to: url, options: .atomic)
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record("no snapshot \(name); record it with GUMBEL_RECORD_SNAPSHOTS=1 swift test --filter GumbelPlotTests.SnapshotTests")
      return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard svg != expected else { return }
    let ours = svg.split(separator: "\n", omittingEmptySubsequences: false)
    let theirs = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(ours, theirs).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(ours.count, theirs.count)
    Issue.record("""
      \(name) differs from its snapshot at line \(line + 1):
        snapshot: \(line < theirs.count ? String(theirs[line].prefix(200)) : "<end>")
        now:      \(line < ours.count ? String(ours[line].prefix(200)) : "<end>")
      If the change is intended, run GUMBEL_RECORD_SNAPSHOTS=1 swift test --filter GumbelPlotTests.SnapshotTests
      """)
  }

  @Test func temperatures() throws {
    let figure = try TemperatureFigure(probabilities: [0.1, 0.2, 0.3, 0.4], temperatures: [0.1, 0.5, 1, 10],
                                       sampleCount: 500, exampleCount: 3, key: PRNGKey(seed: 0))
    try Self.check(figure.svg(), named: "temperatures.svg")
  }

  @Test func simplex() throws {
    let figure = try SimplexFigure(probabilities: [0.2, 0.3, 0.5], temperatures: [0.5, 1, 2], sampleCount: 40,
                                   resolution: 24, levels: 8, key: PRNGKey(seed: 0))
    try Self.check(figure.svg(), named: "simplex.svg")
  }

  @Test func histogram() throws {
    let figure = try HistogramFigure(probabilities: [0.2, 0.2, 0.2, 0.2, 0.2], category: 0, temperatures: [0.1, 1, 10],
                                     sampleCount: 2000, binCount: 10, key: PRNGKey(seed: 0))
    try Self.check(figure.svg(), named: "histogram.svg")
  }
}
