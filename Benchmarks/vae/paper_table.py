#!/usr/bin/env python3
"""The discrete VAE at the papers' scale: a matrix of runs on full MNIST, each cell's result in its
own file, then the table and the figure of `Benchmarks/vae/README.md` ("Paper scale").

    swift build -c release
    python3 Benchmarks/vae/paper_table.py run                     # every cell not yet done
    python3 Benchmarks/vae/paper_table.py run --only 'swift-cat20x10-*-seed0' --jobs 2
    python3 Benchmarks/vae/paper_table.py list                    # cells, done or not, and the time left
    python3 Benchmarks/vae/paper_table.py table                   # results/paper-table.md and paper-curves.svg
    python3 Benchmarks/vae/paper_table.py run --binarization sampled --results Benchmarks/vae/results/paper-sampled \
        --only 'swift-cat20x10-st-gs-seed0'                      # the papers' binarisation (below)
    python3 Benchmarks/vae/paper_table.py run --learning-rate-decay 1 --results Benchmarks/vae/results/paper-constant-lr \
        --only 'swift-cat20x10-reinforce-seed0' 'swift-cat20x10-st-gs-seed0'   # a constant learning rate

Cells: {swift} x {cat20x10 (Jang et al. 2017, Table 1), cat30x10 (the seed notebook), bern200
(Table 1's Bernoulli 200)} x {st-gs, gs, st, reinforce (moving-average baseline, decay 0.99),
gumbel-rao, reinmax} x seeds {0, 1, 2}, and the JAX + Haiku + Optax peer (`vae_jax.py`) for
{cat20x10, bern200} x {st-gs, gs} x the same seeds. Each cell trains on the 60,000 training images
of --data and reports, on the 10,000 test images, the negative ELBO (10 draws per image) and the
importance-weighted bound with 1,000 draws per image (the evaluation of Jang et al.'s Table 1).

Protocol, every cell (the seed notebook's, which is the reference code of Jang et al.; their paper
gives neither the number of steps nor the batch size): batch 100, Adam with learning rate 1e-3
multiplied by 0.9 every 1,000 steps, temperature max(0.5, exp(-3e-5 t)) updated every 1,000 steps
(ReinMax: at least 1, as it is defined), 83 epochs (49,800 steps; the notebook runs 50,000),
encoder 784-512-256-code and decoder code-256-512-784 with ReLU, uniform prior, pixels binarised
as > 127, test set = MNIST's t10k. With --binarization sampled (Swift
cells only, their own --results directory), each pixel is instead drawn once with probability
grey/255, as in the binarised MNIST of the papers' tables (Salakhutdinov & Murray 2008). With
--learning-rate-decay 1 (its own --results directory too), the learning rate stays at 1e-3: Jang et
al. describe no decay, and the notebook's brings it to 5.7e-6 by the last step. A result without
learningRateDecay (written before the option) was run with 0.9.

Resuming: a session's background jobs end when it stops, so every cell writes its result to
results/paper/CELL.json when it finishes, and `run` skips cells that have one. A Swift cell's
checkpoint stays in --work (default /tmp/gumbel-paper), so an interrupted Swift cell continues
from its last finished epoch (`train-vae --resume`, bit for bit the same run); a JAX cell restarts.
Cells of another --results directory keep their checkpoints in --work/NAME, NAME that directory's
last component (so give two such directories different names).

Jobs: --jobs J runs J cells at once, each pinned to its own processor (taskset) with one thread
(`--threads 1` for Swift); the time of a cell is recorded with its result.
"""
import argparse
import fnmatch
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = DEFAULT_RESULTS = REPO / "Benchmarks" / "vae" / "results" / "paper"
EPOCHS = 83
STEPS_PER_EPOCH = 600
BOUND_SAMPLES = 1000
BINARIZATION = "threshold"  # train-vae's --binarization; the JAX peer thresholds only
LEARNING_RATE_DECAY = 0.9  # every 1,000 steps; 1 keeps the learning rate constant (a side study)
CURVE_BOUND_SAMPLES = 10  # the bound after every epoch, for the figure: 10 draws per test image


def protocol():
    """The options that make a results directory's protocol, as each result records them."""
    return {"epochs": EPOCHS, "boundSamples": BOUND_SAMPLES, "binarization": BINARIZATION,
            "learningRateDecay": LEARNING_RATE_DECAY}


