#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). Installs what is missing, then runs
# every test: Rust unit, table and property tests; clippy; the WebAssembly package's Node
# tests; the native/WebAssembly parity test; the TypeScript check; the browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

step() { printf '\n=== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh

step "clippy"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test"
cargo test --workspace --quiet 2>&1 | tee "$CARGO_TARGET_DIR/cargo-test.log"
grep -q "test result: ok" "$CARGO_TARGET_DIR/cargo-test.log"

step "WebAssembly package"
bash scripts/build-wasm.sh
cargo build -p kezek-rules --example api_json --release --quiet

step "TypeScript types"
node_modules/.bin/tsc --noEmit -p tests/node/typed-example

step "node tests (WebAssembly, parity, browser)"
node --test --test-concurrency=1 tests/node/ tests/browser/
