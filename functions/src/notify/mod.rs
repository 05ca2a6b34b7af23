//! `notify` (DESIGN §6): delivers the outbox's notices through SNS — SMS to the applicant's
//! phone, e-mail through a topic — at least once, deduplicated by notice id and channel,
//! with retries on exponential backoff and a visible dead-letter state.
//!
//! A notice exists only if the transaction of its change committed (it is one of that
//! transaction's items), so nothing is ever sent for a change that did not happen. One run:
//! for each outbox shard, starting at a random one (so that concurrent runs, e.g. the ones a
//! large publish triggers, do not all meet on the same claims), the notices due at `now` (one
//! Query of GSI2 `OUTBOX#<shard>`) are attempted together ([`attempts`]): each claimed with a
//! conditional update (one of several concurrent runs wins), the contacts of all read in one
//! BatchGetItem, the channels not yet delivered published (SMS one Publish each, e-mails
//! `PublishBatch` of up to 10), and each notice's delivered channels and outcome — `sent`
//! (out of the index), retried later, or dead-lettered after `max_attempts` — recorded in
//! ONE conditional update. Up to [`NotifyConfig::concurrency`] calls of each kind are in
//! flight at once. The storage side is `store::outbox`.

mod attempts;
pub mod contact;
pub mod deliver;
pub mod texts;
mod transfer_texts;

use chrono::Duration;
use kezek_rules::application::NoticeKind;
use kezek_rules::time::{Instant, RegionClock};
use serde::Serialize;

use self::deliver::{Publisher, SnsPublisher};
use self::texts::Details;
use crate::error::{Error, Result};
use crate::store::items::DocumentItem;
use crate::store::keys::{self, DUE_SHARDS};
use crate::store::outbox::OutboxNotice;
use crate::store::Store;

/// How `notify` runs. [`NotifyConfig::new`] gives the production defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyConfig {
    /// The SNS topic e-mail notices are published to.
    pub email_topic_arn: String,
    /// An SNS-compatible endpoint (moto locally); `None` in AWS.
    pub endpoint_url: Option<String>,
    /// Attempts before a notice is dead-lettered.
    pub max_attempts: u32,
    /// After the k-th failed attempt the next one is due `backoff_base * 2^(k-1)` later…
    pub backoff_base: Duration,
    /// …but never more than this.
    pub backoff_max: Duration,
    /// How long a claim holds a notice; a run that died mid-way frees it after this.
    pub lease: Duration,
    /// Most notices one run reads from one outbox shard.
    pub per_shard: usize,
    /// Most notices one run claims in all (the next run takes the rest).
    pub per_run: usize,
    /// Most calls of each kind (claims, SMS Publishes, e-mail PublishBatches, records) one
    /// run has in flight at once, all waiting on the network.
    pub concurrency: usize,
    /// The clock dates in texts are rendered with (Kazakhstan: +05:00).
    pub clock: RegionClock,
}

impl NotifyConfig {
    pub fn new(email_topic_arn: impl Into<String>) -> Self {
        Self {
            email_topic_arn: email_topic_arn.into(),
            endpoint_url: None,
            max_attempts: 6,
            backoff_base: Duration::minutes(2),
            backoff_max: Duration::hours(1),
            lease: Duration::minutes(5),
            per_shard: 100,
            per_run: 400,
            concurrency: 32,
            clock: RegionClock::default(),
        }
    }

    /// From the environment: `KEZEK_EMAIL_TOPIC_ARN` (required), `KEZEK_SNS_ENDPOINT`
    /// (optional, a local SNS such as moto).
    pub fn from_env() -> Result<Self> {
        let topic = std::env::var("KEZEK_EMAIL_TOPIC_ARN")
            .map_err(|_| Error::internal("KEZEK_EMAIL_TOPIC_ARN is not set"))?;
        let mut config = Self::new(topic);
        config.endpoint_url =
            std::env::var("KEZEK_SNS_ENDPOINT").ok().filter(|url| !url.is_empty());
        Ok(config)
    }

