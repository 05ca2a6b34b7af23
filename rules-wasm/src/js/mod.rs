//! The JavaScript boundary of the rules, apart from the pure core:
//! - [`api`]: the functions JavaScript and the server call, one input struct in, one output
//!   out (JSON-shaped with the feature `json`, the default);
//! - [`compact`]: the same functions over numbers ([`codec`], [`shapes`], [`names`]), which is
//!   all the browser's WebAssembly module exports (`wasm`, built without `json`, so it links
//!   no serde, no text parsing of dates and no float formatting).
//!
//! The JavaScript wrapper shipped in the npm package is `rules-wasm/npm/js/`.

pub mod api;
pub mod codec;
pub mod compact;
pub mod names;
pub mod shapes;
#[cfg(feature = "transparency")]
pub mod verifier;

// The lean module's exports; the verifier module (feature `transparency`) exports only
// `verifier`'s functions and has its own allocator there.
#[cfg(all(target_arch = "wasm32", not(feature = "transparency")))]
mod wasm;
