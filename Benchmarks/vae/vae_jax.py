#!/usr/bin/env python3
"""The categorical VAE of `gumbel train-vae`, in JAX + Haiku + Optax: the peer benchmark.

Same setup as the Swift command (see Guides/Training.md):
  data     Data/mnist_5k.csv.gz, pixels binarised as > 127; the last 100 images of each digit are
           the test set (1,000), the other 4,000 the training set. Or, with --data DIR, a
           directory of the four MNIST IDX files (each plain or .gz), as `gumbel train-vae --data
           DIR` reads it: the 60,000 training images for training, the 10,000 t10k ones as the
           test set, binarised as > 127
  model    encoder 784-512-256-(N*K), decoder (N*K)-256-512-784, ReLU, hk.Linear's default
           initialiser (truncated normal, stddev 1/sqrt(fan_in), biases 0)
  loss     negative ELBO per image: Bernoulli log-likelihood on logits summed over pixels, plus the
           exact KL of q(z|x) to the uniform categorical prior; averaged over the batch
  training batch 100 (reshuffled every epoch, last partial batch dropped), optax.adam(1e-3),
           temperature max(0.5, exp(-3e-4 * step)) updated every step, straight-through
           Gumbel-softmax (or plain Gumbel-softmax with --estimator gs)
  eval     the discrete model: one-hot z ~ q(z|x), the negative ELBO averaged over 10 samples per image
  timing   seconds of the training steps of each epoch (evaluation excluded), median over the
           epochs after the first (which includes compilation)

Prints one JSON object: {"epochs", "trainNegELBO", "testNegELBO", "secondsPerEpoch"}, as
`gumbel train-vae --format json` does.

    pip install dm-haiku optax      # with jax (tested with jax 0.10.2, dm-haiku 0.0.17, optax 0.2.8)
    python3 Benchmarks/vae/vae_jax.py --epochs 30
    python3 Benchmarks/vae/vae_jax.py --epochs 30 --data ../shared/data/mnist    # full MNIST
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


def model(n, k, pixels):
    """The model's pieces, to call inside an hk.transform: the encoder (logits of n categorical
    latents of k classes), the decoder (pixel logits), the exact KL of q(z|x) to the uniform
    prior, and the Bernoulli reconstruction loss summed over pixels."""
    def encoder(x):
        return hk.nets.MLP([512, 256, n * k], activation=jax.nn.relu, name="encoder")(x).reshape(-1, n, k)

    def decoder(z):
        return hk.nets.MLP([256, 512, pixels], activation=jax.nn.relu, name="decoder")(z.reshape(z.shape[0], n * k))

    def kl_to_uniform(logits):
        log_q = jax.nn.log_softmax(logits)
        return jnp.sum(jnp.exp(log_q) * (log_q + jnp.log(k)), axis=(-2, -1))

    def reconstruction_loss(logits, x):
        return jnp.sum(optax.sigmoid_binary_cross_entropy(logits, x), axis=-1)

    return encoder, decoder, kl_to_uniform, reconstruction_loss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "Data" / "mnist_5k.csv.gz"),
                        help="a CSV file (.csv.gz) or a directory of the four MNIST IDX files")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--estimator", choices=["st-gs", "gs"], default="st-gs")
    parser.add_argument("--latents", type=int, default=30)
    parser.add_argument("--categories", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print a line per epoch on stderr")
    args = parser.parse_args()
    n, k, batch = args.latents, args.categories, 100

    train_x, test_x = load(args.data)
    pixels = train_x.shape[1]

    encoder, decoder, kl_to_uniform, reconstruction_loss = model(n, k, pixels)

    def negative_elbo(x, tau):
        logits = encoder(x)
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
            z = jax.nn.one_hot(jax.random.categorical(key, logits), k)
            return reconstruction_loss(decoder(z), x)
        return jnp.mean(jax.vmap(one)(jax.random.split(hk.next_rng_key(), 10)), axis=0) + kl

    loss_fn = hk.transform(negative_elbo)
    eval_fn = hk.transform(discrete_negative_elbo)
    optimizer = optax.adam(1e-3)

    root = jax.random.PRNGKey(args.seed)
    init_key, shuffle_key, sample_key, eval_key = jax.random.split(root, 4)
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

    steps_per_epoch = len(train_x) // batch
    seconds, t = [], 0
    for epoch in range(args.epochs):
        order = np.asarray(jax.random.permutation(jax.random.fold_in(shuffle_key, epoch), len(train_x)))
        start = time.perf_counter()
        losses = []
        for s in range(steps_per_epoch):
            x = jnp.asarray(train_x[order[s * batch:(s + 1) * batch]])
            tau = max(0.5, float(np.exp(-3e-4 * t)))
            params, opt_state, loss = step(params, opt_state, jax.random.fold_in(sample_key, t), x, tau)
            losses.append(loss)
            t += 1
        jax.block_until_ready(params)
        seconds.append(time.perf_counter() - start)
        if args.verbose:
            print(f"epoch {epoch + 1}: train loss {float(jnp.mean(jnp.stack(losses))):.2f}  "
                  f"test -ELBO {evaluate(params, test_x):.2f}  {seconds[-1]:.2f} s", file=sys.stderr)

    timed = seconds[1:] if len(seconds) > 1 else seconds
    print(json.dumps({
        "epochs": args.epochs,
        "trainNegELBO": evaluate(params, train_x),
        "testNegELBO": evaluate(params, test_x),
        "secondsPerEpoch": statistics.median(timed),
    }))


if __name__ == "__main__":
    main()
