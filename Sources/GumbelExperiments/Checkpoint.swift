import Foundation
import GumbelNN
import GumbelTensor

/// Why a checkpoint could not be used. Each message names the file.
public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  /// The file is missing or cannot be read.
  case unreadable(path: String, reason: String)
  /// The file could not be written; the previous checkpoint, if any, is unchanged.
  case unwritable(path: String, reason: String)
  /// The file is not a checkpoint, or is truncated or damaged.
  case corrupt(path: String, reason: String)
  /// The checkpoint belongs to another run (other settings or other data).
  case mismatch(path: String, reason: String)

  public var description: String {
    switch self {
    case let .unreadable(path, reason): "cannot use checkpoint \(path): \(reason)"
    case let .unwritable(path, reason): "cannot write checkpoint \(path): \(reason) (the previous checkpoint is kept)"
    case let .corrupt(path, reason): "checkpoint \(path) is corrupt: \(reason)"
    case let .mismatch(path, reason): "checkpoint \(path) does not match this run: \(reason)"
    }
  }
}

/// The file format of a ``VAETrainingState``:
///
///     "GVAECKPT" | version (UInt32) | header length (UInt64) | header (JSON) |
///     tensors: rank (UInt32), dimensions (UInt64 each), scalars (Float32 bits) |
///     FNV-1a 64 of everything before (UInt64)
///
/// all little-endian. The JSON header holds the configuration, the counters, the history, the
/// estimator's state (REINFORCE's moving average, as Float32 bits) and the tensor count; the
/// tensors are the model's parameters and Adam's two moments, exactly, so training resumes bit
/// for bit. Version 1 files (before the estimator's state was saved) are read with a moving
/// average of 0, which is what their runs had; version 1 and 2 files (before the latent type and
/// the schedules' new settings) with those settings' defaults, which their runs used; files
/// before version 4 (which have no prior logits among the parameters) with a uniform prior.
public enum Checkpoint {
  public static let magic = Array("GVAECKPT".utf8)
  public static let version: UInt32 = 4
  /// The versions ``decode(_:path:)`` reads.
  public static let readableVersions: ClosedRange<UInt32> = 1...4

  struct Header: Codable {
    var configuration: VAETrainingConfiguration
    var pixelCount: Int
    var epoch: Int
    var step: Int
    var optimizerStep: Int
    var stepLosses: [Double]
    var epochs: [EpochRecord]
    var dataFingerprint: String
    var parameterTensors: Int
    var momentTensors: Int
    /// The bits of the estimator's ``Estimator/movingAverage`` (absent in version 1).
    var baselineMovingAverage: UInt32?
  }

  /// The bytes of `state`.
  public static func encode(_ state: VAETrainingState) throws -> [UInt8] {
    let parameters = state.model.parameters
    let moments = state.optimizer.firstMoments + state.optimizer.secondMoments
    let header = Header(configuration: state.configuration, pixelCount: state.model.pixelCount, epoch: state.epoch,
                        step: state.step, optimizerStep: state.optimizer.step, stepLosses: state.stepLosses,
                        epochs: state.epochs, dataFingerprint: String(state.dataFingerprint, radix: 16),
                        parameterTensors: parameters.count, momentTensors: moments.count,
                        baselineMovingAverage: state.estimator.movingAverage.bitPattern)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = [UInt8](try encoder.encode(header))
    var bytes = magic
    append(version, to: &bytes)
    append(UInt64(json.count), to: &bytes)
    bytes += json
    for tensor in parameters + moments {
      append(UInt32(tensor.rank), to: &bytes)
      for d in tensor.shape { append(UInt64(d), to: &bytes) }
      appendFloats(tensor.scalars, to: &bytes)
    }
    append(fnv1a(bytes[...]), to: &bytes)
    return bytes
  }

