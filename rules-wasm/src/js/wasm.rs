//! The WebAssembly module's exports: the compact [`super::compact::call`] over two buffers
//! that live in the module's memory, so a call allocates nothing on the JS side and copies
//! nothing through wasm-bindgen. The JavaScript wrapper (`npm/js/core.js`) writes the input
//! words at [`input`]'s pointer, calls [`call`], and reads the answer words at its pointer.

use std::cell::RefCell;

use wasm_bindgen::prelude::wasm_bindgen;

use super::codec::Writer;

/// Talc instead of std's dlmalloc: a third of its size in the module, and faster.
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Most input words one call may carry (8 MB): far above any real input (a queue of
/// 100,000 entries is about 3 million words).
const INPUT_WORDS_MAX: usize = 1 << 20;

thread_local! {
    static INPUT: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
    static ANSWER: RefCell<Writer> = const { RefCell::new(Writer::new()) };
}

/// Makes room for `words` input words (at most [`INPUT_WORDS_MAX`]) and tells where to write
/// them; 0 when too many.
#[wasm_bindgen]
pub fn input(words: usize) -> *mut f64 {
    if words > INPUT_WORDS_MAX {
        return std::ptr::null_mut();
    }
    // `try_with`/`try_borrow_mut` rather than `with_borrow_mut`: they cannot fail here (one
    // thread, no reentry), and the panicking forms would link their error's `Debug`.
    INPUT
        .try_with(|input| {
            let Ok(mut input) = input.try_borrow_mut() else { return std::ptr::null_mut() };
            input.resize(words, 0.0);
            input.as_mut_ptr()
        })
        .unwrap_or(std::ptr::null_mut())
}

/// Runs rules function `function` (see [`super::compact`]) on the first `words` input words;
/// returns where the answer's words start (its first word is the status); 0 if the buffers
/// are in use (never: the module runs one call at a time).
#[wasm_bindgen]
pub fn call(function: u32, words: usize) -> *const f64 {
    let run = |input: &RefCell<Vec<f64>>, answer: &RefCell<Writer>| {
        let (Ok(input), Ok(mut answer)) = (input.try_borrow(), answer.try_borrow_mut()) else {
            return std::ptr::null();
        };
        let words = input.get(..words).unwrap_or(&input);
        super::compact::answer(function, words, &mut answer);
        answer.words.as_ptr()
    };
    INPUT
        .try_with(|input| ANSWER.try_with(|answer| run(input, answer)).unwrap_or(std::ptr::null()))
        .unwrap_or(std::ptr::null())
}
