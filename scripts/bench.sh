#!/usr/bin/env bash
# Benchmarks: criterion for the rules (native: the preview's JSON-in/JSON-out twin and the
# compact twin of the module's own work), a Node script for WebAssembly calls, and the size of
# the optimised .wasm. Figures are medians; see the issue notes.
# KEZEK_BENCH_BEFORE=DIR (a pkg/node of an earlier build, e.g. from `git archive` of the last
# commit) times that build side by side with this one.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
cargo bench -p kezek-rules --bench rules -- --noplot
if [ -n "${KEZEK_BENCH_BEFORE:-}" ]; then
  node scripts/bench-preview.mjs "$KEZEK_BENCH_BEFORE" pkg/node
else
  node scripts/bench-preview.mjs
fi
