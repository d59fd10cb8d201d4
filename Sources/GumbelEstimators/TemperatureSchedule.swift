import RealModule

/// A temperature as a function of the training step.
public protocol TemperatureSchedule<Scalar> {
  associatedtype Scalar: BinaryFloatingPoint
  /// The temperature at `step` (0 for the first step).
  func temperature(atStep step: Int) -> Scalar
}

/// The same temperature at every step.
public struct ConstantTemperature<Scalar: BinaryFloatingPoint>: TemperatureSchedule {
  public let value: Scalar
  public init(_ value: Scalar) { self.value = value }
  public func temperature(atStep step: Int) -> Scalar { value }
}

/// Exponential annealing, held between updates, as in Jang, Gu & Poole (2017), section 4.1:
///
///     tau = max(minimum, initial * exp(-rate * t)),   t = step rounded down to a multiple of interval
///
/// Their MNIST experiments use `initial = 1, minimum = 0.5, rate = 1e-5` (and larger rates) with
/// updates every `interval = 1000` steps; the discrete VAE updates every step by default (`--temperature-interval`).
public struct ExponentialAnnealing<Scalar: BinaryFloatingPoint & ElementaryFunctions>: TemperatureSchedule, Equatable {
  public let initial: Scalar
  public let minimum: Scalar
  public let rate: Scalar
  public let interval: Int

  /// A schedule; `initial` and `minimum` must be positive, `rate` non-negative, `interval` at least 1.
  public init(initial: Scalar = 1, minimum: Scalar, rate: Scalar, interval: Int = 1) {
    precondition(initial > 0 && minimum > 0 && rate >= 0 && interval >= 1, "invalid annealing schedule")
    self.initial = initial
    self.minimum = minimum
    self.rate = rate
    self.interval = interval
  }

  public func temperature(atStep step: Int) -> Scalar {
    let t = Scalar(Swift.max(step, 0) / interval * interval)
    return Swift.max(minimum, initial * Scalar.exp(-rate * t))
  }
}

/// A schedule given by a closure, such as a cosine or a warm-up.
public struct CustomTemperature<Scalar: BinaryFloatingPoint>: TemperatureSchedule {
  public let schedule: @Sendable (Int) -> Scalar
  public init(_ schedule: @escaping @Sendable (Int) -> Scalar) { self.schedule = schedule }
  public func temperature(atStep step: Int) -> Scalar { schedule(step) }
}