def recorded_protocol(result):
    """A result's protocol; fields older results lack take the values they were run with."""
    return {"binarization": "threshold", "learningRateDecay": 0.9} | {k: result[k] for k in protocol() if k in result}


def schedule():
    return ["--initial-temperature", "1", "--min-temperature", "0.5", "--temperature-decay", "3e-5",
            "--temperature-interval", "1000", "--learning-rate", "1e-3", "--learning-rate-decay",
            repr(LEARNING_RATE_DECAY), "--learning-rate-decay-steps", "1000"]


CONFIGS = {
    "cat20x10": ["--latent-type", "categorical", "--latents", "20", "--categories", "10"],
    "cat30x10": ["--latent-type", "categorical", "--latents", "30", "--categories", "10"],
    "bern200": ["--latent-type", "bernoulli", "--latents", "200"],
}
ESTIMATORS = ["st-gs", "gs", "st", "reinforce", "gumbel-rao", "reinmax"]
PEER_CONFIGS = ["cat20x10", "bern200"]
PEER_ESTIMATORS = ["st-gs", "gs"]
SEEDS = [0, 1, 2]
# Jang et al. (2017), Table 1, for the same latents: "negative variational lower bounds (nats)"
# on the test set, evaluated (their section 4.2) with a multi-sample bound of m = 1000.
PAPERS = {
    ("cat20x10", "st-gs"): "107.8", ("cat20x10", "gs"): "101.5", ("cat20x10", "st"): "110.9",
    ("cat20x10", "reinforce"): "110.6 (SF)",
    ("bern200", "st-gs"): "111.5", ("bern200", "gs"): "105.0", ("bern200", "st"): "116.0",
    ("bern200", "reinforce"): "112.2 (SF)",
}


def cells():
    """Every cell as (name, implementation, config, estimator, seed), the peers' comparison first."""
    out = []
    for seed in SEEDS:
        for config in PEER_CONFIGS:
            for estimator in PEER_ESTIMATORS:
                for impl in ("swift", "jax"):
                    out.append((f"{impl}-{config}-{estimator}-seed{seed}", impl, config, estimator, seed))
    for seed in SEEDS:
        for config in CONFIGS:
            for estimator in ESTIMATORS:
                name = f"swift-{config}-{estimator}-seed{seed}"
                if not any(c[0] == name for c in out):
                    out.append((name, "swift", config, estimator, seed))
    return out


def command(impl, config, estimator, seed, args, out_dir):
    if impl == "swift":
        cmd = [str(args.binary), "train-vae", "--data", str(args.data), "--epochs", str(EPOCHS),
               "--estimator", estimator, "--seed", str(seed), "--bound-samples", str(BOUND_SAMPLES),
               "--epoch-bound-samples", str(CURVE_BOUND_SAMPLES), "--threads", "1", "--out", str(out_dir)] + \
            CONFIGS[config] + schedule()
        if BINARIZATION != "threshold":
            cmd += ["--binarization", BINARIZATION]
        if estimator == "reinforce":
            cmd += ["--baseline-decay", "0.99"]
        if (out_dir / "checkpoint.gvae").exists():
            cmd.append("--resume")
        return cmd
    return [sys.executable, str(REPO / "Benchmarks" / "vae" / "vae_jax.py"), "--data", str(args.data),
            "--epochs", str(EPOCHS), "--estimator", estimator, "--seed", str(seed),
            "--bound-samples", str(BOUND_SAMPLES), "--epoch-bound-samples", str(CURVE_BOUND_SAMPLES),
            "--epoch-log", str(out_dir / "epochs.jsonl")] + \
        CONFIGS[config] + schedule()


EPOCH_LINE = re.compile(r"^epoch (\d+)/\d+ +train loss ([-\d.]+) +test -ELBO ([-\d.]+)(?: +test bound ([-\d.]+))? "
                        r"+tau ([\d.]+) +([\d.]+) s")


