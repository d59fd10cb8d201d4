// The umbrella module: `import GumbelKit` brings in the whole library.
@_exported import GumbelData
@_exported import GumbelDistributions
@_exported import GumbelEstimators
@_exported import GumbelKernels
@_exported import GumbelNN
@_exported import GumbelPlot
@_exported import GumbelRandom
@_exported import GumbelTensor
