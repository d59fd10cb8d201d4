"""Expected means of each gradient estimator, by numpy Monte Carlo of the published formulas.

Writes EstimatorMeans.swift next to this file. Development tool only: the Swift tests read the
generated file, never this script. Run: python3 Tests/GumbelEstimatorsTests/make_estimator_means.py

Objective f(z) = (V . z - T)^2 with z one-hot (or relaxed); the estimated quantity is
d/d logits E_{z ~ Cat(softmax(logits))}[f(z)].
"""
import os
import numpy as np

N = 2_000_000          # Monte Carlo samples per estimate
M = 10                 # Gumbel-Rao conditional samples
RLOO_DRAWS = 4         # draws per RLOO estimate
rng = np.random.default_rng(20261127)


def softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def jvp_t(p, v):
    """Transposed softmax Jacobian at p applied to v, row-wise: p * (v - <v, p>)."""
    return p * (v - (v * p).sum(-1, keepdims=True))


def gumbel(shape):
    return -np.log(-np.log(rng.uniform(np.finfo(float).tiny, 1.0, size=shape)))


def estimates(name, logits, V, T, tau):
    K = len(logits)
    pi = softmax(logits)
    if name == "exact":
        f = (V - T) ** 2
        g = jvp_t(pi[None], f[None])
        return np.repeat(g, 2, axis=0)
    if name == "gs":
        y = softmax((logits + gumbel((N, K))) / tau)
        v = 2 * ((y @ V) - T)[:, None] * V[None]
        return jvp_t(y, v) / tau
    perturbed = logits + gumbel((N, K))
    D = np.eye(K)[perturbed.argmax(-1)]
    v = 2 * ((D @ V) - T)[:, None] * V[None]          # df/dz at the one-hot sample
    if name == "reinforce":
        f = ((D @ V) - T) ** 2
        return f[:, None] * (D - pi[None])              # f(D) * d log p(D) / d logits
    if name == "st":
        return jvp_t(np.broadcast_to(pi, (N, K)), v)
    if name == "st-gs":
        return jvp_t(softmax(perturbed / tau), v) / tau
    if name == "gumbel-rao":
        # Conditional Gumbels given the argmax (Paulus et al. 2021, appendix): with normalised
        # log-probabilities, z_k = -log E_k for the sampled k, z_j = -log(E_j / pi_j + E_k).
        total = np.zeros((N, K))
        k = perturbed.argmax(-1)
        for _ in range(M):
            E = rng.exponential(size=(N, K))
            Ek = E[np.arange(N), k][:, None]
            z = -np.log(E / pi[None] + Ek)
            z[np.arange(N), k] = -np.log(Ek[:, 0])
            total += jvp_t(softmax(z / tau), v) / tau
        return total / M
    if name == "rloo":
        # Kool, van Hoof & Welling (2019): S draws, 1/(S-1) sum_s (f_s - mean_j f_j) d log p(D_s).
        S = RLOO_DRAWS
        Ds = np.eye(K)[(logits + gumbel((N, S, K))).argmax(-1)]      # [N, S, K]
        f = ((Ds @ V) - T) ** 2                                       # [N, S]
        advantage = f - f.mean(axis=1, keepdims=True)
        return (advantage[..., None] * (Ds - pi)).sum(axis=1) / (S - 1)
    if name in ("gst", "gst-p"):
        # Fan et al. (2022): the sample's logit raised to the largest, every other one at least
        # `gap` below it; the moves are constants, so the gradient is softmax's at the moved logits.
        d = perturbed.argmax(-1)
        top = logits.max()
        if name == "gst":
            gap = np.ones(N)
        else:
            p = pi[d] * (1 - 1e-5)
            gap = -np.log1p(-p) / p
        moved = logits[None] - np.maximum(0.0, logits[None] - top + gap[:, None])
        moved[np.arange(N), d] = top
        return jvp_t(softmax(moved / tau), v) / tau
    if name == "reinmax":
        pi1 = 0.5 * (D + softmax(logits / tau)[None])
        return 2 * jvp_t(pi1, v) - 0.5 * jvp_t(np.broadcast_to(pi, (N, K)), v)
    raise ValueError(name)


cases = []
logits = np.array([0.5, -1.0, 2.0, 0.1])
V = np.array([0.0, 1.0, 2.0, 3.0])
T = 1.5
for tau in (0.5, 2.0):
    for name in ("exact", "reinforce", "st", "gs", "st-gs", "gumbel-rao", "reinmax"):
        if name == "reinmax" and tau < 1:
            continue
        est = estimates(name, logits, V, T, tau)
        cases.append((name, tau, est.mean(0), est.var(0, ddof=1) / len(est)))
# Added later, after the others so that their draws (and golden values) stay as they were.
for tau in (0.5, 2.0):
    for name in ("gst", "gst-p"):
        est = estimates(name, logits, V, T, tau)
        cases.append((name, tau, est.mean(0), est.var(0, ddof=1) / len(est)))
est = estimates("rloo", logits, V, T, 1.0)  # no temperature
cases.append(("rloo", 1.0, est.mean(0), est.var(0, ddof=1) / len(est)))

