// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "swift-gumbel",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "GumbelKit", targets: ["GumbelKit"]),
    .library(name: "GumbelRandom", targets: ["GumbelRandom"]),
    .library(name: "GumbelExperiments", targets: ["GumbelExperiments"]),
    .executable(name: "gumbel", targets: ["gumbel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    // `swift package generate-documentation --target GumbelKit` (the docs; no library depends on it).
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
  ],
  targets: [
    // The C forms of the hottest kernels, for AVX2 and AVX-512F, chosen at run time (same bits
    // as the Swift forms).
    .target(name: "CGumbelKernels"),
    // Every kernel (package access): Threefry, the Gumbel transform, exp/log, softmax rows and
    // pullbacks, argmax, sums, the matrix product; the run-time path choice; the row-parallel loop.
    .target(
      name: "GumbelKernels",
      dependencies: ["CGumbelKernels", .product(name: "RealModule", package: "swift-numerics")]),
    // Keys: JAX's Threefry-2x32 PRNG and its samplers. No autodiff here.
    .target(
      name: "GumbelRandom",
      dependencies: ["GumbelKernels", .product(name: "RealModule", package: "swift-numerics")]),
    // The small differentiable array and the derivatives of its primitives.
    .target(
      name: "GumbelTensor",
      dependencies: ["GumbelKernels", .product(name: "RealModule", package: "swift-numerics")]),
    // Gumbel, Categorical and GumbelSoftmax (Concrete) distributions.
    .target(
      name: "GumbelDistributions",
      dependencies: ["GumbelKernels", "GumbelRandom", "GumbelTensor", .product(name: "RealModule", package: "swift-numerics")]),
    // Gradient estimators for discrete variables.
    .target(
      name: "GumbelEstimators",
      dependencies: ["GumbelKernels", "GumbelRandom", "GumbelTensor", "GumbelDistributions", .product(name: "RealModule", package: "swift-numerics")]),
    // Haiku-style layers and optimisers.
    .target(
      name: "GumbelNN",
      dependencies: ["GumbelKernels", "GumbelRandom", "GumbelTensor", "GumbelDistributions", "GumbelEstimators"]),
    // zlib, the system library (Swift on Linux already needs zlib1g-dev; Apple's SDKs ship it).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    // Data sets: streaming MNIST CSV and IDX readers, gzip through zlib.
    .target(name: "GumbelData", dependencies: ["CZlib"]),
    // SVG figures of the distributions: a small renderer and the notebook's plots.
    .target(
      name: "GumbelPlot",
      dependencies: ["GumbelDistributions", "GumbelEstimators", "GumbelRandom", "GumbelTensor"]),
    // The experiments: the discrete VAE, its trainer and checkpoints, the toy problem, the notebook.
    .target(
      name: "GumbelExperiments",
      dependencies: ["GumbelNN", "GumbelEstimators", "GumbelDistributions", "GumbelRandom", "GumbelTensor", "GumbelData", "GumbelPlot",
                     .product(name: "RealModule", package: "swift-numerics")]),
    // Umbrella module: re-exports the public modules (of GumbelKernels, only `Parallelism`).
    .target(
      name: "GumbelKit",
      dependencies: ["GumbelKernels", "GumbelRandom", "GumbelTensor", "GumbelDistributions", "GumbelEstimators", "GumbelNN", "GumbelData", "GumbelPlot"]),
    // The command-line tool.
    .executableTarget(
      name: "gumbel",
      dependencies: [
        "GumbelKit",
        "GumbelExperiments",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .target(
      name: "_GumbelTestSupport",
      dependencies: ["GumbelTensor", "CZlib"],
      path: "Tests/_GumbelTestSupport"),
    .testTarget(
      name: "GumbelKernelsTests",
      dependencies: ["GumbelKernels", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")]),
    .testTarget(
      name: "GumbelRandomTests",
      dependencies: ["GumbelRandom", "GumbelKernels", "_GumbelTestSupport"],
      exclude: ["make_jax_vectors.py", "notebook_check.py"]),
    .testTarget(
      name: "GumbelTensorTests",
      dependencies: ["GumbelTensor", "GumbelKernels", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")]),
    .testTarget(
      name: "GumbelDistributionsTests",
      dependencies: ["GumbelDistributions", "GumbelKernels", "GumbelRandom", "GumbelTensor", "GumbelKit", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")],
      exclude: ["make_oracle_vectors.py"]),
    .testTarget(
      name: "GumbelNNTests",
      dependencies: ["GumbelNN", "GumbelEstimators", "GumbelDistributions", "GumbelRandom", "GumbelTensor", "_GumbelTestSupport"]),
    .testTarget(
      name: "GumbelExperimentsTests",
      dependencies: ["GumbelExperiments", "GumbelNN", "GumbelEstimators", "GumbelDistributions", "GumbelRandom", "GumbelTensor",
                     "GumbelPlot", "_GumbelTestSupport"],
      exclude: ["make_binarization_vectors.py"]),
    .testTarget(
      name: "GumbelDataTests",
      dependencies: ["GumbelData", "CZlib", "_GumbelTestSupport"]),
    .testTarget(
      name: "GumbelEstimatorsTests",
      dependencies: ["GumbelEstimators", "GumbelDistributions", "GumbelRandom", "GumbelTensor", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")],
      exclude: ["make_estimator_means.py"]),
    // Invariants over a million generated hostile inputs (in release builds).
    .testTarget(
      name: "GumbelPropertyTests",
      dependencies: ["GumbelEstimators", "GumbelDistributions", "GumbelRandom", "GumbelTensor", "_GumbelTestSupport",
                     .product(name: "RealModule", package: "swift-numerics")]),
    .testTarget(
      name: "GumbelCLITests",
      dependencies: ["gumbel", "GumbelKernels", "GumbelExperiments", "GumbelPlot", "GumbelRandom", "_GumbelTestSupport"]),
    .testTarget(
      name: "GumbelPlotTests",
      dependencies: ["GumbelPlot", "GumbelDistributions", "GumbelEstimators", "GumbelRandom", "GumbelExperiments", "_GumbelTestSupport"],
      exclude: ["Snapshots"]),
  ]
)

// libFuzzer targets for the readers of untrusted files, only when GUMBEL_FUZZ is set: a
// development tool, not part of `swift test` or CI (`Fuzz/run.sh` builds and runs them).
if Context.environment["GUMBEL_FUZZ"] != nil {
  package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Targets/FuzzSupport"))
  for name in ["FuzzGzip", "FuzzCSV", "FuzzIDX", "FuzzCheckpoint"] {
    package.targets.append(.executableTarget(
      name: name, dependencies: ["FuzzSupport", "GumbelKit", "GumbelExperiments"], path: "Fuzz/Targets/\(name)"))
  }
}
