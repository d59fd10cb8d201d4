#!/usr/bin/env python3
"""Speed of the matrix product of `gumbel bench --op matmul` (Swift) against NumPy's `a @ b`.

Run from anywhere (the repository root is found from this file's path):

    swift build -c release && python3 Benchmarks/speed/matmul_compare.py
    python3 Benchmarks/speed/matmul_compare.py --threads 1 --rounds 3 --baseline /tmp/gumbel-before

Requirements: Python 3.9+ and numpy. threadpoolctl (`pip install threadpoolctl`) is used when
present to read NumPy's BLAS and its thread count; without it the script asks OpenBLAS itself.

Shapes: the float32 products of one training step of the categorical VAE (`gumbel train-vae`,
batch 100, dense layers 784-512-256-300 in the encoder and 300-256-512-784 in the decoder). For
a layer with input x (100 x in), weights W (in x out) and upstream gradient v (100 x out):
  x W    the forward product, M=100, K=in, N=out
  v Wᵀ   the input's gradient, M=100, K=out, N=in; W is stored in x out, as `--transpose-rhs`
         (training skips it for the first layer, whose input is the data: timed anyway)
  xᵀ v   the weights' gradient, M=in, K=100, N=out; x is stored 100 x in, as `--transpose-lhs`
NumPy computes the same products on the same stored layouts (`a.T @ b`, `a @ b.T`: transposed
views, which its BLAS reads without copying). Operands are uniform in [-1, 1).

Timing: for each shape and thread count, the sides run alternately (swift, numpy, then
swift-base with --baseline) in each of --rounds rounds. Each run warms up for 0.3 s, then times
--repetitions repetitions of about 20 ms (gumbel's own choice of calls; NumPy the same target)
and reports the median time per call; the table shows the median over the rounds, as GFLOP/s
(2 M N K per call / time), and the median over the rounds of the ratio of the two sides' GFLOP/s
in that round (paired: the sides of one round ran seconds apart, so a change of the shared
host's speed between rounds cancels). A ratio above 1 means that Swift is faster.

Pooling: `--pool A.json B.json ...` tabulates the rounds of earlier runs' JSON files together
(the same shapes and thread counts), without timing anything.

Threads: each thread count T of --threads (default 1,2) goes to `gumbel bench --threads T`, and
to NumPy as OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS of a worker process that
does the NumPy side (BLAS libraries read them once, when loaded). The worker reports the thread
count its BLAS then has (threadpoolctl, or OpenBLAS's get_num_threads); the script stops if it
differs from T. OpenBLAS may still use fewer threads than allowed for small products.

Outputs: a markdown table (printed and written to --out, default /tmp/matmul_results.md) and the
raw numbers with the CPU model, its vector extension, NumPy's BLAS and the date (--json, default
/tmp/matmul_results.json).
"""
import argparse
import ctypes
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

from common import cpu, fmt, machine, median_ns_per_call, utc_now

REPO = Path(__file__).resolve().parents[2]
BATCH = 100
LAYERS = [(784, 512), (512, 256), (256, 300), (300, 256), (256, 512), (512, 784)]  # (in, out)
TARGET_NS = 20e6  # one timed repetition, as `gumbel bench` picks its calls
WARM_UP_NS = 0.3e9  # untimed calls first, as `gumbel bench --warm-up 0.3` (its default)
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def vae_products():
    """(layer, product, M, K, N, transpose lhs, transpose rhs) for each dense layer."""
    out = []
    for fan_in, fan_out in LAYERS:
        layer = f"{fan_in}→{fan_out}"
        out += [(layer, "x W", BATCH, fan_in, fan_out, False, False),
                (layer, "v Wᵀ", BATCH, fan_out, fan_in, False, True),
                (layer, "xᵀ v", fan_in, BATCH, fan_out, True, False)]
    return out


# The NumPy side, in a worker process whose environment sets the BLAS threads.

def blas_threads_and_info():
    """NumPy's BLAS (name, version, kernel architecture) and its thread count, from
    threadpoolctl if present, else from the OpenBLAS library loaded in this process."""
    import numpy as np  # loads the BLAS library
    try:
        from threadpoolctl import threadpool_info
        pools = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if pools:
            p = pools[0]
            return p["num_threads"], (f"{p.get('internal_api')} {p.get('version')} "
                                      f"({p.get('architecture')}, {p.get('threading_layer')} threads; threadpoolctl)")
    except ImportError:
        pass
    libraries = set()
    try:
        with open("/proc/self/maps") as f:
            libraries = {line.split()[-1] for line in f if "openblas" in line.lower() and ".so" in line}
    except OSError:
        pass
    for path in sorted(libraries):
        library = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("scipy_openblas", ""), ("openblas", "")):
            try:
                threads = getattr(library, f"{prefix}_get_num_threads{suffix}")
                config = getattr(library, f"{prefix}_get_config{suffix}")
                corename = getattr(library, f"{prefix}_get_corename{suffix}")
            except AttributeError:
                continue
            config.restype = corename.restype = ctypes.c_char_p
            return threads(), (f"OpenBLAS: {config().decode()} (core {corename().decode()}; "
                               f"{Path(path).name})")
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return None, f"{blas.get('name')} {blas.get('version')} (numpy.show_config; thread count unknown)"
    except Exception:  # older NumPy
        return None, "unknown"


