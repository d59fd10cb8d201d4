#!/usr/bin/env python3
"""Regenerates JAXVectors.swift (next to this file): known-answer vectors from JAX.

Usage: python3 make_jax_vectors.py   (from any directory; needs `pip install jax numpy`)

Every random table is produced under both Threefry schemes:
  "partitionable"  jax.config.update('jax_threefry_partitionable', True)   (JAX's default)
  "original"       jax.config.update('jax_threefry_partitionable', False)
Keys are raw (legacy) uint32[2] key arrays, so arbitrary key words can be used.
Floats are written as exact hexadecimal literals, UInt32 as 0x%08x.
"""

import contextlib
import math
import os
import re
import sys

import numpy as np

import jax
import jax.numpy as jnp

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "JAXVectors.swift")

SCHEMES = ("partitionable", "original")

KEYS = [
    (0x00000000, 0x00000000),
    (0x00000000, 0x0000002A),
    (0xFFFFFFFF, 0xFFFFFFFF),
    (0x12345678, 0x9ABCDEF0),
    tuple(int(w) for w in np.random.default_rng(20240611).integers(0, 2**32, size=2, dtype=np.uint64)),
]

SEEDS = [0, 1, 42, 48, 1701, 2**31 - 1, -1, -7, 2**31, 2**32 + 5, 2**40 + 3]


@contextlib.contextmanager
def config(scheme=None, x64=False):
    old_part = jax.config.jax_threefry_partitionable
    old_x64 = jax.config.jax_enable_x64
    try:
        if scheme is not None:
            jax.config.update("jax_threefry_partitionable", scheme == "partitionable")
        jax.config.update("jax_enable_x64", x64)
        yield
    finally:
        jax.config.update("jax_threefry_partitionable", old_part)
        jax.config.update("jax_enable_x64", old_x64)


def raw_key(k):
    return jnp.array([k[0], k[1]], dtype=jnp.uint32)


def key_words(arr):
    a = np.asarray(arr)
    assert a.dtype == np.uint32 and a.shape == (2,), (a.dtype, a.shape)
    return (int(a[0]), int(a[1]))


# ---------------------------------------------------------------- literals

def u32(x):
    x = int(x)
    assert 0 <= x < 2**32
    return "0x%08x" % x


def u64(x):
    x = int(x)
    assert 0 <= x < 2**64
    return "0x%016x" % x


def key_lit(k):
    return "(%s, %s)" % (u32(k[0]), u32(k[1]))


def _float_lit(x, type_name):
    x = float(x)
    if math.isnan(x):
        raise ValueError("NaN in vectors")
    if math.isinf(x):
        return ("-" if x < 0 else "") + type_name + ".infinity"
    lit = _trim_hex(x.hex())
    assert float.fromhex(lit) == x and math.copysign(1, float.fromhex(lit)) == math.copysign(1, x), (lit, x)
    return lit


def _trim_hex(h):
    # float.hex() always prints 13 fraction digits; drop the trailing zeros (keeping one digit).
    m = re.fullmatch(r"(-?0x[01]\.)([0-9a-f]+)(p[+-]\d+)", h)
    assert m, h
    frac = m.group(2).rstrip("0") or "0"
    return m.group(1) + frac + m.group(3)


def f32(x):
    v = np.float32(x)
    assert float(v) == float(x) or math.isinf(float(x)), x
    return _float_lit(float(v), "Float")


def f64(x):
    return _float_lit(float(np.float64(x)), "Double")


def array_lit(items, per_line=6, indent="        "):
    items = list(items)
    if not items:
        return "[]"
    if len(items) <= per_line:
        return "[" + ", ".join(items) + "]"
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[\n" + ",\n".join(indent + l for l in lines) + ",\n      ]"


def shape_lit(shape):
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def table(name, type_str, rows, comment=None):
    out = []
    if comment:
        for c in comment.strip().splitlines():
            out.append("  // " + c)
    out.append("  static let %s: [%s] = [" % (name, type_str))
    for r in rows:
        out.append("    " + r + ",")
    out.append("  ]")
    assert len(rows) <= 64, (name, len(rows))
    return "\n".join(out)


