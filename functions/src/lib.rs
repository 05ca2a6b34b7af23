//! kezek's backend: the DynamoDB store and the commands the Lambda handlers run. Every
//! decision is asked of `kezek_rules`; this crate reads, asks, and writes atomically.
//!
//! - [`store`]: the one table (keys, items, transactions, reads); see `functions/STORE.md`
//! - [`commands`]: enqueue, places (R14) + turn engine, choose, sign, sweep, catalog
//! - [`signature`]: the `SignatureVerifier` trait and the HMAC test verifier
//! - [`error`]: `{code, message}` errors with stable codes

pub use kezek_rules as rules;

pub mod audit;
pub mod commands;
pub mod config;
pub mod crl_fetch;
pub mod eds;
pub mod error;
pub mod http;
pub mod ids;
pub mod logging;
pub mod notify;
pub mod parameters_extension;
pub mod referral_pdf;
pub mod retry;
pub mod sdk_config;
pub mod session;
pub mod signature;
pub mod store;
pub mod transparency;

pub use error::{Error, Result};
