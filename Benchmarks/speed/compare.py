#!/usr/bin/env python3
"""Speed of `gumbel bench` (Swift) against JAX (jit) and PyTorch, on the CPU.

Run from anywhere (the repository root is found from this file's path):

    swift build -c release && python3 Benchmarks/speed/compare.py
    python3 Benchmarks/speed/compare.py --shapes 1x5,1024x1000 --ops soft,grad --rounds 5

Requirements: Python 3.9+ and `pip install jax torch numpy` (CPU builds suffice).

Every operation works on a float32 (rows, cols) batch of logits at temperature 0.5 and draws
fresh noise on every call (a new key per call in Swift and JAX, the advancing global generator
in PyTorch); results are consumed (JAX: block_until_ready after each call).
  noise  standard Gumbel noise of shape (rows, cols) alone
         (JAX: jax.random.gumbel; PyTorch: -empty_like(x).exponential_().log(), as
         torch.nn.functional.gumbel_softmax does internally)
  soft   Gumbel noise g, then softmax((logits + g) / 0.5) per row
         (PyTorch: F.gumbel_softmax(logits, tau=0.5, hard=False))
  hard   the straight-through sample y_hard + y_soft - stop_gradient(y_soft), with y_hard the
         one-hot of the argmax; the forward value only is timed (PyTorch: hard=True)
  grad   forward and backward of sum(w * hard_sample) with respect to the logits, w a fixed
         random (rows, cols) array (JAX: jax.jit(jax.grad(...)); PyTorch: autograd.grad)
In JAX the per-call key is jax.random.fold_in(base_key, i), computed inside the jitted function
from the call counter i, which is passed as an argument (so nothing is constant-folded).

Timing: for each shape and op the three run alternately (swift, jax, torch), --rounds times.
Each run makes warm-up calls (which also compile the JAX function), then --repetitions timed
repetitions of I calls each (I chosen for about 75 ms per repetition, or --iterations; gumbel
picks its own I unless --iterations is given) and reports the median time per call. The table
shows the median over the rounds; ns/element is that time divided by rows * cols.

Threads: --threads N (default os.cpu_count()) goes to `gumbel bench --threads N`, to
torch.set_num_threads(N), and to XLA as XLA_FLAGS "--xla_cpu_multi_thread_eigen=(N > 1)
intra_op_parallelism_threads=N" (set before jax is imported). XLA's CPU client does not
reliably honour those flags (it keeps other thread pools), so when N is below the CPU count the
script also pins its own process, and so the gumbel child too, to N CPUs (os.sched_setaffinity,
Linux only): that is the limit all three then share.

Done criteria of the issue (PASS/FAIL per row): at 1024x10, 1024x1000 and 16384x64, swift
ns/element <= 0.5 * min(jax, torch); at 1x5, swift time per call <= 0.1 * min(jax, torch).

The gumbel binary runs its AVX2 kernels (C functions compiled for AVX2, chosen at run time)
on processors that have AVX2, and the element-by-element ones (Threefry, the Gumbel transform,
exp) in their AVX-512F form on processors that have that. --swift-kernels times the same
binary a second time in the same rounds with GUMBEL_DISABLE_AVX2=1, as column swift-sse2: the
Swift kernels alone, which is what a processor without AVX2 runs (SSE2 code for x86-64 by
default); --avx2-kernels times it with GUMBEL_DISABLE_AVX512=1, as column swift-avx2: what a
processor with AVX2 but without AVX-512 runs.

    python3 Benchmarks/speed/compare.py --swift-kernels --avx2-kernels

Before and after a change: --baseline PATH times a second gumbel binary (say, a release build of
the commit before) in the same alternating rounds, as column swift-base, and adds the column
swift / swift-base (a ratio near 1 means unchanged speed):

    python3 Benchmarks/speed/compare.py --baseline /tmp/gumbel-before

Outputs: a markdown table (printed and written to --out, default Benchmarks/speed/results.md)
and the raw numbers (--json, default Benchmarks/speed/results.json). Exit status 1 if a row FAILs.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from common import fmt, machine, median_ns_per_call, utc_now

REPO = Path(__file__).resolve().parents[2]
OPS = ("soft", "hard", "grad", "noise")
TAU = 0.5
CRITERIA = {(1, 5): ("per call", 0.1)}  # every other shape: ns/element <= 0.5 * best peer


def jax_ops(jax, rows, cols, logits_np, w_np):
    """The four operations as a JAX user would write them, each a call(i) -> None."""
    jnp = jax.numpy
    base, logits, w, shape = jax.random.key(0), jnp.asarray(logits_np), jnp.asarray(w_np), (rows, cols)

    def soft(key, logits):
        g = jax.random.gumbel(key, shape, jnp.float32)
        return jax.nn.softmax((logits + g) / TAU, axis=-1)

    def hard(key, logits):
        y_soft = soft(key, logits)
        y_hard = jax.nn.one_hot(jnp.argmax(y_soft, axis=-1), cols, dtype=y_soft.dtype)
        return y_hard + y_soft - jax.lax.stop_gradient(y_soft)

    def loss(logits, key, w):
        return jnp.sum(w * hard(key, logits))

    fold = jax.random.fold_in
    f = {
        "noise": jax.jit(lambda base, i: jax.random.gumbel(fold(base, i), shape, jnp.float32)),
        "soft": jax.jit(lambda base, i, logits: soft(fold(base, i), logits)),
        "hard": jax.jit(lambda base, i, logits: hard(fold(base, i), logits)),
        "grad": jax.jit(lambda base, i, logits, w: jax.grad(loss)(logits, fold(base, i), w)),
    }
    return {
        "noise": lambda i: f["noise"](base, i).block_until_ready(),
        "soft": lambda i: f["soft"](base, i, logits).block_until_ready(),
        "hard": lambda i: f["hard"](base, i, logits).block_until_ready(),
        "grad": lambda i: f["grad"](base, i, logits, w).block_until_ready(),
    }


def torch_ops(torch, logits_np, w_np):
    """The four operations as a PyTorch user would write them, each a call(i) -> None."""
    F = torch.nn.functional
    logits, w = torch.from_numpy(logits_np), torch.from_numpy(w_np)
    leaf = logits.clone().requires_grad_(True)

    def grad(_):
        y = F.gumbel_softmax(leaf, tau=TAU, hard=True)
        return torch.autograd.grad((w * y).sum(), leaf)[0]

    return {
        "noise": lambda _: -torch.empty_like(logits).exponential_().log(),
        "soft": lambda _: F.gumbel_softmax(logits, tau=TAU, hard=False),
        "hard": lambda _: F.gumbel_softmax(logits, tau=TAU, hard=True),
        "grad": grad,
    }


def swift_ns_per_call(binary, environment, op, rows, cols, args):
    cmd = [str(binary), "bench", "--op", op, "--rows", str(rows), "--cols", str(cols),
           "--threads", str(args.threads), "--repetitions", str(args.repetitions), "--format", "json"]
    if args.iterations:
        cmd += ["--iterations", str(args.iterations)]
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | environment)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["nsPerElement"] * rows * cols


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gumbel", type=Path, default=REPO / ".build/release/gumbel", help="the gumbel binary")
    p.add_argument("--swift-kernels", action="store_true", help="also time the binary with "
                   "GUMBEL_DISABLE_AVX2=1 (its Swift kernels alone), as column swift-sse2")
    p.add_argument("--avx2-kernels", action="store_true", help="also time the binary with "
                   "GUMBEL_DISABLE_AVX512=1 (AVX2 where it would choose AVX-512), as column swift-avx2")
    p.add_argument("--baseline", type=Path, help="a second gumbel binary (say, the commit before), "
                   "timed in the same rounds as column swift-base")
    p.add_argument("--no-swift", action="store_true", help="time JAX and PyTorch only")
    p.add_argument("--shapes", default="1x5,1024x10,1024x1000,16384x64", help="ROWSxCOLS,...")
    p.add_argument("--ops", default=",".join(OPS), help="comma-separated subset of soft,hard,grad,noise")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    p.add_argument("--repetitions", type=int, default=5, help="timed repetitions per run")
    p.add_argument("--iterations", type=int, help="calls per repetition (default: about 75 ms)")
    p.add_argument("--out", type=Path, default=REPO / "Benchmarks/speed/results.md")
    p.add_argument("--json", type=Path, default=REPO / "Benchmarks/speed/results.json")
    args = p.parse_args()
    shapes = [tuple(int(n) for n in s.lower().split("x")) for s in args.shapes.split(",")]
    ops = args.ops.split(",")
    if bad := set(ops) - set(OPS):
        p.error(f"unknown ops {sorted(bad)}")
    if not args.no_swift and not args.gumbel.is_file():
        p.error(f"{args.gumbel} not found: run `swift build -c release` first (or pass --no-swift)")
    swifts = [] if args.no_swift else [("swift", args.gumbel, {})]
    if args.avx2_kernels and not args.no_swift:
        swifts.append(("swift-avx2", args.gumbel, {"GUMBEL_DISABLE_AVX512": "1"}))
    if args.swift_kernels and not args.no_swift:
        swifts.append(("swift-sse2", args.gumbel, {"GUMBEL_DISABLE_AVX2": "1"}))
    if args.baseline and not args.no_swift:
        if not args.baseline.is_file():
            p.error(f"{args.baseline} not found")
        swifts.append(("swift-base", args.baseline, {}))

    # Threads: before importing jax (XLA reads XLA_FLAGS once) and torch.
    n = args.threads
    eigen = "true" if n > 1 else "false"
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               f" --xla_cpu_multi_thread_eigen={eigen} intra_op_parallelism_threads={n}").strip()
    os.environ["JAX_PLATFORMS"] = "cpu"
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if 0 < n < len(cpus):
        os.sched_setaffinity(0, cpus[:n])
    import jax
    import numpy as np
    import torch
    torch.set_num_threads(n)

    date = utc_now()
    load = os.getloadavg()[0]  # the machine is shared: a high value means noisy numbers
    rng = np.random.default_rng(0)
    rows_out, raw = [], []
    for rows, cols in shapes:
        logits = rng.standard_normal((rows, cols), dtype=np.float32)
        w = rng.standard_normal((rows, cols), dtype=np.float32)
        jx, th = jax_ops(jax, rows, cols, logits, w), torch_ops(torch, logits, w)
        for op in ops:
            runs = {name: [] for name, _, _ in swifts} | {"jax": [], "torch": []}
            for _ in range(args.rounds):
                for name, binary, environment in swifts:
                    runs[name].append(swift_ns_per_call(binary, environment, op, rows, cols, args))
                runs["jax"].append(median_ns_per_call(jx[op], args.iterations, args.repetitions))
                runs["torch"].append(median_ns_per_call(th[op], args.iterations, args.repetitions))
            call = {k: statistics.median(v) for k, v in runs.items()}
            best = min(call["jax"], call["torch"])
            ratios = {name: call[name] / best for name, _, _ in swifts}
            what, bound = CRITERIA.get((rows, cols), ("ns/element", 0.5))
            verdicts = {name: "PASS" if r <= bound else "FAIL" for name, r in ratios.items()}
            rows_out.append((op, rows, cols, call, ratios, what, bound, verdicts))
            raw.append({"op": op, "rows": rows, "cols": cols, "nsPerCall": runs,
                        "medianNsPerCall": call, "swiftOverBestPeer": ratios,
                        "criterion": f"{what} <= {bound} x best peer", "verdict": verdicts})
            print(f"{op:5} {rows}x{cols}: " + ", ".join(
                f"{k} {fmt(v / (rows * cols))} ns/el" for k, v in call.items())
                + f" -> {verdicts}", file=sys.stderr, flush=True)

    versions = (f"jax {jax.__version__}, torch {torch.__version__}, numpy {np.__version__}, "
                f"python {platform.python_version()}")
    names = [name for name, _, _ in swifts]
    lines = [
        f"{date} · {machine()} · {n} thread(s) · load average {load:.2f} at start · {versions} · "
        f"{args.rounds} rounds x {args.repetitions} repetitions, median of medians",
        "",
        "| op | shape | " + "".join(f"{k} ns/el | " for k in names) + "jax-jit ns/el | torch ns/el | "
        + "".join(f"{k} / best peer | " for k in names) + "µs/call " + " · ".join(names + ["jax", "torch"])
        + " | done? |" + (" swift / swift-base |" if "swift-base" in names else ""),
        "|---|---|" + "--:|" * (2 * len(names) + 3) + "---|" + ("--:|" if "swift-base" in names else ""),
    ]
    for op, rows, cols, call, ratios, what, bound, verdicts in rows_out:
        el = rows * cols
        us = " · ".join(fmt(v / 1e3) for v in call.values()) if (rows, cols) in CRITERIA else ""
        verdict = ", ".join(f"{k} {v}" if len(names) > 1 else v for k, v in verdicts.items()) or "n/a"
        lines.append(f"| {op} | {rows}x{cols} | " + "".join(f"{fmt(call[k] / el)} | " for k in names)
                     + f"{fmt(call['jax'] / el)} | {fmt(call['torch'] / el)} | "
                     + "".join(f"{fmt(ratios[k])} | " for k in names) + f"{us} | {verdict} ({what} ≤ {bound}×) |"
                     + (f" {call['swift'] / call['swift-base']:.3f} |" if "swift-base" in call and "swift" in call else ""))
    table = "\n".join(lines) + "\n"
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    meta = {"date": date, "machine": machine(), "threads": n, "versions": versions, "rounds": args.rounds,
            "repetitions": args.repetitions, "iterations": args.iterations, "loadAverage": load,
            "gumbel": {name: f"{binary} {environment}" for name, binary, environment in swifts},
            "xlaFlags": os.environ["XLA_FLAGS"]}
    args.json.write_text(json.dumps({"meta": meta, "results": raw}, indent=2) + "\n")
    print(f"wrote {args.out} and {args.json}", file=sys.stderr)
    verdicts = [v for r in rows_out for v in r[-1].values()]
    return 1 if "FAIL" in verdicts else 0


if __name__ == "__main__":
    sys.exit(main())
