#!/usr/bin/env python3
"""Regenerates OracleVectors.swift (next to this file): Gumbel-softmax oracle values.

Usage: python3 make_oracle_vectors.py   (from any directory; needs `pip install jax torch numpy`)

gumbelSoftmax: JAX float32 samples and jax.grad gradients, under both Threefry schemes.
logProb:       PyTorch float64 RelaxedOneHotCategorical.log_prob, cross-checked against the
               closed-form Concrete density computed with numpy (asserted to agree to 1e-9).
Floats are written as exact hexadecimal literals.
"""

import contextlib
import math
import os
import re
import sys

import numpy as np

import jax
import jax.numpy as jnp
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "OracleVectors.swift")

SCHEMES = ("partitionable", "original")

KEYS = [
    (0x00000000, 0x00000000),
    (0x00000000, 0x0000002A),
    (0xFFFFFFFF, 0xFFFFFFFF),
    (0x12345678, 0x9ABCDEF0),
    tuple(int(w) for w in np.random.default_rng(20240611).integers(0, 2**32, size=2, dtype=np.uint64)),
]

# (K, count, temperature, masked): masked puts -inf at logit index 1.
GS_CASES = [
    (2, 1, 0.5, False), (2, 1, 3.0, False), (2, 3, 0.1, False), (2, 3, 1.0, False),
    (5, 1, 1.0, False), (5, 1, 0.1, False), (5, 3, 0.5, False), (5, 3, 3.0, False),
    (10, 1, 3.0, False), (10, 1, 0.5, False), (10, 3, 1.0, False), (10, 3, 0.1, False),
    (5, 3, 0.5, True),
]


@contextlib.contextmanager
def scheme_config(scheme):
    old = jax.config.jax_threefry_partitionable
    try:
        jax.config.update("jax_threefry_partitionable", scheme == "partitionable")
        yield
    finally:
        jax.config.update("jax_threefry_partitionable", old)


# ---------------------------------------------------------------- literals

def _trim_hex(h):
    # float.hex() always prints 13 fraction digits; drop the trailing zeros (keeping one digit).
    m = re.fullmatch(r"(-?0x[01]\.)([0-9a-f]+)(p[+-]\d+)", h)
    assert m, h
    return m.group(1) + (m.group(2).rstrip("0") or "0") + m.group(3)


def _float_lit(x, type_name):
    x = float(x)
    if math.isnan(x):
        raise ValueError("NaN in vectors")
    if math.isinf(x):
        return ("-" if x < 0 else "") + type_name + ".infinity"
    lit = _trim_hex(x.hex())
    assert float.fromhex(lit) == x and math.copysign(1, float.fromhex(lit)) == math.copysign(1, x), (lit, x)
    return lit


def f32(x):
    v = np.float32(x)
    assert float(v) == float(x) or math.isinf(float(x)), x
    return _float_lit(float(v), "Float")


def f64(x):
    return _float_lit(float(np.float64(x)), "Double")


def u32(x):
    return "0x%08x" % int(x)


def key_lit(k):
    return "(%s, %s)" % (u32(k[0]), u32(k[1]))


def array_lit(items, per_line=4, indent="        "):
    items = list(items)
    if len(items) <= per_line:
        return "[" + ", ".join(items) + "]"
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[\n" + ",\n".join(indent + l for l in lines) + ",\n      ]"


def table(name, type_str, rows, comment):
    out = ["  // " + c for c in comment.strip().splitlines()]
    out.append("  static let %s: [%s] = [" % (name, type_str))
    out += ["    " + r + "," for r in rows]
    out.append("  ]")
    assert len(rows) <= 64, (name, len(rows))
    return "\n".join(out)


# ---------------------------------------------------------------- gumbelSoftmax (JAX float32)

def gs_objective(logits, temperature, key, weights, count, hard):
    k = logits.shape[0]
    g = jax.random.gumbel(key, (count, k), dtype=jnp.float32)
    y = jax.nn.softmax((logits + g) / temperature, axis=-1)
    if hard:
        y = jax.nn.one_hot(jnp.argmax(y, axis=-1), k, dtype=y.dtype) - jax.lax.stop_gradient(y) + y
    return jnp.sum(weights * y), y


