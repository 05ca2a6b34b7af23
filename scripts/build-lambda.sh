#!/usr/bin/env bash
# `npm run build:lambda`: the deployable Lambda artefacts — every binary of kezek-functions
# (functions/src/bin/) built for provided.al2023 on arm64 (Graviton) with cargo-lambda and
# zipped as target/lambda/<name>/bootstrap.zip, ready for `sam deploy` or the console.
# Installs cargo-lambda and ziglang (its cross linker) from PyPI and the Rust target
# aarch64-unknown-linux-gnu when missing; a second run only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

say() { printf '[build-lambda] %s\n' "$*"; }

# cargo-lambda's PyPI package ships its binary; ziglang ships the zig it links with.
if ! command -v cargo-lambda >/dev/null 2>&1 || ! python3 -c 'import ziglang' >/dev/null 2>&1; then
  say "installing cargo-lambda and ziglang from PyPI"
  PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet --disable-pip-version-check cargo-lambda ziglang
  hash -r
fi
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  say "adding the Rust target aarch64-unknown-linux-gnu"
  rustup target add aarch64-unknown-linux-gnu
fi

# The profile `deploy` of the workspace's Cargo.toml (fat LTO, one codegen unit, opt-level
# "z", symbols stripped, panic = abort) — for size and cold start; it only builds into the
# aarch64 target directory, so host release builds keep their fast settings.
started=$SECONDS
cargo lambda build --profile deploy --arm64 --output-format zip -p kezek-functions "$@"

bins=$(find functions/src/bin -maxdepth 1 -name '*.rs' -printf '%f\n' | sed 's/\.rs$//' | sort)
for bin in $bins; do
  zip=$CARGO_TARGET_DIR/lambda/$bin/bootstrap.zip
  [ -f "$zip" ] || { say "missing $zip" >&2; exit 1; }
  printf '[build-lambda] %-13s %8d bytes  %s\n' "$bin" "$(stat -c %s "$zip")" "$zip"
done
say "done in $((SECONDS - started)) s"
