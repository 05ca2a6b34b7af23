//! The queue tally (issue 11 item 1): per pool and priority class, how many applications wait
//! and how many of them registered in each month (the summary item, one attribute per month),
//! per month how many on each of its days (one item per month, one attribute per day) and who
//! they are on each day (one item per day, a string set of their queue sort keys). It is kept
//! in the same transaction as every change of who waits (enqueue, and each rules transition
//! into or out of a waiting state: [`Transaction::tally`]); a position then costs one
//! BatchGetItem of five items (the three summaries, the application's month and its day),
//! whatever the pool's size or the span of its registrations, and the rules combine them
//! ([`kezek_rules::queue::position`]).
//!
//! Conditions: a member joins its day only if it is not in it, and leaves only if it is (the
//! summary's and the month's counts only go down while at least one is counted), so a change
//! counted twice or never fails its whole transaction. A day holds about 6,000 members within
//! DynamoDB's item size (one pool's class registering that many in one UTC day); a summary
//! holds a dozen counts per year of registrations, a month at most 31.
//!
//! Tables written before the month items (a summary with one `dYYYYMMDD` count per day) are
//! rebuilt by [`super::Store::rebuild_tally`]; until then such a pool shows no position (its
//! summary is recognised by its day counts) and a departure from it fails its condition.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{AttributeValue, Update};
use chrono::NaiveDate;
use kezek_rules::places::PoolKey;
use kezek_rules::queue::position::{ahead_in_class, tally_day, tally_month, ClassTally};
use kezek_rules::queue::{class_index, ClassCounts, QueueEntry};

use super::keys::{self, Key};
use super::reads::RawItem;
use super::{Role, Transaction};
use crate::error::{Error, Result};

/// The summary's count of waiting members.
pub const WAITING: &str = "waiting";
/// A day item's members (string set of queue sort keys).
pub const MEMBERS: &str = "members";

/// How a change moves an application in its pool's tally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Joins,
    Leaves,
}

impl Movement {
    /// The movement between two views of an application (waiting or not), if any.
    pub fn between(before: Option<&QueueEntry>, after: Option<&QueueEntry>) -> Option<Self> {
        match (before, after) {
            (None, Some(_)) => Some(Movement::Joins),
            (Some(_), None) => Some(Movement::Leaves),
            _ => None,
        }
    }
}

fn member(entry: &QueueEntry) -> String {
    keys::queue_sk(entry.registered_at, &entry.id)
}

/// How many items a position reads ([`position_keys`]).
pub const POSITION_ITEMS: usize = 5;

/// The five items a position needs: the summaries of the three classes, then the month and
/// the day of `entry`.
pub fn position_keys(pool: &PoolKey, entry: &QueueEntry) -> [Key; POSITION_ITEMS] {
    let [a, b, c] = keys::PRIORITIES.map(|priority| keys::tally_summary(pool, priority));
    [
        a,
        b,
        c,
        keys::tally_month(pool, entry.priority, tally_month(entry.registered_at)),
        keys::tally_day(pool, entry.priority, tally_day(entry.registered_at)),
    ]
}

