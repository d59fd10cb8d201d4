#!/usr/bin/env python3
"""Checks that the notebook's ArgmaxGumbelSoftmax numbers reproduce with this JAX,
under both Threefry schemes ("original" is what the notebook was written against).

Usage: python3 notebook_check.py   (needs `pip install jax numpy`); prints results, exits 1 on mismatch
of the "original" scheme against the notebook's numbers.
"""

import sys

import numpy as np

import jax
import jax.numpy as jnp

EXPECT_COUNTS = [201, 199, 198, 190, 212]
EXPECT_GRAD_SQ = [0.46325743, -0.09352899, -0.34142467, -0.00644364, -0.02186022]
EXPECT_GRAD = [0.11581436, -0.02338225, -0.08535617, -0.00161091, -0.00546505]


def ArgmaxGumbelSoftmax(key, logits, tau=1):
    g = jax.random.gumbel(key, shape=logits.shape)
    y = jax.nn.softmax((g + logits) / tau)
    zero = y - jax.lax.stop_gradient(y)
    return (zero + jax.lax.stop_gradient(jnp.argmax(y)))[0]


def run(scheme):
    jax.config.update("jax_threefry_partitionable", scheme == "partitionable")
    logits = jnp.log(jnp.array([1 / 5] * 5))
    f = jax.jit(lambda k: ArgmaxGumbelSoftmax(k, logits, 0.001))
    samples = [int(f(jax.random.PRNGKey(i))) for i in range(1000)]
    counts = np.bincount(samples, minlength=5).tolist()
    grad_sq = np.asarray(jax.grad(lambda l: ArgmaxGumbelSoftmax(jax.random.PRNGKey(48), l) ** 2)(logits))
    grad = np.asarray(jax.grad(ArgmaxGumbelSoftmax, argnums=1)(jax.random.PRNGKey(48), logits))
    return counts, grad_sq, grad


def main():
    np.set_printoptions(precision=8, suppress=False)
    print("jax", jax.__version__)
    ok = True
    for scheme in ("original", "partitionable"):
        counts, grad_sq, grad = run(scheme)
        m_counts = counts == EXPECT_COUNTS
        m_sq = np.allclose(grad_sq, EXPECT_GRAD_SQ, rtol=1e-5, atol=1e-7)
        m_g = np.allclose(grad, EXPECT_GRAD, rtol=1e-5, atol=1e-7)
        print("[%s]" % scheme)
        print("  counts tau=0.001, PRNGKey(0..999):", counts, "(matches notebook)" if m_counts else "(differs from notebook)")
        print("  grad of f(PRNGKey(48))**2:", grad_sq, "(matches notebook)" if m_sq else "(differs from notebook)")
        print("  grad of f(PRNGKey(48)):   ", grad, "(matches notebook)" if m_g else "(differs from notebook)")
        if scheme == "original":
            ok = m_counts and m_sq and m_g
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
