import GumbelKernels
import Testing
import _GumbelTestSupport

/// End to end, the C kernels the processor chooses, the Swift kernels (`GUMBEL_DISABLE_AVX2=1`)
/// and, on processors with AVX-512, the AVX2 forms (`GUMBEL_DISABLE_AVX512=1`) print the same
/// noise, samples and gradients, character for character: in both Threefry schemes, at sizes
/// that end in partial vector groups, for soft and hard samples with their gradients.
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct KernelChoiceTests {
  @Test(arguments: [
    ["random", "gumbel", "--seed", "3", "--shape", "70001", "--scheme", "partitionable", "--format", "json"],
    ["random", "gumbel", "--seed", "3", "--shape", "70001", "--scheme", "original", "--format", "json"],
    ["random", "gumbel", "--seed", "5", "--shape", "3,17", "--format", "json"],
    ["sample", "--logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1", "--temperature", "0.4", "--count", "3000",
     "--grad-weights=1,2,3,4,5,6,7,8,9,10,11", "--format", "json"],
    ["sample", "--logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1", "--temperature", "0.7", "--count", "3000",
     "--grad-weights=1,2,3,4,5,6,7,8,9,10,11", "--hard", "--format", "json"],
    ["sample", "--logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1,4,5,6,7,8,9,1,2", "--temperature", "0.7", "--count", "3000",
     "--format", "json"],
    // Powers of two as temperatures: the C kernels multiply by their reciprocals.
    ["sample", "--logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1", "--temperature", "0.5", "--count", "3000",
     "--grad-weights=1,2,3,4,5,6,7,8,9,10,11", "--hard", "--format", "json"],
    ["sample", "--logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1,4,5,6,7,8,9,1,2", "--temperature", "0.25", "--count", "3000",
     "--grad-weights=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19", "--format", "json"],
    // Rows of 100 categories: long enough for the per-row AVX2 kernels too.
    ["sample", "--logits=" + (0..<100).map { "\(Double($0 % 17) / 4 - 2)" }.joined(separator: ","), "--temperature", "0.6",
     "--count", "300", "--grad-weights=" + (0..<100).map { "\($0 % 7)" }.joined(separator: ","), "--hard", "--format", "json"],
  ])
  func everyKernelChoicePrintsTheSameOutput(arguments: [String]) throws {
    let chosen = try runGumbel(arguments)
    let swift = try runGumbel(arguments, environment: ["GUMBEL_DISABLE_AVX2": "1"])
    #expect(chosen.status == 0 && swift.status == 0, "\(chosen.stderr) \(swift.stderr)")
    #expect(chosen.stdout.count > 500)
    #expect(chosen.stdout == swift.stdout)
    if KernelPath.usesAVX512 {
      // The AVX2 forms of the element-by-element kernels, which this processor would not choose.
      let avx2 = try runGumbel(arguments, environment: ["GUMBEL_DISABLE_AVX512": "1"])
      #expect(avx2.status == 0, "\(avx2.stderr)")
      #expect(avx2.stdout == swift.stdout)
    }
  }
}
