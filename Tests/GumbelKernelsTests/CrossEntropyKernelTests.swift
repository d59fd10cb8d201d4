import Foundation
import GumbelKernels
import RealModule
import Testing
import _GumbelTestSupport

/// The vector `log1p` and the sigmoid cross-entropy with its pullback, against `Double`.
@Suite struct CrossEntropyKernelTests {
  static func crossEntropy(_ x: [Float], _ labels: [Float]) -> [Float] {
    var out = [Float](repeating: .nan, count: x.count)
    Kernels.sigmoidCrossEntropy(logits: x, labels: labels, count: x.count, into: &out)
    return out
  }

  static func pullback(_ x: [Float], _ labels: [Float], _ v: [Float]) -> [Float] {
    var out = [Float](repeating: .nan, count: x.count)
    Kernels.sigmoidCrossEntropyPullback(logits: x, labels: labels, upstream: v, count: x.count, into: &out)
    return out
  }

  /// `softplus(x) = log(1 + e^x)` in `Double`.
  static func softplus(_ x: Double) -> Double { max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x))) }

  /// The logits of the sweep: every 1/1024 from -100 to 100 (exact floats), ±0, and huge values.
  static let sweep: [Float] = {
    let dense: [Float] = (-102_400...102_400).map { Float($0) / 1024 }
    let edges: [Float] = [0, -0, 1e30, -1e30, Float.greatestFiniteMagnitude, -Float.greatestFiniteMagnitude]
    return dense + edges
  }()

  @Test func logOnePlusIsWithinOneAndAHalfUlpsOnTheUnitInterval() {
    var worst = 0.0
    var u: [Float] = (0...100_000).map { Float($0) / 100_000 }
    let powersOfTwo: [Float] = (1...149).map { Float(sign: .plus, exponent: -$0, significand: 1) }
    u += powersOfTwo
    u += [Float.leastNonzeroMagnitude, Float.leastNormalMagnitude, Float(1).nextDown]
    for start in stride(from: 0, to: u.count, by: 8) {
      var lanes = SIMD8<Float>()
      for lane in 0..<8 { lanes[lane] = u[min(start + lane, u.count - 1)] }
      let y = VectorMath.logOnePlus(unit: lanes)
      for lane in 0..<8 {
        let exact = Foundation.log1p(Double(lanes[lane]))
        let error = exact == 0 ? Double(abs(y[lane])) : abs(Double(y[lane]) - exact) / Double(Float(exact).ulp)
        worst = max(worst, error)
      }
    }
    #expect(worst <= 1.5, "worst error \(worst) ulps")
    #expect(VectorMath.logOnePlus(unit: SIMD8(repeating: .nan))[0].isNaN)
  }

  /// With label 0 the loss is `softplus(x)`, positive, and measured in ulps; with label 1 it is
  /// `softplus(x) - x`, whose rounding error is that of a difference: measured in ulps of the
  /// larger of `softplus(x)` and `|x|` (as for the scalar formula; for large `x` the exact result
  /// `softplus(-x)` is below that ulp).
  @Test func crossEntropyAgreesWithDoubleOverTheSweep() {
    let x = Self.sweep
    var worstZero = 0.0, worstOne = 0.0, worstScalar = 0.0
    let zero = Self.crossEntropy(x, [Float](repeating: 0, count: x.count))
    let one = Self.crossEntropy(x, [Float](repeating: 1, count: x.count))
    for i in x.indices {
      let xi = Double(x[i])
      let sp = Self.softplus(xi)
      worstZero = max(worstZero, abs(Double(zero[i]) - sp) / Double(Float(sp).ulp))
      let scale = Double(Float(max(sp, abs(xi))).ulp)
      worstOne = max(worstOne, abs(Double(one[i]) - Self.softplus(-xi)) / scale)
      let scalar = Swift.max(x[i], 0) + Float.log(onePlus: Float.exp(-abs(x[i]))) - x[i]
      worstScalar = max(worstScalar, abs(Double(scalar) - Self.softplus(-xi)) / scale)
    }
    #expect(worstZero <= 2, "label 0: worst error \(worstZero) ulps")
    #expect(worstOne <= 2.5, "label 1: worst error \(worstOne) ulps of max(softplus(x), |x|) (scalar formula: \(worstScalar))")
    #expect(zero[x.count - 6] == Float(Self.softplus(0)) && zero[x.count - 5] == Float(Self.softplus(0)))
  }

  /// Non-finite logits give what the scalar formula `max(x, 0) + log1p(e^-|x|) - y x` gives.
  @Test func nonFiniteLogitsFollowTheScalarFormula() {
    let x: [Float] = [.nan, -.nan, .infinity, -.infinity, .nan, .infinity, -.infinity, 1, 0]
    let labels: [Float] = [0, 1, 0, 1, 0.5, 1, 0, .nan, .infinity]
    let out = Self.crossEntropy(x, labels)
    for i in x.indices {
      let scalar = Swift.max(x[i], 0) + Float.log(onePlus: Float.exp(-abs(x[i]))) - labels[i] * x[i]
      #expect(out[i].isNaN == scalar.isNaN && (scalar.isNaN || out[i] == scalar), "x \(x[i]), label \(labels[i]): \(out[i]) vs \(scalar)")
    }
    let v = [Float](repeating: 1, count: x.count)
    let g = Self.pullback(x, labels, v)
    let expected: [Float] = [.nan, .nan, 1, -1, .nan, 0, 0, .nan, -.infinity]
    for i in x.indices { #expect(g[i].isNaN == expected[i].isNaN && (expected[i].isNaN || g[i] == expected[i]), "\(i): \(g[i])") }
  }

  /// The pullback `v (sigmoid(x) - y)` against central finite differences of the `Double`
  /// loss, with a random upstream tangent; and against `Double`'s sigmoid, within 4 ulps of
  /// `|v|` (the difference `sigmoid(x) - y` cancels, so its error is relative to 1, not to it).
  @Test func pullbackAgreesWithFiniteDifferences() {
    var generator = SplitMix64(seed: 17)
    let x: [Float] = (0..<1001).map { _ in Float(Double.random(in: -30...30, using: &generator)) }
    let labels: [Float] = (0..<x.count).map { _ in Double.random(in: 0...1, using: &generator) < 0.5 ? 0 : 1 }
    let v: [Float] = (0..<x.count).map { _ in Float(Double.random(in: -2...2, using: &generator)) }
    let g = Self.pullback(x, labels, v)
    let h = 1e-5
    for i in x.indices {
      let (xi, yi, vi) = (Double(x[i]), Double(labels[i]), Double(v[i]))
      let loss = { (x: Double) in Self.softplus(x) - yi * x }
      let numeric = vi * (loss(xi + h) - loss(xi - h)) / (2 * h)
      #expect(abs(Double(g[i]) - numeric) <= 1e-6 * max(1, abs(numeric)), "x \(x[i]): \(g[i]) vs \(numeric)")
      let exact = vi * (1 / (1 + Foundation.exp(-xi)) - yi)
      #expect(abs(Double(g[i]) - exact) <= 4 * Double(abs(v[i]).ulp), "x \(x[i]): \(g[i]) vs \(exact)")
    }
  }

  /// An element's value does not depend on where it sits (the last partial group of lanes).
  @Test func valuesDoNotDependOnPosition() {
    let x: [Float] = (0..<19).map { Float($0) * 1.37 - 12 }
    let labels: [Float] = x.indices.map { Float($0 % 2) }
    let all = Self.crossEntropy(x, labels)
    for n in 1...x.count {
      #expect(Self.crossEntropy(Array(x.suffix(n)), Array(labels.suffix(n))) == Array(all.suffix(n)))
    }
  }
}

