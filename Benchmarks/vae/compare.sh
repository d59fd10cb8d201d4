#!/usr/bin/env bash
# Seconds per epoch of `gumbel train-vae` against the JAX + Haiku + Optax script, on this machine.
# Runs the two alternately (so that both see the same background load), ROUNDS times each, with
# EPOCHS epochs per run; each run reports the median of its epochs after the first.
#
#   Benchmarks/vae/compare.sh [EPOCHS] [ROUNDS]      # defaults: 5 epochs, 3 rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-5}
ROUNDS=${2:-3}
swift build -c release --product gumbel >&2
BIN=$(swift build -c release --show-bin-path)/gumbel
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for round in $(seq "$ROUNDS"); do
  swift_json=$("$BIN" train-vae --epochs "$EPOCHS" --format json --out "$OUT/swift")
  jax_json=$(python3 Benchmarks/vae/vae_jax.py --epochs "$EPOCHS")
  echo "round $round swift $swift_json"
  echo "round $round jax   $jax_json"
done | tee "$OUT/log" >&2
python3 - "$OUT/log" <<'PY'
import json, statistics, sys
runs = {"swift": [], "jax": []}
for line in open(sys.argv[1]):
    _, _, name, payload = line.split(" ", 3)
    runs[name].append(json.loads(payload)["secondsPerEpoch"])
s, j = statistics.median(runs["swift"]), statistics.median(runs["jax"])
print(json.dumps({"swiftSecondsPerEpoch": s, "jaxSecondsPerEpoch": j, "ratio": s / j,
                  "swiftRuns": runs["swift"], "jaxRuns": runs["jax"]}))
PY
