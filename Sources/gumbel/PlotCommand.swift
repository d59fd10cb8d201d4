import ArgumentParser
import GumbelKit

/// `gumbel plot`: SVG figures of the Gumbel-softmax distribution.
struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw SVG figures of the Gumbel-softmax (Concrete) distribution at several temperatures.",
    subcommands: [Temperatures.self, Simplex.self, Histogram.self])
}

/// The temperatures and the output file of a figure.
struct FigureOptions: ParsableArguments {
  @Option(parsing: .unconditional, help: "Comma-separated temperatures, each finite and positive (default: 0.1,0.5,1,10).")
  var temperatures: NumberList<Double>?

  @Option(help: "The SVG file to write.")
  var out: String

  /// The temperatures given, or Jang et al.'s 0.1, 0.5, 1 and 10.
  var temperatureValues: [Double] { temperatures?.values ?? [0.1, 0.5, 1, 10] }
}

extension Plot {
  /// `gumbel plot temperatures`: Jang et al.'s Figure 1.
  struct Temperatures: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Expected values and individual samples per category, one column per temperature (Jang et al., Figure 1).")

    @OptionGroup var categories: CategoryOptions
    @OptionGroup var figure: FigureOptions
    @Option(help: "How many samples each expected value is the mean of.")
    var samples: Int = 1000
    @Option(help: "How many individual samples the bottom row shows (1...6).")
    var examples: Int = 3
    @OptionGroup var key: KeyOptions

    func run() throws {
      let plot = try TemperatureFigure(logits: categories.checkedLogits(as: Double.self), temperatures: figure.temperatureValues,
                                       sampleCount: samples, exampleCount: examples, key: key.prngKey)
      try plot.write(to: figure.out)
    }
  }

  /// `gumbel plot simplex`: the Concrete density of three categories on the 2-simplex.
  struct Simplex: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "The exact Concrete log-density on the 2-simplex (three categories) as a heat map, with samples on top.")

    @OptionGroup var categories: CategoryOptions
    @OptionGroup var figure: FigureOptions
    @Option(help: "How many samples to scatter on each panel.")
    var samples: Int = 200
    @OptionGroup var key: KeyOptions

    func run() throws {
      let plot = try SimplexFigure(logits: categories.checkedLogits(as: Double.self), temperatures: figure.temperatureValues,
                                   sampleCount: samples, key: key.prngKey)
      try plot.write(to: figure.out)
    }
  }

  /// `gumbel plot histogram`: the distribution of one relaxed coordinate.
  struct Histogram: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Histograms of one category's relaxed coordinate y_k, one panel per temperature.")

    @OptionGroup var categories: CategoryOptions
    @OptionGroup var figure: FigureOptions
    @Option(help: "The category k whose coordinate is histogrammed (0-based).")
    var category: Int = 0
    @Option(help: "How many samples per temperature.")
    var samples: Int = 5000
    @Option(help: "How many bins over [0, 1].")
    var bins: Int = 20
    @OptionGroup var key: KeyOptions

    func run() throws {
      let plot = try HistogramFigure(logits: categories.checkedLogits(as: Double.self), category: category,
                                     temperatures: figure.temperatureValues, sampleCount: samples, binCount: bins,
                                     key: key.prngKey)
      try plot.write(to: figure.out)
    }
  }
}
