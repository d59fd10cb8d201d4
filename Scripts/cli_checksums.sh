#!/usr/bin/env bash
# Prints one md5 per command of a fixed set of `gumbel` commands (noise in both key schemes,
# soft and hard samples and their gradients, densities, estimators, the toy problem, every
# figure, a short VAE run with its checkpoint and figures, the demo and its HTML report), for
# the kernel path the environment selects. A refactoring that must not change behaviour is
# checked by diffing this output before and after, on every kernel path:
#
#   Scripts/cli_checksums.sh .build/release/gumbel > after.txt
#   GUMBEL_DISABLE_AVX512=1 Scripts/cli_checksums.sh .build/release/gumbel > after-avx2.txt
#   GUMBEL_DISABLE_AVX2=1 Scripts/cli_checksums.sh .build/release/gumbel > after-swift.txt
#
# Run it from the package root (the VAE reads Data/mnist_5k.csv.gz). A development tool: the
# tests do not run it.
set -uo pipefail
gumbel=${1:?usage: Scripts/cli_checksums.sh PATH/TO/gumbel}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
long_logits=$(python3 -c 'print(",".join(str((i % 17) / 4 - 2) for i in range(100)))' 2>/dev/null \
  || awk 'BEGIN { for (i = 0; i < 100; i++) printf "%s%g", (i ? "," : ""), (i % 17) / 4 - 2 }')
long_weights=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "%s%d", (i ? "," : ""), i % 7 }')

# Wall-clock figures differ from run to run: they are masked before hashing.
untimed() { sed -E 's/"secondsPerEpoch": ?[0-9.e+-]+/"secondsPerEpoch": T/g; s/[0-9.]+ s\/epoch/T s\/epoch/g'; }
check() { # name, then the command's arguments: md5 of stdout, stderr and exit status
  local name=$1; shift
  local out
  out=$( { "$gumbel" "$@" 2>&1; echo "exit $?"; } | untimed | md5sum | cut -d' ' -f1)
  printf '%s  %s\n' "$out" "$name"
}
files() { # name, then files: md5 of their contents
  local name=$1; shift
  printf '%s  %s\n' "$(cat "$@" | untimed | md5sum | cut -d' ' -f1)" "$name"
}

for scheme in partitionable original; do
  check "random bits $scheme" random bits --seed 7 --shape 1000 --scheme "$scheme" --format json
  check "random uniform $scheme" random uniform --seed 7 --shape 3,333 --scheme "$scheme" --format json
  check "random gumbel $scheme" random gumbel --seed 3 --shape 70001 --scheme "$scheme" --format json
  check "random gumbel f64 $scheme" random gumbel --seed 1 --shape 2,300 --dtype float64 --scheme "$scheme" --format json
  check "random categorical $scheme" random categorical --seed 1 --logits=-1,0,2 --shape 1000 --scheme "$scheme" --format json
  check "random split $scheme" random split --seed 5 --scheme "$scheme" --format json
  check "random fold-in $scheme" random fold-in --seed 5 --data 17 --scheme "$scheme" --format json
done
check "sample soft grad" sample --logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1 --temperature 0.4 --count 3000 \
  --grad-weights=1,2,3,4,5,6,7,8,9,10,11 --format json
check "sample hard grad" sample --logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1 --temperature 0.7 --count 3000 \
  --grad-weights=1,2,3,4,5,6,7,8,9,10,11 --hard --format json
check "sample hard grad t=0.5" sample --logits=1,-2,0.5,3,0,0.1,-1,2,0.7,0.3,1.1 --temperature 0.5 --count 3000 \
  --grad-weights=1,2,3,4,5,6,7,8,9,10,11 --hard --format json
check "sample masked" sample --logits=1,-inf,0.5,3 --temperature 0.3 --count 50 --grad-weights=1,2,3,4 --format json
check "sample long rows" sample --logits="$long_logits" --temperature 0.6 --count 300 \
  --grad-weights="$long_weights" --hard --format json
check "sample long rows soft" sample --logits="$long_logits" --temperature 0.25 --count 300 \
  --grad-weights="$long_weights" --format json
check "sample csv" sample --probs 0.2,0.3,0.5 --temperature 0.5 --count 3 --format csv
check "sample text" sample --probs 0.2,0.3,0.5 --temperature 0.5 --count 3 --hard --grad-weights=1,2,3
check "log-prob" log-prob --logits 0,1,-inf --temperature 0.5 --value 0.3,0.7,0 --format json
check "log-prob 2" log-prob --probs 0.1,0.2,0.7 --temperature 2 --value 0.2,0.2,0.6
for t in 0.5 1; do
  check "estimate t=$t" estimate --probs 0.2,0.2,0.2,0.2,0.2 --temperature "$t" --samples 2000 --seed 0 --format json
done
check "estimate skewed" estimate --logits=0.3,-1,2,0.1 --temperature 1 --samples 2000 --seed 4 --format json
for e in reinforce st gs st-gs gumbel-rao reinmax; do
  check "optimize-toy $e" optimize-toy --estimator "$e" --steps 60 --seed 1 --format json
done
check "error: temperature" sample --probs 0.5,0.5 --temperature 0
check "error: estimator" optimize-toy --estimator nope --steps 1

"$gumbel" plot temperatures --probs 0.2,0.2,0.2,0.2,0.2 --temperatures 0.1,0.5,1,10 --seed 0 --out "$work/t.svg" >/dev/null 2>&1
files "plot temperatures" "$work/t.svg"
"$gumbel" plot simplex --probs 0.2,0.3,0.5 --seed 0 --out "$work/s.svg" >/dev/null 2>&1
files "plot simplex" "$work/s.svg"
"$gumbel" plot histogram --probs 0.2,0.3,0.5 --seed 0 --out "$work/h.svg" >/dev/null 2>&1
files "plot histogram" "$work/h.svg"
"$gumbel" plot estimators --probs 0.2,0.2,0.2,0.2,0.2 --temperatures 0.5,1,2 --samples 500 --seed 0 --out "$work/e.svg" >/dev/null 2>&1
files "plot estimators" "$work/e.svg"

check "demo json" demo --format json
check "demo text" demo
"$gumbel" demo --out "$work/report" >/dev/null 2>&1
files "demo report" $(find "$work/report" -type f | sort)

for e in st-gs reinforce gumbel-rao reinmax; do
  check "train-vae $e" train-vae --epochs 2 --estimator "$e" --latents 8 --categories 4 --seed 2 --out "$work/vae-$e" --format json
  # The checkpoint holds the epochs' wall-clock times; the resumed run below reads it.
  files "train-vae $e files" $(find "$work/vae-$e" -type f ! -name '*.gvae' | sort)
done
check "train-vae resume" train-vae --epochs 3 --estimator st-gs --latents 8 --categories 4 --seed 2 --out "$work/vae-st-gs" --resume --format json
files "train-vae resume files" $(find "$work/vae-st-gs" -type f ! -name '*.gvae' | sort)