  /// The state in `bytes`; `path` only names the file in errors.
  public static func decode(_ bytes: [UInt8], path: String) throws(CheckpointError) -> VAETrainingState {
    func corrupt(_ reason: String) -> CheckpointError { .corrupt(path: path, reason: reason) }
    guard bytes.count >= magic.count + 4 + 8 + 8, Array(bytes[..<magic.count]) == magic else {
      throw corrupt("not a swift-gumbel VAE checkpoint (no GVAECKPT header)")
    }
    var reader = ByteReader(bytes: bytes, position: magic.count)
    let fileVersion: UInt32 = reader.read() ?? 0
    guard readableVersions.contains(fileVersion) else {
      throw corrupt("format version \(fileVersion), expected \(readableVersions.lowerBound) to \(readableVersions.upperBound)")
    }
    let stored = UInt64(littleEndianBytes: bytes[(bytes.count - 8)...])
    guard fnv1a(bytes[..<(bytes.count - 8)]) == stored else { throw corrupt("checksum mismatch (the file is truncated or damaged)") }
    guard let jsonLength: UInt64 = reader.read(), jsonLength <= UInt64(bytes.count - reader.position - 8) else {
      throw corrupt("bad header length")
    }
    let json = Data(bytes[reader.position..<(reader.position + Int(jsonLength))])
    reader.position += Int(jsonLength)
    var header: Header
    do {
      header = try JSONDecoder().decode(Header.self, from: json)
    } catch {
      throw corrupt("unreadable header: \(error)")
    }
    guard header.parameterTensors >= 0, header.momentTensors >= 0, header.parameterTensors <= 1 << 16,
          header.momentTensors <= 1 << 17 else {
      throw corrupt("bad tensor counts \(header.parameterTensors) and \(header.momentTensors)")
    }
    // Every length is checked against the bytes left before anything of that length is made.
    var tensors = [Tensor<Float>]()
    for i in 0..<(header.parameterTensors + header.momentTensors) {
      guard let rank: UInt32 = reader.read(), rank <= 8 else { throw corrupt("tensor \(i) has a bad rank") }
      var shape = [Int]()
      var count = 1
      for _ in 0..<rank {
        guard let d: UInt64 = reader.read(), d < 1 << 31 else { throw corrupt("tensor \(i) has a bad shape") }
        shape.append(Int(d))
        count = count.multipliedReportingOverflow(by: Int(d)).overflow ? .max : count * Int(d)
      }
      guard count <= (bytes.count - 8 - reader.position) / 4 else { throw corrupt("tensor \(i) is truncated") }
      tensors.append(Tensor(shape: shape, scalars: reader.readFloats(count)))
    }
    guard reader.position == bytes.count - 8 else { throw corrupt("unexpected bytes after the tensors") }
    guard let fingerprint = UInt64(header.dataFingerprint, radix: 16) else { throw corrupt("bad data fingerprint") }
    guard header.epoch >= 0, header.step >= 0, header.optimizerStep >= 0 else { throw corrupt("negative counters") }
    let configuration = header.configuration
    do {
      try configuration.validate()
    } catch {
      throw corrupt("invalid settings: \(error)")
    }
    // The model the settings describe must be the one whose tensors the file holds, checked
    // before a model of those settings is made (it could otherwise be of any size).
    guard header.pixelCount > 0 else { throw corrupt("\(header.pixelCount) pixels per image") }
    let expectedShapes = DiscreteVAE<Float>.parameterShapes(
      pixelCount: header.pixelCount, hiddenSizes: configuration.hiddenSizes, latentCount: configuration.latentCount,
      categoryCount: configuration.categoryCount, latentType: configuration.latentType)
    let fileParameterShapes = tensors.prefix(header.parameterTensors).map(\.shape)
    let expectedFileShapes = fileVersion < 4 ? Array(expectedShapes.dropLast()) : expectedShapes
    guard fileParameterShapes == expectedFileShapes else {
      throw corrupt("parameter shapes \(fileParameterShapes) do not fit the model \(expectedFileShapes)")
    }

    var state: VAETrainingState
    do {
      state = try VAETrainingState(configuration: configuration, pixelCount: header.pixelCount, dataFingerprint: fingerprint)
    } catch {
      throw corrupt("invalid settings: \(error)")
    }
    let expected = state.model.parameters
    if fileVersion < 4 {
      // The uniform prior's logits (zeros), and Adam's moments for them (zeros, as a prior that
      // is not learned has a gradient of 0), after the parameters of each group.
      let zeros = Tensor<Float>(repeating: 0, shape: state.model.priorLogits.shape)
      let groups = header.momentTensors == 0 ? 1 : 3
      let size = header.parameterTensors
      guard tensors.count == groups * size else { throw corrupt("\(tensors.count) tensors, expected \(groups * size)") }
      tensors = (0..<groups).flatMap { Array(tensors[($0 * size)..<(($0 + 1) * size)]) + [zeros] }
      header.parameterTensors += 1
      header.momentTensors = header.momentTensors == 0 ? 0 : 2 * header.parameterTensors
    }
    let parameters = Array(tensors[..<header.parameterTensors])
    guard parameters.map(\.shape) == expected.map(\.shape) else {
      throw corrupt("parameter shapes \(parameters.map(\.shape)) do not fit the model \(expected.map(\.shape))")
    }
    state.model.parameters = parameters
    let moments = Array(tensors[header.parameterTensors...])
    if !moments.isEmpty {
      guard moments.count == 2 * expected.count, moments.map(\.shape) == (expected + expected).map(\.shape) else {
        throw corrupt("Adam's moments do not fit the model")
      }
      state.optimizer.firstMoments = Array(moments[..<expected.count])
      state.optimizer.secondMoments = Array(moments[expected.count...])
    }
    do {
      state.estimator = try header.configuration.makeEstimator(
        step: header.step, movingAverage: Float(bitPattern: header.baselineMovingAverage ?? 0))
    } catch {
      throw corrupt("invalid estimator settings: \(error)")
    }
    state.optimizer.step = header.optimizerStep
    state.epoch = header.epoch
    state.step = header.step
    state.stepLosses = header.stepLosses
    state.epochs = header.epochs
    return state
  }