def numpy_worker():
    """Answers one JSON line per request on stdin: {"m", "k", "n", "transposeLhs",
    "transposeRhs", "repetitions"} -> {"nsPerCall"}; first says {"threads", "blas", "numpy"}."""
    import numpy as np
    threads, blas = blas_threads_and_info()
    print(json.dumps({"threads": threads, "blas": blas, "numpy": np.__version__}), flush=True)
    rng = np.random.default_rng(0)
    for line in sys.stdin:
        r = json.loads(line)
        m, k, n = r["m"], r["k"], r["n"]
        a = rng.uniform(-1, 1, (k, m) if r["transposeLhs"] else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if r["transposeRhs"] else (k, n)).astype(np.float32)
        lhs, rhs = (a.T if r["transposeLhs"] else a), (b.T if r["transposeRhs"] else b)
        ns = median_ns_per_call(lambda _: lhs @ rhs, None, r["repetitions"], TARGET_NS, WARM_UP_NS)
        print(json.dumps({"nsPerCall": ns}), flush=True)


class NumpySide:
    """A worker process running NumPy with `threads` BLAS threads."""

    def __init__(self, threads):
        env = os.environ | {name: str(threads) for name in THREAD_VARIABLES}
        self.process = subprocess.Popen([sys.executable, __file__, "--numpy-worker"], env=env, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        hello = json.loads(self.process.stdout.readline())
        self.threads, self.blas, self.numpy = hello["threads"], hello["blas"], hello["numpy"]

    def gflops(self, m, k, n, transpose_lhs, transpose_rhs, repetitions):
        request = {"m": m, "k": k, "n": n, "transposeLhs": transpose_lhs, "transposeRhs": transpose_rhs,
                   "repetitions": repetitions}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        ns = json.loads(self.process.stdout.readline())["nsPerCall"]
        return 2 * m * n * k / ns

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def swift_gflops(binary, m, k, n, transpose_lhs, transpose_rhs, threads, repetitions):
    cmd = [str(binary), "bench", "--op", "matmul", "--rows", str(m), "--depth", str(k), "--cols", str(n),
           "--threads", str(threads), "--repetitions", str(repetitions), "--format", "json"]
    cmd += ["--transpose-lhs"] * transpose_lhs + ["--transpose-rhs"] * transpose_rhs
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])["gflops"]


def paired_ratio(runs, name="swift"):
    """The median over rounds of `name`'s GFLOP/s over NumPy's in the same round."""
    return statistics.median(s / n for s, n in zip(runs[name], runs["numpy"]))


def table_rows(rows_out, base):
    out = []
    for layer, product, m, k, n, threads, g, ratio in rows_out:
        out.append(f"| {layer} | {product} | {m}x{k}x{n} | {threads} | {fmt(g['swift'])} | {fmt(g['numpy'])} | "
                   + (f"{fmt(g['swift-base'])} | " if base else "") + f"{ratio:.2f} |"
                   + (f" {g['swift'] / g['swift-base']:.2f} |" if base else ""))
    return out


def pool(paths, out, json_out):
    """Tabulates the rounds of several runs' JSON files together."""
    runs, metas = {}, []
    for path in paths:
        data = json.loads(Path(path).read_text())
        metas.append(data["meta"])
        for r in data["results"]:
            key = (r["layer"], r["product"], r["m"], r["k"], r["n"], r["transposeLhs"], r["transposeRhs"], r["threads"])
            pooled = runs.setdefault(key, {"swift": [], "numpy": []})
            for side in ("swift", "numpy"):
                pooled[side] += r["gflops"][side]
    rows_out, raw = [], []
    for (layer, product, m, k, n, tl, tr, threads), g in runs.items():
        median = {side: statistics.median(v) for side, v in g.items()}
        rows_out.append((layer, product, m, k, n, threads, median, paired_ratio(g)))
        raw.append({"layer": layer, "product": product, "m": m, "k": k, "n": n, "transposeLhs": tl,
                    "transposeRhs": tr, "threads": threads, "gflops": g, "medianGflops": median,
                    "swiftOverNumpy": paired_ratio(g)})
    rounds = len(next(iter(runs.values()))["swift"])
    lines = [f"{len(paths)} runs pooled, {rounds} rounds per product: " + "; ".join(
                 f"{m['date']} · {m['machine']} · load average {m['loadAverage']:.2f} at start · numpy {m['numpy']}"
                 for m in metas) + f" · BLAS {next(iter(metas[0]['blas'].values()))}; swift / numpy: median of the rounds' ratios",
             "",
             "| layer | product | M x K x N | threads | swift GFLOP/s | numpy GFLOP/s | swift / numpy |",
             "|---|---|---|--:|--:|--:|--:|"]
    table = "\n".join(lines + table_rows(rows_out, False)) + "\n"
    print(table)
    out.write_text(table)
    json_out.write_text(json.dumps({"meta": {"pooled": metas}, "results": raw}, indent=2, ensure_ascii=False) + "\n")
    return 0


