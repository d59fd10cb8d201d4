#!/usr/bin/env python3
"""The discrete VAE of `gumbel train-vae`, in JAX + Haiku + Optax: the peer benchmark.

Same setup as the Swift command (see Guides/Training.md):
  data     Data/mnist_5k.csv.gz, pixels binarised as > 127; the last 100 images of each digit are
           the test set (1,000), the other 4,000 the training set. Or, with --data DIR, a
           directory of the four MNIST IDX files (each plain or .gz), as `gumbel train-vae --data
           DIR` reads it: the 60,000 training images for training, the 10,000 t10k ones as the
           test set, binarised as > 127
  latents  N = --latents categorical variables of K = --categories classes (default 30 x 10), or,
           with --latent-type bernoulli, N bits (the paper's "Bernoulli (200)": --latents 200),
           q(b_j = 1 | x) = sigmoid(l_j); the prior is uniform (1/K per class, 1/2 per bit)
  model    encoder 784-512-256-(N*K), decoder (N*K)-256-512-784 (N*K is N for bits), ReLU,
           hk.Linear's default initialiser (truncated normal, stddev 1/sqrt(fan_in), biases 0)
  loss     negative ELBO per image: Bernoulli log-likelihood on logits summed over pixels, plus the
           exact KL of q(z|x) to the uniform prior (for bits, log 2 - H(q) per bit, H = softplus(l)
           - l sigmoid(l) computed as softplus(-|l|) + |l| sigmoid(-|l|)); averaged over the batch
  training batch 100 (reshuffled every epoch, last partial batch dropped), Adam with rate
           --learning-rate (1e-3), optax.exponential_decay(rate, --learning-rate-decay-steps,
           --learning-rate-decay, staircase=True) when --learning-rate-decay is not 1 (default 1:
           constant); temperature at step t max(--min-temperature, --initial-temperature *
           exp(-r * t')), r = --temperature-decay, t' = t rounded down to a multiple of
           --temperature-interval (defaults 0.5, 1, 3e-4, 1: max(0.5, exp(-3e-4 t)) updated every
           step; Jang et al. 2017 use 0.5, 1, 1e-5 and 1000); straight-through Gumbel-softmax (or
           plain Gumbel-softmax with --estimator gs). For bits: gs is the relaxed sample
           sigmoid((l + L) / tau), L standard logistic noise, st-gs forwards the bit 1[l + L > 0]
           and takes the gradient of the relaxed sample
  eval     the discrete model: z ~ q(z|x) (one-hot codes, or bits b ~ Bernoulli(sigmoid(l))), the
           negative ELBO averaged over 10 samples per image
  bound    with --bound-samples m > 0, at the end: the importance-weighted bound (Burda et al.
           2016) on each test image's -log p(x), -log (1/m) sum_i p(x|z_i) p(z_i) / q(z_i|x),
           z_i ~ q(z|x), averaged over the test images; 100 images x 50 draws per jit-compiled
           call, a running log-sum-exp in float64 per image (memory does not grow with m)
  timing   seconds of the training steps of each epoch (evaluation excluded), median over the
           epochs after the first (which includes compilation)

Prints one JSON object: {"epochs", "trainNegELBO", "testNegELBO", "secondsPerEpoch"}, then
"testNLLBound" and "boundSamples" (only with --bound-samples > 0), then "latentType" and
"estimator", as `gumbel train-vae --format json` does (the same keys; there, in another order).
With --epoch-log FILE, appends a JSON line per epoch to FILE: {"epoch", "testNegELBO",
"temperature", "learningRate", "seconds"} (temperature and rate of the epoch's last step, seconds
of its training steps).

    pip install dm-haiku optax      # with jax (tested with jax 0.10.2, dm-haiku 0.0.17, optax 0.2.8)
    python3 Benchmarks/vae/vae_jax.py --epochs 30
    python3 Benchmarks/vae/vae_jax.py --epochs 30 --data ../shared/data/mnist    # full MNIST
    python3 Benchmarks/vae/vae_jax.py --latent-type bernoulli --latents 200 --bound-samples 1000
"""
import argparse
import gzip
import json
import pathlib
import statistics
import sys
import time