# ---------------------------------------------------------------- tables

def make_seeds(x64):
    rows, raised = [], []
    with config(x64=x64):
        for s in SEEDS:
            try:
                k = key_words(jax.random.PRNGKey(s))
            except Exception as e:  # noqa: BLE001
                raised.append((s, "%s: %s" % (type(e).__name__, str(e).splitlines()[0][:120])))
                continue
            rows.append("(seed: %d, key: %s)" % (s, key_lit(k)))
    return rows, raised


def make_splits():
    rows = []
    for scheme in SCHEMES:
        with config(scheme):
            for k in KEYS:
                for num in (1, 2, 3, 5):
                    ks = np.asarray(jax.random.split(raw_key(k), num))
                    assert ks.shape == (num, 2) and ks.dtype == np.uint32
                    rows.append('(scheme: "%s", key: %s, num: %d, keys: %s)' % (
                        scheme, key_lit(k), num, array_lit([key_lit(r) for r in ks], per_line=3)))
    return rows


def make_fold_ins():
    rows = []
    for scheme in SCHEMES:
        with config(scheme):
            for k in KEYS:
                for d in (0, 1, 7, 0xFFFFFFFF):
                    r = key_words(jax.random.fold_in(raw_key(k), np.uint32(d)))
                    rows.append('(scheme: "%s", key: %s, data: %s, result: %s)' % (
                        scheme, key_lit(k), u32(d), key_lit(r)))
    return rows


def make_bits(x64):
    rows = []
    shapes = [(1,), (3,), (2, 2)] if x64 else [(1,), (2,), (5,), (7,), (2, 3), (4, 4)]
    dtype = jnp.uint64 if x64 else jnp.uint32
    lit = u64 if x64 else u32
    for scheme in SCHEMES:
        with config(scheme, x64=x64):
            for k in KEYS:
                for shape in shapes:
                    v = np.asarray(jax.random.bits(raw_key(k), shape, dtype=dtype))
                    assert v.shape == shape and v.dtype == np.dtype(dtype), (v.shape, v.dtype)
                    rows.append('(scheme: "%s", key: %s, shape: %s, values: %s)' % (
                        scheme, key_lit(k), shape_lit(shape),
                        array_lit([lit(x) for x in v.reshape(-1)], per_line=4 if x64 else 6)))
    return rows


def make_uniform(x64):
    rows = []
    dtype = jnp.float64 if x64 else jnp.float32
    lit = f64 if x64 else f32
    ranges = [(0.0, 1.0), (-2.0, 3.0), (float(np.finfo(np.float32).tiny), 1.0)]
    if x64:
        ranges.append((float(np.finfo(np.float64).tiny), 1.0))
    shapes = [(5,), (2, 3), (7,)]
    for scheme in SCHEMES:
        with config(scheme, x64=x64):
            i = 0
            for shape in shapes:
                for lo, hi in ranges:
                    for k in (KEYS[i % len(KEYS)], KEYS[(i + 2) % len(KEYS)]):
                        v = np.asarray(jax.random.uniform(raw_key(k), shape, dtype=dtype, minval=lo, maxval=hi))
                        assert v.shape == shape and v.dtype == np.dtype(dtype)
                        rows.append('(scheme: "%s", key: %s, shape: %s, minval: %s, maxval: %s, values: %s)' % (
                            scheme, key_lit(k), shape_lit(shape), lit(lo), lit(hi),
                            array_lit([lit(x) for x in v.reshape(-1)], per_line=3)))
                    i += 1
    return rows


