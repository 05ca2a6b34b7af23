//! The outbox of notices (DESIGN §6): reads and the conditional updates `notify` makes.
//!
//! A notice item (`NOTICE#<id>` / `NOTICE`) is written by the transaction of the change that
//! caused it, `pending`, in GSI2 `OUTBOX#<shard>` / `<not_before>#<id>`. Then:
//!
//! - [`Store::due_notices`]: one Query per shard, `GSI2SK <= "<now>#~"` (never a Scan);
//! - [`Store::claim_notice`]: `pending` (or `sending` with a lapsed lease) at the attempt count
//!   and sort key the reader saw → `sending`, `attempts + 1`, sort key = lease end. Exactly one
//!   of several concurrent `notify` runs wins; a run that dies mid-way leaves an item that
//!   becomes due again when its lease ends;
//! - [`Store::record_attempt`]: after publishing, ONE update records the channels delivered
//!   (`smsSentAt` / `emailSentAt`, so a retry sends only the channels not yet sent: dedupe by
//!   notice id and channel) and the end of the attempt ([`AttemptEnd`]):
//!   - `sent`, GSI2 attributes removed (the sparse index drops it) — also [`Store::finish_notice`];
//!   - back to `pending` with the sort key at the next attempt time — [`Store::retry_notice`];
//!   - `dead_letter`, moved to GSI2 `DEADLETTER` / `<at>#<id>` — [`Store::dead_letter_notice`],
//!     listed by [`Store::dead_letters`] and re-queued by [`Store::requeue_dead_letter`].
//!
//!   A crash between publishing and this update re-sends the attempt's channels after the
//!   lease (at least once, DESIGN §6; the e-mail carries the notice id for a downstream
//!   dedupe); a channel recorded by an earlier attempt is never sent again.
//!
//! Every update after the claim is conditioned on the attempt count the claim wrote, so a run
//! whose lease was taken over cannot overwrite the newer run's outcome.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnConsumedCapacity, ReturnValue};
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::items::NoticeItem;
use super::keys::{self, Key, GSI2, GSI2PK, GSI2SK};
use super::reads::from_item;
use super::Store;
use crate::error::Result;

/// The GSI2 partition of notices that exhausted their attempts.
pub const DEAD_LETTER_LIST: &str = "DEADLETTER";

pub const STATUS_PENDING: &str = "pending";
pub const STATUS_SENDING: &str = "sending";
pub const STATUS_SENT: &str = "sent";
pub const STATUS_DEAD_LETTER: &str = "dead_letter";

/// A delivery channel of a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Sms,
    Email,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Sms, Channel::Email];

    fn attribute(self) -> &'static str {
        match self {
            Channel::Sms => "smsSentAt",
            Channel::Email => "emailSentAt",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Email => "email",
        }
    }
}

/// A notice item as `notify` reads it: the outbox item of `items::NoticeItem` plus the
/// delivery state `notify` adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxNotice {
    /// The stored notice, exactly as the transaction that committed it wrote it.
    #[serde(flatten)]
    pub item: NoticeItem,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_sent_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_sent_at: Option<String>,
    /// `sms` / `email` when a channel did not apply (no phone), for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped_channels: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_lettered_at: Option<String>,
}

impl OutboxNotice {
    pub fn is_sent(&self, channel: Channel) -> bool {
        match channel {
            Channel::Sms => self.sms_sent_at.is_some(),
            Channel::Email => self.email_sent_at.is_some(),
        }
    }
}

/// The claim `notify` holds on a notice while it sends: the attempt number it wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub notice_id: String,
    pub attempt: u32,
}

/// How a claimed attempt ended, as [`Store::record_attempt`] writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptEnd {
    /// Every channel is done: `sent`, out of the outbox index; `skipped` did not apply.
    Sent { skipped: Vec<Channel> },
    /// Failed: `pending` again, due at `next_at`.
    Retry { next_at: Instant, error: String },
    /// The last attempt failed: `dead_letter`, listed under GSI2 `DEADLETTER`.
    DeadLetter { error: String },
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}
fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// Longest error text kept on an item.
const ERROR_TEXT_MAX: usize = 500;

fn clipped(text: &str) -> String {
    text.chars().take(ERROR_TEXT_MAX).collect()
}

/// One conditional UpdateItem.
struct Update<'a> {
    key: Key,
    expression: &'a str,
    condition: &'a str,
    names: Vec<(&'a str, &'a str)>,
    values: Vec<(&'a str, AttributeValue)>,
}