  /// Writes `state` to `path` atomically: the bytes go to `path.partial`, are flushed to the disk
  /// (`fsync`) and only then renamed over `path`, and the directory is flushed. An interrupted or failed write (a full disk, a
  /// read-only directory, a killed process) leaves the previous checkpoint as it was, and a
  /// failed one removes its partial file.
  public static func write(_ state: VAETrainingState, to path: String) throws {
    try writeAtomically(encode(state), to: path)
  }

  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
    let partial = path + ".partial"
    /// The error of the call that just failed (read before any other call changes errno),
    /// the partial file removed.
    func fail(_ step: String, code: Int32 = errno) -> CheckpointError {
      let reason = "\(step): " + String(cString: strerror(code))
      unlink(partial)
      return .unwritable(path: path, reason: reason)
    }
    let file = open(partial, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard file >= 0 else { throw fail("cannot create \(partial)") }
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { Foundation.write(file, $0.baseAddress! + written, $0.count - written) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        let error = fail("writing", code: n == 0 ? ENOSPC : errno)
        close(file)
        throw error
      }
      written += n
    }
    guard fsync(file) == 0 else {
      let error = fail("flushing")
      close(file)
      throw error
    }
    guard close(file) == 0 else { throw fail("closing") }
    guard rename(partial, path) == 0 else { throw fail("renaming \(partial)") }
    // The rename itself reaches the disk when the directory is flushed (best effort: a
    // directory that cannot be opened does not undo a checkpoint already in place).
    let directory = open((path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent, O_RDONLY)
    if directory >= 0 {
      fsync(directory)
      close(directory)
    }
  }

