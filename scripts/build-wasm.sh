#!/usr/bin/env bash
# Builds the rules crate to WebAssembly and assembles the npm package @kezek/rules in pkg/:
#   pkg/web/   ES module for browsers (`<script type="module">`; also copied to web/pkg/)
#   pkg/node/  CommonJS module for Node (`require`, or `import` of its named exports)
# The .wasm is optimised once with wasm-opt from the npm package binaryen (never Debian's).
# When the compiled .wasm, the wasm-bindgen version and this script are unchanged, the
# bindgen/wasm-opt steps are skipped. Prints the optimised size, raw and gzip.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build -p kezek-rules --target wasm32-unknown-unknown --profile wasm --quiet
raw=$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/kezek_rules.wasm
wasm=kezek_rules_bg.wasm

stamp_file=pkg/.build-stamp
stamp="$(sha256sum "$raw" scripts/build-wasm.sh | awk '{print $1}' | tr '\n' ' ')$(wasm-bindgen --version)"
if [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && [ -f pkg/web/$wasm ] && [ -f pkg/node/$wasm ]; then
  echo "[build-wasm] $raw unchanged: keeping pkg/web and pkg/node"
else
  rm -rf pkg/web pkg/node "$stamp_file"
  wasm-bindgen "$raw" --target web --out-dir pkg/web --out-name kezek_rules
  wasm-bindgen "$raw" --target nodejs --out-dir pkg/node --out-name kezek_rules
  # Both targets embed the same module; optimise it once.
  cmp -s pkg/web/$wasm pkg/node/$wasm || { echo "[build-wasm] the web and node modules differ" >&2; exit 1; }
  node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    pkg/web/$wasm -o pkg/web/$wasm.opt
  mv pkg/web/$wasm.opt pkg/web/$wasm
  cp pkg/web/$wasm pkg/node/$wasm
  # The Node build is CommonJS inside an ES-module package.
  echo '{ "type": "commonjs" }' > pkg/node/package.json
  echo "$stamp" > "$stamp_file"
fi

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed "s/__VERSION__/$version/" rules-wasm/npm/package.json > pkg/package.json
cp rules-wasm/npm/README.md pkg/README.md
rm -rf web/pkg && mkdir -p web/pkg && cp pkg/web/kezek_rules.js pkg/web/$wasm pkg/web/kezek_rules.d.ts web/pkg/

size=$(stat -c %s pkg/web/$wasm)
gzip_size=$(gzip -9 -c pkg/web/$wasm | wc -c)
echo "[build-wasm] @kezek/rules $version in pkg/: $wasm ${size} bytes raw, ${gzip_size} bytes gzip"