impl Transaction {
    /// Moves `entry` into or out of its pool's tally: three updates (the class summary, the
    /// entry's month and its day), conditioned so that a member is counted exactly once.
    pub fn tally(
        &mut self,
        table: &str,
        pool: &PoolKey,
        entry: &QueueEntry,
        movement: Movement,
    ) -> Result<()> {
        let (day, month) = (tally_day(entry.registered_at), tally_month(entry.registered_at));
        let (delta, set_action, set_condition) = match movement {
            Movement::Joins => {
                (1, "ADD", "attribute_not_exists(#members) OR NOT contains(#members, :member)")
            }
            Movement::Leaves => (-1, "DELETE", "contains(#members, :member)"),
        };
        let delta = AttributeValue::N(delta.to_string());
        let mut summary = Update::builder()
            .table_name(table)
            .set_key(Some(keys::tally_summary(pool, entry.priority).to_map()))
            .update_expression("ADD #waiting :delta, #month :delta")
            .expression_attribute_names("#waiting", WAITING)
            .expression_attribute_names("#month", keys::tally_month_attribute(month))
            .expression_attribute_values(":delta", delta.clone());
        let mut month_update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::tally_month(pool, entry.priority, month).to_map()))
            .update_expression("ADD #day :delta")
            .expression_attribute_names("#day", keys::tally_day_attribute(day))
            .expression_attribute_values(":delta", delta);
        if movement == Movement::Leaves {
            let one = AttributeValue::N("1".into());
            summary = summary
                .condition_expression("#waiting >= :one AND #month >= :one")
                .expression_attribute_values(":one", one.clone());
            month_update = month_update
                .condition_expression("#day >= :one")
                .expression_attribute_values(":one", one);
        }
        self.update(Role::Record, summary)?;
        self.update(Role::Record, month_update)?;
        let day_update: UpdateBuilder = Update::builder()
            .table_name(table)
            .set_key(Some(keys::tally_day(pool, entry.priority, day).to_map()))
            .update_expression(format!("{set_action} #members :set"))
            .condition_expression(set_condition)
            .expression_attribute_names("#members", MEMBERS)
            .expression_attribute_values(":set", AttributeValue::Ss(vec![member(entry)]))
            .expression_attribute_values(":member", AttributeValue::S(member(entry)));
        self.update(Role::Record, day_update)
    }
}

fn number(item: Option<&RawItem>, name: &str) -> Result<u64> {
    match item.and_then(|item| item.get(name)) {
        None => Ok(0),
        Some(value) => count(name, value),
    }
}

fn count(name: &str, value: &AttributeValue) -> Result<u64> {
    match value {
        AttributeValue::N(n) => {
            n.parse().map_err(|_| Error::internal(format!("tally count {name} = {n}")))
        }
        _ => Err(Error::internal(format!("tally count {name} is not a number"))),
    }
}

/// The bucket counts of an item whose attributes named by `parse` count members.
fn buckets(
    item: Option<&RawItem>,
    parse: fn(&str) -> Option<NaiveDate>,
) -> Result<Vec<(NaiveDate, u64)>> {
    let mut found = Vec::new();
    for (name, value) in item.into_iter().flatten() {
        if let Some(bucket) = parse(name) {
            found.push((bucket, count(name, value)?));
        }
    }
    Ok(found)
}

/// The tally of `entry` from the items of [`position_keys`] (absent ones count nothing): the
/// class sizes, and the members of its class ahead of it (earlier months from its summary,
/// earlier days of its month from the month item, then its own day's members whose sort key
/// is smaller: the key orders like the rules' order within a class). `None` for a summary of
/// the shape before month items (see the module's note).
pub fn class_tally(
    items: &HashMap<Key, RawItem>,
    pool: &PoolKey,
    entry: &QueueEntry,
) -> Result<Option<ClassTally>> {
    let [out_of_turn, first_priority, general, month_key, day_key] = position_keys(pool, entry);
    let summaries = [&out_of_turn, &first_priority, &general].map(|key| items.get(key));
    if summaries
        .iter()
        .flatten()
        .any(|summary| summary.keys().any(|name| keys::tally_day_of(name).is_some()))
    {
        return Ok(None);
    }
    let counts = ClassCounts {
        out_of_turn: number(summaries[0], WAITING)?,
        first_priority: number(summaries[1], WAITING)?,
        general: number(summaries[2], WAITING)?,
    };
    let months = buckets(summaries[class_index(entry.priority)], keys::tally_month_of)?;
    let days = buckets(items.get(&month_key), keys::tally_day_of)?;
    let own = member(entry);
    let same_day = match items.get(&day_key).and_then(|item| item.get(MEMBERS)) {
        Some(AttributeValue::Ss(members)) => {
            members.iter().filter(|other| **other < own).count() as u64
        }
        _ => 0,
    };
    let ahead = ahead_in_class(entry.registered_at, months, days, same_day);
    Ok(Some(ClassTally { priority: entry.priority, counts, ahead_in_class: ahead }))
}

