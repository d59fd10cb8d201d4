import GumbelExperiments
import GumbelKit

/// `gumbel demo --out DIR`: the notebook's story as one self-contained HTML page, DIR/index.html,
/// with the numbers the terminal demo prints and the figures.
///
/// The page has no scripts and loads nothing: its CSS and its SVG figures are inline. It is
/// also well-formed XML, so tests can parse it.
enum DemoReport {
  /// The figures' key and the notebook's example: five equally likely classes.
  static let figureKey = PRNGKey(seed: 0)
  static let uniformFive = [Double](repeating: 0.2, count: 5)
  static let uniformThree = [Double](repeating: 1.0 / 3, count: 3)
  static let temperatures = [0.1, 0.5, 1, 10]

  /// Writes DIR/index.html, creating DIR if needed.
  static func write(original: NotebookExperiment, partitionable: NotebookExperiment, to directory: String) throws {
    try FigureOutput.makeDirectory(directory)
    let page = try html(original: original, partitionable: partitionable)
    try FigureOutput.write(page, to: directory + (directory.hasSuffix("/") ? "" : "/") + "index.html")
  }

  /// The figures of the page, with modest sample counts so that it renders in seconds.
  static func figures() throws -> (temperatures: TemperatureFigure, histogram: HistogramFigure, simplex: SimplexFigure) {
    let temperatureFigure = try TemperatureFigure(probabilities: uniformFive, temperatures: temperatures, sampleCount: 1000,
                                                  exampleCount: 3, key: figureKey)
    let histogram = try HistogramFigure(probabilities: uniformFive, category: 0, temperatures: temperatures,
                                        sampleCount: 4000, binCount: 20, key: figureKey)
    var simplex = try SimplexFigure(probabilities: uniformThree, temperatures: temperatures, sampleCount: 150,
                                    resolution: 72, key: figureKey)
    simplex.idPrefix = "report-simplex"
    return (temperatureFigure, histogram, simplex)
  }

  /// The temperatures and sample count of the estimator figure.
  static let estimatorTemperatures = [0.1, 0.2, 0.5, 1, 2, 5]
  static let estimatorSamples = 1000

  /// The bias and variance of the gradient estimators of the notebook's `f = index²`.
  static func estimatorFigure() throws -> EstimatorFigure {
    try EstimatorFigure(probabilities: uniformFive, temperatures: estimatorTemperatures, sampleCount: estimatorSamples,
                        key: figureKey)
  }

