#!/usr/bin/env python3
"""Compares the `gumbel` CLI with JAX and PyTorch on random cases (a development script).

No test runs this. It draws cases that no test fixed in advance, runs the CLI with
`--format json` and compares with the oracles:

  random bits|uniform|gumbel|categorical|split|fold-in   vs jax.random (both Threefry schemes)
  sample --hard/--grad-weights                            vs jax.nn.softmax + jax.grad (float32)
  log-prob                                                vs torch RelaxedOneHotCategorical (float64)

Usage (from the package root, after `swift build`):

  python3 Scripts/compare_cli_with_oracles.py [--seed 0] [--cases 200] [--binary PATH] [--jobs 1]

It prints one summary line per command group (cases, failures, worst error), details of the
first failures of each group (command line, CLI output, oracle output), and exits 1 on any
failure. The 64-bit cases (bits --width 64, --dtype float64) run in a child process with
jax_enable_x64, in parallel with the 32-bit ones.

Requirements checked: integers (bits, categorical, keys) and uniform floats identical; Gumbel
noise |a-b| <= 2*eps*max(1,|b|); sample samples/gradients |a-b| <= 2e-5*max(1,|b|) against
JAX float32, or, where JAX's own float32 rounding misses that at low temperatures, against
the same computation in float64 on the same noise; hard samples exactly one-hot and on
JAX's categories; log-prob |a-b| <= 1e-4*max(1,|b|).
"""

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_BINARY = os.path.join(ROOT, ".build", "debug", "gumbel")

SCHEMES = ("partitionable", "original")
MAX_DETAILS = 3  # failures printed in full per group


# ---------------------------------------------------------------- plumbing


class Group:
    """Results of one command group."""

    def __init__(self, name, error_unit):
        self.name = name
        self.error_unit = error_unit
        self.cases = 0
        self.failures = 0
        self.skipped = 0
        self.accepted_by_truth = 0   # sample cases where JAX float32 is off but the CLI matches float64
        self.worst = 0.0
        self.worst_command = None
        self.details = []

    def record(self, command, error, failed, cli_output, reference, note=""):
        self.cases += 1
        if error is not None and (error > self.worst or math.isnan(error)) and not math.isnan(self.worst):
            self.worst = error
            self.worst_command = command
        if failed:
            self.failures += 1
            if len(self.details) < MAX_DETAILS:
                self.details.append({
                    "command": command, "note": note,
                    "cli": clip(cli_output), "reference": clip(reference)})

    def to_json(self):
        return dict(self.__dict__)

    @staticmethod
    def from_json(d):
        g = Group(d["name"], d["error_unit"])
        g.__dict__.update(d)
        return g

    def summary(self):
        extra = f"  skipped {self.skipped}" if self.skipped else ""
        if self.accepted_by_truth:
            extra += f"  ({self.accepted_by_truth} within tolerance of float64 where JAX float32 was not)"
        return (f"{self.name:<34} cases {self.cases:4d}  failures {self.failures:4d}  "
                f"worst error {self.worst:.3g} {self.error_unit}{extra}")


def clip(text, limit=1500):
    text = text if isinstance(text, str) else json.dumps(text)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


class CLI:
    """Runs CLI commands on a thread pool while the main thread computes the oracles."""

    def __init__(self, binary, jobs, display=None):
        self.binary = binary
        self.display = display or binary  # the path printed in command lines
        self.pool = ThreadPoolExecutor(max_workers=jobs)

    def submit(self, argv):
        return self.pool.submit(self._run, argv)

    def _run(self, argv):
        p = subprocess.run([self.binary] + argv, capture_output=True, text=True)
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def command_line(self, argv):
        return shlex.join([self.display] + argv)


def parse_cli(result):
    """(json, raw text, error message) of a CLI run."""
    rc, out, err = result
    if rc != 0:
        return None, f"exit {rc}: {err}\n{out}", f"CLI exit status {rc}: {err}"
    try:
        return json.loads(out), out, None
    except ValueError as e:
        return None, out, f"unparsable JSON: {e}"


def num(x):
    """A number for the command line, round-tripping exactly."""
    return repr(float(x))


