//! Commands through the store. Each one: read what the rules need, ask `kezek_rules`,
//! write the outcome as one transaction. `now` is always passed in.

pub mod actions;
pub mod calendar;
pub mod catalog;
pub mod choose;
mod context;
pub mod enqueue;
mod idempotency;
pub mod journal;
pub mod login;
pub mod places;
pub mod profile;
pub mod referrals;
pub mod sign;
pub mod sweep;
pub mod turn_engine;
pub mod writes;

pub use context::RegionRules;
pub use idempotency::Idempotency;

use std::future::Future;
use std::time::Duration;

use crate::error::Result;

/// Retries of a transaction that met another one in flight.
pub(crate) const CONFLICTS_MAX: u32 = 12;

/// The jittered backoff before retry number `conflicts` of a transaction.
pub(crate) async fn pause(conflicts: u32) {
    let jitter =
        crate::ids::random_hex(1).ok().and_then(|h| u64::from_str_radix(&h, 16).ok()).unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(5 * u64::from(conflicts) + jitter % 20)).await;
}

/// Runs `attempt` again while it fails with a code worth retrying: another transaction in
/// flight (`transaction_conflict`), or a place condition that failed on a stale read
/// (re-reading lets the rules give the precise refusal). Bounded; jittered backoff.
pub(crate) async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let mut conflicts = 0u32;
    let mut stale_places = 0u32;
    loop {
        match attempt().await {
            Err(error) if error.is("transaction_conflict") && conflicts < CONFLICTS_MAX => {
                conflicts += 1;
                pause(conflicts).await;
            }
            Err(error)
                if (error.is("no_free_places") || error.is("group_full"))
                    && error.status == 409
                    && stale_places < 3 =>
            {
                stale_places += 1;
            }
            other => return other,
        }
    }
}