def make_gumbel(x64):
    rows = []
    dtype = jnp.float64 if x64 else jnp.float32
    lit = f64 if x64 else f32
    for scheme in SCHEMES:
        with config(scheme, x64=x64):
            for k in KEYS:
                for shape in [(5,), (3, 4), (7,)]:
                    v = np.asarray(jax.random.gumbel(raw_key(k), shape, dtype=dtype))
                    assert v.shape == shape and v.dtype == np.dtype(dtype)
                    rows.append('(scheme: "%s", key: %s, shape: %s, values: %s)' % (
                        scheme, key_lit(k), shape_lit(shape),
                        array_lit([lit(x) for x in v.reshape(-1)], per_line=3)))
    return rows


def make_categorical():
    rows = []
    logits_list = [
        [math.log(0.2)] * 5,
        [0.5, -1.0, 2.0, 0.1],
        [0.0, -math.inf, 1.0, -math.inf],
    ]
    shapes = [None, (6,), (2, 3)]
    for scheme in SCHEMES:
        with config(scheme):
            i = 0
            for logits in logits_list:
                lg = jnp.array(logits, dtype=jnp.float32)
                for shape in shapes:
                    for k in (KEYS[i % len(KEYS)], KEYS[(i + 1) % len(KEYS)], KEYS[(i + 3) % len(KEYS)]):
                        v = np.asarray(jax.random.categorical(raw_key(k), lg, shape=shape))
                        want_shape = () if shape is None else shape
                        assert v.shape == want_shape, (v.shape, want_shape)
                        if math.isinf(logits[1]):
                            assert not np.isin(v, [1, 3]).any()
                        rows.append('(scheme: "%s", key: %s, logits: %s, shape: %s, values: %s)' % (
                            scheme, key_lit(k), array_lit([f32(np.float32(x)) for x in logits], per_line=5),
                            shape_lit(want_shape), "[" + ", ".join(str(int(x)) for x in v.reshape(-1)) + "]"))
                    i += 1
    return rows


def make_top_k():
    rows = []
    cases = [
        ([0.5, -1.0, 2.0, 0.1, 0.0], None, 3),
        ([math.log(0.2)] * 5, None, 5),
        ([0.0, -math.inf, 1.0, -math.inf, 2.0, 0.5], None, 4),
        ([0.1, 0.2, 0.3, -0.4, 1.5, 0.6, 0.7, 0.8], [2, 4], 2),
    ]
    for scheme in SCHEMES:
        with config(scheme):
            for i, (logits, logits_shape, k) in enumerate(cases):
                lg = jnp.array(logits, dtype=jnp.float32)
                if logits_shape:
                    lg = lg.reshape(logits_shape)
                batch = list(lg.shape[:-1])
                for key in (KEYS[i % len(KEYS)], KEYS[(i + 2) % len(KEYS)]):
                    v = np.asarray(jax.random.categorical(raw_key(key), lg, shape=tuple([k] + batch), replace=False))
                    rows.append('(scheme: "%s", key: %s, logits: %s, logitsShape: %s, count: %d, values: %s)' % (
                        scheme, key_lit(key), array_lit([f32(np.float32(x)) for x in logits], per_line=5),
                        shape_lit(list(lg.shape)), k, "[" + ", ".join(str(int(x)) for x in v.reshape(-1)) + "]"))
    return rows


def make_logistic():
    rows = []
    for scheme in SCHEMES:
        with config(scheme):
            for i, shape in enumerate([(5,), (2, 3)]):
                for key in (KEYS[i % len(KEYS)], KEYS[(i + 2) % len(KEYS)]):
                    v = np.asarray(jax.random.logistic(raw_key(key), shape, jnp.float32))
                    rows.append('(scheme: "%s", key: %s, shape: %s, values: %s)' % (
                        scheme, key_lit(key), shape_lit(shape), array_lit([f32(x) for x in v.reshape(-1)])))
    return rows


