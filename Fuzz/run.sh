#!/usr/bin/env bash
# Builds the libFuzzer targets (every module instrumented with -sanitize=fuzzer,address) and
# runs each for a number of executions, starting from the committed seed corpus.
#
#   Fuzz/run.sh [executions per target, default 10000000] [target ...]
#
# Targets: FuzzGzip FuzzCSV FuzzIDX FuzzCheckpoint. New inputs go to .build/fuzz/corpus/<target>
# (the seeds in Fuzz/Corpus stay as committed); a crash leaves its input in
# .build/fuzz/crashes/<target>/ and stops the script. A development tool: not part of
# `swift test` or CI. Needs ld.lld (shipped with the Swift toolchain on Linux).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${1:-10000000}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(FuzzGzip FuzzCSV FuzzIDX FuzzCheckpoint)

SCRATCH=.build/fuzz
mkdir -p "$SCRATCH"
# The instrumented build links with lld: gold fails on libFuzzer's main beside SwiftPM's.
LLD="$(dirname "$(command -v swiftc)")/ld.lld"
[ -x "$LLD" ] || LLD="$(command -v ld.lld)"
printf '{ "schemaVersion": "1.0", "linker": { "path": "%s" } }\n' "$LLD" > "$SCRATCH/toolset.json"

export GUMBEL_FUZZ=1
# Without this the Swift runtime's backtracer waits on every crash.
export SWIFT_BACKTRACE=enable=no
for target in "${TARGETS[@]}"; do
  swift build -c release --scratch-path "$SCRATCH" --toolset "$SCRATCH/toolset.json" \
    -Xswiftc -sanitize=fuzzer,address --product "$target"
done

for target in "${TARGETS[@]}"; do
  corpus="$SCRATCH/corpus/$target" crashes="$SCRATCH/crashes/$target"
  mkdir -p "$corpus" "$crashes"
  echo "== $target: $RUNS executions"
  "$SCRATCH/release/$target" -runs="$RUNS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "$corpus" "Fuzz/Corpus/$target"
done
