#!/usr/bin/env bash
# Builds the rules crate to WebAssembly and assembles the npm package @kezek/rules in pkg/:
#   pkg/web/   ES module for browsers (`<script type="module">`; also copied to web/pkg/)
#   pkg/node/  CommonJS module for Node (`require`, or `import` of its named exports)
# Each holds kezek_rules.js (the JS wrapper, rules-wasm/npm/js/: JSON-shaped functions over
# the compact format), kezek_rules_glue.js (wasm-bindgen's loader), kezek_rules_bg.wasm and
# kezek_rules.d.ts. The module is built without default features (no serde, no JSON: see
# rules-wasm/src/js/) and optimised once with wasm-opt from the npm package binaryen.
#
# Usage: scripts/build-wasm.sh                  the browser's lean module (budget 30 KiB gzip)
#        scripts/build-wasm.sh FEATURES NAME    a second, separately loaded module with extra cargo
#                                               features (e.g. `transparency verifier`) in pkg/NAME/
#                                               (module + wasm-bindgen glue), copied to web/pkg/NAME/;
#                                               the lean one is untouched.
#
# Panics: where the machine has a nightly toolchain with rust-src and the wasm32 target, std is
# rebuilt with immediate-abort panics and size-optimised sorts (-Zbuild-std), which removes the
# panic message formatting (about 40 % of the module); otherwise the stable toolchain builds it,
# larger. KEZEK_WASM_TOOLCHAIN=stable forces the stable build. Prints what it used and the
# optimised size, raw and gzip. Skips bindgen/wasm-opt when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

features="${1:-}"
name="${2:-}"
[ -z "$features" ] || [ -n "$name" ] || { echo "usage: $0 [FEATURES NAME]" >&2; exit 2; }
budget_gzip_bytes=30720

nightly_ready() {
  [ "${KEZEK_WASM_TOOLCHAIN:-auto}" != stable ] || return 1
  local sysroot
  sysroot=$(rustup run nightly rustc --print sysroot 2>/dev/null) || return 1
  [ -d "$sysroot/lib/rustlib/src/rust/library" ] && [ -d "$sysroot/lib/rustlib/wasm32-unknown-unknown" ]
}

cargo_args=(-p kezek-rules --target wasm32-unknown-unknown --profile wasm --no-default-features --quiet)
# A second module is not size-bound like the lean one: its hashing (sha2) is built for speed
# (inclusion proofs verified in the benchmark, scripts/bench-verifier.mjs).
[ -z "$features" ] || cargo_args+=(--features "$features" --config 'profile.wasm.package.sha2.opt-level=3')
if nightly_ready; then
  toolchain=nightly
  target_dir=$CARGO_TARGET_DIR/wasm-nightly
  RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort" CARGO_TARGET_DIR=$target_dir \
    cargo +nightly build "${cargo_args[@]}" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
else
  toolchain=stable
  target_dir=$CARGO_TARGET_DIR
  cargo build "${cargo_args[@]}"
fi
raw=$target_dir/wasm32-unknown-unknown/wasm/kezek_rules.wasm
wasm=kezek_rules_bg.wasm

optimise() { # in out
  # --zero-filled-memory: the memory is the module's own, zeroed at instantiation (not imported);
  # --low-memory-unused: Rust's wasm32 layout puts the 1 MiB stack first, growing down to 0,
  # so the lowest 1 KiB is only ever reached by a stack already overflowing.
  node_modules/.bin/wasm-opt -O4 -Oz --converge --zero-filled-memory --low-memory-unused \
    --strip-debug --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue "$1" -o "$2"
}
sizes() { echo "$(stat -c %s "$1") bytes raw, $(gzip -9 -c "$1" | wc -c) bytes gzip"; }

if [ -n "$features" ]; then
  out=pkg/$name
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen "$raw" --target web --out-dir "$out" --out-name "$name"
  optimise "$out/${name}_bg.wasm" "$out/${name}_bg.wasm.opt" && mv "$out/${name}_bg.wasm.opt" "$out/${name}_bg.wasm"
  # The page loads it on demand from web/pkg/NAME/ (the lean module's copy below keeps it).
  rm -rf "web/pkg/$name" && mkdir -p "web/pkg/$name"
  cp "$out/$name.js" "$out/${name}_bg.wasm" "$out/$name.d.ts" "web/pkg/$name/"
  echo "[build-wasm] $name (features: $features; $toolchain) in $out/ and web/pkg/$name/: $(sizes "$out/${name}_bg.wasm")"
  exit 0