def main():
    if sys.argv[1:] == ["--numpy-worker"]:
        return numpy_worker()
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/gumbel", help="the gumbel binary")
    p.add_argument("--baseline", type=Path, help="an older gumbel binary, timed in the same rounds as column swift-base")
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    p.add_argument("--rounds", type=int, default=5, help="alternating rounds; the median is reported")
    p.add_argument("--repetitions", type=int, default=5, help="timed repetitions per run")
    p.add_argument("--out", type=Path, default=Path("/tmp/matmul_results.md"))
    p.add_argument("--json", type=Path, default=Path("/tmp/matmul_results.json"))
    p.add_argument("--pool", nargs="+", type=Path, metavar="JSON", help="tabulate earlier runs' rounds together")
    args = p.parse_args()
    if args.pool:
        return pool(args.pool, args.out, args.json)
    thread_counts = [int(t) for t in args.threads.split(",")]
    if min(thread_counts) < 1 or args.rounds < 1 or args.repetitions < 1:
        p.error("--threads, --rounds and --repetitions must be at least 1")
    for binary in [args.binary] + ([args.baseline] if args.baseline else []):
        if not binary.is_file():
            p.error(f"{binary} not found: run `swift build -c release` first")
    swifts = [("swift", args.binary)] + ([("swift-base", args.baseline)] if args.baseline else [])

    date, load = utc_now(), os.getloadavg()[0]  # the machine is shared: a high load means noisy numbers
    products = vae_products()
    rows_out, raw, blas = [], [], {}
    for threads in thread_counts:
        numpy_side = NumpySide(threads)
        if numpy_side.threads != threads:
            numpy_side.close()
            sys.exit(f"NumPy's BLAS has {numpy_side.threads} threads, not the {threads} asked for ({numpy_side.blas})")
        blas[threads] = numpy_side.blas
        for layer, product, m, k, n, tl, tr in products:
            runs = {name: [] for name, _ in swifts} | {"numpy": []}
            for _ in range(args.rounds):
                runs["swift"].append(swift_gflops(args.binary, m, k, n, tl, tr, threads, args.repetitions))
                runs["numpy"].append(numpy_side.gflops(m, k, n, tl, tr, args.repetitions))
                if args.baseline:
                    runs["swift-base"].append(swift_gflops(args.baseline, m, k, n, tl, tr, threads, args.repetitions))
            median = {name: statistics.median(v) for name, v in runs.items()}
            rows_out.append((layer, product, m, k, n, threads, median, paired_ratio(runs)))
            raw.append({"layer": layer, "product": product, "m": m, "k": k, "n": n, "transposeLhs": tl,
                        "transposeRhs": tr, "threads": threads, "gflops": runs, "medianGflops": median,
                        "swiftOverNumpy": paired_ratio(runs)})
            print(f"{layer} {product} {m}x{k}x{n} {threads}T: " + ", ".join(
                f"{name} {fmt(g)}" for name, g in median.items()) + " GFLOP/s", file=sys.stderr, flush=True)
        numpy_side.close()

    model, vector = cpu()
    base = "swift-base" in median
    lines = [
        f"{date} · {machine()} · load average {load:.2f} at start · numpy {numpy_side.numpy} · "
        f"BLAS {blas[thread_counts[0]]} · python {platform.python_version()} · "
        f"{args.rounds} rounds x {args.repetitions} repetitions, median of medians; swift / numpy: median of the rounds' ratios",
        "",
        "| layer | product | M x K x N | threads | swift GFLOP/s | numpy GFLOP/s | "
        + ("swift-base GFLOP/s | " if base else "") + "swift / numpy |" + (" swift / swift-base |" if base else ""),
        "|---|---|---|--:|--:|--:|--:|" + ("--:|--:|" if base else ""),
    ]
    table = "\n".join(lines + table_rows(rows_out, base)) + "\n"
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    meta = {"date": date, "cpu": model, "vectorExtension": vector, "machine": machine(), "loadAverage": load,
            "numpy": numpy_side.numpy, "blas": {str(t): b for t, b in blas.items()},
            "python": platform.python_version(), "rounds": args.rounds, "repetitions": args.repetitions,
            "gumbel": {name: str(binary) for name, binary in swifts}}
    args.json.write_text(json.dumps({"meta": meta, "results": raw}, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out} and {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
