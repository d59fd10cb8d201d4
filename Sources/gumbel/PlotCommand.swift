import ArgumentParser
import GumbelKit

/// `gumbel plot`: SVG figures of the Gumbel-softmax distribution.
struct Plot: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Draw SVG figures of the Gumbel-softmax (Concrete) distribution at several temperatures.",
    subcommands: [Temperatures.self, Simplex.self, Histogram.self, Estimators.self])
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

  /// `gumbel plot estimators`: the bias and variance of each gradient estimator against the temperature.
  struct Estimators: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Bias and variance of each gradient estimator of d/dlogits E[(V . z - T)^2] against the temperature (log-log).")

    @OptionGroup var categories: CategoryOptions
    @Option(parsing: .unconditional, help: "The values V (default 0,1,...,K-1: with T = 0, f is the squared index).")
    var values: NumberList<Double>?
    @Option(parsing: .unconditional, help: "The target T.")
    var target: Double = 0
    @Option(parsing: .unconditional, help: "Comma-separated temperatures, each finite and positive (default: 0.1,0.2,0.5,1,2,5).")
    var temperatures: NumberList<Double>?
    @Option(help: "How many single-sample estimates each point is measured from.")
    var samples: Int = 2000
    @Option(help: "Conditional draws of gumbel-rao.")
    var raoSamples: Int = 10
    @OptionGroup var key: KeyOptions
    @Option(help: "The SVG file to write.")
    var out: String

    func run() throws {
      let logits = try categories.checkedLogits(as: Double.self)
      // The figure checks each count; this bounds the work of one measurement.
      if (1...EstimatorFigure.maxSampleCount).contains(samples), (1...EstimatorFigure.maxConditionalSamples).contains(raoSamples),
         samples * logits.count * raoSamples > 1 << 26 {
        throw CLIError("--samples x categories x --rao-samples exceeds \(1 << 26)")
      }
      let plot = try EstimatorFigure(logits: logits, values: values?.values, target: target,
                                     temperatures: temperatures?.values ?? [0.1, 0.2, 0.5, 1, 2, 5], sampleCount: samples,
                                     conditionalSamples: raoSamples, key: key.prngKey)
      try plot.write(to: out)
    }
  }
}
