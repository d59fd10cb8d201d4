import GumbelEstimators
import RealModule
import Testing

@Suite struct TemperatureScheduleTests {
  @Test func schedules() {
    #expect(ConstantTemperature(0.7).temperature(atStep: 12345) == 0.7)
    // The categorical VAE's schedule: max(0.5, exp(-3e-4 * step)), updated every step.
    let vae = ExponentialAnnealing<Double>(minimum: 0.5, rate: 3e-4)
    #expect(vae.temperature(atStep: 0) == 1)
    #expect(abs(vae.temperature(atStep: 1000) - Double.exp(-0.3)) < 1e-15)
    #expect(vae.temperature(atStep: 10_000) == 0.5)
    // Held between updates every 1000 steps.
    let stepped = ExponentialAnnealing<Double>(initial: 2, minimum: 0.1, rate: 1e-3, interval: 1000)
    #expect(stepped.temperature(atStep: 999) == 2)
    #expect(stepped.temperature(atStep: 1000) == stepped.temperature(atStep: 1999))
    #expect(abs(stepped.temperature(atStep: 1500) - 2 * Double.exp(-1)) < 1e-15)
    let custom = CustomTemperature<Float> { step in step < 10 ? 5 : 1 }
    #expect(custom.temperature(atStep: 3) == 5 && custom.temperature(atStep: 10) == 1)
  }
}
