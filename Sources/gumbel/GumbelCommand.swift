import ArgumentParser
import Foundation
import GumbelKit

/// The `gumbel` command-line tool.
@main
struct GumbelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gumbel",
    abstract: "Differentiable sampling of discrete variables: JAX-compatible keys, Gumbel-softmax, straight-through.",
    subcommands: [Demo.self, Random.self, Sample.self, LogProb.self, Plot.self, TrainVAE.self])

  /// Runs the tool; every error becomes one line on standard error and a non-zero exit.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as CleanExit {
      exit(withError: error)
    } catch let error as ExitCode {
      exit(withError: error)
    } catch {
      let message = switch error {
      case let error as CLIError: error.description
      case let error as DistributionError: error.description
      case let error as RandomError: error.description
      case let error as PlotError: error.description
      default: GumbelCommand.message(for: error)
      }
      let firstLine = message.split(separator: "\n").first.map(String.init) ?? "\(error)"
      FileHandle.standardError.write(Data("gumbel: error: \(firstLine)\n".utf8))
      Foundation.exit(error is CLIError || error is DistributionError || error is RandomError || error is PlotError ? 1 : GumbelCommand.exitCode(for: error).rawValue)
    }
  }
}

/// An error of the command line itself, such as an option that does not fit another.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
