import Foundation

/// A figure that draws itself as an SVG document.
///
/// Figures compute their data when they are made (so a bad input throws there) and are then
/// pure values: the same inputs and key always give the same bytes.
///
///     let figure = try TemperatureFigure(probabilities: [0.2, 0.2, 0.2, 0.2, 0.2],
///                                        temperatures: [0.1, 0.5, 1, 10], key: PRNGKey(seed: 0))
///     try figure.write(to: "temperatures.svg")
public protocol Figure {
  /// The figure as an SVG document.
  func document() -> SVGDocument
}

extension Figure {
  /// The figure as a standalone SVG file's text.
  public func svg() -> String { document().rendered() }

  /// Writes the figure as an SVG file at `path`, replacing any file there.
  public func write(to path: String) throws(PlotError) {
    try FigureOutput.write(svg(), to: path)
  }
}

/// Writing figures and reports to files, with errors that say what went wrong in one line.
public enum FigureOutput {
  /// Writes `text` as UTF-8 to the file at `path`, replacing it atomically.
  public static func write(_ text: String, to path: String) throws(PlotError) {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard !path.isEmpty else { throw .cannotWrite(path: "''", reason: "the path is empty") }
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      throw .cannotWrite(path: path, reason: "it is a directory")
    }
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      throw .cannotWrite(path: path, reason: "the directory \(directory) does not exist")
    }
    guard isDirectory.boolValue else { throw .cannotWrite(path: path, reason: "\(directory) is not a directory") }
    do {
      try Data(text.utf8).write(to: url, options: .atomic)
    } catch {
      throw .cannotWrite(path: path, reason: Self.reason(error))
    }
  }

  /// Creates the directory at `path` (and its parents) unless it exists.
  public static func makeDirectory(_ path: String) throws(PlotError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .cannotWrite(path: path, reason: "it exists and is not a directory") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .cannotWrite(path: path, reason: Self.reason(error))
    }
  }

  /// The POSIX reason of a Foundation error (such as "Permission denied"), else its description.
  private static func reason(_ error: any Error) -> String {
    let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
    if let underlying, underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code)) {
      return String(cString: message)
    }
    let text = (error as NSError).localizedDescription
    return text.split(separator: "\n").first.map(String.init) ?? "\(error)"
  }
}
