#!/usr/bin/env python3
"""The roofline of this machine for the VAE's training step: what bounds its speed.

Measures the peak single-precision rate with fused multiply-adds (peak_flops.c, built here with
clang) on 1 and 2 threads and the memory bandwidth (numpy copies of 256 MB), then prints, for
each matrix product of a training step (batch 100, layers 784-512-256-300-256-512-784) its
arithmetic intensity and its roofline bound, min(peak, intensity x bandwidth) (Williams,
Waterman & Patterson, "Roofline: An Insightful Visual Performance Model", CACM 2009), and the
least time a step and an epoch of 60,000 images can take on this machine at peak.

    python3 Benchmarks/roofline/roofline.py [--rounds 5] [--json OUT]
"""
import argparse, json, os, platform, subprocess, tempfile, time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
BATCH, LAYERS = 100, [784, 512, 256, 300, 256, 512, 784]


def cpu():
    model, flags = platform.processor(), set()
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    extension = "avx512f" if "avx512f" in flags else "avx2+fma" if {"avx2", "fma"} <= flags else "sse2"
    return model, extension


def peak(binary, threads, wide, rounds):
    best = 0.0
    for _ in range(rounds):
        out = subprocess.run([binary, str(threads), "avx512" if wide else "avx2"], capture_output=True, text=True, check=True)
        best = max(best, json.loads(out.stdout)["gflops"])
    return best


def bandwidth(rounds):
    """GB/s of a copy of 256 MB (read and write counted)."""
    a = np.ones(64 << 20, dtype=np.float32)
    b = np.empty_like(a)
    best = 0.0
    for _ in range(rounds):
        t = time.perf_counter()
        np.copyto(b, a)
        best = max(best, 2 * a.nbytes / (time.perf_counter() - t) / 1e9)
    return best


def step_products():
    """(name, m, k, n) of every product of one training step (the encoder's first layer has no
    input gradient: its input is data)."""
    products = []
    for layer, (fan_in, fan_out) in enumerate(zip(LAYERS, LAYERS[1:])):
        products.append((f"forward {fan_in}->{fan_out}", BATCH, fan_in, fan_out))
        products.append((f"d weight x^T v {fan_in}->{fan_out}", fan_in, BATCH, fan_out))
        if layer > 0:
            products.append((f"d input v W^T {fan_in}->{fan_out}", BATCH, fan_out, fan_in))
    return products


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    model, extension = cpu()
    with tempfile.TemporaryDirectory() as tmp:
        binary = os.path.join(tmp, "peak_flops")
        subprocess.run(["clang", "-O2", "-pthread", os.path.join(HERE, "peak_flops.c"), "-o", binary], check=True)
        wide = extension == "avx512f"
        peaks = {t: peak(binary, t, wide, args.rounds) for t in (1, 2)}
    bw = bandwidth(args.rounds)
    rows, total = [], 0
    for name, m, k, n in step_products():
        flops = 2 * m * k * n
        intensity = flops / (4 * (m * k + k * n + m * n))
        rows.append({"product": name, "m": m, "k": k, "n": n, "flops": flops, "intensity": intensity,
                     "bound1": min(peaks[1], intensity * bw), "bound2": min(peaks[2], intensity * bw)})
        total += flops
    result = {"cpu": model, "extension": extension, "peakGflops": peaks, "bandwidthGBs": bw,
              "stepFlops": total, "products": rows,
              "leastSecondsPerStep": {t: total / (peaks[t] * 1e9) for t in (1, 2)},
              "leastSecondsPerEpoch60k": {t: 600 * total / (peaks[t] * 1e9) for t in (1, 2)},
              "leastSecondsPerEpoch4k": {t: 40 * total / (peaks[t] * 1e9) for t in (1, 2)}}
    print(f"{model} ({extension}): peak {peaks[1]:.1f} GFLOP/s on 1 thread, {peaks[2]:.1f} on 2; copy bandwidth {bw:.1f} GB/s")
    print("| product | m x k x n | flop/byte | bound, 1 thread | bound, 2 threads |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['product']} | {r['m']}x{r['k']}x{r['n']} | {r['intensity']:.1f} | {r['bound1']:.1f} | {r['bound2']:.1f} |")
    print(f"A training step: {total / 1e6:.0f} MFLOP of products; at peak on 2 threads at least "
          f"{result['leastSecondsPerStep'][2] * 1e3:.2f} ms, so an epoch of 60,000 images at least "
          f"{result['leastSecondsPerEpoch60k'][2]:.2f} s and of 4,000 at least {result['leastSecondsPerEpoch4k'][2]:.3f} s.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
