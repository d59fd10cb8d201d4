#!/usr/bin/env python3
"""vae_jax.py's model and training, drawing every random number as `gumbel train-vae` does.

A paired check of the Swift trainer: the same setup as vae_jax.py (model, loss, optax.adam(1e-3),
temperature, straight-through Gumbel-softmax, evaluation), but with the Swift run's random
streams, which swift-gumbel's keys reproduce with JAX's own PRNG (see VAETrainer.keys):

  keys     PRNGKey(seed) folded with 0 (initialisation), 1 (shuffles), 2 (samples), 3 (evaluation)
  init     hk.PRNGSequence-style splits of the initialisation key, one per dense layer (encoder
           then decoder), weights truncated_normal(-2, 2) / sqrt(fan_in), biases 0
  shuffle  epoch e: indices sorted (stably) by jax.random.bits(fold_in(shuffle, e), (count,))
  noise    step t: jax.random.gumbel(fold_in(samples, t), logits.shape) (for bits,
           jax.random.logistic: the relaxed Bernoulli's noise)
  eval     chunk c of 100 images, sample s: one_hot(argmax(logits + gumbel(fold_in(fold_in(eval, c), s))))
           (for bits, uniform(fold_in(fold_in(eval, c), s)) < sigmoid(logits))

So the first epochs of this run and of `gumbel train-vae --seed S` agree to about 0.01 nats; they
part later only through float rounding (summation order), which the training amplifies (a
one-ulp change of the initial weights moves the 30-epoch test -ELBO by about a nat).

    python3 Benchmarks/vae/vae_jax_swift_streams.py --epochs 30 --seed 0 --verbose
    python3 Benchmarks/vae/vae_jax_swift_streams.py --latent-type bernoulli --latents 200 --epochs 3 --verbose

With 200 Bernoulli latents and straight-through Gumbel-softmax (`gumbel train-vae --latent-type
bernoulli --latents 200 --epochs 3 --seed 0`), the two gave 212.76, 209.89, 206.98 and 212.76,
209.86, 206.81 (test -ELBO after epochs 1 to 3, the 5k set).
"""
import argparse
import json
import pathlib
import sys