def run_cell(cell, args, cpu):
    name, impl, config, estimator, seed = cell
    # Runs of another protocol (--results elsewhere) keep their checkpoints apart from the matrix's.
    out_dir = args.work / name if RESULTS.resolve() == DEFAULT_RESULTS.resolve() else args.work / RESULTS.name / name
    if impl == "jax" and out_dir.exists():
        shutil.rmtree(out_dir)  # a JAX cell restarts
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = command(impl, config, estimator, seed, args, out_dir)
    env = os.environ | {"OMP_NUM_THREADS": "1", "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", str(cpu)] + cmd
    # A resumed cell's time is the sum of its runs'; a checkpoint without that record (left by a
    # script that did not keep it) makes the sum a lower bound, said in the result.
    timing = out_dir / "wall-seconds.json"
    untimed = impl == "swift" and (out_dir / "checkpoint.gvae").exists() and not timing.exists()
    runs = json.loads(timing.read_text()) if timing.exists() else {"runs": [], "untimedStart": untimed}
    start = time.time()
    with open(out_dir / "stdout.txt", "a") as out, open(out_dir / "stderr.txt", "a") as err:
        code = subprocess.run(cmd, stdout=out, stderr=err, env=env).returncode
    runs["runs"].append(round(time.time() - start, 1))
    timing.write_text(json.dumps(runs) + "\n")
    seconds = sum(runs["runs"])
    if code != 0:
        print(f"{name}: failed ({code}), see {out_dir}/stderr.txt", file=sys.stderr, flush=True)
        return
    if impl == "swift":
        summary = json.loads((out_dir / "summary.json").read_text())
        curve = []
        for line in (out_dir / "stdout.txt").read_text().splitlines():
            m = EPOCH_LINE.match(line)
            if m:
                point = {"epoch": int(m[1]), "testNegELBO": float(m[3]), "temperature": float(m[5]),
                         "seconds": float(m[6])}
                if m[4]:
                    point["testNLLBound"] = float(m[4])
                curve.append(point)
        curve = list({c["epoch"]: c for c in curve}.values())  # a resumed cell repeats no epoch
    else:
        summary = json.loads((out_dir / "stdout.txt").read_text().strip().splitlines()[-1])
        curve = [json.loads(line) for line in (out_dir / "epochs.jsonl").read_text().splitlines()]
    result = {"cell": name, "implementation": impl, "config": config, "estimator": estimator, "seed": seed,
              **protocol(), "steps": EPOCHS * STEPS_PER_EPOCH, "curveBoundSamples": CURVE_BOUND_SAMPLES,
              "testNegELBO": summary["testNegELBO"], "testNLLBound": summary.get("testNLLBound"),
              "trainNegELBO": summary.get("trainNegELBO"), "secondsPerEpoch": summary.get("secondsPerEpoch"),
              "wallSeconds": round(seconds, 1), "wallSecondsComplete": not runs["untimedStart"],
              "command": " ".join(cmd), "curve": curve,
              "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"{name}: test -ELBO {result['testNegELBO']:.2f}, bound {fmt(result['testNLLBound'])}, "
          f"{seconds / 60:.1f} min", file=sys.stderr, flush=True)


def fmt(x):
    return "—" if x is None else f"{x:.2f}"


def selected(args):
    chosen = [c for c in cells() if (not args.only or any(fnmatch.fnmatch(c[0], p) for p in args.only))
              and (BINARIZATION == "threshold" or c[1] == "swift")]
    return chosen, [c for c in chosen if not (RESULTS / f"{c[0]}.json").exists()]


def done_results():
    return [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]


def run(args):
    if not args.binary.is_file():
        sys.exit(f"{args.binary} not found: run `swift build -c release` first")
    if not (args.data / "train-images-idx3-ubyte.gz").exists() and not (args.data / "train-images-idx3-ubyte").exists():
        sys.exit(f"{args.data} has no MNIST IDX files (pass --data DIR)")
    _, todo = selected(args)
    print(f"{len(todo)} cells to run, {args.jobs} at a time", file=sys.stderr, flush=True)
    free = list(range(args.jobs))

    def job(cell):
        cpu = free.pop()
        try:
            run_cell(cell, args, cpu)
        finally:
            free.append(cpu)

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(job, todo))


def list_cells(args):
    chosen, todo = selected(args)
    results = {r["cell"]: r for r in done_results()}
    for c in chosen:
        r = results.get(c[0])
        print(f"{c[0]:40s} " + (f"done: -ELBO {r['testNegELBO']:.2f}, bound {fmt(r['testNLLBound'])}, "
                                 f"{'' if timed(r) else 'over '}{r['wallSeconds'] / 60:.0f} min" if r else "to run"))
    # A cell left is timed by the median of the newest --recent finished cells of its
    # implementation, latents and estimator (else of its implementation and estimator, else of
    # all), which follows the program as it gets faster.
    finished = sorted((r for r in results.values() if timed(r)), key=lambda r: r["finished"], reverse=True)
    by_kind = {}
    for r in finished:
        for kind in ((r["implementation"], r["config"], r["estimator"]), (r["implementation"], r["estimator"])):
            times = by_kind.setdefault(kind, [])
            if len(times) < args.recent:
                times.append(r["wallSeconds"] / 60)
    everything = [r["wallSeconds"] / 60 for r in finished]
    if everything:
        left = sum(statistics.median(by_kind.get((c[1], c[2], c[3])) or by_kind.get((c[1], c[3])) or everything)
                   for c in todo)
        print(f"{len(chosen) - len(todo)} of {len(chosen)} done; the {len(todo)} left: about {left / 60:.1f} core-hours "
              f"(each the median of the {args.recent} newest timed cells of its kind, one core each)")