def main():
    version = jax.__version__
    seeds, raised = make_seeds(x64=False)
    seeds64, raised64 = make_seeds(x64=True)
    for s, msg in raised:
        print("x32 PRNGKey(%d) raised %s" % (s, msg))
    for s, msg in raised64:
        print("x64 PRNGKey(%d) raised %s" % (s, msg))
    if not raised:
        print("x32: no seed raised")
    if not raised64:
        print("x64: no seed raised")

    K = "(UInt32, UInt32)"
    parts = [
        "// Generated by make_jax_vectors.py with jax %s -- do not edit." % version,
        "// Regenerate with: python3 Tests/GumbelRandomTests/make_jax_vectors.py",
        "// Floats are exact hexadecimal literals; arrays are flattened in row-major order.",
        "// scheme: \"partitionable\" = jax_threefry_partitionable True (default), \"original\" = False.",
        "",
        "enum JAXVectors {",
        '  static let jaxVersion: String = "%s"' % version,
        "",
        table("seeds", "(seed: Int64, key: %s)" % K, seeds,
              "PRNGKey(seed) -> (k0, k1) as jax.random.PRNGKey gives with the DEFAULT config (x64 disabled)\n"
              "for Python int seeds." + ("" if not raised else " Left out (raised): " +
                                         ", ".join(str(s) for s, _ in raised))),
        "",
        table("seedsX64", "(seed: Int64, key: %s)" % K, seeds64,
              "Same, with jax_enable_x64 = True." + ("" if not raised64 else " Left out (raised): " +
                                                     ", ".join(str(s) for s, _ in raised64))),
        "",
        table("splits", "(scheme: String, key: %s, num: Int, keys: [%s])" % (K, K), make_splits(),
              "jax.random.split(key, num)"),
        "",
        table("foldIns", "(scheme: String, key: %s, data: UInt32, result: %s)" % (K, K), make_fold_ins(),
              "jax.random.fold_in(key, data)"),
        "",
        table("bits32", "(scheme: String, key: %s, shape: [Int], values: [UInt32])" % K, make_bits(False),
              "jax.random.bits(key, shape, dtype=uint32)"),
        "",
        table("bits64", "(scheme: String, key: %s, shape: [Int], values: [UInt64])" % K, make_bits(True),
              "jax.random.bits(key, shape, dtype=uint64) with jax_enable_x64 = True"),
        "",
        table("uniform32", "(scheme: String, key: %s, shape: [Int], minval: Float, maxval: Float, values: [Float])" % K,
              make_uniform(False), "jax.random.uniform(key, shape, float32, minval, maxval)"),
        "",
        table("uniform64", "(scheme: String, key: %s, shape: [Int], minval: Double, maxval: Double, values: [Double])" % K,
              make_uniform(True),
              "jax.random.uniform(key, shape, float64, minval, maxval) with jax_enable_x64 = True\n"
              "(ranges include both finfo(float64).tiny and finfo(float32).tiny as minval)"),
        "",
        table("gumbel32", "(scheme: String, key: %s, shape: [Int], values: [Float])" % K, make_gumbel(False),
              "jax.random.gumbel(key, shape, float32), default mode (\"low\")"),
        "",
        table("gumbel64", "(scheme: String, key: %s, shape: [Int], values: [Double])" % K, make_gumbel(True),
              "jax.random.gumbel(key, shape, float64), default mode (\"low\"), with jax_enable_x64 = True"),
        "",
        table("categorical", "(scheme: String, key: %s, logits: [Float], shape: [Int], values: [Int])" % K,
              make_categorical(),
              "jax.random.categorical(key, float32 logits, shape=shape); shape [] means shape=None (a scalar)"),
        "",
        table("topK", "(scheme: String, key: %s, logits: [Float], logitsShape: [Int], count: Int, values: [Int])" % K,
              make_top_k(),
              "jax.random.categorical(key, logits, shape=(count, *batch), replace=False): Gumbel top-k"),
        "",
        table("logistic32", "(scheme: String, key: %s, shape: [Int], values: [Float])" % K, make_logistic(),
              "jax.random.logistic(key, shape, float32)"),
        "}",
        "",
    ]
    with open(OUT, "w") as f:
        f.write("\n".join(parts))
    print("wrote", OUT)


if __name__ == "__main__":
    sys.exit(main())