def make_gumbel_softmax():
    assert not jax.config.jax_enable_x64
    rng = np.random.default_rng(7)
    cases = []
    for i, (k, count, tau, masked) in enumerate(GS_CASES):
        logits = rng.normal(0.0, 1.5, size=k).astype(np.float32)
        if masked:
            logits[1] = -np.inf
        weights = rng.normal(0.0, 1.0, size=(count, k)).astype(np.float32)
        cases.append((KEYS[i % len(KEYS)], logits, count, np.float32(tau), weights, masked))

    grad_fn = jax.value_and_grad(gs_objective, argnums=(0, 1), has_aux=True)
    rows, dropped = [], []
    for scheme in SCHEMES:
        with scheme_config(scheme):
            for key, logits, count, tau, weights, masked in cases:
                jkey = jnp.array(key, dtype=jnp.uint32)
                args = (jnp.asarray(logits), jnp.asarray(tau), jkey, jnp.asarray(weights), count)
                (_, y), (gl, gt) = grad_fn(*args, False)
                (_, yh), (hgl, hgt) = grad_fn(*args, True)
                y, gl, gt, yh, hgl, hgt = (np.asarray(a) for a in (y, gl, gt, yh, hgl, hgt))
                assert y.dtype == np.float32 and y.shape == (count, len(logits))
                finite = all(np.isfinite(a).all() for a in (y, gl, gt, yh, hgl, hgt))
                if not finite:
                    bad = [n for n, a in (("samples", y), ("softGradLogits", gl), ("softGradTemperature", gt),
                                          ("hardSamples", yh), ("hardGradLogits", hgl),
                                          ("hardGradTemperature", hgt)) if not np.isfinite(a).all()]
                    msg = "%s key=%s K=%d count=%d tau=%g masked=%s: non-finite %s (softGradLogits=%s, softGradTemperature=%s)" % (
                        scheme, key_lit(key), len(logits), count, tau, masked, ", ".join(bad), gl, gt)
                    dropped.append(msg)
                    continue
                rows.append(
                    '(scheme: "%s", key: %s, logits: %s, count: %d, temperature: %s, weights: %s, samples: %s, '
                    "softGradLogits: %s, softGradTemperature: %s, hardSamples: %s, hardGradLogits: %s, "
                    "hardGradTemperature: %s)" % (
                        scheme, key_lit(key), array_lit(f32(x) for x in logits), count, f32(tau),
                        array_lit(f32(x) for x in weights.reshape(-1)), array_lit(f32(x) for x in y.reshape(-1)),
                        array_lit(f32(x) for x in gl), f32(gt), array_lit(f32(x) for x in yh.reshape(-1)),
                        array_lit(f32(x) for x in hgl), f32(hgt)))
    return rows, dropped


# ---------------------------------------------------------------- logProb (torch float64)

def logsumexp(a):
    m = np.max(a)
    return m + math.log(np.sum(np.exp(a - m)))