import haiku as hk
import jax
import jax.numpy as jnp
import numpy as np
import optax

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load(path):
    """Binarised (training, test) images from the CSV file or the IDX directory at `path`."""
    if pathlib.Path(path).is_dir():
        return load_idx_directory(pathlib.Path(path))
    with gzip.open(path, "rt") as f:
        data = np.loadtxt(f, delimiter=",", dtype=np.int64)
    pixels, labels = data[:, :-1], data[:, -1]
    images = (pixels > 127).astype(np.float32)
    test = np.zeros(len(labels), dtype=bool)
    for digit in np.unique(labels):
        test[np.flatnonzero(labels == digit)[-100:]] = True
    return images[~test], images[test]


def read_idx(path):
    """An IDX array of unsigned bytes (magic 00 00 08 rank, big-endian 32-bit dimensions, data),
    from a plain or gzip-compressed file."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[:3] != b"\x00\x00\x08":
        sys.exit(f"{path}: not an IDX file of unsigned bytes")
    rank = data[3]
    dimensions = [int.from_bytes(data[4 + 4 * d:8 + 4 * d], "big") for d in range(rank)]
    values = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    if values.size != np.prod(dimensions):
        sys.exit(f"{path}: dimensions {dimensions} need {np.prod(dimensions)} bytes, the file has {values.size}")
    return values.reshape(dimensions)


def idx_file(directory, name):
    """`name`, `name.gz` or the `.idx` spelling in `directory`, as the Swift reader looks them up."""
    for candidate in (name, name + ".gz", name.replace("-idx", ".idx")):
        if (directory / candidate).exists():
            return directory / candidate
    sys.exit(f"{directory / name}: no such file (nor .gz)")


def load_idx_directory(directory):
    """The MNIST training set (for training) and t10k set (the test set), binarised as > 127."""
    def images(prefix):
        pixels = read_idx(idx_file(directory, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx(idx_file(directory, f"{prefix}-labels-idx1-ubyte"))
        if pixels.ndim != 3 or labels.ndim != 1 or len(pixels) != len(labels):
            sys.exit(f"{directory}: {prefix} images {pixels.shape} do not match labels {labels.shape}")
        return (pixels.reshape(len(pixels), -1) > 127).astype(np.float32)
    return images("train"), images("t10k")


def model(n, k, pixels, bits=False):
    """The model's pieces, to call inside an hk.transform: the encoder (logits of n categorical
    latents of k classes, [batch, n, k]; or of n bits, [batch, n]), the decoder (pixel logits),
    the exact KL of q(z|x) to the uniform prior, and the Bernoulli reconstruction loss summed
    over pixels."""
    width = n if bits else n * k

    def encoder(x):
        logits = hk.nets.MLP([512, 256, width], activation=jax.nn.relu, name="encoder")(x)
        return logits if bits else logits.reshape(-1, n, k)

    def decoder(z):
        return hk.nets.MLP([256, 512, pixels], activation=jax.nn.relu, name="decoder")(z.reshape(z.shape[0], width))

    def kl_to_uniform(logits):
        if bits:
            # log 2 - H(q), H = softplus(l) - l sigmoid(l) = softplus(-|l|) + |l| sigmoid(-|l|)
            a = jnp.abs(logits)
            entropy = jax.nn.softplus(-a) + a * jax.nn.sigmoid(-a)
            return jnp.sum(jnp.log(2.0) - entropy, axis=-1)
        log_q = jax.nn.log_softmax(logits)
        return jnp.sum(jnp.exp(log_q) * (log_q + jnp.log(k)), axis=(-2, -1))

    def reconstruction_loss(logits, x):
        return jnp.sum(optax.sigmoid_binary_cross_entropy(logits, x), axis=-1)

    return encoder, decoder, kl_to_uniform, reconstruction_loss


def discrete_latents(n, k, bits=False):
    """Draws of the discrete model: z ~ q(z|x) from the encoder's logits (one-hot codes
    [batch, n, k], or bits [batch, n] as 0 and 1), log q(z|x) of such draws ([batch]), and the
    uniform prior's log p(z) (-n log k, or -n log 2)."""
    if bits:
        def draw(key, logits):
            return jax.random.bernoulli(key, jax.nn.sigmoid(logits)).astype(logits.dtype)

        def log_q(logits, z):
            return jnp.sum(jnp.where(z > 0, jax.nn.log_sigmoid(logits), jax.nn.log_sigmoid(-logits)), axis=-1)

        return draw, log_q, -n * float(np.log(2))

    def draw(key, logits):
        return jax.nn.one_hot(jax.random.categorical(key, logits), k)

    def log_q(logits, z):
        return jnp.sum(jnp.where(z > 0, jax.nn.log_softmax(logits), 0.0), axis=(-2, -1))

    return draw, log_q, -n * float(np.log(k))


