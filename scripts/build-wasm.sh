#!/usr/bin/env bash
# Builds the rules crate to WebAssembly and assembles the npm package in pkg/:
#   pkg/web/   ES module for browsers (also copied to web/pkg/ for the preview page)
#   pkg/node/  CommonJS module for Node
# optimised with wasm-opt from the npm package binaryen (never Debian's).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo build -p kezek-rules --target wasm32-unknown-unknown --profile wasm --quiet
raw=$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm/kezek_rules.wasm
rm -rf pkg/web pkg/node
wasm-bindgen "$raw" --target web --out-dir pkg/web --out-name kezek_rules
wasm-bindgen "$raw" --target nodejs --out-dir pkg/node --out-name kezek_rules
wasm_opt=node_modules/.bin/wasm-opt
for target in web node; do
  file=pkg/$target/kezek_rules_bg.wasm
  "$wasm_opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$file" -o "$file.opt"
  mv "$file.opt" "$file"
done
version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed "s/__VERSION__/$version/" rules-wasm/npm/package.json > pkg/package.json
cp rules-wasm/npm/README.md pkg/README.md
# The Node build is CommonJS inside an ES-module package.
echo '{ "type": "commonjs" }' > pkg/node/package.json
rm -rf web/pkg && mkdir -p web/pkg && cp pkg/web/kezek_rules.js pkg/web/kezek_rules_bg.wasm pkg/web/kezek_rules.d.ts web/pkg/
size=$(stat -c %s pkg/web/kezek_rules_bg.wasm)
gzip_size=$(gzip -9 -c pkg/web/kezek_rules_bg.wasm | wc -c)
echo "[build-wasm] kezek_rules_bg.wasm: ${size} bytes raw, ${gzip_size} bytes gzip"
