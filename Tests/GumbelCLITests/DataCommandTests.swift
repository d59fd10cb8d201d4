import Foundation
import Testing
import _GumbelTestSupport

/// `gumbel data` reads a data set as train-vae does and says what it holds; a bad or hostile
/// file is refused in one line naming it.
@Suite struct DataCommandTests {
  @Test func theVendoredSubset() throws {
    let result = try CLITests.gumbel(["data"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("training images: 4000"))
    #expect(result.stdout.contains("test images:     1000"))
    #expect(result.stdout.contains("pixels per image: 784 (28 x 28)"))
    #expect(result.stdout.contains("images per class (test):     0: 100, 1: 100"))
  }

  @Test func jsonOfAnIDXDirectory() throws {
    let directory = try TrainVAETests.temporaryDirectory()
    try TrainVAETests.writeTinyIDX(train: 30, test: 12, in: directory)
    let object = try CLITests.json(CLITests.gumbel(["data", "--data", directory.path, "--format", "json"]))
    #expect(object["format"] as? String == "idx")
    #expect(object["data"] as? String == directory.path)
    #expect(object["trainingImages"] as? Int == 30 && object["testImages"] as? Int == 12)
    #expect(object["pixelsPerImage"] as? Int == 784 && object["rows"] as? Int == 28)
    // writeTinyIDX labels image i with i mod 10.
    #expect(object["trainingImagesPerClass"] as? [Int] == Array(repeating: 3, count: 10))
    #expect(object["testImagesPerClass"] as? [Int] == [2, 2] + Array(repeating: 1, count: 8))
  }

  static func expectOneLineError(_ result: GumbelProcessResult, mentioning words: [String]) {
    #expect(result.exited && result.status != 0, "\(result.stderr)")
    #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.hasPrefix("gumbel: error: "), "\(result.stderr)")
    for word in words { #expect(result.stderr.contains(word), "\(result.stderr) should mention \(word)") }
  }

  @Test func badFilesAreNamedInOneLine() throws {
    let directory = try TrainVAETests.temporaryDirectory()
    try TrainVAETests.writeTinyIDX(train: 3, test: 2, in: directory)
    try FileManager.default.removeItem(at: directory.appendingPathComponent("t10k-labels-idx1-ubyte"))
    Self.expectOneLineError(try CLITests.gumbel(["data", "--data", directory.path]), mentioning: ["t10k-labels-idx1-ubyte", "no such file"])
    let csv = directory.appendingPathComponent("digits.csv")
    try Data("1,2,3\n".utf8).write(to: csv)
    Self.expectOneLineError(try CLITests.gumbel(["data", "--data", csv.path]), mentioning: ["digits.csv, line 1", "3 fields"])
    let gz = directory.appendingPathComponent("digits.csv.gz")
    try Data([0x1f, 0x8b, 8, 0, 0, 0]).write(to: gz)
    Self.expectOneLineError(try CLITests.gumbel(["data", "--data", gz.path]), mentioning: ["digits.csv.gz", "not a valid gzip file"])
  }

  /// A 1 MB file that inflates to 1 GB, read under a 1 GB address-space limit (`ulimit -v`,
  /// in KB): a reader that inflated the file before looking at it would fail to allocate and
  /// crash; these refuse line 1.
  @Test(arguments: ["0,", "\n", "1"])
  func aDecompressionBombIsRefusedInBoundedMemory(unit: String) throws {
    let directory = try TrainVAETests.temporaryDirectory()
    let bomb = directory.appendingPathComponent("bomb.csv.gz")
    try Data(gzipBomb(repeating: unit, megabytes: 1024)).write(to: bomb)
    let result = try runGumbel(["data", "--data", bomb.path], limits: "ulimit -v 1048576")
    Self.expectOneLineError(result, mentioning: ["bomb.csv.gz, line"])
  }
}