def log_weights(n, k, pixels, bits=False):
    """A function of (images, samples) to call inside an hk.transform (its parameters are the
    model's): log p(x|z_i) + log p(z_i) - log q(z_i|x) of `samples` draws z_i ~ q(z|x) of each
    image, [samples, batch]."""
    encoder, decoder, _, reconstruction_loss = model(n, k, pixels, bits)
    draw, log_q, log_prior = discrete_latents(n, k, bits)

    def weights(x, samples):
        logits = encoder(x)
        def one(key):
            z = draw(key, logits)
            return log_prior - log_q(logits, z) - reconstruction_loss(decoder(z), x)
        return jax.vmap(one)(jax.random.split(hk.next_rng_key(), samples))

    return weights


def importance_weighted_nll(chunk, key, images, samples, per_pass=50):
    """The importance-weighted bound on each image's -log p(x) (Burda et al. 2016),
    -log (1/m) sum_i w_i with m = `samples`, as a float64 array: `chunk(key, x, count)` gives the
    log weights [count, len(x)] of `count` draws (log_weights, jit-compiled), called on 100
    images and `per_pass` draws at a time; each image keeps a running log-sum-exp in float64."""
    bounds = []
    for c, i in enumerate(range(0, len(images), 100)):
        x = images[i:i + 100]
        running_max = np.full(len(x), -np.inf)
        running_sum = np.zeros(len(x))
        for first in range(0, samples, per_pass):
            draws = jax.random.fold_in(jax.random.fold_in(key, c), first)
            w = np.asarray(chunk(draws, x, min(per_pass, samples - first)), dtype=np.float64)
            new_max = np.maximum(running_max, w.max(axis=0))
            running_sum = running_sum * np.exp(running_max - new_max) + np.exp(w - new_max).sum(axis=0)
            running_max = new_max
        bounds.append(-(running_max + np.log(running_sum) - np.log(samples)))
    return np.concatenate(bounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "Data" / "mnist_5k.csv.gz"),
                        help="a CSV file (.csv.gz) or a directory of the four MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--estimator", choices=["st-gs", "gs"], default="st-gs")
    parser.add_argument("--latent-type", choices=["categorical", "bernoulli"], default="categorical")
    parser.add_argument("--latents", type=int, default=30, help="N, the number of latent variables")
    parser.add_argument("--categories", type=int, default=None,
                        help="K, the classes of each categorical latent (default 10; not with bernoulli)")
    parser.add_argument("--initial-temperature", type=float, default=1.0, help="the temperature at step 0")
    parser.add_argument("--min-temperature", type=float, default=0.5, help="the temperature's lower limit")
    parser.add_argument("--temperature-decay", type=float, default=3e-4, help="r of the temperature's exp(-r t)")
    parser.add_argument("--temperature-interval", type=int, default=1, help="steps between temperature updates")
    parser.add_argument("--learning-rate", type=float, default=1e-3, help="Adam's learning rate")
    parser.add_argument("--learning-rate-decay", type=float, default=1.0,
                        help="multiply the rate by this every --learning-rate-decay-steps steps (1: constant)")
    parser.add_argument("--learning-rate-decay-steps", type=int, default=1000, help="steps between rate decays")
    parser.add_argument("--bound-samples", type=int, default=0,
                        help="draws per test image of the importance-weighted bound at the end (0, the default: skip)")
    parser.add_argument("--epoch-bound-samples", type=int, default=0,
                        help="draws per test image of the bound after every epoch, in the --epoch-log (0: none)")
    parser.add_argument("--epoch-log", type=pathlib.Path,
                        help="append a JSON line per epoch (test -ELBO, temperature, rate, seconds) to this file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print a line per epoch on stderr")
    args = parser.parse_args()
    bits = args.latent_type == "bernoulli"
    if bits and args.categories is not None:
        parser.error("--categories applies to categorical latents only")
    if args.epochs < 1 or args.latents < 1:
        parser.error("--epochs and --latents must be at least 1")
    if not bits and args.categories is not None and args.categories < 2:
        parser.error(f"--categories must be at least 2, not {args.categories}")
    if not (args.initial_temperature > 0 and args.min_temperature > 0 and args.learning_rate > 0
            and 0 < args.learning_rate_decay <= 1 and args.temperature_decay >= 0):
        parser.error("the temperatures and the learning rate must be positive, --learning-rate-decay in (0, 1], "
                     "--temperature-decay non-negative")
    if args.temperature_interval < 1 or args.learning_rate_decay_steps < 1 or args.bound_samples < 0 \
            or args.epoch_bound_samples < 0:
        parser.error("--temperature-interval and --learning-rate-decay-steps must be at least 1, "
                     "--bound-samples and --epoch-bound-samples non-negative")
    n, k, batch = args.latents, (2 if bits else args.categories or 10), 100

    train_x, test_x = load(args.data)
    pixels = train_x.shape[1]

    encoder, decoder, kl_to_uniform, reconstruction_loss = model(n, k, pixels, bits)
    draw = discrete_latents(n, k, bits)[0]

    def negative_elbo(x, tau):
        logits = encoder(x)
        if bits:
            noise = logits + jax.random.logistic(hk.next_rng_key(), logits.shape)
            y = jax.nn.sigmoid(noise / tau)
            z = y + jax.lax.stop_gradient((noise > 0).astype(y.dtype) - y) if args.estimator == "st-gs" else y
            return jnp.mean(reconstruction_loss(decoder(z), x) + kl_to_uniform(logits))
        g = jax.random.gumbel(hk.next_rng_key(), logits.shape)
        y = jax.nn.softmax((logits + g) / tau)
        if args.estimator == "st-gs":
            hard = jax.nn.one_hot(jnp.argmax(y, axis=-1), k)
            z = hard - jax.lax.stop_gradient(y) + y
        else:
            z = y
        return jnp.mean(reconstruction_loss(decoder(z), x) + kl_to_uniform(logits))

    def discrete_negative_elbo(x):
        logits = encoder(x)
        kl = kl_to_uniform(logits)
        def one(key):
            z = draw(key, logits)
            return reconstruction_loss(decoder(z), x)
        return jnp.mean(jax.vmap(one)(jax.random.split(hk.next_rng_key(), 10)), axis=0) + kl

    loss_fn = hk.transform(negative_elbo)
    eval_fn = hk.transform(discrete_negative_elbo)
    bound_fn = hk.transform(log_weights(n, k, pixels, bits))
    if args.learning_rate_decay == 1:
        learning_rate = lambda t: args.learning_rate  # noqa: E731
        optimizer = optax.adam(args.learning_rate)
    else:
        learning_rate = optax.exponential_decay(args.learning_rate, args.learning_rate_decay_steps,
                                                args.learning_rate_decay, staircase=True)
        optimizer = optax.adam(learning_rate)

    def temperature(t):
        tick = t // args.temperature_interval * args.temperature_interval
        return max(args.min_temperature, args.initial_temperature * float(np.exp(-args.temperature_decay * tick)))

    root = jax.random.PRNGKey(args.seed)
    init_key, shuffle_key, sample_key, eval_key = jax.random.split(root, 4)
    bound_key = jax.random.fold_in(root, 4)  # apart from the four above, which stay as they were
    params = loss_fn.init(init_key, jnp.zeros((batch, pixels)), 1.0)
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, opt_state, key, x, tau):
        loss, grads = jax.value_and_grad(loss_fn.apply)(params, key, x, tau)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    @jax.jit
    def evaluate_chunk(params, key, x):
        return eval_fn.apply(params, key, x)

    def evaluate(params, images):
        values = [evaluate_chunk(params, jax.random.fold_in(eval_key, c), images[i:i + 100])
                  for c, i in enumerate(range(0, len(images), 100))]
        return float(jnp.mean(jnp.concatenate(values)))

    bound_chunk = jax.jit(bound_fn.apply, static_argnums=3)

    steps_per_epoch = len(train_x) // batch
    seconds, t = [], 0
    for epoch in range(args.epochs):
        order = np.asarray(jax.random.permutation(jax.random.fold_in(shuffle_key, epoch), len(train_x)))
        start = time.perf_counter()
        losses = []
        for s in range(steps_per_epoch):
            x = jnp.asarray(train_x[order[s * batch:(s + 1) * batch]])
            tau = temperature(t)
            params, opt_state, loss = step(params, opt_state, jax.random.fold_in(sample_key, t), x, tau)
            losses.append(loss)
            t += 1
        jax.block_until_ready(params)
        seconds.append(time.perf_counter() - start)
        if args.verbose or args.epoch_log:
            test_elbo = evaluate(params, test_x)
        if args.verbose:
            print(f"epoch {epoch + 1}: train loss {float(jnp.mean(jnp.stack(losses))):.2f}  "
                  f"test -ELBO {test_elbo:.2f}  {seconds[-1]:.2f} s", file=sys.stderr)
        if args.epoch_log:
            record = {"epoch": epoch + 1, "testNegELBO": test_elbo, "temperature": temperature(t - 1),
                      "learningRate": float(learning_rate(t - 1)), "seconds": seconds[-1]}
            if args.epoch_bound_samples > 0:
                chunk = lambda key, x, samples: bound_chunk(params, key, x, samples)  # noqa: E731
                record["testNLLBound"] = float(np.mean(importance_weighted_nll(chunk, bound_key, test_x,
                                                                              args.epoch_bound_samples)))
            with open(args.epoch_log, "a") as f:
                print(json.dumps(record), file=f)

    timed = seconds[1:] if len(seconds) > 1 else seconds
    result = {
        "epochs": args.epochs,
        "trainNegELBO": evaluate(params, train_x),
        "testNegELBO": evaluate(params, test_x),
        "secondsPerEpoch": statistics.median(timed),
    }
    if args.bound_samples > 0:
        chunk = lambda key, x, samples: bound_chunk(params, key, x, samples)  # noqa: E731
        result["testNLLBound"] = float(np.mean(importance_weighted_nll(chunk, bound_key, test_x, args.bound_samples)))
        result["boundSamples"] = args.bound_samples
    result["latentType"] = args.latent_type
    result["estimator"] = args.estimator
    print(json.dumps(result))


if __name__ == "__main__":
    main()
