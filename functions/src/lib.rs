//! kezek's AWS Lambda handlers. The store, the handlers and the binaries arrive with the
//! backend issue; every decision they make is asked of `kezek_rules`.
pub use kezek_rules as rules;
