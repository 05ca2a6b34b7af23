//! kezek-rules: every domain decision of kezek, the queue and referral service for state
//! kindergartens (see `shared/DESIGN.md`). Pure: no I/O, no clock reads (`now` is passed in).
//! Compiled natively for the Lambda handlers and to WebAssembly for the browser preview, so
//! the two can never disagree.
//!
//! Where to find a rule:
//! - identity numbers: [`iin`]; age in full years: [`age`]
//! - time, region offsets: [`time`]; working days: [`calendar`]; deadlines: [`deadline`]
//! - per-region policy: [`policy`]; the one context of every decision (clock, policy over
//!   time, calendar with the loaded years): [`context`]
//! - R4 "may this child choose a kindergarten now, and if not, why and until when": [`eligibility`]
//! - queue order and position (§1.4): [`queue`]
//! - place counters and their invariants (§1.5): [`places`]
//! - the application state machine (§1.1–1.2): [`application`]
//! - the turn engine: [`turn_engine`]; transfers between kindergartens:
//!   [`application::TransferRequest`], sharing places with new children: [`turn_transfers`]
//! - the functions shared by WebAssembly and the server: [`api`]; the JavaScript boundary
//!   (compact format, WebAssembly export): [`js`]

pub mod age;
pub mod application;
pub mod calendar;
pub mod context;
pub mod deadline;
pub mod eligibility;
pub mod error;
pub mod forecast;
pub mod iin;
pub mod js;
pub mod places;
pub mod policy;
pub mod queue;
pub mod queue_sort;
pub mod siblings;
pub mod text;
pub mod time;
#[cfg(feature = "transparency")]
pub mod transparency;
pub mod turn_engine;
pub mod turn_transfers;

pub use error::{RuleError, RuleResult};
pub use js::api;