import haiku as hk
import jax
import jax.numpy as jnp
import numpy as np
import optax

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Benchmarks" / "vae"))
from vae_jax import load, model  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "Data" / "mnist_5k.csv.gz"))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print a line per epoch on stderr")
    parser.add_argument("--latent-type", choices=["categorical", "bernoulli"], default="categorical")
    parser.add_argument("--latents", type=int, default=30, help="N, the number of latent variables")
    parser.add_argument("--estimator", choices=["st-gs", "gs"], default="st-gs",
                        help="straight-through Gumbel-softmax (the hard sample forward) or the relaxed sample")
    parser.add_argument("--schedule", choices=["notebook", "paper"], default="notebook",
                        help="notebook: temperature max(0.5, exp(-3e-4 t)), learning rate 1e-3; paper: "
                             "paper_table.py's (temperature max(0.5, exp(-3e-5 t)) updated every 1,000 steps, "
                             "learning rate 1e-3 times 0.9 every 1,000 steps)")
    parser.add_argument("--haiku-init", action="store_true",
                        help="initial weights as vae_jax.py draws them (Haiku's initialiser and its keys), "
                             "the other streams as the Swift run's")
    args = parser.parse_args()
    binary = args.latent_type == "bernoulli"
    straight_through = args.estimator == "st-gs"
    n, k, batch, samples = args.latents, 10, 100, 10

    train_x, test_x = load(args.data)
    pixels = train_x.shape[1]

    encoder, decoder, kl_to_uniform, reconstruction_loss = model(n, k, pixels, binary)

    def negative_elbo(x, tau, key):
        logits = encoder(x)
        if key is None:  # Haiku's own initialisation (--haiku-init): the peer's order of keys
            key = hk.next_rng_key()
        if binary:
            noise = logits + jax.random.logistic(key, logits.shape)
            y = jax.nn.sigmoid(noise / tau)
            z = y + jax.lax.stop_gradient((noise > 0).astype(y.dtype) - y) if straight_through else y
            return jnp.mean(reconstruction_loss(decoder(z), x) + kl_to_uniform(logits))
        g = jax.random.gumbel(key, logits.shape)
        y = jax.nn.softmax((logits + g) / tau)
        hard = jax.nn.one_hot(jnp.argmax(y, axis=-1), k)
        z = hard - jax.lax.stop_gradient(y) + y if straight_through else y
        return jnp.mean(reconstruction_loss(decoder(z), x) + kl_to_uniform(logits))

    def discrete_negative_elbo(x, key):
        logits = encoder(x)
        kl = kl_to_uniform(logits)

        def one(s):
            if binary:
                u = jax.random.uniform(jax.random.fold_in(key, s), logits.shape)
                return reconstruction_loss(decoder((u < jax.nn.sigmoid(logits)).astype(logits.dtype)), x)
            g = jax.random.gumbel(jax.random.fold_in(key, s), logits.shape)
            return reconstruction_loss(decoder(jax.nn.one_hot(jnp.argmax(logits + g, axis=-1), k)), x)
        return jnp.mean(jax.vmap(one)(jnp.arange(samples, dtype=jnp.uint32)), axis=0) + kl

    loss_fn = hk.without_apply_rng(hk.transform(negative_elbo))
    eval_fn = hk.without_apply_rng(hk.transform(discrete_negative_elbo))
    if args.schedule == "paper":
        optimizer = optax.adam(optax.exponential_decay(1e-3, 1000, 0.9, staircase=True))
        temperature = lambda t: max(0.5, float(np.exp(-3e-5 * (t // 1000 * 1000))))  # noqa: E731
    else:
        optimizer = optax.adam(1e-3)
        temperature = lambda t: max(0.5, float(np.exp(-3e-4 * t)))  # noqa: E731

    root = jax.random.PRNGKey(args.seed)
    init_key, shuffle_key, sample_key, eval_key = (jax.random.fold_in(root, i) for i in range(4))
    params = loss_fn.init(jax.random.PRNGKey(0), jnp.zeros((batch, pixels)), 1.0, jax.random.PRNGKey(0))
    key = init_key
    if args.haiku_init:
        peer_init = hk.transform(lambda x, tau: negative_elbo(x, tau, None))
        params = peer_init.init(jax.random.split(root, 4)[0], jnp.zeros((batch, pixels)), 1.0)
    for module in ([] if args.haiku_init else ["encoder", "decoder"]):
        for layer in range(3):
            name = f"{module}/~/linear_{layer}"
            fan_in, fan_out = params[name]["w"].shape
            key, sub = jax.random.split(key)
            w = jax.random.truncated_normal(sub, -2.0, 2.0, (fan_in * fan_out,), jnp.float32) / np.float32(np.sqrt(fan_in))
            params[name] = {"w": w.reshape(fan_in, fan_out), "b": jnp.zeros(fan_out, jnp.float32)}
    opt_state = optimizer.init(params)

    @jax.jit
    def step(params, opt_state, key, x, tau):
        loss, grads = jax.value_and_grad(loss_fn.apply)(params, x, tau, key)
        updates, opt_state = optimizer.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    evaluate_chunk = jax.jit(eval_fn.apply)

    def evaluate(params, images):
        values = [evaluate_chunk(params, images[i:i + 100], jax.random.fold_in(eval_key, c))
                  for c, i in enumerate(range(0, len(images), 100))]
        return float(jnp.mean(jnp.concatenate(values)))

    t = 0
    for epoch in range(args.epochs):
        bits = np.asarray(jax.random.bits(jax.random.fold_in(shuffle_key, epoch), (len(train_x),), jnp.uint32))
        order = np.argsort(bits, kind="stable")
        losses = []
        for s in range(len(train_x) // batch):
            x = jnp.asarray(train_x[order[s * batch:(s + 1) * batch]])
            tau = temperature(t)
            params, opt_state, loss = step(params, opt_state, jax.random.fold_in(sample_key, t), x, tau)
            losses.append(loss)
            t += 1
        if args.verbose:
            print(f"epoch {epoch + 1}: train loss {float(jnp.mean(jnp.stack(losses))):.2f}  "
                  f"test -ELBO {evaluate(params, test_x):.2f}", file=sys.stderr)

    print(json.dumps({
        "epochs": args.epochs,
        "trainNegELBO": evaluate(params, train_x),
        "testNegELBO": evaluate(params, test_x),
    }))


if __name__ == "__main__":
    main()