def f32(x):
    return float(np.float32(x))


def random_shape(rng, max_dims=3, max_size=50, max_total=2000, min_dims=1):
    while True:
        dims = int(rng.integers(min_dims, max_dims + 1))
        shape = [int(rng.integers(1, max_size + 1)) for _ in range(dims)]
        if int(np.prod(shape)) <= max_total:
            return shape


def random_key(rng):
    return int(rng.integers(0, 2**32)), int(rng.integers(0, 2**32))


def key_args(k, scheme):
    return ["--key", f"{k[0]},{k[1]}", "--scheme", scheme]


def as_floats(values):
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def compare_ints(got, want):
    """(max |a-b|, failed) of integer arrays."""
    got = np.asarray(got, dtype=object).ravel()
    want = np.asarray(want).astype(object).ravel()
    if got.shape != want.shape:
        return float("inf"), True
    diff = max((abs(int(a) - int(b)) for a, b in zip(got, want)), default=0)
    return float(diff), diff != 0


def first_difference(got, want):
    for i, (a, b) in enumerate(zip(got, want)):
        if a != b:
            return f"first difference at flat index {i}: CLI {a!r}, reference {b!r}"
    return ""


# ---------------------------------------------------------------- JAX random groups


def jax_setup(x64):
    import jax
    jax.config.update("jax_enable_x64", x64)
    jax.config.update("jax_platforms", "cpu")
    return jax


def jax_key(jax, k, scheme):
    import jax.numpy as jnp
    jax.config.update("jax_threefry_partitionable", scheme == "partitionable")
    return jax.random.wrap_key_data(jnp.array([k[0], k[1]], dtype=jnp.uint32))


def run_random_group(cli, rng, n, name, make_case, check):
    """make_case(rng) -> (argv, state); check(state, json) -> (error, failed, reference, note)."""
    group = Group(name, make_case.unit)
    cases = [make_case(rng) for _ in range(n)]
    futures = [cli.submit(argv) for argv, _ in cases]
    for (argv, state), future in zip(cases, futures):
        data, raw, problem = parse_cli(future.result())
        command = cli.command_line(argv)
        if problem is not None:
            _, _, reference, _ = check(state, None)
            group.record(command, float("nan"), True, raw, reference, problem)
            continue
        try:
            error, failed, reference, note = check(state, data)
        except Exception as e:  # malformed output
            error, failed, reference, note = float("nan"), True, "", f"comparison raised {e!r}"
        group.record(command, error, failed, raw, reference, note)
    return group


def unit(u):
    def deco(f):
        f.unit = u
        return f
    return deco