/// The tally items of a pool whose waiting applications are `entries`, whole: for loading many
/// applications at once (BatchWriteItem) and for building the tally of a pool that has none
/// (the backfill, [`super::Store::rebuild_tally`]).
pub fn tally_items(pool: &PoolKey, entries: &[QueueEntry]) -> Vec<RawItem> {
    type Days = BTreeMap<NaiveDate, Vec<String>>;
    let mut classes: [BTreeMap<NaiveDate, Days>; 3] = Default::default();
    for entry in entries {
        classes[class_index(entry.priority)]
            .entry(tally_month(entry.registered_at))
            .or_default()
            .entry(tally_day(entry.registered_at))
            .or_default()
            .push(member(entry));
    }
    let mut items = Vec::new();
    for (priority, months) in keys::PRIORITIES.into_iter().zip(classes) {
        let mut summary: RawItem = keys::tally_summary(pool, priority).to_map();
        let waiting: usize = months.values().flat_map(BTreeMap::values).map(Vec::len).sum();
        summary.insert(WAITING.to_owned(), number_value(waiting));
        for (month, days) in months {
            let in_month: usize = days.values().map(Vec::len).sum();
            summary.insert(keys::tally_month_attribute(month), number_value(in_month));
            let mut month_item: RawItem = keys::tally_month(pool, priority, month).to_map();
            for (day, members) in days {
                month_item.insert(keys::tally_day_attribute(day), number_value(members.len()));
                let mut item: RawItem = keys::tally_day(pool, priority, day).to_map();
                item.insert(MEMBERS.to_owned(), AttributeValue::Ss(members));
                items.push(item);
            }
            items.push(month_item);
        }
        items.push(summary);
    }
    items
}

fn number_value(n: usize) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

/// Writes per BatchWriteItem call (the service's limit).
const BATCH_WRITE_MAX: usize = 25;

impl super::Store {
    /// Writes `items` whole and deletes `stale` keys, in BatchWriteItem calls (no conditions:
    /// only for loading data and for [`Self::rebuild_tally`], never for a state change).
    pub async fn write_batch(&self, items: Vec<RawItem>, stale: Vec<Key>) -> Result<()> {
        use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
        let built = |e: aws_sdk_dynamodb::error::BuildError| Error::internal(format!("batch: {e}"));
        let mut requests = Vec::with_capacity(items.len() + stale.len());
        for item in items {
            let put = PutRequest::builder().set_item(Some(item)).build().map_err(built)?;
            requests.push(WriteRequest::builder().put_request(put).build());
        }
        for key in stale {
            let delete =
                DeleteRequest::builder().set_key(Some(key.to_map())).build().map_err(built)?;
            requests.push(WriteRequest::builder().delete_request(delete).build());
        }
        for chunk in requests.chunks(BATCH_WRITE_MAX) {
            let mut pending = Some(chunk.to_vec());
            while let Some(batch) = pending.take().filter(|batch| !batch.is_empty()) {
                let started = std::time::Instant::now();
                let output = self
                    .client()
                    .batch_write_item()
                    .request_items(self.table(), batch)
                    .send()
                    .await
                    .map_err(|e| super::failure("batch write", &e))?;
                self.meter.record(started.elapsed(), 0.0, 0);
                pending = output.unprocessed_items.and_then(|mut left| left.remove(self.table()));
                if pending.as_ref().is_some_and(|left| !left.is_empty()) {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
        Ok(())
    }

    /// Builds the tally of `pool` from its queue index (GSI1) and writes it whole, deleting
    /// month and day items no member is left in: the backfill of a table written before the
    /// tally existed, the migration of one written before its month items (the summary is
    /// put whole, without its old per-day counts), and the repair of one. Run it while the pool takes no change (a change
    /// committed between the index read and the write would be lost from the tally); returns
    /// how many waiting applications were counted.
    pub async fn rebuild_tally(&self, pool: &PoolKey) -> Result<usize> {
        let queue = self.read_queue(pool).await?;
        let items = tally_items(pool, &queue.entries);
        let written: std::collections::HashSet<Key> =
            items.iter().map(super::reads::key_of).collect::<Result<_>>()?;
        let mut stale = Vec::new();
        for priority in keys::PRIORITIES {
            let pk = keys::tally_pk(pool, priority);
            for item in self.query_raw(None, &pk, super::reads::SortKey::Any, None).await? {
                let key = super::reads::key_of(&item)?;
                if !written.contains(&key) {
                    stale.push(key);
                }
            }
        }
        self.write_batch(items, stale).await?;
        Ok(queue.entries.len())
    }
}
