// The umbrella module: `import GumbelKit` brings in the public modules. Of the kernel layer
// (GumbelKernels, package access), only the thread-count setting `Parallelism` is public.
@_exported import GumbelData
@_exported import GumbelDistributions
@_exported import GumbelEstimators
@_exported import enum GumbelKernels.Parallelism
@_exported import GumbelNN
@_exported import GumbelPlot
@_exported import GumbelRandom
@_exported import GumbelTensor
