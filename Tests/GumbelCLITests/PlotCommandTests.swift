import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import _GumbelTestSupport
import Testing

/// End-to-end tests of `gumbel plot` and `gumbel demo --out`: files that parse, and one-line
/// errors with a non-zero exit for bad input.
@Suite struct PlotCommandTests {
  typealias Result = GumbelProcessResult

  /// Runs the `gumbel` executable built next to this test bundle.
  static func gumbel(_ arguments: String...) throws -> Result { try runGumbel(arguments) }

  /// Runs the `gumbel` executable with an argument list.
  static func run(_ arguments: [String]) throws -> Result { try runGumbel(arguments) }

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "gumbel-plot-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
  }

  static func expectOneLineError(_ result: Result, containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status != 0, sourceLocation: sourceLocation)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.hasPrefix("gumbel: error: ") && result.stderr.contains(text), "stderr: \(result.stderr)",
            sourceLocation: sourceLocation)
  }

  @Test func eachPlotWritesAnSVGThatParses() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let runs: [(String, [String], Int)] = [
      ("temperatures", ["--logits=-1,0,1", "--temperatures", "0.5,2", "--samples", "100"], 6),
      ("simplex", ["--probs", "0.2,0.3,0.5", "--temperatures=0.5,1,2", "--samples", "20"], 3),
      ("histogram", ["--logits", "-1,0,1", "--temperatures", "0.1,1", "--category", "2", "--samples", "200"], 3),
    ]
    for (kind, options, panels) in runs {
      let path = directory + "/\(kind).svg"
      let result = try Self.run(["plot", kind] + options + ["--seed", "7", "--out", path])
      #expect(result.status == 0 && result.stderr.isEmpty, "\(kind): \(result.stderr)")
      let text = try String(contentsOfFile: path, encoding: .utf8)
      let document = try XMLDocument(xmlString: text, options: [])
      #expect(document.rootElement()?.name == "svg")
      #expect(text.components(separatedBy: "class=\"panel\"").count - 1 == panels, "\(kind)")
      // The same seed gives the same file.
      let again = directory + "/\(kind)-again.svg"
      _ = try Self.run(["plot", kind] + options + ["--seed", "7", "--out", again])
      #expect(try String(contentsOfFile: again, encoding: .utf8) == text)
    }
  }

  @Test func listsWorkWithAndWithoutEquals() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    _ = try Self.gumbel("plot", "temperatures", "--logits=-1,2", "--temperatures=1", "--samples", "50", "--out", directory + "/a.svg")
    _ = try Self.gumbel("plot", "temperatures", "--logits", "-1,2", "--temperatures", "1", "--samples", "50", "--out", directory + "/b.svg")
    let a = try String(contentsOfFile: directory + "/a.svg", encoding: .utf8)
    #expect(a == (try String(contentsOfFile: directory + "/b.svg", encoding: .utf8)))
  }

  @Test func badInputGetsOneLineAndANonZeroExit() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let out = directory + "/x.svg"
    Self.expectOneLineError(try Self.gumbel("plot", "simplex", "--probs", "0.5,0.5", "--out", out),
                            containing: "the simplex figure needs exactly 3 categories, got 2")
    Self.expectOneLineError(try Self.gumbel("plot", "simplex", "--logits", "0,1,2,3", "--out", out),
                            containing: "needs exactly 3 categories, got 4")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.5", "--temperatures", "", "--out", out),
                            containing: "--temperatures")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.5", "--temperatures", "1,0", "--out", out),
                            containing: "temperature 0.0 is not finite and positive")
    Self.expectOneLineError(try Self.gumbel("plot", "histogram", "--probs", "0.5,0.5", "--temperatures=-1", "--out", out),
                            containing: "temperature -1.0 is not finite and positive")
    Self.expectOneLineError(try Self.gumbel("plot", "histogram", "--probs", "0.5,0.5", "--temperatures", "1,nan", "--out", out),
                            containing: "not finite and positive")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.5", "--out", directory + "/missing/x.svg"),
                            containing: "cannot write \(directory)/missing/x.svg: the directory \(directory)/missing does not exist")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.5", "--out", directory),
                            containing: "it is a directory")
    Self.expectOneLineError(try Self.gumbel("plot", "histogram", "--probs", "0.5,0.5", "--category", "2", "--out", out),
                            containing: "category 2 is out of range")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.6", "--out", out),
                            containing: "sum to")
    Self.expectOneLineError(try Self.gumbel("plot", "temperatures", "--probs", "0.5,0.5"), containing: "--out")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test func demoWritesASelfContainedReport() throws {
    let directory = try Self.temporaryDirectory() + "/nested/report"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let result = try Self.gumbel("demo", "--out", directory)
    #expect(result.status == 0, "stderr: \(result.stderr)")
    // The terminal demo is printed as before.
    #expect(result.stdout.contains("In [7]") && !result.stdout.contains("DIFFER"))
    let html = try String(contentsOfFile: directory + "/index.html", encoding: .utf8)
    // Self-contained: no scripts, no style sheets or images from elsewhere.
    for forbidden in ["<script", "<link", "<img", "src=", "@import", "url(http"] { #expect(!html.contains(forbidden), "\(forbidden)") }
    // Well-formed, with the notebook's story in order and four inline figures.
    let document = try XMLDocument(xmlString: html, options: [])
    let root = try #require(document.rootElement())
    func all(_ element: XMLElement) -> [XMLElement] {
      [element] + (element.children ?? []).compactMap { $0 as? XMLElement }.flatMap(all)
    }
    let elements = all(root)
    let sections = elements.filter { $0.name == "section" }.compactMap { $0.attributes?.first { $0.name == "id" }?.stringValue }
    #expect(sections == ["goal", "logits", "categorical-gradient", "temperatures", "histogram", "simplex", "counts",
                         "straight-through", "estimators", "schemes", "transcript"])
    let figures = elements.filter { ($0.localName ?? $0.name) == "svg" }
    #expect(figures.count == 4)
    #expect(elements.filter { $0.name == "figcaption" }.count == 4)
    // The numbers the terminal demo prints (the gradients to the 7 digits the notebook shows).
    for number in ["201", "199", "198", "190", "212", "0.4632574", "0.1158143"] { #expect(html.contains(number), "\(number)") }
    // Element ids are unique on the page.
    let ids = elements.compactMap { $0.attributes?.first { $0.name == "id" }?.stringValue }
    #expect(Set(ids).count == ids.count)
  }

  @Test func demoRefusesAnUnwritableDirectory() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: directory) }
    FileManager.default.createFile(atPath: directory + "/file", contents: Data())
    Self.expectOneLineError(try Self.gumbel("demo", "--format", "json", "--out", directory + "/file"),
                            containing: "it exists and is not a directory")
  }
}