# Bits: f(b) = (V . b - T)^2 of independent b_i ~ Bernoulli(sigmoid(l_i)), appended after the
# categorical cases so that their draws stay as they were.
bit_logits = np.array([0.3, -1.2, 0.8])
bit_V = np.array([1.0, -2.0, 0.5])
bit_T = 0.7


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def bit_estimates(name, l, V, T, tau):
    n = len(l)
    p = sigmoid(l)
    f = lambda b: ((b @ V) - T) ** 2                          # noqa: E731, per row
    df = lambda b: 2 * ((b @ V) - T)[:, None] * V[None]       # noqa: E731, df/db per row
    if name == "exact":
        bs = np.array([[(i >> j) & 1 for j in range(n)] for i in range(2 ** n)], dtype=float)
        prob = np.prod(np.where(bs == 1, p, 1 - p), axis=1)
        g = ((prob * f(bs))[:, None] * (bs - p)).sum(0)
        return np.repeat(g[None], 2, axis=0)
    u = rng.uniform(size=(N, n))
    b = (u < p).astype(float)
    if name == "reinforce":
        return f(b)[:, None] * (b - p)
    if name == "rloo":
        S = RLOO_DRAWS
        bs = (rng.uniform(size=(N, S, n)) < p).astype(float)
        fs = ((bs @ V) - T) ** 2
        return (((fs - fs.mean(1, keepdims=True))[..., None]) * (bs - p)).sum(1) / (S - 1)
    if name == "st":
        return df(b) * p * (1 - p)
    logistic = np.log(u) - np.log1p(-u)
    y = sigmoid((l + logistic) / tau)
    if name == "gs":
        return df(y) * y * (1 - y) / tau
    if name == "st-gs":
        return df((l + logistic > 0).astype(float)) * y * (1 - y) / tau
    if name == "disarm":
        # Dong, Mnih & Tucker (2020), eq. 6: b = 1[u < p], b~ = 1[1 - u < p].
        b2 = (1 - u < p).astype(float)
        sign = np.where(b2 == 1, -1.0, 1.0)
        return 0.5 * (f(b) - f(b2))[:, None] * sign * (b != b2) * sigmoid(np.abs(l))
    raise ValueError(name)


bit_cases = []
for name, tau in [("exact", 1.0), ("reinforce", 1.0), ("rloo", 1.0), ("st", 1.0), ("gs", 0.5), ("gs", 2.0),
                  ("st-gs", 0.5), ("st-gs", 2.0), ("disarm", 1.0)]:
    est = bit_estimates(name, bit_logits, bit_V, bit_T, tau)
    bit_cases.append((name, tau, est.mean(0), est.var(0, ddof=1) / len(est)))

lines = [
    "// Generated by make_estimator_means.py (numpy %s) -- do not edit." % np.__version__,
    "// Monte Carlo means of each estimator's published formula, %d samples each (%d conditional" % (N, M),
    "// draws for gumbel-rao, %d draws per rloo estimate), on f(z) = (V . z - T)^2 with the logits, V and T below." % RLOO_DRAWS,
    "",
    "enum EstimatorMeans {",
    "  static let logits: [Double] = [%s]" % ", ".join(float(x).hex() for x in logits),
    "  static let values: [Double] = [%s]" % ", ".join(float(x).hex() for x in V),
    "  static let target: Double = %s" % float(T).hex(),
    "  static let conditionalSamples = %d" % M,
    "  static let rlooDraws = %d" % RLOO_DRAWS,
    "  /// The mean estimate and the squared standard error of that mean, per category.",
    "  static let cases: [(estimator: String, temperature: Double, mean: [Double], squaredStandardError: [Double])] = [",
]
for name, tau, mean, se2 in cases:
    lines.append('    (estimator: "%s", temperature: %s, mean: [%s], squaredStandardError: [%s]),' % (
        name, float(tau).hex(), ", ".join(float(x).hex() for x in mean), ", ".join(float(x).hex() for x in se2)))
lines += ["  ]", "}", "",
          "/// The same for independent bits, f(b) = (V . b - T)^2 (%d draws per rloo estimate)." % RLOO_DRAWS,
          "enum BitEstimatorMeans {",
          "  static let logits: [Double] = [%s]" % ", ".join(float(x).hex() for x in bit_logits),
          "  static let values: [Double] = [%s]" % ", ".join(float(x).hex() for x in bit_V),
          "  static let target: Double = %s" % float(bit_T).hex(),
          "  static let cases: [(estimator: String, temperature: Double, mean: [Double], squaredStandardError: [Double])] = ["]
for name, tau, mean, se2 in bit_cases:
    lines.append('    (estimator: "%s", temperature: %s, mean: [%s], squaredStandardError: [%s]),' % (
        name, float(tau).hex(), ", ".join(float(x).hex() for x in mean), ", ".join(float(x).hex() for x in se2)))
lines += ["  ]", "}", ""]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "EstimatorMeans.swift")
with open(out, "w") as f:
    f.write("\n".join(lines))
for name, tau, mean, se2 in cases + bit_cases:
    print(name, tau, np.round(mean, 5), "se", np.round(np.sqrt(se2), 5))