def concrete_log_density(logits, tau, y):
    logits = np.asarray(logits, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    k = len(logits)
    log_pi = logits - logsumexp(logits)
    log_y = np.log(y)
    return (math.lgamma(k) + (k - 1) * math.log(tau) + float(np.sum(log_pi - (tau + 1) * log_y))
            - k * logsumexp(log_pi - tau * log_y))


def make_log_prob():
    torch.manual_seed(20240611)
    rng = np.random.default_rng(11)
    cases = []
    for k in (2, 3, 5):
        for tau in (0.1, 0.5, 1.0, 2.0):
            logits = rng.normal(0.0, 1.0, size=k)
            d = torch.distributions.RelaxedOneHotCategorical(
                torch.tensor(tau, dtype=torch.float64), logits=torch.tensor(logits, dtype=torch.float64))
            value = d.rsample().numpy().astype(np.float64)
            cases.append((logits, tau, value))
    hand = [
        ([0.0, 0.0], 1.0, [0.5, 0.5]),
        ([0.3, -0.7, 1.2], 0.5, [0.2, 0.3, 0.5]),
        ([0.0, 0.0, 0.0], 2.0, [1 / 3, 1 / 3, 1 / 3]),
        ([1.0, -1.0, 0.5, 0.0, -2.0], 0.1, [0.1, 0.2, 0.3, 0.15, 0.25]),
    ]
    cases += [(np.array(l, dtype=np.float64), t, np.array(v, dtype=np.float64)) for l, t, v in hand]

    rows = []
    for logits, tau, value in cases:
        assert (value > 0).all() and abs(value.sum() - 1) < 1e-6, value
        d = torch.distributions.RelaxedOneHotCategorical(
            torch.tensor(tau, dtype=torch.float64), logits=torch.tensor(logits, dtype=torch.float64))
        lp = float(d.log_prob(torch.tensor(value, dtype=torch.float64)))
        closed = concrete_log_density(logits, tau, value)
        assert math.isfinite(lp)
        assert abs(lp - closed) <= 1e-9 * max(1.0, abs(lp)), (logits, tau, value, lp, closed)
        rows.append("(logits: %s, temperature: %s, value: %s, logProb: %s)" % (
            array_lit((f64(x) for x in logits), per_line=3), f64(tau),
            array_lit((f64(x) for x in value), per_line=3), f64(lp)))
    return rows


def make_relaxed_bernoulli():
    """PyTorch float64 RelaxedBernoulli.log_prob, element-wise, on its own rsample draws."""
    torch.manual_seed(7)
    rng = np.random.default_rng(12)
    rows = []
    for tau in (0.1, 0.5, 1.0, 3.0):
        logits = rng.normal(0.0, 2.0, size=4)
        d = torch.distributions.RelaxedBernoulli(torch.tensor(tau, dtype=torch.float64),
                                                 logits=torch.tensor(logits, dtype=torch.float64))
        value = d.rsample().numpy()
        value = np.clip(value, 1e-6, 1 - 1e-6)
        lp = d.log_prob(torch.tensor(value, dtype=torch.float64)).numpy()
        assert np.isfinite(lp).all()
        rows.append("(logits: %s, temperature: %s, value: %s, logProb: %s)" % (
            array_lit((f64(x) for x in logits), per_line=4), f64(tau),
            array_lit((f64(x) for x in value), per_line=4), array_lit((f64(x) for x in lp), per_line=4)))
    return rows


def main():
    gs_rows, dropped = make_gumbel_softmax()
    for msg in dropped:
        print("dropped gumbelSoftmax case:", msg)
    lp_rows = make_log_prob()
    K = "(UInt32, UInt32)"
    parts = [
        "// Generated by make_oracle_vectors.py with jax %s and torch %s -- do not edit." % (
            jax.__version__, torch.__version__),
        "// Regenerate with: python3 Tests/GumbelDistributionsTests/make_oracle_vectors.py",
        "// Floats are exact hexadecimal literals; arrays are flattened in row-major order.",
        "",
        "enum OracleVectors {",
        table("gumbelSoftmax",
              "(scheme: String, key: %s, logits: [Float], count: Int, temperature: Float, weights: [Float], "
              "samples: [Float], softGradLogits: [Float], softGradTemperature: Float, hardSamples: [Float], "
              "hardGradLogits: [Float], hardGradTemperature: Float)" % K,
              gs_rows,
              "JAX float32 (legacy uint32 key; scheme as in JAXVectors): g = jax.random.gumbel(key, (count, K)),\n"
              "y = softmax((logits + g) / temperature) per row (logits broadcast over rows); samples = y, shape [count, K].\n"
              "weights has shape [count, K]. Soft objective sum(weights * y); hard (straight-through)\n"
              "y_st = one_hot(argmax y) - stop_gradient(y) + y, objective sum(weights * y_st); hardSamples = y_st as\n"
              "JAX computes it in float32 (so an entry may differ from the exact one-hot by an ulp).\n"
              "Gradients w.r.t. logits (shape [K]) and temperature (scalar) by jax.grad."
              + ("\nLeft out: a masked-logit (-inf) case, whose temperature gradient is NaN in JAX." if dropped else "")),
        "",
        table("logProb", "(logits: [Double], temperature: Double, value: [Double], logProb: Double)",
              lp_rows,
              "PyTorch float64 torch.distributions.RelaxedOneHotCategorical(temperature, logits=logits).log_prob(value),\n"
              "checked against the closed-form Concrete density to 1e-9. Values: rsample draws, then hand-picked points."),
        "",
        table("relaxedBernoulli", "(logits: [Double], temperature: Double, value: [Double], logProb: [Double])",
              make_relaxed_bernoulli(),
              "PyTorch float64 torch.distributions.RelaxedBernoulli(temperature, logits=logits).log_prob(value),\n"
              "element-wise; values are its rsample draws, clipped to [1e-6, 1 - 1e-6]."),
        "}",
        "",
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(parts))
    print("wrote %s (%d gumbelSoftmax, %d logProb)" % (OUT, len(gs_rows), len(lp_rows)))


if __name__ == "__main__":
    sys.exit(main())
