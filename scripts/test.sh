#!/usr/bin/env bash
# The one test command (README: `npm test`; CI: .ci/run). Installs what is missing, then runs
# every test: clippy; the Rust unit, table, property and DynamoDB Local tests; the WebAssembly
# build; the TypeScript check; the Node tests of the package, the native/WebAssembly parity
# test and the browser test; the end-to-end seed scenario on the local service; schemathesis
# against it. Stops at the first failure; the last line is the summary.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

started=$SECONDS
current=""
step_started=$SECONDS
done_steps=()
step() {
  [ -z "$current" ] || done_steps+=("$current $((SECONDS - step_started))s")
  current=$1
  step_started=$SECONDS
  printf '\n=== %s\n' "$current"
}
joined() { local IFS=';'; echo "${done_steps[*]:-none}" | sed 's/;/, /g'; }
summary() {
  local status=$?
  if [ "$status" -eq 0 ]; then
    done_steps+=("$current $((SECONDS - step_started))s")
    printf '\n=== summary: all %d steps passed in %ds (%s)\n' "${#done_steps[@]}" "$((SECONDS - started))" "$(joined)"
  else
    printf '\n=== summary: FAILED at step "%s" (exit %d) after %ds; passed before it: %s\n' "$current" "$status" "$((SECONDS - started))" "$(joined)"
  fi
}
trap summary EXIT

step "setup"
bash scripts/setup.sh

step "clippy"
# House rules: the tree is formatted with rustfmt.toml.
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The rules crate for WebAssembly too: as the browser's module builds it, and with its defaults.
cargo clippy -p kezek-rules --target wasm32-unknown-unknown --no-default-features --quiet -- -D warnings
cargo clippy -p kezek-rules --target wasm32-unknown-unknown --quiet -- -D warnings
# The SAM template, offline (the template↔code test runs with cargo test).
cfn-lint infra/template.yaml

step "cargo test"
cargo test --workspace --quiet

step "wasm build"
bash scripts/build-wasm.sh
# The verifier of the transparency logs (issue 13), loaded by the application's page on demand:
# its exports (rules-wasm/src/js/verifier.rs, wasm32 only) linted as built.
cargo clippy -p kezek-rules --target wasm32-unknown-unknown --no-default-features --features transparency --quiet -- -D warnings
bash scripts/build-wasm.sh transparency verifier
cargo build -p kezek-rules --example api_json --release --quiet

step "tsc"
node_modules/.bin/tsc --noEmit -p tests/node/typed-example

step "node tests"
# The end-to-end seed scenario serves kezek-local through scripts/serve.sh: build it first.
cargo build -p kezek-local --quiet
node --test --test-concurrency=1 tests/node/ tests/browser/ tests/e2e/

step "schemathesis"
# The OpenAPI document against the running local service: no 5xx, every answer as documented.
bash scripts/schemathesis.sh
