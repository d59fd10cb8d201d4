import ArgumentParser
import GumbelKit

/// `gumbel random ...`: JAX's `jax.random` functions, bit for bit.
struct Random: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw from jax.random's functions with a JAX-compatible key.",
    subcommands: [Bits.self, Uniform.self, GumbelNoise.self, CategoricalDraw.self, Split.self, FoldIn.self])
}

/// Options shared by the random subcommands that print an array.
struct ArrayOutputOptions: ParsableArguments {
  @OptionGroup var key: KeyOptions

  @Option(parsing: .unconditional, help: "Comma-separated dimensions of the result, e.g. 2,3.")
  var shape: ShapeList = ShapeList(argument: "1")!

  @Option(help: "text or json.")
  var format: OutputFormat = .text
}

/// Floating-point type of a sampler's result.
enum FloatType: String, ExpressibleByArgument, CaseIterable {
  case float32, float64
}

extension Random {
  struct Bits: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Random words, as jax.random.bits.")
    @OptionGroup var options: ArrayOutputOptions
    @Option(help: "Word width: 32 (uint32) or 64 (uint64).")
    var width: Int = 32

    func run() throws {
      let shape = options.shape.values
      switch width {
      case 32: printArray(try options.key.prngKey.bits32(shape: shape), shape: shape, format: options.format)
      case 64: printArray(try options.key.prngKey.bits64(shape: shape), shape: shape, format: options.format)
      default: throw CLIError("--width must be 32 or 64, not \(width)")
      }
    }
  }

  struct Uniform: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Uniform floats in [minval, maxval), as jax.random.uniform.")
    @OptionGroup var options: ArrayOutputOptions
    @Option(parsing: .unconditional) var minval: Double = 0
    @Option(parsing: .unconditional) var maxval: Double = 1
    @Option(help: "float32 or float64.") var dtype: FloatType = .float32

    func run() throws {
      let (key, shape) = (options.key.prngKey, options.shape.values)
      switch dtype {
      case .float32:
        printArray(try key.uniform(shape: shape, minval: Float(minval), maxval: Float(maxval)), shape: shape, format: options.format)
      case .float64:
        printArray(try key.uniform(shape: shape, minval: minval, maxval: maxval), shape: shape, format: options.format)
      }
    }
  }

  struct GumbelNoise: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gumbel", abstract: "Standard Gumbel noise, as jax.random.gumbel.")
    @OptionGroup var options: ArrayOutputOptions
    @Option(help: "float32 or float64.") var dtype: FloatType = .float32

    func run() throws {
      let (key, shape) = (options.key.prngKey, options.shape.values)
      switch dtype {
      case .float32: printArray(try key.gumbel(shape: shape, as: Float.self), shape: shape, format: options.format)
      case .float64: printArray(try key.gumbel(shape: shape, as: Double.self), shape: shape, format: options.format)
      }
    }
  }

  struct CategoricalDraw: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "categorical", abstract: "Category indices by Gumbel-max, as jax.random.categorical(key, logits, shape=shape).")
    @OptionGroup var key: KeyOptions
    @Option(parsing: .unconditional, help: "Comma-separated logits (float32; -inf masks a category).")
    var logits: NumberList<Float>
    @Option(parsing: .unconditional, help: "Sample shape (default: one draw).")
    var shape: ShapeList?
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
      let shape = shape?.values ?? []
      printArray(try key.prngKey.categorical(logits: logits.values, shape: shape), shape: shape, format: format)
    }
  }

  struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "New keys, as jax.random.split(key, num).")
    @OptionGroup var key: KeyOptions
    @Option(help: "How many keys.") var num: Int = 2
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
      guard num >= 0 else { throw CLIError("--num must be non-negative, not \(num)") }
      guard num <= RandomLimits.maxElementCount / 2 else { throw CLIError("--num \(num) is too large") }
      printKeys(key.prngKey.split(into: num), format: format)
    }
  }

  struct FoldIn: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A key derived from data, as jax.random.fold_in(key, data).")
    @OptionGroup var key: KeyOptions
    @Option(help: "A uint32.") var data: UInt32
    @Option(help: "text or json.") var format: OutputFormat = .text

    func run() throws {
      printKeys([key.prngKey.fold(in: data)], format: format)
    }
  }
}

/// Prints a row-major array: JSON `{"shape": ..., "values": ...}`, or rows of text.
func printArray<T: LosslessStringConvertible>(_ values: [T], shape: [Int], format: OutputFormat) {
  switch format {
  case .json:
    print(JSONText.object(["shape": JSONText.array(shape), "values": JSONText.array(values.map { jsonNumber($0) })]))
  case .text:
    print("shape \(shape)")
    let width = shape.last ?? 1
    guard width > 0 else { return }
    for start in stride(from: 0, to: values.count, by: width) {
      print(values[start..<min(start + width, values.count)].map { "\($0)" }.joined(separator: "  "))
    }
  }
}

/// A number as JSON text (`null` for a non-finite float).
func jsonNumber<T: LosslessStringConvertible>(_ value: T) -> String {
  if let x = value as? Float, !x.isFinite { return "null" }
  if let x = value as? Double, !x.isFinite { return "null" }
  return "\(value)"
}

/// Prints keys: JSON `{"keys": [[k0, k1], ...]}`, or one key per line.
func printKeys(_ keys: [PRNGKey], format: OutputFormat) {
  switch format {
  case .json:
    print(JSONText.object(["keys": JSONText.array(keys.map { JSONText.array([$0.words.0, $0.words.1]) })]))
  case .text:
    for key in keys { print("\(key.words.0), \(key.words.1)") }
  }
}