impl Store {
    /// Runs an update; `Ok(false)` when its condition failed (someone else changed the item).
    async fn update_if(&self, update: Update<'_>) -> Result<bool> {
        Ok(self.update_returning(update, ReturnValue::None).await?.is_some())
    }

    /// Runs an update; `Ok(None)` when its condition failed, else the attributes `returning`
    /// asks for.
    async fn update_returning(
        &self,
        update: Update<'_>,
        returning: ReturnValue,
    ) -> Result<Option<HashMap<String, AttributeValue>>> {
        let mut request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(update.key.to_map()))
            .update_expression(update.expression)
            .condition_expression(update.condition)
            .return_values(returning)
            .return_consumed_capacity(ReturnConsumedCapacity::Total);
        for (placeholder, name) in update.names {
            request = request.expression_attribute_names(placeholder, name);
        }
        for (placeholder, value) in update.values {
            request = request.expression_attribute_values(placeholder, value);
        }
        let started = std::time::Instant::now();
        let result = request.send().await;
        let capacity = result
            .as_ref()
            .ok()
            .and_then(|o| o.consumed_capacity.as_ref())
            .and_then(|c| c.capacity_units)
            .unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, 0);
        match result {
            Ok(output) => Ok(Some(output.attributes.unwrap_or_default())),
            Err(SdkError::ServiceError(context))
                if matches!(context.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(None)
            }
            Err(error) => Err(crate::store::failure(&format!("update {}", update.key.pk), &error)),
        }
    }

    /// One GSI2 partition, sort keys up to `upper` (inclusive) when given, oldest first.
    async fn outbox_query(
        &self,
        gsi2pk: &str,
        upper: Option<&str>,
        limit: usize,
    ) -> Result<Vec<OutboxNotice>> {
        let mut found: Vec<HashMap<String, AttributeValue>> = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        let condition = if upper.is_some() { "#pk = :pk AND #sk <= :upper" } else { "#pk = :pk" };
        while found.len() < limit {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(GSI2)
                .key_condition_expression(condition)
                .expression_attribute_names("#pk", GSI2PK)
                .expression_attribute_values(":pk", s(gsi2pk))
                .set_exclusive_start_key(start.take())
                .limit(i32::try_from(limit - found.len()).unwrap_or(i32::MAX))
                .return_consumed_capacity(ReturnConsumedCapacity::Total);
            if let Some(upper) = upper {
                request = request
                    .expression_attribute_names("#sk", GSI2SK)
                    .expression_attribute_values(":upper", s(upper));
            }
            let started = std::time::Instant::now();
            let output = request
                .send()
                .await
                .map_err(|e| crate::store::failure(&format!("query {gsi2pk}"), &e))?;
            let capacity =
                output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
            self.meter.record(
                started.elapsed(),
                capacity,
                u64::try_from(output.count).unwrap_or(0),
            );
            found.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key.filter(|key| !key.is_empty());
            if start.is_none() {
                break;
            }
        }
        found.into_iter().map(from_item).collect()
    }

    /// Notices of one outbox shard due at `now` (pending ones, and claims whose lease
    /// ended), oldest first, at most `limit`. Read from GSI2 (eventually consistent: the
    /// claim re-checks the item).
    pub async fn due_notices(
        &self,
        shard: u32,
        now: Instant,
        limit: usize,
    ) -> Result<Vec<OutboxNotice>> {
        self.outbox_query(&keys::outbox_pk(shard), Some(&keys::due_upper(now)), limit).await
    }

    /// Every notice still in the outbox (pending or being sent), all shards; for tests and
    /// operators' views.
    pub async fn outbox_notices(&self, limit_per_shard: usize) -> Result<Vec<OutboxNotice>> {
        let mut all = Vec::new();
        for shard in 0..keys::DUE_SHARDS {
            all.extend(self.outbox_query(&keys::outbox_pk(shard), None, limit_per_shard).await?);
        }
        Ok(all)
    }

    /// Dead-lettered notices, oldest first, at most `limit`.
    pub async fn dead_letters(&self, limit: usize) -> Result<Vec<OutboxNotice>> {
        self.outbox_query(DEAD_LETTER_LIST, None, limit).await
    }

    /// A notice item by id (strongly consistent).
    pub async fn notice(&self, notice_id: &str) -> Result<Option<OutboxNotice>> {
        self.get(&keys::notice(notice_id)).await
    }

    /// Claims `seen` for one delivery attempt until `lease_until`: the claim and the item as
    /// it is now (strongly consistent, so a retry knows which channels were delivered).
    /// `Ok(None)` when another run claimed or finished it since it was read.
    pub async fn claim_notice(
        &self,
        seen: &OutboxNotice,
        now: Instant,
        lease_until: Instant,
    ) -> Result<Option<(Claim, OutboxNotice)>> {
        let Some(seen_sk) = seen.item.keys.gsi2sk.as_deref() else { return Ok(None) };
        let attempt = seen.item.attempts + 1;
        let update = Update {
            key: keys::notice(&seen.item.notice_id),
            expression: "SET #status = :sending, attempts = :attempt, leaseUntil = :lease, #sk = :lease_sk",
            condition: "attempts = :seen AND #sk = :seen_sk AND (#status = :pending OR (#status = :sending AND leaseUntil <= :now))",
            names: vec![("#status", "status"), ("#sk", GSI2SK)],
            values: vec![
                (":sending", s(STATUS_SENDING)),
                (":pending", s(STATUS_PENDING)),
                (":attempt", n(attempt)),
                (":seen", n(seen.item.attempts)),
                (":seen_sk", s(seen_sk)),
                (":lease", s(keys::instant_key(lease_until))),
                (":lease_sk", s(keys::outbox_sk(lease_until, &seen.item.notice_id))),
                (":now", s(keys::instant_key(now))),
            ],
        };
        match self.update_returning(update, ReturnValue::AllNew).await? {
            Some(item) => Ok(Some((
                Claim { notice_id: seen.item.notice_id.clone(), attempt },
                from_item(item)?,
            ))),
            None => Ok(None),
        }
    }

    /// Records that `channel` of the notice was delivered (never cleared, whoever holds the
    /// claim now: it is true). One UpdateItem per channel: the one-by-one path's mark.
    pub async fn mark_channel_sent(
        &self,
        claim: &Claim,
        channel: Channel,
        now: Instant,
    ) -> Result<()> {
        self.mark_channels_sent(&claim.notice_id, &[channel], now).await
    }

    /// Every channel is done: `sent`, out of the outbox index. `skipped` are the channels that
    /// did not apply (e.g. SMS without a phone). `Ok(false)` when the claim was lost.
    pub async fn finish_notice(
        &self,
        claim: &Claim,
        skipped: &[Channel],
        now: Instant,
    ) -> Result<bool> {
        self.record_attempt(claim, &[], &AttemptEnd::Sent { skipped: skipped.to_vec() }, now).await
    }

    /// The attempt failed: `pending` again, due at `next_at`. `Ok(false)` when the claim was
    /// lost.
    pub async fn retry_notice(&self, claim: &Claim, next_at: Instant, error: &str) -> Result<bool> {
        let end = AttemptEnd::Retry { next_at, error: error.to_owned() };
        self.record_attempt(claim, &[], &end, next_at).await
    }

    /// The last attempt failed: `dead_letter`, listed under GSI2 `DEADLETTER`. `Ok(false)`
    /// when the claim was lost.
    pub async fn dead_letter_notice(
        &self,
        claim: &Claim,
        now: Instant,
        error: &str,
    ) -> Result<bool> {
        self.record_attempt(claim, &[], &AttemptEnd::DeadLetter { error: error.to_owned() }, now)
            .await
    }

    /// The outcome of a claimed attempt in ONE conditional update: the channels `delivered`
    /// by it (`smsSentAt` / `emailSentAt`, kept if already there) and how it ended, on the
    /// condition that the claim still holds (`attempts` as the claim wrote it, `sending`).
    /// `Ok(false)` when the claim was lost (its lease ended and another run took the notice
    /// over): the delivered channels are then recorded alone ([`Store::mark_channels_sent`]),
    /// since they are true whoever holds the notice, and the newer run's outcome stands.
    pub async fn record_attempt(
        &self,
        claim: &Claim,
        delivered: &[Channel],
        end: &AttemptEnd,
        now: Instant,
    ) -> Result<bool> {
        assert!(
            !delivered.iter().enumerate().any(|(i, c)| delivered[..i].contains(c)),
            "a channel is delivered once per attempt: {delivered:?}"
        );
        let now_key = keys::instant_key(now);
        let mut names = vec![("#status", "status"), ("#sk", GSI2SK)];
        let mut values = vec![(":sending", s(STATUS_SENDING)), (":attempt", n(claim.attempt))];
        let (mut set, remove) = match end {
            AttemptEnd::Sent { skipped } => {
                names.push(("#pk", GSI2PK));
                values.push((":status", s(STATUS_SENT)));
                values.push((
                    ":skipped",
                    AttributeValue::L(skipped.iter().map(|c| s(c.as_str())).collect()),
                ));
                (
                    vec!["#status = :status", "sentAt = :now", "skippedChannels = :skipped"],
                    "REMOVE #pk, #sk, leaseUntil, nextAttemptAt",
                )
            }
            AttemptEnd::Retry { next_at, error } => {
                values.push((":status", s(STATUS_PENDING)));
                values.push((":next_sk", s(keys::outbox_sk(*next_at, &claim.notice_id))));
                values.push((":next", s(keys::instant_key(*next_at))));
                values.push((":error", s(clipped(error))));
                (
                    vec![
                        "#status = :status",
                        "#sk = :next_sk",
                        "nextAttemptAt = :next",
                        "lastError = :error",
                    ],
                    "REMOVE leaseUntil",
                )
            }
            AttemptEnd::DeadLetter { error } => {
                names.push(("#pk", GSI2PK));
                values.push((":status", s(STATUS_DEAD_LETTER)));
                values.push((":dead_pk", s(DEAD_LETTER_LIST)));
                values.push((":dead_sk", s(keys::outbox_sk(now, &claim.notice_id))));
                values.push((":error", s(clipped(error))));
                (
                    vec![
                        "#status = :status",
                        "#pk = :dead_pk",
                        "#sk = :dead_sk",
                        "deadLetteredAt = :now",
                        "lastError = :error",
                    ],
                    "REMOVE leaseUntil, nextAttemptAt",
                )
            }
        };
        let marks: Vec<String> = delivered
            .iter()
            .map(|c| format!("{0} = if_not_exists({0}, :now)", c.attribute()))
            .collect();
        set.extend(marks.iter().map(String::as_str));
        // DynamoDB refuses a value no expression uses: `:now` only where it is written.
        if !matches!(end, AttemptEnd::Retry { .. }) || !delivered.is_empty() {
            values.push((":now", s(now_key)));
        }
        let expression = format!("SET {} {remove}", set.join(", "));
        let recorded = self
            .update_if(Update {
                key: keys::notice(&claim.notice_id),
                expression: &expression,
                condition: "attempts = :attempt AND #status = :sending",
                names,
                values,
            })
            .await?;
        if !recorded && !delivered.is_empty() {
            self.mark_channels_sent(&claim.notice_id, delivered, now).await?;
        }
        Ok(recorded)
    }

    /// Records that `channels` of the notice were delivered, whoever holds it now (never
    /// cleared: it is true). The path of a claim lost between publishing and recording.
    pub async fn mark_channels_sent(
        &self,
        notice_id: &str,
        channels: &[Channel],
        now: Instant,
    ) -> Result<()> {
        if channels.is_empty() {
            return Ok(());
        }
        let marks: Vec<String> = channels
            .iter()
            .map(|c| format!("{0} = if_not_exists({0}, :now)", c.attribute()))
            .collect();
        let expression = format!("SET {}", marks.join(", "));
        self.update_if(Update {
            key: keys::notice(notice_id),
            expression: &expression,
            condition: "attribute_exists(PK)",
            names: Vec::new(),
            values: vec![(":now", s(keys::instant_key(now)))],
        })
        .await?;
        Ok(())
    }

    /// An operator sends a dead-lettered notice again (after fixing the contact or the
    /// channel): `pending`, attempts from zero, due at `now`. Channels already delivered stay
    /// delivered. `Ok(false)` when the notice is not dead-lettered.
    pub async fn requeue_dead_letter(&self, notice_id: &str, now: Instant) -> Result<bool> {
        self.update_if(Update {
            key: keys::notice(notice_id),
            expression: "SET #status = :pending, attempts = :zero, #pk = :outbox, #sk = :due_sk REMOVE deadLetteredAt",
            condition: "#status = :dead",
            names: vec![("#status", "status"), ("#pk", GSI2PK), ("#sk", GSI2SK)],
            values: vec![
                (":pending", s(STATUS_PENDING)),
                (":dead", s(STATUS_DEAD_LETTER)),
                (":zero", n(0)),
                (":outbox", s(keys::outbox_pk(keys::shard_of(notice_id)))),
                (":due_sk", s(keys::outbox_sk(now, notice_id))),
            ],
        })
        .await
    }
}
