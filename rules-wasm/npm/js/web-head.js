// @kezek/rules for browsers (ES module): the JSON-shaped functions of kezek_rules.d.ts over
// the lean WebAssembly module. `await init()` first (fetches kezek_rules_bg.wasm beside
// this file, or give it the bytes / a URL / a WebAssembly.Module). Built by
// scripts/build-wasm.sh from rules-wasm/npm/js/: web-head.js + core.js + web-tail.js.
import initGlue, { initSync as initSyncGlue, call as wasmCall, input as wasmInput } from './kezek_rules_glue.js';

// The instance's exports, which init() resolves to: the module's memory is one of them.
let wasmExports = null;
const wasmMemory = () => wasmExports.memory;