def random_groups(jax, cli, seed, n, x64, part):
    import jax.numpy as jnp

    groups = []
    streams = np.random.SeedSequence([seed, 1 if x64 else 0]).spawn(10)
    rngs = [np.random.default_rng(s) for s in streams]
    ftype = "float64" if x64 else "float32"
    np_f = np.float64 if x64 else np.float32
    eps = 2.0**-52 if x64 else 2.0**-23

    def array_check(state, data, reference, exact_float=False, tolerance_ulps=None):
        want = np.asarray(reference)
        ref_obj = {"shape": list(want.shape), "values": want.ravel().tolist()}
        if data is None:
            return None, True, ref_obj, ""
        if list(data["shape"]) != list(want.shape):
            return float("inf"), True, ref_obj, f"shape {data['shape']} != {list(want.shape)}"
        values = data["values"]
        if len(values) != want.size:
            return float("inf"), True, ref_obj, f"{len(values)} values for shape {list(want.shape)}"
        if want.dtype.kind in "ui":
            err, failed = compare_ints(values, want)
            return err, failed, ref_obj, first_difference(values, want.ravel().tolist()) if failed else ""
        got = as_floats(values).astype(want.dtype)  # exact: the CLI prints round-trip text
        w = want.ravel().astype(np.float64)
        g = got.astype(np.float64)
        if exact_float:
            diff = np.abs(g - w)
            err = float(np.max(diff / (eps * np.maximum(1.0, np.abs(w))), initial=0.0))
            failed = not np.array_equal(g, w)
            note = first_difference(g.tolist(), w.tolist()) if failed else ""
            return (float("nan") if np.isnan(g).any() else err), failed, ref_obj, note
        scaled = np.abs(g - w) / (eps * np.maximum(1.0, np.abs(w)))
        err = float(np.max(scaled, initial=0.0)) if not np.isnan(g).any() else float("nan")
        failed = not (err <= tolerance_ulps)
        note = ""
        if failed:
            i = int(np.nanargmax(np.where(np.isnan(scaled), np.inf, scaled)))
            note = f"worst at flat index {i}: CLI {g[i]!r}, reference {w[i]!r}"
        return err, failed, ref_obj, note

    width = 64 if x64 else 32
    if part == "b":
        return categorical_and_keys(jax, cli, rngs, n, array_check)

    # bits
    @unit("(max |a-b|)")
    def bits_case(rng):
        k, scheme, shape = random_key(rng), SCHEMES[rng.integers(2)], random_shape(rng)
        argv = ["random", "bits"] + key_args(k, scheme) + ["--shape", ",".join(map(str, shape)),
                                                          "--width", str(width), "--format", "json"]
        return argv, (k, scheme, shape)

    def bits_check(state, data):
        k, scheme, shape = state
        dtype = jnp.uint64 if x64 else jnp.uint32
        ref = np.asarray(jax.random.bits(jax_key(jax, k, scheme), tuple(shape), dtype=dtype))
        return array_check(state, data, ref)

    groups.append(run_random_group(cli, rngs[0], n, f"random bits --width {width}", bits_case, bits_check))

    # uniform
    @unit("ulp (exact required)")
    def uniform_case(rng):
        k, scheme, shape = random_key(rng), SCHEMES[rng.integers(2)], random_shape(rng)
        argv = ["random", "uniform"] + key_args(k, scheme) + ["--shape", ",".join(map(str, shape)),
                                                             "--dtype", ftype, "--format", "json"]
        r = rng.random()
        if r < 0.15:
            lo, hi = 0.0, 1.0  # defaults, options omitted
        else:
            lo = float(rng.normal() * 10.0 ** rng.integers(-2, 4))
            hi = lo + float(np.exp(rng.uniform(-5, 6)))
            argv += [f"--minval={num(lo)}", f"--maxval={num(hi)}"]
        return argv, (k, scheme, shape, lo, hi)

    def uniform_check(state, data):
        k, scheme, shape, lo, hi = state
        dtype = jnp.float64 if x64 else jnp.float32
        ref = np.asarray(jax.random.uniform(jax_key(jax, k, scheme), tuple(shape), dtype=dtype,
                                            minval=lo, maxval=hi))
        assert ref.dtype == np_f
        return array_check(state, data, ref, exact_float=True)

    groups.append(run_random_group(cli, rngs[1], n, f"random uniform --dtype {ftype}", uniform_case, uniform_check))

    # gumbel
    @unit("ulp of max(1,|x|) (<= 2)")
    def gumbel_case(rng):
        k, scheme, shape = random_key(rng), SCHEMES[rng.integers(2)], random_shape(rng)
        argv = ["random", "gumbel"] + key_args(k, scheme) + ["--shape", ",".join(map(str, shape)),
                                                            "--dtype", ftype, "--format", "json"]
        return argv, (k, scheme, shape)

    def gumbel_check(state, data):
        k, scheme, shape = state
        dtype = jnp.float64 if x64 else jnp.float32
        ref = np.asarray(jax.random.gumbel(jax_key(jax, k, scheme), tuple(shape), dtype=dtype))
        assert ref.dtype == np_f
        return array_check(state, data, ref, tolerance_ulps=2.0)

    groups.append(run_random_group(cli, rngs[2], n, f"random gumbel --dtype {ftype}", gumbel_case, gumbel_check))
    return groups