def timed(result):
    """Whether a result's wall time covers all its runs (not a resumed cell's last runs only)."""
    return result.get("wallSecondsComplete", True)


def mean_spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    if len(values) == 1:
        return f"{values[0]:.1f} (1 seed)"
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f} ({len(values)} seeds)"


def signed(mean, error=None):
    """A signed difference, with its standard error when there is one."""
    return f"{mean:+.2f}" if error is None else f"{mean:+.2f} ± {error:.2f}"


def difference(swift, jax, field):
    """The difference of the two means, with its standard error when both have 2 seeds or more."""
    a = [r[field] for r in swift if r.get(field) is not None]
    b = [r[field] for r in jax if r.get(field) is not None]
    if not a or not b:
        return "—"
    d = statistics.mean(a) - statistics.mean(b)
    if len(a) < 2 or len(b) < 2:
        return signed(d)
    return signed(d, (statistics.variance(a) / len(a) + statistics.variance(b) / len(b)) ** 0.5)


def table(args):
    results = done_results()
    groups = {}
    for r in results:
        groups.setdefault((r["config"], r["estimator"], r["implementation"]), []).append(r)
    lines = [f"| latents | estimator | Swift: test −ELBO | Swift: test NLL bound ({BOUND_SAMPLES:,} draws) | "
             "JAX peer: test −ELBO | JAX peer: bound | Swift − JAX: −ELBO, bound | paper (Jang et al. 2017, Table 1) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for config in CONFIGS:
        for estimator in ESTIMATORS:
            swift = groups.get((config, estimator, "swift"), [])
            jax = groups.get((config, estimator, "jax"), [])
            if not swift and not jax:
                continue
            lines.append(f"| {config} | {estimator} | {mean_spread([r['testNegELBO'] for r in swift])} | "
                         f"{mean_spread([r['testNLLBound'] for r in swift])} | "
                         f"{mean_spread([r['testNegELBO'] for r in jax])} | {mean_spread([r['testNLLBound'] for r in jax])} | "
                         f"{difference(swift, jax, 'testNegELBO')}, {difference(swift, jax, 'testNLLBound')} | "
                         f"{PAPERS.get((config, estimator), '—')} |")
    text = "\n".join(lines) + "\n" + paired_table(groups)
    print(text)
    table_path = RESULTS.parent / f"{RESULTS.name}-table.md"
    figure_path = RESULTS.parent / f"{RESULTS.name}-curves.svg"
    table_path.write_text(text)
    figure_path.write_text(curves_svg(results))
    print(f"wrote {table_path} and {figure_path}", file=sys.stderr)


def paired_table(groups):
    """Each Swift estimator against ST-GS of the same latents and seed: the mean over seeds of the
    paired differences, with their standard error (a seed's two cells share the data order, the
    initial weights and the evaluation draws, so pairing removes most of the seed's own effect).
    Empty when no latent type has ST-GS and another estimator on a common seed."""
    table, fields = {}, ("testNegELBO", "testNLLBound")
    for config in CONFIGS:
        base = {r["seed"]: r for r in groups.get((config, "st-gs", "swift"), [])}
        for estimator in ESTIMATORS[1:]:
            other = {r["seed"]: r for r in groups.get((config, estimator, "swift"), [])}
            seeds = [s for s in sorted(set(base) & set(other))
                     if all(r[s].get(f) is not None for r in (base, other) for f in fields)]
            if not seeds:
                continue
            parts = []
            for field in fields:
                d = [other[s][field] - base[s][field] for s in seeds]
                parts.append(signed(statistics.mean(d), statistics.stdev(d) / len(d) ** 0.5 if len(d) > 1 else None))
            table[config, estimator] = f"{parts[0]}; {parts[1]} ({len(seeds)})"
    columns = [e for e in ESTIMATORS[1:] if any(e == k[1] for k in table)]
    rows = [f"| {config} | " + " | ".join(table.get((config, e), "—") for e in columns) + " |"
            for config in CONFIGS if any(config == k[0] for k in table)]
    if not rows:
        return ""
    return ("\nSwift, each estimator − ST-GS of the same seed: test −ELBO; bound (mean ± standard error of the "
            "paired differences, seeds; with 2 seeds the error has one degree of freedom):\n\n| latents | " + " | ".join(columns) + " |\n| --- |" +
            " --- |" * len(columns) + "\n" + "\n".join(rows) + "\n")


def curves_svg(results):
    """The test bound after every epoch (CURVE_BOUND_SAMPLES draws per image; for a cell without
    that curve, its test negative ELBO, dotted), one line per estimator and implementation (its
    lowest seed with a bound curve from epoch 1, else its lowest seed), one panel per latent type,
    one legend above them; a dot at the end marks the final BOUND_SAMPLES-draw bound. Each panel
    shows 45 nats from just below its lowest value, so the estimators' last epochs stand apart."""
    colors = {"st-gs": "#1f77b4", "gs": "#ff7f0e", "st": "#2ca02c", "reinforce": "#d62728",
              "gumbel-rao": "#9467bd", "reinmax": "#8c564b", "gst": "#000000", "gst-p": "#bcbd22",
              "rloo": "#7f7f7f", "disarm": "#17becf"}
    panels = [c for c in CONFIGS if any(r["config"] == c for r in results)]
    width, height, header, left, right, top, bottom = 420, 350, 62, 44, 14, 30, 40
    plot_w, plot_h = width - left - right, height - header - top - bottom
    span, step = 45, 5
    parts = []

    def metric(r):
        return "testNLLBound" if any("testNLLBound" in pt for pt in r["curve"]) else "testNegELBO"

    def preference(r):  # a whole bound curve first, then the lowest seed
        whole = any(pt["epoch"] == 1 and "testNLLBound" in pt for pt in r["curve"])
        return (not whole, r["seed"])

    shown = set()
    for p, config in enumerate(panels):
        rows = [r for r in results if r["config"] == config and r["curve"]]
        rows = [r for r in rows if r is min((x for x in rows if x["estimator"] == r["estimator"]
                                             and x["implementation"] == r["implementation"]), key=preference)]
        values = [pt[m] for r in rows for m in [metric(r)] for pt in r["curve"] if m in pt]
        values += [r["testNLLBound"] for r in rows if r.get("testNLLBound") is not None]
        if not values:
            continue
        low = step * int((min(values) - 1) // step)
        x0, y0 = p * width + left, header + top
        parts.append(f'<text x="{x0 + plot_w / 2}" y="{header + 18}" text-anchor="middle" font-size="13">{config}</text>')
        for t in range(0, span + 1, step):
            y = y0 + plot_h * (1 - t / span)
            parts.append(f'<line x1="{x0}" x2="{x0 + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            parts.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{low + t}</text>')
        parts.append(f'<rect x="{x0}" y="{y0}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
        parts.append(f'<text x="{x0 + plot_w / 2}" y="{y0 + plot_h + 32}" text-anchor="middle" font-size="11">epoch</text>')
        for epoch in range(0, EPOCHS + 1, 20 if EPOCHS >= 40 else max(1, EPOCHS // 4)):
            x = x0 + plot_w * epoch / EPOCHS
            parts.append(f'<text x="{x:.1f}" y="{y0 + plot_h + 14}" text-anchor="middle" font-size="10">{epoch}</text>')

        def xy(epoch, value):  # values above the window leave it through the top edge (clipPath)
            return f"{x0 + plot_w * epoch / EPOCHS:.1f}", f"{y0 + plot_h * (1 - (value - low) / span):.1f}"

        parts.append(f'<clipPath id="plot{p}"><rect x="{x0}" y="{y0}" width="{plot_w}" height="{plot_h}"/></clipPath>')

        for r in sorted(rows, key=lambda r: (r["estimator"], r["implementation"])):
            m = metric(r)
            points = " ".join(",".join(xy(pt["epoch"], pt[m])) for pt in r["curve"] if m in pt)
            dash = ' stroke-dasharray="1 3"' if m == "testNegELBO" else (
                ' stroke-dasharray="4 3"' if r["implementation"] == "jax" else "")
            color = colors.get(r["estimator"], "#444444")
            parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.5"{dash} '
                         f'clip-path="url(#plot{p})">'
                         f'<title>{r["cell"]}</title></polyline>')
            if r.get("testNLLBound") is not None and r["testNLLBound"] <= low + span:
                cx, cy = xy(r["epochs"], r["testNLLBound"])
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{color}">'
                             f'<title>{r["cell"]}: '
                             f'{r["testNLLBound"]:.2f}</title></circle>')
            shown.add(r["estimator"])
    total = max(600, len(panels) * width)  # room for the header of a one-panel figure
    legend = [e for e in colors if e in shown]
    x = left
    for estimator in legend:
        parts.append(f'<line x1="{x}" x2="{x + 18}" y1="48" y2="48" stroke="{colors[estimator]}" stroke-width="2"/>'
                     f'<text x="{x + 22}" y="52" font-size="11">{estimator}</text>')
        x += 44 + 7 * len(estimator)
    parts.append(f'<text x="{left}" y="16" font-size="12">test bound after each epoch ({CURVE_BOUND_SAMPLES} draws '
                 'per image), the lowest seed with that curve</text>')
    parts.append(f'<text x="{left}" y="31" font-size="11">dot: the final bound ({BOUND_SAMPLES:,} draws); dashed: '
                 'JAX peer; dotted: −ELBO (no bound curve)</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height}" '
            f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>{"".join(parts)}</svg>\n')


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("action", choices=["run", "list", "table"])
    p.add_argument("--binary", type=Path, default=REPO / ".build/release/gumbel")
    p.add_argument("--data", type=Path, default=(REPO / ".." / "shared" / "data" / "mnist").resolve())
    p.add_argument("--work", type=Path, default=Path("/tmp/gumbel-paper"), help="run directories (checkpoints, logs)")
    p.add_argument("--jobs", type=int, default=1, help="cells at once, one processor each")
    p.add_argument("--recent", type=int, default=3, help="list: time a cell left by this many newest cells of its kind")
    p.add_argument("--only", nargs="+", metavar="PATTERN", help="cells whose names match these shell patterns")
    p.add_argument("--epochs", type=int, default=EPOCHS, help="a smoke test's shorter runs (not the protocol)")
    p.add_argument("--bound-samples", type=int, default=BOUND_SAMPLES, help="a smoke test's fewer draws (not the protocol)")
    p.add_argument("--results", type=Path, default=RESULTS, help="where cells' results go")
    p.add_argument("--seeds", type=int, nargs="+", default=SEEDS, help="the seeds of the matrix (default 0 1 2)")
    p.add_argument("--binarization", choices=["threshold", "sampled"], default="threshold",
                   help="sampled: the papers' data, each pixel drawn once with probability grey/255 "
                        "(Swift cells only; not the protocol: give such runs their own --results directory)")
    p.add_argument("--learning-rate-decay", type=float, default=LEARNING_RATE_DECAY,
                   help="the learning rate's factor every 1,000 steps, in (0, 1] (1: constant; not the protocol: "
                        "give such runs their own --results directory)")
    args = p.parse_args()
    if not 0 < args.learning_rate_decay <= 1:
        p.error("--learning-rate-decay must be in (0, 1]")
    if args.recent < 1:
        p.error("--recent must be at least 1")
    matrix_protocol, matrix_results = protocol(), RESULTS
    globals().update(EPOCHS=args.epochs, RESULTS=args.results, BOUND_SAMPLES=args.bound_samples, SEEDS=args.seeds,
                     BINARIZATION=args.binarization, LEARNING_RATE_DECAY=args.learning_rate_decay)
    asked = protocol()
    if asked != matrix_protocol and RESULTS.resolve() == matrix_results.resolve():
        p.error("--epochs, --bound-samples, --binarization and --learning-rate-decay change the protocol: "
                "give such runs their own --results directory")
    # A results directory holds one protocol: refuse to add to (or tabulate) one run otherwise.
    for r in done_results():
        if (recorded := recorded_protocol(r)) != asked:
            p.error(f"{RESULTS}/{r['cell']}.json was run with {recorded}, not {asked}: "
                    "pass the same options, or another --results directory")
    if args.jobs < 1:
        p.error("--jobs must be at least 1")
    return {"run": run, "list": list_cells, "table": table}[args.action](args)


if __name__ == "__main__":
    sys.exit(main())
