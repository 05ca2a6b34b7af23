#!/usr/bin/env bash
# The forecast's cost (issue 15): in WebAssembly (Node, scripts/bench-forecast.mjs over the rules
# crate built with the feature forecast-bench) and natively (criterion), one after the other in
# one run, for the same 50,000-entry pool (rules-wasm/src/forecast/bench_pool.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cargo build --release --quiet --target wasm32-unknown-unknown -p kezek-rules --no-default-features --features forecast-bench --lib
target_dir=${CARGO_TARGET_DIR:-target}
node scripts/bench-forecast.mjs "$target_dir/wasm32-unknown-unknown/release/kezek_rules.wasm" 42000 25
cargo bench -p kezek-rules --bench transparency -- forecast 2>&1 | grep -E '^forecast|time:|change:'
