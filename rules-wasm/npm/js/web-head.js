// @kezek/rules for browsers (ES module): the JSON-shaped functions of kezek_rules.d.ts over
// the lean WebAssembly module. `await init()` first (fetches kezek_rules_bg.wasm beside
// this file, or give it the bytes / a URL / a WebAssembly.Module). Built by
// scripts/build-wasm.sh from rules-wasm/npm/js/: web-head.js + core.js + web-tail.js.
import initGlue, { initSync as initSyncGlue, call as wasmCall, input as wasmInput, linear_memory as wasmMemory } from './kezek_rules_glue.js';
