//! The WebAssembly module's one export: [`super::compact::call`], numbers in, numbers out.
//! wasm-bindgen only copies the two `Float64Array`s; the JavaScript wrapper (`npm/js/`)
//! encodes the inputs and decodes the answers into the shapes of `types/kezek-rules.d.ts`.

use wasm_bindgen::prelude::wasm_bindgen;

/// Talc instead of std's dlmalloc: a third of its size in the module, and faster.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Runs rules function `function` (see [`super::compact`]) on compact `input`.
#[wasm_bindgen]
pub fn call(function: u32, input: &[f64]) -> Vec<f64> {
    super::compact::call(function, input)
}