  /// The state in the file at `path`, which must be a regular file (not a device or a pipe,
  /// which could be endless); it is read to the size it has.
  public static func read(from path: String) throws(CheckpointError) -> VAETrainingState {
    var info = stat()
    guard stat(path, &info) == 0 else {
      throw .unreadable(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
    }
    guard info.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path, reason: "not a regular file") }
    guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path, reason: "cannot open it") }
    return try decode([UInt8](data), path: path)
  }

  /// Checks that `state` continues the run described by `configuration` on data with `fingerprint`;
  /// the epoch count and evaluation settings may differ.
  public static func validate(_ state: VAETrainingState, continues configuration: VAETrainingConfiguration,
                              dataFingerprint: UInt64, path: String) throws(CheckpointError) {
    let saved = state.configuration
    var differences = [String]()
    if saved.latentCount != configuration.latentCount { differences.append("latents \(saved.latentCount) (asked \(configuration.latentCount))") }
    if saved.latentType == .categorical, saved.categoryCount != configuration.categoryCount { differences.append("categories \(saved.categoryCount) (asked \(configuration.categoryCount))") }
    if saved.estimator != configuration.estimator {
      differences.append("estimator \(saved.estimator.rawValue) (asked \(configuration.estimator.rawValue))")
    }
    if saved.baselineDecay != configuration.baselineDecay { differences.append("baseline decay") }
    if saved.estimator == .rloo, saved.draws != configuration.draws { differences.append("draws \(saved.draws) (asked \(configuration.draws))") }
    if saved.seed != configuration.seed { differences.append("seed \(saved.seed) (asked \(configuration.seed))") }
    if saved.hiddenSizes != configuration.hiddenSizes { differences.append("hidden sizes \(saved.hiddenSizes) (asked \(configuration.hiddenSizes))") }
    if saved.batchSize != configuration.batchSize { differences.append("batch size \(saved.batchSize) (asked \(configuration.batchSize))") }
    if saved.learningRate != configuration.learningRate { differences.append("learning rate \(saved.learningRate) (asked \(configuration.learningRate))") }
    if saved.latentType != configuration.latentType {
      differences.append("latent type \(saved.latentType.rawValue) (asked \(configuration.latentType.rawValue))")
    }
    if saved.learnsPrior != configuration.learnsPrior {
      differences.append(saved.learnsPrior ? "a learned prior (asked a uniform one)" : "a uniform prior (asked a learned one)")
    }
    if saved.temperatureSchedule != configuration.temperatureSchedule { differences.append("temperature schedule") }
    if saved.learningRateSchedule != configuration.learningRateSchedule { differences.append("learning-rate schedule") }
    if !differences.isEmpty { throw .mismatch(path: path, reason: "it was saved with " + differences.joined(separator: ", ")) }
    if state.dataFingerprint != dataFingerprint { throw .mismatch(path: path, reason: "it was trained on other data") }
  }

  static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  /// The floats' bits, little-endian.
  static func appendFloats(_ floats: [Float], to bytes: inout [UInt8]) {
    #if _endian(little)
    floats.withUnsafeBytes { bytes += $0 }
    #else
    for x in floats { append(x.bitPattern, to: &bytes) }
    #endif
  }

  static func fnv1a(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }

  struct ByteReader {
    let bytes: [UInt8]
    var position: Int

    mutating func read<T: FixedWidthInteger>() -> T? {
      let size = MemoryLayout<T>.size
      guard position + size <= bytes.count else { return nil }
      var value = T.zero
      for i in 0..<size { value |= T(bytes[position + i]) << (8 * i) }
      position += size
      return value
    }

    /// `count` little-endian floats (the caller has checked that the bytes are there).
    mutating func readFloats(_ count: Int) -> [Float] {
      #if _endian(little)
      let floats = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<(position + 4 * count)])) }
        initialized = count
      }
      position += 4 * count
      return floats
      #else
      return (0..<count).map { _ in Float(bitPattern: read()!) }
      #endif
    }
  }
}

extension UInt64 {
  init(littleEndianBytes bytes: ArraySlice<UInt8>) {
    self = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
  }
}
