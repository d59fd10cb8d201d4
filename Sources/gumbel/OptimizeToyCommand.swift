import ArgumentParser
import GumbelExperiments
import GumbelKit

/// `gumbel optimize-toy`: the quadratic programming benchmark of the ReinMax paper.
struct OptimizeToy: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "optimize-toy",
    abstract: "Minimise E[mean_i (z_i - 0.45)^2] over 128 binary variables with a gradient estimator and Adam (ReinMax paper, section 6.1).",
    discussion: """
      Logits [128, 2] start at 0; each step draws 64 independent samples of all 128 variables and \
      takes one Adam step (learning rate 1e-3, b1 0.9, b2 0.999, eps 1e-8). Reports the exact loss, \
      mean_i [p_i1 (1 - 0.45)^2 + p_i0 0.45^2], whose optimum is 0.45^2 = 0.2025.
      """)

  @Option(help: "The gradient estimator: \(EstimatorKind.nameList).", transform: EstimatorKind.parse)
  var estimator: EstimatorKind
  @Option(parsing: .unconditional, help: "Adam steps.")
  var steps: Int = 1000
  @Option(help: "The seed of the key; step t draws from key.fold(in: t).")
  var seed: Int64 = 0
  @Option(parsing: .unconditional, help: "The temperature of the relaxed estimators (at least 1 for reinmax).")
  var temperature: Float = 1
  @Option(parsing: .unconditional, help: "Draws of each sample for rloo, at least 2 (each step then draws 64 x this many).")
  var draws: Int = 4
  @Option(help: "text or json.")
  var format: OutputFormat = .text

  static let maxSteps = 1_000_000

  func run() throws {
    guard (0...Self.maxSteps).contains(steps) else { throw CLIError("--steps must be between 0 and \(Self.maxSteps), not \(steps)") }
    guard (2...Estimator<Float>.maximumDraws).contains(draws) else {
      throw CLIError("--draws must be between 2 and \(Estimator<Float>.maximumDraws), not \(draws)")
    }
    let estimator = try Estimator<Float>(estimator, temperature: temperature, draws: draws)
    let problem = ToyProblem()
    let run = problem.optimize(estimator: estimator, steps: steps, key: PRNGKey(seed: seed), recordEvery: max(1, steps / 10))
    print(format == .json ? json(run, problem: problem) : text(run, problem: problem))
  }

  func json(_ run: ToyProblem.Run, problem: ToyProblem) -> String {
    JSONText.object([
      "estimator": JSONText.string(run.estimator.rawValue),
      "steps": JSONText.number(run.steps),
      "finalLoss": JSONText.number(run.finalLoss),
      "optimum": JSONText.number(problem.optimum),
      "initialLoss": JSONText.number(run.curve.first?.loss ?? .nan),
      "temperature": JSONText.number(temperature),
      "seed": JSONText.number(seed),
      "curve": JSONText.array(run.curve.map { JSONText.object(["step": JSONText.number($0.step), "loss": JSONText.number($0.loss)]) }),
    ])
  }

  func text(_ run: ToyProblem.Run, problem: ToyProblem) -> String {
    var lines = [
      "ReinMax paper, section 6.1: \(problem.variables) binary variables, E[mean_i (z_i - \(problem.target))^2], "
        + "\(problem.batchSize) samples per step, Adam (learning rate \(problem.learningRate))",
      "estimator \(run.estimator.rawValue)" + (run.estimator.usesTemperature ? ", temperature \(temperature)" : "") + ", seed \(seed), \(run.steps) steps",
      "step      exact loss",
    ]
    for point in run.curve {
      lines.append(String(point.step).padded(9) + " " + point.loss.formatted(digits: 6))
    }
    let gap = (run.finalLoss - problem.optimum).formatted(digits: 3)
    lines.append("final exact loss \(run.finalLoss.formatted(digits: 6)) (optimum \(problem.optimum), gap \(gap))")
    return lines.joined(separator: "\n")
  }
}
