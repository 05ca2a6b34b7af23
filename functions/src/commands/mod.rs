//! Commands through the store. Each one: read what the rules need, ask `kezek_rules`,
//! write the outcome as one transaction. `now` is always passed in.

pub mod actions;
pub mod calendar;
pub mod catalog;
pub mod choose;
mod choose_reads;
mod context;
pub mod enqueue;
mod idempotency;
pub mod journal;
pub mod login;
pub mod places;
pub mod profile;
pub mod referral_verify;
pub mod referrals;
pub mod siblings;
pub mod sign;
pub mod sweep;
pub mod transfer;
pub mod transparency;
pub mod turn_engine;
pub mod writes;

pub use context::RegionRules;
pub use idempotency::Idempotency;

use std::future::Future;

use crate::error::{Error, Result};
use crate::retry::Again;
use crate::store::Role;

/// Runs a command's attempt (read, decide, write) again by the one retry policy
/// ([`crate::retry`]): after another transaction in flight with a pause; after a place
/// condition that failed on a stale read (re-reading lets the rules give the precise refusal)
/// at once. Throttling, timeouts and failures of the store were retried call by call already
/// (`Store::new`); what is left is answered with its retryable code.
pub(crate) async fn retrying<T, F, Fut>(attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    crate::retry::run(command_again, attempt).await
}

/// Why a command's attempt is run again.
pub(crate) fn command_again(error: &Error) -> Again {
    match error {
        Error::Condition(Role::Pool | Role::Group) => Again::Now,
        Error::Condition(Role::Log) => Again::Contended,
        // Moves that do not fit the pool as read: the reads were skewed by another writer.
        Error::Rule(kezek_rules::RuleError::CounterUnderflow { .. }) => Again::Now,
        Error::TransactionConflict => Again::Pause,
        _ => Again::No,
    }
}
