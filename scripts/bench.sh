#!/usr/bin/env bash
# Benchmarks: criterion for the rules (native), a Node script for WebAssembly calls, and the
# size of the optimised .wasm. Figures are medians; see the issue notes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
cargo bench -p kezek-rules --bench rules -- --noplot
node scripts/bench-preview.mjs
