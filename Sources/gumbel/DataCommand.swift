import ArgumentParser
import Foundation
import GumbelExperiments
import GumbelKit

/// `gumbel data`: checks a data set with the readers `train-vae` uses and says what it holds.
struct DataCheck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data",
    abstract: "Check a data set as train-vae reads it: its training and test images, pixels per image and images per class.",
    discussion: """
      Reads a CSV file (784 pixels and a label per line, plain or .gz; the last 100 images of each \
      digit are the test set) or a directory with the four MNIST IDX files (each plain or .gz). \
      A bad file is refused in one line naming it and what is wrong, with a non-zero exit.
      """)

  @Option(help: "A CSV file (.csv or .csv.gz) or a directory of MNIST IDX files. Default: the vendored Data/mnist_5k.csv.gz.")
  var data: String?
  @Option(help: "text or json.")
  var format: OutputFormat = .text

  func run() throws {
    let path = data ?? MNISTDataSet.defaultPath()
    let set = try MNISTDataSet.load(from: path)
    let classes = 10
    func perClass(_ images: LabeledImages) -> [Int] {
      images.labels.reduce(into: [Int](repeating: 0, count: classes)) { $0[$1] += 1 }
    }
    let (train, test) = (perClass(set.train), perClass(set.test))
    switch format {
    case .json:
      print(JSONText.object([
        "data": JSONText.string(path),
        "format": JSONText.string(set.format.rawValue),
        "trainingImages": JSONText.number(set.train.count),
        "testImages": JSONText.number(set.test.count),
        "rows": JSONText.number(set.train.rows),
        "columns": JSONText.number(set.train.columns),
        "pixelsPerImage": JSONText.number(set.train.pixelsPerImage),
        "trainingImagesPerClass": JSONText.array(train),
        "testImagesPerClass": JSONText.array(test),
      ]))
    case .text:
      print("\(path): \(set.format.description)")
      print("training images: \(set.train.count)")
      print("test images:     \(set.test.count)")
      print("pixels per image: \(set.train.pixelsPerImage) (\(set.train.rows) x \(set.train.columns))")
      print("images per class (training): " + train.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "))
      print("images per class (test):     " + test.enumerated().map { "\($0.offset): \($0.element)" }.joined(separator: ", "))
    }
  }
}

/// The training and test images of the commands that train: a CSV file split by
/// ``testImagesPerLabel`` or a directory of the four MNIST IDX files.
enum MNISTDataSet {
  /// The images of each digit held out (the last in file order) as a CSV file's test set.
  static let testImagesPerLabel = 100

  enum Format: String, CustomStringConvertible {
    case csv, idx
    var description: String {
      switch self {
      case .csv: "CSV, the last \(MNISTDataSet.testImagesPerLabel) images of each digit held out as the test set"
      case .idx: "MNIST IDX files"
      }
    }
  }

  /// The vendored data file: in the working directory's Data/, or beside this package's sources.
  static func defaultPath() -> String {
    let relative = "Data/mnist_5k.csv.gz"
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidates = [relative, packageRoot.appendingPathComponent(relative).path]
    return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? relative
  }

  /// The training and test images at `path`, checked.
  static func load(from path: String) throws(DataError) -> (train: LabeledImages, test: LabeledImages, format: Format) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      let (train, test) = try MNIST.readIDXDirectory(path)
      guard train.rows == test.rows, train.columns == test.columns else {
        throw .mismatch(path: path, reason: "training images of \(train.rows) x \(train.columns) pixels, test images of \(test.rows) x \(test.columns)")
      }
      return (train, test, .idx)
    }
    let (train, test) = try MNIST.readCSV(path: path).holdingOutLast(testImagesPerLabel, path: path)
    return (train, test, .csv)
  }
}

/// The images of the commands that train a VAE: `--data`, and how grey levels become bits.
struct VAEDataOptions: ParsableArguments {
  /// The names of ``Binarization``'s cases on the command line.
  enum BinarizationName: String, ExpressibleByArgument, CaseIterable {
    case threshold, sampled
  }

  @Option(help: "A CSV file (.csv or .csv.gz) or a directory of MNIST IDX files. Default: the vendored Data/mnist_5k.csv.gz.")
  var data: String?
  @Option(help: "threshold (1 where the grey level is above 127, the seed notebook's) or sampled (each pixel drawn once, 1 with probability grey/255, the papers' binarised MNIST).")
  var binarization: BinarizationName = .threshold
  @Option(help: "The seed of --binarization sampled's draw, fixed for the run and apart from --seed (default 0).")
  var binarizationSeed: Int?

  func validate() throws {
    if binarizationSeed != nil, binarization != .sampled {
      throw ValidationError("--binarization-seed applies to --binarization sampled only")
    }
  }

  var path: String { data ?? MNISTDataSet.defaultPath() }

  var chosenBinarization: Binarization {
    switch binarization {
    case .threshold: .threshold
    case .sampled: .sampled(seed: binarizationSeed ?? 0)
    }
  }

  /// The JSON fields that say how the bits were made: `binarization`, and `binarizationSeed` when
  /// sampled.
  var jsonFields: [(key: String, value: String)] {
    var fields = [(key: "binarization", value: JSONText.string(binarization.rawValue))]
    if case .sampled(let seed) = chosenBinarization { fields.append((key: "binarizationSeed", value: JSONText.number(seed))) }
    return fields
  }

  /// The images at ``path`` and their bits, `[images, pixels]`: stream 0 of the binarisation for
  /// the training images, stream 1 for the test images.
  func load() throws(DataError) -> (train: LabeledImages, test: LabeledImages, trainBits: Tensor<Float>, testBits: Tensor<Float>) {
    let (train, test, _) = try MNISTDataSet.load(from: path)
    let binarization = chosenBinarization
    return (train, test,
            Tensor(shape: [train.count, train.pixelsPerImage], scalars: binarization.pixels(of: train, stream: 0)),
            Tensor(shape: [test.count, test.pixelsPerImage], scalars: binarization.pixels(of: test, stream: 1)))
  }
}
