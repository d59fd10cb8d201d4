import ArgumentParser
import Foundation
import GumbelKit

/// The `gumbel` command-line tool.
@main
struct GumbelCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gumbel",
    abstract: "Differentiable sampling of discrete variables: JAX-compatible keys, Gumbel-softmax, straight-through.",
    subcommands: [Demo.self, Random.self, Sample.self, LogProb.self, Estimate.self, OptimizeToy.self, Plot.self, TrainVAE.self, VAEGradient.self, DataCheck.self, Bench.self])

  /// Runs the tool; every error becomes one line on standard error and a non-zero exit.
  static func main() {
    AllocatorTuning.keepFreedMemoryForReuse()
    // A file-size limit (`ulimit -f`) makes a write fail with EFBIG, reported in one line like a
    // full disk, instead of killing the process.
    signal(SIGXFSZ, SIG_IGN)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      // --help and --version, or an explicit exit code: as ArgumentParser prints them.
      if code == .success || error is ExitCode { exit(withError: error) }
      // Command-line mistakes get ArgumentParser's message; the library's typed errors and
      // CLIError describe themselves in one line.
      let message = code == .validationFailure ? GumbelCommand.message(for: error) : String(describing: error)
      let firstLine = message.split(separator: "\n").first.map(String.init) ?? "unknown error"
      FileHandle.standardError.write(Data("gumbel: error: \(firstLine)\n".utf8))
      Foundation.exit(code.rawValue)
    }
  }
}

/// An error of the command line itself, such as an option that does not fit another.
struct CLIError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
