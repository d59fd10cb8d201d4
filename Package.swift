// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "swift-gumbel",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "GumbelKit", targets: ["GumbelKit"]),
    .library(name: "GumbelRandom", targets: ["GumbelRandom"]),
    .executable(name: "gumbel", targets: ["gumbel"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
  ],
  targets: [
    // Keys: JAX's Threefry-2x32 PRNG and its samplers. No autodiff here.
    .target(
      name: "GumbelRandom",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
    // The small differentiable array and the derivatives of its primitives.
    .target(
      name: "GumbelTensor",
      dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
    // Gumbel, Categorical and GumbelSoftmax (Concrete) distributions.
    .target(
      name: "GumbelDistributions",
      dependencies: ["GumbelRandom", "GumbelTensor"]),
    // Gradient estimators for discrete variables.
    .target(
      name: "GumbelEstimators",
      dependencies: ["GumbelRandom", "GumbelTensor", "GumbelDistributions"]),
    // Haiku-style layers.
    .target(
      name: "GumbelNN",
      dependencies: ["GumbelRandom", "GumbelTensor", "GumbelDistributions"]),
    // Umbrella module: re-exports the above.
    .target(
      name: "GumbelKit",
      dependencies: ["GumbelRandom", "GumbelTensor", "GumbelDistributions", "GumbelEstimators", "GumbelNN"]),
    // The command-line tool.
    .executableTarget(
      name: "gumbel",
      dependencies: [
        "GumbelKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    .target(
      name: "_GumbelTestSupport",
      dependencies: ["GumbelTensor"],
      path: "Tests/_GumbelTestSupport"),
    .testTarget(
      name: "GumbelRandomTests",
      dependencies: ["GumbelRandom", "_GumbelTestSupport"],
      exclude: ["make_jax_vectors.py", "notebook_check.py"]),
    .testTarget(
      name: "GumbelTensorTests",
      dependencies: ["GumbelTensor", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")]),
    .testTarget(
      name: "GumbelDistributionsTests",
      dependencies: ["GumbelDistributions", "GumbelRandom", "GumbelTensor", "GumbelNN", "GumbelKit", "_GumbelTestSupport", .product(name: "RealModule", package: "swift-numerics")],
      exclude: ["make_oracle_vectors.py"]),
    .testTarget(
      name: "GumbelCLITests",
      dependencies: ["gumbel"]),
  ]
)