def categorical_and_keys(jax, cli, rngs, n, array_check):
    import jax.numpy as jnp
    groups = []

    # categorical (float32 logits, some -inf)
    @unit("(max |a-b|)")
    def categorical_case(rng):
        k, scheme = random_key(rng), SCHEMES[rng.integers(2)]
        length = int(rng.integers(1, 21))
        logits = (rng.normal(size=length) * 2).astype(np.float32)
        if length > 1 and rng.random() < 0.6:
            masked = rng.choice(length, size=int(rng.integers(1, length)), replace=False)
            logits[masked] = -np.inf
        argv = ["random", "categorical"] + key_args(k, scheme) + [
            "--logits=" + ",".join(num(x) for x in logits), "--format", "json"]
        shape = None
        if rng.random() < 0.9:
            shape = random_shape(rng)
            argv += ["--shape", ",".join(map(str, shape))]
        return argv, (k, scheme, logits, shape)

    def categorical_check(state, data):
        k, scheme, logits, shape = state
        ref = np.asarray(jax.random.categorical(jax_key(jax, k, scheme), jnp.asarray(logits, jnp.float32),
                                                shape=None if shape is None else tuple(shape)))
        result = array_check(state, data, ref)
        if data is not None and not result[1]:  # and never a masked category
            drawn = set(int(v) for v in data["values"])
            if any(np.isneginf(logits[i]) for i in drawn):
                return result[0], True, result[2], "a masked category was drawn"
        return result

    groups.append(run_random_group(cli, rngs[3], n, "random categorical", categorical_case, categorical_check))

    # split
    def keys_check(data, ref_keys):
        ref = np.asarray(ref_keys).reshape(-1, 2)
        ref_obj = {"keys": ref.tolist()}
        if data is None:
            return None, True, ref_obj, ""
        got = np.array(data["keys"], dtype=object).reshape(-1, 2) if data["keys"] else np.zeros((0, 2), object)
        err, failed = compare_ints(got, ref)
        return err, failed, ref_obj, ""

    @unit("(max |a-b|)")
    def split_case(rng):
        k, scheme = random_key(rng), SCHEMES[rng.integers(2)]
        count = int(rng.integers(0, 51)) if rng.random() < 0.9 else None
        argv = ["random", "split"] + key_args(k, scheme) + ["--format", "json"]
        if count is not None:
            argv += ["--num", str(count)]
        return argv, (k, scheme, 2 if count is None else count)

    def split_check(state, data):
        k, scheme, count = state
        return keys_check(data, jax.random.key_data(jax.random.split(jax_key(jax, k, scheme), count)))

    groups.append(run_random_group(cli, rngs[4], n, "random split", split_case, split_check))

    # fold-in
    @unit("(max |a-b|)")
    def fold_case(rng):
        k, scheme = random_key(rng), SCHEMES[rng.integers(2)]
        d = int(rng.integers(0, 2**32)) if rng.random() < 0.8 else int(rng.choice([0, 1, 2**31, 2**32 - 1]))
        argv = ["random", "fold-in"] + key_args(k, scheme) + ["--data", str(d), "--format", "json"]
        return argv, (k, scheme, d)

    def fold_check(state, data):
        k, scheme, d = state
        return keys_check(data, jax.random.key_data(jax.random.fold_in(jax_key(jax, k, scheme), np.uint32(d))))

    groups.append(run_random_group(cli, rngs[5], n, "random fold-in", fold_case, fold_check))

    # --seed: the key is (0, N mod 2^32), as default (32-bit) jax.random.PRNGKey(N)
    @unit("(max |a-b|)")
    def seed_case(rng):
        r = rng.random()
        if r < 0.4:
            s = int(rng.integers(0, 2000))
        elif r < 0.8:
            s = int(rng.integers(-2**31, 2**31))
        else:
            s = int(rng.integers(-2**63, 2**63 - 1))
        scheme = SCHEMES[rng.integers(2)]
        what = ["bits", "split", "fold-in"][rng.integers(3)]
        argv = ["random", what, f"--seed={s}", "--scheme", scheme, "--format", "json"]
        extra = None
        if what == "bits":
            extra = random_shape(rng, max_total=200)
            argv += ["--shape", ",".join(map(str, extra))]
        elif what == "fold-in":
            extra = int(rng.integers(0, 2**32))
            argv += ["--data", str(extra)]
        return argv, (s, scheme, what, extra)

    def seed_check(state, data):
        s, scheme, what, extra = state
        jax.config.update("jax_threefry_partitionable", scheme == "partitionable")
        if -2**31 <= s < 2**31:
            key = jax.random.PRNGKey(s)  # legacy uint32[2] key, JAX's own seed conversion
        else:  # out of int32 range 32-bit JAX refuses; the documented conversion
            key = jax.random.wrap_key_data(jnp.array([0, s % 2**32], dtype=jnp.uint32))
        if what == "bits":
            return array_check(state, data, np.asarray(jax.random.bits(key, tuple(extra), dtype=jnp.uint32)))
        if what == "split":
            return keys_check(data, jax.random.key_data(jax.random.split(key)))
        return keys_check(data, jax.random.key_data(jax.random.fold_in(key, np.uint32(extra))))

    groups.append(run_random_group(cli, rngs[6], max(10, n // 5), "random * --seed N", seed_case, seed_check))
    return groups


# ---------------------------------------------------------------- sample (JAX, float32)


def sample_group(jax, cli, seed, n):
    import jax.numpy as jnp

    rng = np.random.default_rng(np.random.SeedSequence([seed, 2]))
    group = Group("sample (samples + gradients)", "relative (<= 2e-5)")
    cases = []
    for _ in range(n):
        k, scheme = random_key(rng), SCHEMES[rng.integers(2)]
        K, N = int(rng.integers(2, 13)), int(rng.integers(1, 6))
        T = f32(np.exp(rng.uniform(np.log(0.1), np.log(5.0))))
        logits = (rng.normal(size=K) * 2).astype(np.float32)
        W = rng.uniform(-1, 1, size=(N * K if rng.random() < 0.5 else K)).astype(np.float32)
        hard = bool(rng.random() < 0.5)
        argv = ["sample", "--logits=" + ",".join(num(x) for x in logits), "--temperature", num(T),
                "--count", str(N)] + key_args(k, scheme) + (["--hard"] if hard else []) + [
                "--grad-weights=" + ",".join(num(x) for x in W), "--format", "json"]
        cases.append((argv, (k, scheme, K, N, T, logits, W, hard)))
    futures = [cli.submit(argv) for argv, _ in cases]

    for (argv, (k, scheme, K, N, T, logits, W, hard)), future in zip(cases, futures):
        key = jax_key(jax, k, scheme)
        g = jax.random.gumbel(key, (N, K), dtype=jnp.float32)
        weights = jnp.asarray(W, jnp.float32).reshape((N, K) if W.size == N * K else (K,))

        def objective(l, t):
            z = l + g
            y = jax.nn.softmax(z / t, axis=-1)
            if hard:
                one_hot = jax.nn.one_hot(jnp.argmax(z, axis=-1), K, dtype=jnp.float32)
                y = one_hot - jax.lax.stop_gradient(y) + y
                return jnp.sum(weights * y), one_hot
            return jnp.sum(weights * y), y

        (_, y_ref), (gl, gt) = jax.value_and_grad(objective, argnums=(0, 1), has_aux=True)(
            jnp.asarray(logits, jnp.float32), jnp.float32(T))
        y_ref, gl, gt = np.asarray(y_ref, np.float64), np.asarray(gl, np.float64), float(gt)
        reference = {"samples": y_ref.tolist(), "gradient": {"logits": gl.tolist(), "temperature": gt}}

        data, raw, problem = parse_cli(future.result())
        command = cli.command_line(argv)
        if problem is not None:
            group.record(command, float("nan"), True, raw, reference, problem)
            continue
        notes, err = [], 0.0
        try:
            samples = np.array([[np.nan if v is None else v for v in row] for row in data["samples"]], np.float64)
            grad = data["gradient"]
            g_logits = as_floats(grad["logits"])
            g_t = np.nan if grad["temperature"] is None else float(grad["temperature"])
            if samples.shape != y_ref.shape or g_logits.shape != gl.shape:
                raise ValueError(f"shapes {samples.shape}, {g_logits.shape}")
        except Exception as e:
            group.record(command, float("nan"), True, raw, reference, f"bad output: {e!r}")
            continue
        structural = False
        if hard:
            if not np.isin(samples, (0.0, 1.0)).all() or not (samples.sum(axis=1) == 1).all():
                notes.append("hard samples are not exactly one-hot")
                structural = True
            elif not np.array_equal(samples, y_ref):
                notes.append("hard samples pick other categories than JAX's argmax")
                structural = True
        else:
            e = float(np.max(np.abs(samples - y_ref) / np.maximum(1, np.abs(y_ref))))
            err = max(err, e) if not math.isnan(e) else e
            if not e <= 2e-5:
                notes.append(f"samples: relative error {e:.3g}")
        for label, a, b in (("d/dlogits", g_logits, gl), ("d/dT", np.array([g_t]), np.array([gt]))):
            e = float(np.max(np.abs(a - b) / np.maximum(1, np.abs(b))))
            err = e if math.isnan(e) or math.isnan(err) else max(err, e)
            if not e <= 2e-5:
                notes.append(f"{label}: relative error {e:.3g}")
        if notes and not structural:  # which side is nearer the float64 truth (same float32 noise g)?
            t_y, t_gl, t_gt = float64_truth(np.asarray(g, np.float64), logits.astype(np.float64), T,
                                            np.broadcast_to(W.astype(np.float64).reshape(weights.shape), (N, K)))
            truth = np.concatenate([t_y.ravel() if not hard else [], t_gl, [t_gt]])
            cli_v = np.concatenate([samples.ravel() if not hard else [], g_logits, [g_t]])
            jax_v = np.concatenate([y_ref.ravel() if not hard else [], gl, [gt]])
            rel = lambda a: float(np.max(np.abs(a - truth) / np.maximum(1, np.abs(truth))))
            # JAX's own float32 rounding can exceed the tolerance at low temperatures; the CLI
            # passes if it is within the tolerance of the float64 computation on the same noise.
            if rel(cli_v) <= 2e-5:
                err = rel(cli_v)
                group.accepted_by_truth += 1
                notes = []
            else:
                notes.append(f"vs float64 truth: CLI {rel(cli_v):.3g}, JAX {rel(jax_v):.3g}")
        group.record(command, err, bool(notes), raw, reference, "; ".join(notes))
    return group


def float64_truth(g, logits, T, W):
    """Soft sample and gradients of sum(W * y) (also the straight-through ones) in float64."""
    z = logits + g
    s = z / T
    y = np.exp(s - s.max(axis=1, keepdims=True))
    y /= y.sum(axis=1, keepdims=True)
    ds = y * (W - (W * y).sum(axis=1, keepdims=True))  # d objective / d (z / T)
    return y, (ds / T).sum(axis=0), float(-(ds * z).sum() / T**2)


# ---------------------------------------------------------------- log-prob (PyTorch, float64)


def log_prob_group(cli, seed, n):
    import torch
    from torch.distributions import RelaxedOneHotCategorical

    torch.manual_seed(seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 3]))
    group = Group("log-prob", "relative (<= 1e-4)")
    cases, attempts = [], 0
    while len(cases) < n and attempts < 100 * n:
        K = int(rng.integers(2, 9))
        T = float(np.exp(rng.uniform(np.log(0.05), np.log(5.0))))
        logits = rng.normal(size=K) * 2
        d = RelaxedOneHotCategorical(torch.tensor(T, dtype=torch.float64),
                                     logits=torch.tensor(logits, dtype=torch.float64))
        for _ in range(20):
            attempts += 1
            v = d.rsample()
            lp = float(d.log_prob(v))
            if bool((v >= 1e-12).all()) and math.isfinite(lp):
                break
            group.skipped += 1
        else:
            continue
        values = v.tolist()
        argv = ["log-prob", "--logits=" + ",".join(num(x) for x in logits), "--temperature", num(T),
                "--value=" + ",".join(num(x) for x in values), "--format", "json"]
        cases.append((argv, lp))
    futures = [cli.submit(argv) for argv, _ in cases]
    for (argv, lp), future in zip(cases, futures):
        data, raw, problem = parse_cli(future.result())
        command = cli.command_line(argv)
        reference = {"logProb": lp}
        if problem is not None:
            group.record(command, float("nan"), True, raw, reference, problem)
            continue
        got = data.get("logProb")
        got = np.nan if got is None else float(got)
        e = abs(got - lp) / max(1.0, abs(lp))
        group.record(command, e, not e <= 1e-4, raw, reference, f"relative error {e:.3g}")
    return group


# ---------------------------------------------------------------- main

# Worker phases, run as concurrent child processes (JAX's per-shape compiles dominate the time).
PHASES = ("x32a", "x32b", "x64")


def run_phase(phase, args):
    jax = jax_setup(x64=(phase == "x64"))
    cli = CLI(args.binary, args.jobs, args.display_binary)
    if phase == "x32a":
        return random_groups(jax, cli, args.seed, args.cases, x64=False, part="a")
    if phase == "x64":
        return random_groups(jax, cli, args.seed, args.cases, x64=True, part="a")
    return random_groups(jax, cli, args.seed, args.cases, x64=False, part="b") + [
        sample_group(jax, cli, args.seed, args.cases)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the random cases (default 0)")
    parser.add_argument("--cases", type=int, default=200, help="cases per command group (default 200)")
    parser.add_argument("--binary", default=DEFAULT_BINARY, help="the gumbel executable")
    parser.add_argument("--jobs", type=int, default=1,
                        help="CLI processes each of the 3 worker processes keeps running (default 1)")
    parser.add_argument("--phase", choices=("main",) + PHASES, default="main", help=argparse.SUPPRESS)
    parser.add_argument("--display-binary", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if not os.access(args.binary, os.X_OK):
        sys.exit(f"no executable {args.binary}; run `swift build` first")

    if args.phase != "main":  # a worker: its groups as JSON on the last line of stdout
        print(json.dumps([g.to_json() for g in run_phase(args.phase, args)]))
        return 0

    with tempfile.TemporaryDirectory(prefix="gumbel-compare-") as tmp:
        return compare(args, snapshot(args.binary, tmp))


def snapshot(binary, directory):
    """A private copy of the executable, so that a `swift build` during the run cannot change it."""
    copy = os.path.join(directory, "gumbel")
    for attempt in range(20):
        try:
            shutil.copy2(binary, copy)
            p = subprocess.run([copy, "random", "bits", "--seed", "0", "--format", "json"],
                               capture_output=True, text=True)
            if p.returncode == 0 and json.loads(p.stdout)["values"]:
                return copy
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(1)  # probably being rebuilt right now
    sys.exit(f"could not take a working copy of {binary}")


def compare(args, binary):
    children = {phase: subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "--phase", phase, "--seed", str(args.seed),
         "--cases", str(args.cases), "--binary", binary, "--display-binary", args.binary,
         "--jobs", str(args.jobs)],
        stdout=subprocess.PIPE, text=True) for phase in PHASES}
    try:
        log_prob = log_prob_group(CLI(binary, args.jobs, args.binary), args.seed, args.cases)
        groups = []
        for phase, child in children.items():
            out, _ = child.communicate()
            if child.returncode != 0:
                crashed = Group(f"{phase} worker (crashed, exit {child.returncode})", "")
                crashed.failures = 1
                groups.append(crashed)
            else:
                groups += [Group.from_json(d) for d in json.loads(out.strip().splitlines()[-1])]
        groups.append(log_prob)
    finally:  # never leave workers behind
        for child in children.values():
            if child.poll() is None:
                child.kill()
                child.wait()

    for g in groups:
        for d in g.details:
            print(f"FAIL [{g.name}] {d['note']}\n  command:   {d['command']}\n"
                  f"  CLI:       {d['cli']}\n  reference: {d['reference']}")
    print(f"# seed {args.seed}, {args.cases} cases per group")
    for g in groups:
        print(g.summary())
    failures = sum(g.failures for g in groups)
    print(f"FAILED ({failures} failing cases)" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