    /// The wait after the `attempt`-th failed attempt (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1i32.checked_shl(attempt.saturating_sub(1).min(30)).unwrap_or(i32::MAX);
        self.backoff_base
            .checked_mul(factor)
            .map_or(self.backoff_max, |wait| wait.min(self.backoff_max))
    }
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotifyReport {
    /// Items the outbox index returned as due.
    pub due_read: usize,
    /// Notices this run claimed (the others were taken by a concurrent run).
    pub claimed: usize,
    /// Notices fully delivered by this run.
    pub sent: usize,
    /// SMS and e-mails this run published.
    pub messages: usize,
    /// Notices that failed and wait for their next attempt.
    pub retried: usize,
    /// Notices that failed their last attempt.
    pub dead_lettered: usize,
    /// Due items another run claimed or finished first.
    pub skipped: usize,
    /// Due items this run did not try to claim: it met another run claiming the same shard's
    /// notices and left the rest to it (see `attempts`).
    pub left: usize,
    /// SNS calls this run made: one Publish per SMS, one PublishBatch per ≤ 10 e-mails.
    pub sns_calls: usize,
}

/// The entry point of the `notify` Lambda and of the local process's loop.
pub async fn run_notify(
    store: &Store,
    sns: &aws_sdk_sns::Client,
    config: &NotifyConfig,
    now: Instant,
) -> Result<NotifyReport> {
    let publisher = SnsPublisher::new(sns.clone(), config.email_topic_arn.clone());
    run_notify_with(store, &publisher, config, now).await
}

/// [`run_notify`] through any [`Publisher`].
pub async fn run_notify_with<P: Publisher>(
    store: &Store,
    publisher: &P,
    config: &NotifyConfig,
    now: Instant,
) -> Result<NotifyReport> {
    let mut report = NotifyReport::default();
    let first = random_below(DUE_SHARDS as usize) as u32;
    for step in 0..DUE_SHARDS {
        let shard = (first + step) % DUE_SHARDS;
        let room = config.per_run.saturating_sub(report.claimed);
        if room == 0 {
            break;
        }
        let due = store.due_notices(shard, now, config.per_shard.min(room)).await?;
        report.due_read += due.len();
        attempts::attempt_due(store, publisher, config, due, now, &mut report).await?;
    }
    Ok(report)
}

/// A random number below `n` (at least 1): std's per-process random hash keys, advanced per
/// call. Where a run starts: its first shard, its first notice of a shard's due list.
fn random_below(n: usize) -> usize {
    use std::hash::BuildHasher;
    let random = std::collections::hash_map::RandomState::new().hash_one(n);
    (random % n.max(1) as u64) as usize
}

/// What became of one due notice in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handled {
    /// Another run claimed or finished it first.
    Skipped,
    /// Claimed; `messages` published; then finished (`sent`), retried, dead-lettered, or
    /// none of them when its lease was taken over meanwhile (`Unrecorded`).
    Claimed { messages: usize, outcome: Recorded },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recorded {
    Sent,
    Retried,
    DeadLettered,
    Unrecorded,
}

impl NotifyReport {
    fn add(&mut self, handled: Handled) {
        match handled {
            Handled::Skipped => self.skipped += 1,
            Handled::Claimed { messages, outcome } => {
                self.claimed += 1;
                self.messages += messages;
                match outcome {
                    Recorded::Sent => self.sent += 1,
                    Recorded::Retried => self.retried += 1,
                    Recorded::DeadLettered => self.dead_lettered += 1,
                    Recorded::Unrecorded => {}
                }
            }
        }
    }
}

/// What the text names besides the notice: the kindergarten of an issued referral (from the
/// application's referral documents, one Query of its partition).
async fn details(store: &Store, notice: &OutboxNotice) -> Result<Details> {
    let application_id = notice.item.notice.application_id.clone();
    let mut details = Details { application_id: application_id.0.clone(), ..Details::default() };
    if let NoticeKind::ReferralIssued { group_id, .. } | NoticeKind::TransferDone { group_id } =
        &notice.item.notice.kind
    {
        let documents: Vec<DocumentItem> =
            store.query_prefix(&keys::application_pk(&application_id), keys::DOC_PREFIX).await?;
        let referral = documents
            .into_iter()
            .map(|d| d.referral)
            .filter(|r| &r.group_id == group_id)
            .max_by_key(|r| r.issued_at);
        if let Some(referral) = referral {
            details.kindergarten_kk = Some(referral.kindergarten_name_kk);
            details.kindergarten_ru = Some(referral.kindergarten_name_ru);
        }
    }
    Ok(details)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_bounded() {
        let config = NotifyConfig::new("arn");
        let waits: Vec<i64> = (1..=8).map(|k| config.backoff(k).num_minutes()).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(config.backoff(u32::MAX), Duration::hours(1));
    }
}
