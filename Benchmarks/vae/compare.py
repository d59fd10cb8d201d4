#!/usr/bin/env python3
"""Seconds per epoch of `gumbel train-vae` against the JAX + Haiku + Optax script (`vae_jax.py`),
on the 5,000 vendored MNIST digits and on full MNIST, and the peak memory of each run.

Run from anywhere (the repository root is found from this file's path):

    swift build -c release && python3 Benchmarks/vae/compare.py
    python3 Benchmarks/vae/compare.py --epochs 5 --rounds 3 --data ../shared/data/mnist

Requirements: Python 3.9+, and jax, dm-haiku and optax for `vae_jax.py`.

Latents (--latent-type): `categorical`, the notebook's 30 x 10 (the default of both programs),
or `bernoulli`, the paper's 200 bits; straight-through Gumbel-softmax either way.

Data sets (--sets, default both):
  5k    Data/mnist_5k.csv.gz: 4,000 training images, 1,000 test ones (the default of both programs)
  full  the directory --data (default ../shared/data/mnist relative to the repository root) of
        the four MNIST IDX files: 60,000 training images, 10,000 test ones. It is never copied.

Timing: in each of --rounds rounds, for each data set, the two run alternately (swift, jax, then
swift-base with --baseline), so that all see the same background load; each run trains
--epochs epochs and reports the median of its epochs' training seconds after the first
(evaluation excluded; the first epoch includes XLA's compilation). The table shows the median
over the rounds and the ratio swift / jax (above 1: Swift is slower). Both use every core of
the machine.

Memory: the peak resident set size of each run, from the kernel's accounting of that child
process alone (os.wait4, the call `/usr/bin/time -v` itself makes), the largest over the rounds.

Outputs: a markdown table (printed and written to --out, default /tmp/vae_compare.md) and the
raw numbers with the CPU model, its vector extension and the date (--json, default
/tmp/vae_compare.json).
"""
import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "Benchmarks" / "speed"))
from common import cpu, fmt, machine, utc_now  # noqa: E402

SETS = ("5k", "full")
# The flags of each latent type, the same for both programs (estimator st-gs, their default).
LATENTS = {"categorical": [], "bernoulli": ["--latent-type", "bernoulli", "--latents", "200"]}


def run(cmd):
    """Runs `cmd`; returns its last stdout line as JSON and its peak resident set size in MiB."""
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        process = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        if process.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed ({process.returncode}):\n{err.read()}")
        lines = out.read().strip().splitlines()
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    mib = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    return json.loads(lines[-1]), mib


def version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/gumbel", help="the gumbel binary")
    p.add_argument("--baseline", type=Path, help="an older gumbel binary, timed in the same rounds as column swift-base")
    p.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data" / "mnist",
                   help="the directory of the four MNIST IDX files (.gz or plain)")
    p.add_argument("--sets", default=",".join(SETS), help="comma-separated subset of 5k,full")
    p.add_argument("--epochs", type=int, default=5, help="epochs per run (at least 2: the first is not timed)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median is reported")
    p.add_argument("--latent-type", choices=LATENTS, default="categorical",
                   help="the notebook's 30 x 10 categorical latents, or the paper's 200 Bernoulli ones")
    p.add_argument("--out", type=Path, default=Path("/tmp/vae_compare.md"))
    p.add_argument("--json", type=Path, default=Path("/tmp/vae_compare.json"))
    args = p.parse_args()
    sets = args.sets.split(",")
    if bad := set(sets) - set(SETS):
        p.error(f"unknown sets {sorted(bad)}")
    if args.epochs < 2 or args.rounds < 1:
        p.error("--epochs must be at least 2 and --rounds at least 1")
    for binary in [args.binary] + ([args.baseline] if args.baseline else []):
        if not binary.is_file():
            p.error(f"{binary} not found: run `swift build -c release` first")
    if "full" in sets and not args.data.is_dir():
        p.error(f"{args.data} is not a directory of MNIST IDX files (--data)")
    data = {"5k": [], "full": ["--data", str(args.data.resolve())]}
    swifts = [("swift", args.binary)] + ([("swift-base", args.baseline)] if args.baseline else [])
    names = [name for name, _ in swifts] + ["jax"]

    date, load = utc_now(), os.getloadavg()[0]  # the machine is shared: a high load means noisy numbers
    runs = {s: {name: [] for name in names} for s in sets}
    memory = {s: {name: [] for name in names} for s in sets}
    with tempfile.TemporaryDirectory() as scratch:
        for round in range(1, args.rounds + 1):
            for s in sets:
                commands = [(name, [str(binary), "train-vae", "--epochs", str(args.epochs), "--format", "json",
                                    "--out", f"{scratch}/{name}-{s}"] + data[s] + LATENTS[args.latent_type])
                            for name, binary in swifts]
                commands.append(("jax", [sys.executable, str(REPO / "Benchmarks/vae/vae_jax.py"),
                                         "--epochs", str(args.epochs)] + data[s] + LATENTS[args.latent_type]))
                for name, cmd in commands:
                    result, mib = run(cmd)
                    runs[s][name].append(result["secondsPerEpoch"])
                    memory[s][name].append(mib)
                    print(f"round {round} {s} {name}: {result['secondsPerEpoch']:.3f} s/epoch, "
                          f"peak {mib:.0f} MiB, test -ELBO {result['testNegELBO']:.2f}", file=sys.stderr, flush=True)

    model, vector = cpu()
    versions = (f"jax {version('jax')}, dm-haiku {version('dm-haiku')}, optax {version('optax')}, "
                f"python {platform.python_version()}")
    lines = [
        f"{date} · {machine()} · load average {load:.2f} at start · {versions} · "
        f"{args.latent_type} latents · {args.rounds} rounds x {args.epochs} epochs, median over rounds of each run's median epoch after the first",
        "",
        "| data | " + "".join(f"{n} s/epoch | " for n in names) + "swift / jax | "
        + ("swift / swift-base | " if args.baseline else "") + "".join(f"{n} peak MiB | " for n in names).rstrip(),
        "|---|" + "--:|" * (2 * len(names) + 1 + bool(args.baseline)),
    ]
    summary = {}
    for s in sets:
        sec = {n: statistics.median(v) for n, v in runs[s].items()}
        peak = {n: max(v) for n, v in memory[s].items()}
        summary[s] = {"secondsPerEpoch": sec, "peakMiB": peak, "swiftOverJax": sec["swift"] / sec["jax"]}
        lines.append(f"| {s} | " + "".join(f"{fmt(sec[n])} | " for n in names) + f"{sec['swift'] / sec['jax']:.2f} | "
                     + (f"{sec['swift'] / sec['swift-base']:.2f} | " if args.baseline else "")
                     + "".join(f"{peak[n]:.0f} | " for n in names).rstrip())
    table = "\n".join(lines) + "\n"
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    meta = {"date": date, "cpu": model, "vectorExtension": vector, "machine": machine(), "loadAverage": load,
            "versions": versions, "latentType": args.latent_type, "epochs": args.epochs, "rounds": args.rounds, "data": str(args.data),
            "gumbel": {name: str(binary) for name, binary in swifts}}
    args.json.write_text(json.dumps({"meta": meta, "summary": summary, "secondsPerEpoch": runs,
                                     "peakMiB": memory}, indent=2) + "\n")
    print(f"wrote {args.out} and {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
