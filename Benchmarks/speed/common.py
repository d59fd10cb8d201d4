"""Helpers shared by the benchmark scripts (`compare.py`, `matmul_compare.py`, `../vae/compare.py`):
the machine's description, number formatting and the median time of one call."""
import datetime
import os
import platform
import statistics
import time

TARGET_NS = 75e6  # length of one timed repetition when the number of calls is not given


def cpu():
    """The CPU model (`model name` of /proc/cpuinfo) and its widest vector extension for float
    kernels: "AVX-512F", "AVX2+FMA", "AVX2" or None (not Linux, or none of these)."""
    model, flags = platform.processor(), set()
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.readlines()
        model = next((l.split(":", 1)[1].strip() for l in lines if l.startswith("model name")), model)
        flags = set(next((l.split(":", 1)[1].split() for l in lines if l.startswith("flags")), []))
    except OSError:
        pass
    vector = ("AVX-512F" if "avx512f" in flags else "AVX2+FMA" if {"avx2", "fma"} <= flags
              else "AVX2" if "avx2" in flags else None)
    return model or platform.machine(), vector


def machine():
    """One line: the CPU model and vector extension, the logical CPUs and the system."""
    model, vector = cpu()
    return model + (f" ({vector})" if vector else "") + f", {os.cpu_count()} logical CPUs, {platform.system()}"


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def fmt(x):
    """Three significant digits, without exponents."""
    if x is None:
        return "—"
    return f"{x:.0f}" if x >= 100 else f"{x:.3g}"


def median_ns_per_call(call, iterations, repetitions, target_ns=TARGET_NS, warm_up_ns=0):
    """Warm up (3 calls, then more until `warm_up_ns` have passed), then the median over
    `repetitions` of the mean time of one call, in ns, each repetition `iterations` calls
    (default: enough for about `target_ns`)."""
    counter = 0

    def run(calls):
        nonlocal counter
        start = time.perf_counter_ns()
        for _ in range(calls):
            call(counter)
            counter += 1
        return time.perf_counter_ns() - start

    run(3)  # compiles the JAX function, allocates PyTorch's buffers
    calls, elapsed = 1, run(1)
    while elapsed < 10e6 and iterations is None:  # estimate the time of one call
        calls *= 2
        elapsed = run(calls)
    n = iterations or max(1, round(target_ns * calls / max(elapsed, 1)))
    warmed_up = elapsed
    while warmed_up < warm_up_ns:
        warmed_up += run(max(1, n // 10))
    return statistics.median(run(n) / n for _ in range(repetitions))
