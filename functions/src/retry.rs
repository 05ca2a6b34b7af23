//! The one retry policy of the service: at most [`POLICY`]`.attempts_max` attempts of one
//! thing (a DynamoDB call, or a command's read-decide-write), with a full-jitter exponential
//! pause before an attempt after a transient failure. Two layers apply it, each bounded alone:
//! - every DynamoDB call of the store is retried on a transient failure of the store
//!   (throttling, a timeout or reset connection, a 5xx) by the SDK's standard retry loop given
//!   these bounds ([`sdk_retry_config`], `Store::new`); what is left after the last attempt is
//!   classified once (`store::failure`) and answered with a retryable code;
//! - a command is run again on what a fresh read may answer otherwise: a transaction that met
//!   another in flight (with a pause), or a condition that failed on a stale read (at once).
//!
//! Whoever retries says why with [`Again`]; [`Retry::again`] applies the bound and the pause.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};

/// Bounds of every retry loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Attempts of one thing, the first included.
    pub attempts_max: u32,
    /// The pause bound before the second attempt; doubled for each further one.
    pub pause_first_ms: u64,
    /// The largest pause bound.
    pub pause_max_ms: u64,
}

pub const POLICY: Policy = Policy { attempts_max: 6, pause_first_ms: 20, pause_max_ms: 640 };

impl Policy {
    /// The upper bound of the pause before attempt `attempt` (2, 3, ...).
    pub fn pause_bound_ms(&self, attempt: u32) -> u64 {
        assert!(attempt >= 2, "no pause before the first attempt");
        let doublings = (attempt - 2).min(16);
        self.pause_first_ms.saturating_mul(1 << doublings).min(self.pause_max_ms)
    }
}

/// The policy as the SDK's retry configuration (call level).
pub fn sdk_retry_config() -> aws_sdk_dynamodb::config::retry::RetryConfig {
    aws_sdk_dynamodb::config::retry::RetryConfig::standard()
        .with_max_attempts(POLICY.attempts_max)
        .with_initial_backoff(Duration::from_millis(POLICY.pause_first_ms))
        .with_max_backoff(Duration::from_millis(POLICY.pause_max_ms))
}

/// Why an attempt may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Again {
    /// A transient failure: pause (jittered), then try again.
    Pause,
    /// A stale read: read again and decide again now.
    Now,
    /// Another change of the same pool committed first (its log head, `store::log`): read
    /// again after a short jittered pause, within [`CONTENDED_ATTEMPTS_MAX`] attempts (the
    /// changes of one pool are serialised, so a burst of them waits its turn).
    Contended,
    /// Final: answer the error.
    No,
}

/// Attempts of a change that keeps losing its pool's log to other changes.
pub const CONTENDED_ATTEMPTS_MAX: u32 = 40;
/// The bound of the pause before a contended attempt grows by this per attempt, up to
/// [`CONTENDED_PAUSE_MAX_MS`].
const CONTENDED_PAUSE_STEP_MS: u64 = 4;
const CONTENDED_PAUSE_MAX_MS: u64 = 120;

/// The attempts of one thing.
#[derive(Debug)]
pub struct Retry {
    attempts: u32,
}

impl Default for Retry {
    fn default() -> Self {
        Self::new()
    }
}

impl Retry {
    /// Before the first attempt.
    pub fn new() -> Self {
        STATISTICS.runs.fetch_add(1, Ordering::Relaxed);
        STATISTICS.attempts.fetch_add(1, Ordering::Relaxed);
        Self { attempts: 1 }
    }

    /// Attempts made so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// After a failed attempt: `true` (after the pause `again` asks for) when one more attempt
    /// is within the bound and `again` is not [`Again::No`].
    pub async fn again(&mut self, error: &Error, again: Again) -> bool {
        let bound = match again {
            Again::Contended => CONTENDED_ATTEMPTS_MAX,
            _ => POLICY.attempts_max,
        };
        if again == Again::No || self.attempts >= bound {
            return false;
        }
        self.attempts += 1;
        STATISTICS.attempts.fetch_add(1, Ordering::Relaxed);
        if matches!(again, Again::Pause | Again::Contended) {
            let bound = match again {
                Again::Contended => {
                    (CONTENDED_PAUSE_STEP_MS * u64::from(self.attempts)).min(CONTENDED_PAUSE_MAX_MS)
                }
                _ => POLICY.pause_bound_ms(self.attempts),
            };
            let pause = crate::ids::random_u64().unwrap_or(bound) % (bound + 1);
            tracing::debug!(code = error.code(), attempt = self.attempts, pause, "retrying");
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
        true
    }
}

/// Runs `attempt` until it succeeds, `decide` says [`Again::No`], or the bound is reached.
pub async fn run<T, F, Fut, D>(mut decide: D, mut attempt: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
    D: FnMut(&Error) -> Again,
{
    let mut retry = Retry::new();
    loop {
        match attempt().await {
            Err(error) if retry.again(&error, decide(&error)).await => {}
            other => return other,
        }
    }
}

/// Retries transient failures only.
pub fn transient(error: &Error) -> Again {
    if error.is_transient() {
        Again::Pause
    } else {
        Again::No
    }
}

/// Counters of every retry loop since the process started (tests check the bounds with them).
#[derive(Debug)]
struct Statistics {
    runs: AtomicU64,
    attempts: AtomicU64,
}

static STATISTICS: Statistics = Statistics { runs: AtomicU64::new(0), attempts: AtomicU64::new(0) };

/// Runs of a retry loop and attempts made, since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub runs: u64,
    pub attempts: u64,
}

pub fn counts() -> Counts {
    Counts {
        runs: STATISTICS.runs.load(Ordering::Relaxed),
        attempts: STATISTICS.attempts.load(Ordering::Relaxed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap() {
        let bounds: Vec<u64> = (2..=8).map(|a| POLICY.pause_bound_ms(a)).collect();
        assert_eq!(bounds, [20, 40, 80, 160, 320, 640, 640]);
    }

    #[tokio::test]
    async fn a_transient_failure_is_tried_at_most_attempts_max_times() {
        let mut calls = 0u32;
        let result: Result<()> = run(transient, || {
            calls += 1;
            std::future::ready(Err(Error::TransactionConflict))
        })
        .await;
        assert_eq!((result, calls), (Err(Error::TransactionConflict), POLICY.attempts_max));
    }

    #[tokio::test]
    async fn a_final_failure_is_not_retried() {
        let mut calls = 0u32;
        let result: Result<()> = run(transient, || {
            calls += 1;
            std::future::ready(Err(Error::NotFound("x")))
        })
        .await;
        assert_eq!((result, calls), (Err(Error::NotFound("x")), 1));
    }
}