/// The C cross-entropy against the Swift one: the same bits on every input, so a model's loss
/// and its bound do not depend on the processor. (The Swift form is held to the formula in
/// `Double` above.)
@Suite(.enabled(if: KernelPath.usesC, "this processor runs the Swift kernels only"))
struct SigmoidCrossEntropyCFormTests {
  static func run(_ x: [Float], _ labels: [Float], inC: Bool) -> [Float] {
    var out = [Float](repeating: 12345, count: x.count + 1)
    out.withUnsafeMutableBufferPointer { out in
      if inC {
        Kernels.sigmoidCrossEntropyInC(logits: x, labels: labels, count: x.count, into: out.baseAddress!)
      } else {
        Kernels.sigmoidCrossEntropyInSwift(logits: x, labels: labels, count: x.count, into: out.baseAddress!)
      }
    }
    return out
  }

  /// The sweep of logits, random bit patterns and the non-finite values, each with labels 0,
  /// 1 and a fraction: every element with the Swift form's bits (NaN with NaN).
  @Test func crossEntropyHasTheSwiftFormsBits() {
    var generator = SplitMix64(seed: 30)
    var x = CrossEntropyKernelTests.sweep + [.infinity, -.infinity, .nan, -.nan, .leastNonzeroMagnitude, -.leastNormalMagnitude]
    x += (0..<20_000).map { _ in Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &generator)) }
    for label: Float in [0, 1, 0.3] {
      let labels = [Float](repeating: label, count: x.count)
      let c = Self.run(x, labels, inC: true), swift = Self.run(x, labels, inC: false)
      let mismatches = x.indices.filter { c[$0].bitPattern != swift[$0].bitPattern && !(c[$0].isNaN && swift[$0].isNaN) }
      #expect(mismatches.isEmpty, "label \(label): \(mismatches.prefix(5).map { (x[$0], c[$0], swift[$0]) })")
    }
  }

  /// Every length to 40 (full groups of sixteen and partial ones): nothing past `count` is
  /// written, and each element has the Swift form's bits.
  @Test func crossEntropyWritesExactlyCountElements() {
    for count in 0...40 {
      let x = (0..<count).map { Float($0) / 3 - 6 }, labels = (0..<count).map { Float($0 % 2) }
      let c = Self.run(x, labels, inC: true), swift = Self.run(x, labels, inC: false)
      #expect(c.map(\.bitPattern) == swift.map(\.bitPattern), "count \(count)")
      #expect(c[count] == 12345, "count \(count) wrote past the end")
    }
  }
}