  /// The page.
  static func html(original: NotebookExperiment, partitionable: NotebookExperiment) throws -> String {
    let figures = try figures()
    let estimators = try estimatorFigure()
    let measured = { (kind: EstimatorKind) in estimators.series(kind)?.measurements ?? [] }
    let number = { (x: Double?) in x.map { $0.formatted(digits: 3) } ?? "?" }
    let counts = original.counts == Demo.Notebook.counts ? "identical to the notebook's" : "DIFFERENT from the notebook's"
    let sections = [
      section("goal", "The goal", """
        <p>The notebook's first goal is to code up the Gumbel-softmax distribution, a continuous relaxation \
        of the categorical distribution, and to look at it at different temperatures; its second is to \
        see how gradients flow through it. This page retells it in order with the numbers that \
        <code>gumbel demo</code> prints, computed by swift-gumbel with JAX's original Threefry key \
        scheme (the default when the notebook was written), and the figures drawn by \
        <code>gumbel plot</code>.</p>
        """),
      section("logits", "In [4]: five equally likely classes", """
        <p>The example is a categorical distribution over five classes with probability 1/5 each:</p>
        \(code("logits = log([1/5, 1/5, 1/5, 1/5, 1/5])\n       = \(list(original.logits))"))
        """),
      section("categorical-gradient", "In [5]: sampling a category has no gradient", """
        <p>Drawing a category is a step function of the logits, so its derivative is zero almost \
        everywhere: the gradient of <code>categorical(key, logits)²</code> at <code>PRNGKey(48)</code> is</p>
        \(code(list(original.categoricalGradient)))
        <p>and no learning signal reaches the logits. The Gumbel-softmax replaces the argmax of the \
        Gumbel-max trick, <code>argmax(logits + g)</code>, by a softmax at temperature τ: \
        <code>y = softmax((logits + g) / τ)</code>, a differentiable point of the probability simplex.</p>
        """),
      section("temperatures", "The relaxation at different temperatures", """
        <p>After Figure 1 of Jang, Gu and Poole (2017). The first column is the categorical distribution; \
        each other column a temperature. Top: the mean of 1000 relaxed samples per class, with the class \
        probabilities marked. Bottom: three samples drawn with the same Gumbel noise in every column; in the \
        first column, the one-hot vector that this noise selects. At τ = 0.1 the samples are nearly one-hot \
        and match the categorical draws; at τ = 10 they flatten towards the centre of the simplex, \
        (0.2, 0.2, 0.2, 0.2, 0.2). The expectation is 1/5 for every class at every temperature here, \
        because the classes are exchangeable: the temperature changes the spread, not the mean.</p>
        \(figure(figures.temperatures, caption: "Gumbel-softmax samples of five equally likely classes at τ = 0.1, 0.5, 1 and 10 (seed 0)."))
        """),
      section("histogram", "Where the mass of one coordinate goes", """
        <p>The histogram of the first coordinate y₀ over 4000 samples. For the categorical distribution \
        it is 1 with probability 0.2 and 0 otherwise. As the temperature falls the relaxed coordinate \
        piles up at 0 and 1 in the same proportions (the fraction above 1/2 tends to 0.2); as it rises \
        the coordinate concentrates around 1/5.</p>
        \(figure(figures.histogram, caption: "Histograms of y₀ for five equally likely classes (4000 samples per temperature, seed 0)."))
        """),
      section("simplex", "The density on the simplex", """
        <p>With five classes the relaxed sample lives on a four-dimensional simplex, so this figure takes \
        the same example with three equally likely classes. The colours are the exact Concrete \
        log-density (Maddison, Mnih and Teh, 2017) from <code>GumbelSoftmax.logDensity(of:)</code>, each \
        panel on its own colour scale; the white points are 150 samples. At low temperature the density and \
        the samples crowd into the corners, the one-hot vectors, and along the edges; at τ = 1 the density \
        is still highest towards the corners; at high temperature everything gathers at the centre.</p>
        \(figure(figures.simplex, caption: "The Concrete log-density of three equally likely classes at τ = 0.1, 0.5, 1 and 10, with samples (seed 0)."))
        """),
      section("counts", "In [7]: at a low temperature, the argmax is a categorical draw", """
        <p>The index of the largest coordinate of a relaxed sample at τ = 0.001, over the keys 0 to 999:</p>
        \(table(["", "class 0", "class 1", "class 2", "class 3", "class 4"], [
          ["swift-gumbel"] + original.counts.map(String.init),
          ["the notebook"] + Demo.Notebook.counts.map(String.init),
        ]))
        <p>The counts are \(counts): at a low temperature the relaxed sample is one-hot and its argmax is \
        a fair draw from the categorical distribution.</p>
        """),
      section("straight-through", "In [10] and In [11]: straight-through gradients", """
        <p>The notebook's <code>ArgmaxGumbelSoftmax</code> returns the sampled index in the forward pass \
        and the gradient of the relaxed sample in the backward pass (the straight-through estimator). \
        Its gradients at <code>PRNGKey(48)</code> and τ = 1:</p>
        \(table(["", "d/dlogits", "largest relative difference from the notebook"], [
          ["In [10] index²", list(original.squareGradient), relativeDifference(original.squareGradient, Demo.Notebook.squareGradient)],
          ["In [11] index", list(original.estimatorGradient), relativeDifference(original.estimatorGradient, Demo.Notebook.estimatorGradient)],
        ]))
        <p>A quirk of the notebook's estimator: it returns \
        <code>(y - stop_gradient(y) + stop_gradient(argmax y))[0]</code>, so its value is the sampled index \
        but its gradient is that of y[0], the first softmax coordinate, whatever was sampled. The \
        principled straight-through index, <code>GumbelSoftmax.indexSample</code>, has the same value and \
        the gradient of the soft index Σₖ k·yₖ:</p>
        \(code("d index / d logits = \(list(original.indexGradient))"))
        """),
      section("estimators", "How good are these gradients?", """
        <p>The expectation <code>E[index²]</code> has an exact gradient by enumeration, \
        <code>p_k (k² − E[index²])</code> = \(list(estimators.exactGradient.map(number))) here, so each gradient \
        estimator can be measured against it: the bias is the distance from the mean of \
        \(estimators.sampleCount) single-sample estimates to the exact gradient, the variance the sum over \
        the five logits of the variance of one estimate (both on logarithmic axes; <code>gumbel estimate</code> \
        prints the same numbers at one temperature). REINFORCE, the score function, is unbiased but its \
        variance is large (\(number(measured(.reinforce).first?.variance))); the straight-through estimator \
        has a small variance (\(number(measured(.st).first?.variance))) and a fixed bias \
        (\(number(measured(.st).first?.bias))). The Gumbel-softmax estimators trade one for the other \
        with the temperature: at τ = 0.1 the relaxed sample's variance is \(number(measured(.gs).first?.variance)), \
        and as τ grows it falls while the bias grows, because the relaxed sample drifts away from a \
        one-hot vector. Gumbel-Rao averages the straight-through Gumbel-softmax over \
        \(estimators.conditionalSamples) draws of the noise given the sampled class, which lowers its variance \
        at low temperatures without changing its mean. ReinMax is defined for τ ≥ 1; with equal logits \
        its temperature has no effect (<code>softmax(logits / τ)</code> is uniform for every τ), and its \
        bias is within the noise. A measured bias includes Monte Carlo noise of about \
        √(variance / \(estimators.sampleCount)); hollow markers lie within two such standard errors of zero.</p>
        \(figure(estimators, caption: "Bias and variance of the gradient estimators of E[index²] for five equally likely classes (\(estimators.sampleCount) estimates per point, seed 0)."))
        """),
      section("schemes", "The same experiment with JAX's current key scheme", """
        <p>Since JAX 0.5 the default Threefry scheme is the partitionable one, which draws different random \
        bits from the same key; the notebook's experiment then gives:</p>
        \(table(["", "value"], [
          ["counts", list(partitionable.counts)],
          ["categorical gradient", list(partitionable.categoricalGradient)],
          ["square gradient", list(partitionable.squareGradient)],
          ["estimator gradient", list(partitionable.estimatorGradient)],
          ["index gradient", list(partitionable.indexGradient)],
        ]))
        """),
      section("transcript", "The terminal demo", """
        <details><summary>What <code>gumbel demo</code> prints</summary>
        \(code(Demo.narrate(original: original, partitionable: partitionable)))
        </details>
        """),
    ]
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8"/>
      <meta name="viewport" content="width=device-width, initial-scale=1"/>
      <title>swift-gumbel: the Gumbel-softmax notebook</title>
      <style>\(style)</style>
      </head>
      <body>
      <main>
      <h1>The Gumbel-softmax notebook, in Swift</h1>
      \(sections.joined(separator: "\n"))
      <footer><p>Written by <code>gumbel demo --out DIR</code> (swift-gumbel). References: E. Jang, S. Gu, \
      B. Poole, <em>Categorical Reparameterization with Gumbel-Softmax</em>, ICLR 2017; C. J. Maddison, \
      A. Mnih, Y. W. Teh, <em>The Concrete Distribution</em>, ICLR 2017.</p></footer>
      </main>
      </body>
      </html>

      """
  }

  private static func section(_ id: String, _ heading: String, _ body: String) -> String {
    "<section id=\"\(id)\">\n<h2>\(XMLText.escaped(heading))</h2>\n\(body)\n</section>"
  }

  private static func code(_ text: String) -> String {
    "<pre><code>\(XMLText.escaped(text))</code></pre>"
  }

  private static func figure(_ figure: some Figure, caption: String) -> String {
    "<figure>\n\(figure.document().rendered(standalone: false))\n<figcaption>\(XMLText.escaped(caption))</figcaption>\n</figure>"
  }

  private static func table(_ header: [String], _ rows: [[String]]) -> String {
    let head = "<tr>" + header.map { "<th>\(XMLText.escaped($0))</th>" }.joined() + "</tr>"
    let body = rows.map { "<tr>" + $0.map { "<td>\(XMLText.escaped($0))</td>" }.joined() + "</tr>" }
    return "<table>\n<thead>\(head)</thead>\n<tbody>\n\(body.joined(separator: "\n"))\n</tbody>\n</table>"
  }

  private static func list<T>(_ values: [T]) -> String {
    "[" + values.map { "\($0)" }.joined(separator: ", ") + "]"
  }

  private static func relativeDifference(_ ours: [Float], _ theirs: [Float]) -> String {
    let worst = zip(ours, theirs).map { abs($0 - $1) / abs($1) }.max() ?? 0
    return worst <= 1e-5 ? "\(worst) (matches)" : "\(worst) (DIFFERS)"
  }

  private static let style = """

    body { margin: 0; background: #fafafa; color: #222; font: 16px/1.55 "DejaVu Sans", Verdana, sans-serif; }
    main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
    h1 { font-size: 28px; margin: 8px 0 16px; }
    h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
    p { max-width: 52em; }
    code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
    pre { background: #f3f3f3; padding: 10px 14px; overflow-x: auto; font-size: 14px; }
    table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
    th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
    th { background: #f3f3f3; }
    figure { margin: 16px 0; }
    figure svg { display: block; max-width: 100%; height: auto; }
    figcaption { color: #555; font-size: 14px; margin-top: 4px; }
    footer { margin-top: 40px; color: #555; font-size: 14px; }

    """
}
