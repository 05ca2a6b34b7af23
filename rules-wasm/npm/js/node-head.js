// @kezek/rules for Node (CommonJS; `import` of its named exports works too): the JSON-shaped
// functions of kezek_rules.d.ts over the lean WebAssembly module, loaded synchronously.
// Built by scripts/build-wasm.sh from rules-wasm/npm/js/: node-head.js + core.js + node-tail.js.
'use strict';

// `memory`: the instance's memory, which scripts/build-wasm.sh adds to the glue's exports.
const { call: wasmCall, input: wasmInput, memory: wasmMemory } = require('./kezek_rules_glue.js');