fi

# The browser's module must not link serde, float formatting or chrono's text parsing: their
# symbols would show in the unoptimised module's name section.
node -e '
  const names = Buffer.from(WebAssembly.Module.customSections(new WebAssembly.Module(require("fs").readFileSync(process.argv[1])), "name")[0]).toString("latin1");
  const found = ["Serializ", "flt2dec", "format::parse", "6format5parse"].filter((symbol) => names.includes(symbol));
  if (found.length) { console.error(`[build-wasm] the browser module links ${found.join(", ")}`); process.exit(1); }
' "$raw"

wrapper=(rules-wasm/npm/js/*.js rules-wasm/types/*.d.ts)
stamp_file=pkg/.build-stamp
stamp="$(sha256sum "$raw" scripts/build-wasm.sh "${wrapper[@]}" | awk '{print $1}' | tr '\n' ' ')$(wasm-bindgen --version)"
if [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && [ -f pkg/web/$wasm ] && [ -f pkg/node/$wasm ] && [ -f pkg/.wasm-toolchain ]; then
  echo "[build-wasm] $raw unchanged: keeping pkg/web and pkg/node"
else
  rm -rf pkg/web pkg/node "$stamp_file" pkg/.wasm-toolchain
  for target in web node; do
    wasm-bindgen "$raw" --target "$([ $target = node ] && echo nodejs || echo web)" --out-dir pkg/$target --out-name kezek_rules
    # The glue is internal: the wrapper is the package's face, with its own types.
    grep -v '@ts-self-types' pkg/$target/kezek_rules.js > pkg/$target/kezek_rules_glue.js
    # Node's glue keeps the instance to itself: export its memory (the web glue's init
    # resolves to the instance's exports, memory included). No export of the module returns
    # a JS value, so the module links none of wasm-bindgen's externref machinery.
    [ $target = web ] || echo 'exports.memory = () => wasm.memory;' >> pkg/$target/kezek_rules_glue.js
    rm pkg/$target/kezek_rules.js pkg/$target/kezek_rules.d.ts pkg/$target/kezek_rules_bg.wasm.d.ts
    cat rules-wasm/npm/js/$target-head.js rules-wasm/npm/js/core.js rules-wasm/npm/js/$target-tail.js > pkg/$target/kezek_rules.js
    cat rules-wasm/types/kezek-rules.d.ts rules-wasm/types/functions.d.ts > pkg/$target/kezek_rules.d.ts
  done
  cat rules-wasm/types/init-web.d.ts >> pkg/web/kezek_rules.d.ts
  # Both targets embed the same module; optimise it once.
  cmp -s pkg/web/$wasm pkg/node/$wasm || { echo "[build-wasm] the web and node modules differ" >&2; exit 1; }
  optimise pkg/web/$wasm pkg/web/$wasm.opt
  mv pkg/web/$wasm.opt pkg/web/$wasm
  cp pkg/web/$wasm pkg/node/$wasm
  # The Node build is CommonJS inside an ES-module package.
  echo '{ "type": "commonjs" }' > pkg/node/package.json
  echo "$toolchain" > pkg/.wasm-toolchain
  echo "$stamp" > "$stamp_file"
fi

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed "s/__VERSION__/$version/" rules-wasm/npm/package.json > pkg/package.json
cp rules-wasm/npm/README.md pkg/README.md
# Only the lean module's files: a second module's directory (web/pkg/NAME/) stays.
mkdir -p web/pkg && find web/pkg -maxdepth 1 -type f -delete
cp pkg/web/kezek_rules.js pkg/web/kezek_rules_glue.js pkg/web/$wasm pkg/web/kezek_rules.d.ts web/pkg/

gzip_size=$(gzip -9 -c pkg/web/$wasm | wc -c)
echo "[build-wasm] @kezek/rules $version in pkg/ ($(cat pkg/.wasm-toolchain)): $wasm $(sizes pkg/web/$wasm)"
if [ "$gzip_size" -gt "$budget_gzip_bytes" ]; then
  # tests/node/package.test.mjs enforces the budget of the toolchain used.
  echo "[build-wasm] over the browser budget of $budget_gzip_bytes bytes gzip (issue 11 item 4; $(cat pkg/.wasm-toolchain))" >&2
fi
