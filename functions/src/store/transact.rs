//! One state change = one `TransactWriteItems`. Each item carries the role it plays, so a
//! cancelled transaction maps to a stable error code by the reason of the item that failed.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::builders::UpdateBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, Delete, Put,
    ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use kezek_rules::places::{GroupId, PlaceMove, PoolKey, PLACE_COUNT_MAX};
use serde::Serialize;

use super::keys::{self, Key};
use super::log::PoolLog;
use super::Store;
use crate::error::{Error, Result};

/// What an item of a transaction stands for; decides the error code when its condition fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// The POST's idempotency record: a failure means "replay the first result".
    Idempotency,
    /// The one-active-application-per-child item.
    Child,
    /// The one-time choice nonce.
    Nonce,
    /// The application at its expected version.
    Application,
    /// A group's free places.
    Group,
    /// A pool's counters.
    Pool,
    /// The pool's log head (`logSize`) and entry batch: another change of the pool committed
    /// since this one read it (`store::log`); re-read and try again.
    Log,
    /// Items that are new by construction (outbox, audit, documents).
    Record,
}

impl Role {
    /// The code of a failed condition on an item of this role.
    pub fn code(self) -> &'static str {
        match self {
            Role::Idempotency => "idempotency_replay",
            Role::Child => "duplicate_application",
            Role::Nonce => "nonce_used",
            Role::Application => "version_conflict",
            Role::Group => "group_full",
            Role::Pool => "no_free_places",
            Role::Log => "pool_changed",
            Role::Record => "duplicate_record",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Role::Idempotency => "this idempotency key was used before",
            Role::Child => "the child already has an application in a queue or a place by referral",
            Role::Nonce => "the choice was already signed or its nonce is unknown",
            Role::Application => "the application changed meanwhile; reload and retry",
            Role::Group => "the chosen group has no free place left",
            Role::Pool => "the pool has no place left for this change",
            Role::Log => "the pool changed meanwhile; retry",
            Role::Record => "a record of this change exists already",
        }
    }
}

/// Up to 100 items written all or nothing.
#[derive(Debug, Default)]
pub struct Transaction {
    items: Vec<(Role, TransactWriteItem)>,
    /// The log size the pool's update is conditioned on (`pool_log`): tells a failed log
    /// condition from a failed counter condition on the same item.
    log_expected: Option<u64>,
    /// The change's append to its pool's log, written when the transaction is committed.
    log: Option<PoolLog>,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}
fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn to_item<T: Serialize>(value: &T) -> Result<HashMap<String, AttributeValue>> {
    serde_dynamo::aws_sdk_dynamodb_1::to_item(value)
        .map_err(|e| Error::internal(format!("cannot map item: {e}")))
}

impl Transaction {
    pub fn new() -> Self {
        Self::default()
    }

    /// A transaction of a change of the pool whose log `log` appends to: its entries and
    /// place moves are written by [`Store::commit`] ([`Transaction::pool_log`]).
    pub fn logged(log: PoolLog) -> Self {
        Self { log: Some(log), ..Self::default() }
    }

    /// The log this transaction appends to.
    pub fn log_mut(&mut self) -> Result<&mut PoolLog> {
        self.log.as_mut().ok_or_else(|| Error::internal("a change of a pool without its log"))
    }

    pub fn log(&self) -> Option<&PoolLog> {
        self.log.as_ref()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn push(&mut self, role: Role, item: TransactWriteItem) {
        self.items.push((role, item));
    }

    /// Adds an update built elsewhere in the store (the queue tally).
    pub(super) fn update(
        &mut self,
        role: Role,
        update: aws_sdk_dynamodb::types::builders::UpdateBuilder,
    ) -> Result<()> {
        let update = Self::built(update.build())?;
        self.push(role, TransactWriteItem::builder().update(update).build());
        Ok(())
    }

    /// Puts an item over one that must exist (a listing kept in step with its application).
    pub fn put_existing<T: Serialize>(&mut self, role: Role, table: &str, item: &T) -> Result<()> {
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(to_item(item)?))
            .condition_expression("attribute_exists(PK)");
        self.push(role, TransactWriteItem::builder().put(Self::built(put.build())?).build());
        Ok(())
    }

    fn built<T>(result: std::result::Result<T, aws_sdk_dynamodb::error::BuildError>) -> Result<T> {
        result.map_err(|e| Error::internal(format!("transaction item: {e}")))
    }

    /// Puts a new item; fails with the role's code when it exists.
    pub fn put_new<T: Serialize>(&mut self, role: Role, table: &str, item: &T) -> Result<()> {
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(to_item(item)?))
            .condition_expression("attribute_not_exists(PK)");
        self.push(role, TransactWriteItem::builder().put(Self::built(put.build())?).build());
        Ok(())
    }

    /// Replaces an item whose `version` attribute is `expected_version`.
    pub fn put_versioned<T: Serialize>(
        &mut self,
        role: Role,
        table: &str,
        item: &T,
        expected_version: u64,
    ) -> Result<()> {
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(to_item(item)?))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected_version));
        self.push(role, TransactWriteItem::builder().put(Self::built(put.build())?).build());
        Ok(())
    }

    /// Deletes an item that must exist (and, with `owner`, belong to that application).
    pub fn delete_existing(
        &mut self,
        role: Role,
        table: &str,
        key: &Key,
        owner: Option<&str>,
    ) -> Result<()> {
        let mut delete = Delete::builder().table_name(table).set_key(Some(key.to_map()));
        delete = match owner {
            Some(id) => delete
                .condition_expression("attribute_exists(PK) AND applicationId = :owner")
                .expression_attribute_values(":owner", s(id)),
            None => delete.condition_expression("attribute_exists(PK)"),
        };
        self.push(role, TransactWriteItem::builder().delete(Self::built(delete.build())?).build());
        Ok(())
    }

    /// Marks a one-time nonce used; fails when it is unknown or was used before.
    pub fn use_nonce(
        &mut self,
        table: &str,
        key: &Key,
        now: kezek_rules::time::Instant,
    ) -> Result<()> {
        let update = Update::builder()
            .table_name(table)
            .set_key(Some(key.to_map()))
            .update_expression("SET usedAt = :now")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(usedAt)")
            .expression_attribute_values(":now", s(keys::instant_key(now)));
        self.push(
            Role::Nonce,
            TransactWriteItem::builder().update(Self::built(update.build())?).build(),
        );
        Ok(())
    }

    /// Asserts an item exists with `version` = `expected` without writing it.
    pub fn check_version(
        &mut self,
        role: Role,
        table: &str,
        key: &Key,
        expected: u64,
    ) -> Result<()> {
        let check = ConditionCheck::builder()
            .table_name(table)
            .set_key(Some(key.to_map()))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected));
        self.push(
            role,
            TransactWriteItem::builder().condition_check(Self::built(check.build())?).build(),
        );
        Ok(())
    }

    /// Writes a change's entries to its pool's log and applies its place moves (DESIGN §1.5):
    /// one update of the pool item (`ADD` per counter, conditioned that none goes negative;
    /// `SET logSize`, conditioned on the size the change read), the entry batch, and one
    /// `ADD` per group (none below zero, none above its maximum). A pool item that does not
    /// exist yet (no group was ever loaded) is created by a change without place moves.
    fn pool_log(&mut self, table: &str, log: &PoolLog) -> Result<()> {
        if log.entries().is_empty() {
            return match log.moves().is_empty() {
                true => Ok(()),
                false => Err(Error::internal("place moves without their log entries")),
            };
        }
        if self.log_expected.is_some() {
            return Err(Error::internal("one log append per transaction"));
        }
        let expected = log.head().size;
        self.log_expected = Some(expected);
        let (update, role) = pool_update(table, log)?;
        let update = update
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        self.push(role, TransactWriteItem::builder().update(Self::built(update.build())?).build());
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(log.batch_item()?))
            .condition_expression("attribute_not_exists(PK)");
        self.push(Role::Log, TransactWriteItem::builder().put(Self::built(put.build())?).build());
        self.group_moves(table, log.pool(), log.moves())
    }

    fn group_moves(&mut self, table: &str, pool: &PoolKey, moves: &[PlaceMove]) -> Result<()> {
        let mut groups: BTreeMap<GroupId, i64> = BTreeMap::new();
        for place_move in moves {
            if let Some((group_id, change)) = place_move.delta().group {
                *groups.entry(group_id).or_default() += change;
            }
        }
        for (group_id, change) in groups {
            let (condition, bound) = if change < 0 {
                ("attribute_exists(PK) AND #free >= :bound", -change)
            } else {
                ("attribute_exists(PK) AND #free <= :bound", i64::from(PLACE_COUNT_MAX) - change)
            };
            let update = Update::builder()
                .table_name(table)
                .set_key(Some(keys::group(pool, &group_id).to_map()))
                .update_expression("ADD #free :d")
                .expression_attribute_names("#free", "free")
                .condition_expression(condition)
                .expression_attribute_values(":d", n(change))
                .expression_attribute_values(":bound", n(bound));
            self.push(
                Role::Group,
                TransactWriteItem::builder().update(Self::built(update.build())?).build(),
            );
        }
        Ok(())
    }
}

/// The pool item's update of [`Transaction::pool_log`] and the role of its condition: `Pool`
/// when it moves places (a failure is then told apart by the old item), else `Log`.
fn pool_update(table: &str, log: &PoolLog) -> Result<(UpdateBuilder, Role)> {
    let pool = log.pool();
    let expected = log.head().size;
    let log_condition = match expected {
        0 => "(attribute_not_exists(#logSize) OR #logSize = :expected)",
        _ => "#logSize = :expected",
    };
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(keys::pool(pool).to_map()))
        .expression_attribute_names("#logSize", "logSize")
        .expression_attribute_values(":expected", n(expected))
        .expression_attribute_values(":size", n(log.size_after()));
    if log.moves().is_empty() {
        // Created with empty counters when absent, listed among the pools for the sweep.
        let update = update
            .update_expression(
                "SET #logSize = :size, regionId = if_not_exists(regionId, :region), \
                 groupYear = if_not_exists(groupYear, :year), \
                 unreserved = if_not_exists(unreserved, :zero), \
                 offered = if_not_exists(offered, :zero), \
                 freeChoice = if_not_exists(freeChoice, :zero), \
                 #version = if_not_exists(#version, :zero), \
                 GSI2PK = if_not_exists(GSI2PK, :listed), GSI2SK = if_not_exists(GSI2SK, :sk)",
            )
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":region", s(&pool.region_id))
            .expression_attribute_values(":year", n(pool.group_year))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":listed", s(keys::POOLS_LIST))
            .expression_attribute_values(":sk", s(keys::pools_list_sk(pool)))
            .condition_expression(log_condition);
        return Ok((update, Role::Log));
    }
    let mut counters = [0i64; 3];
    for place_move in log.moves() {
        let delta = place_move.delta();
        counters[0] += delta.unreserved;
        counters[1] += delta.offered;
        counters[2] += delta.free_choice;
    }
    let mut conditions = vec!["attribute_exists(PK)".to_owned(), log_condition.to_owned()];
    let mut update = update
        .update_expression("ADD #c0 :du, #c1 :do, #c2 :dc, #version :one SET #logSize = :size")
        .expression_attribute_names("#c0", "unreserved")
        .expression_attribute_names("#c1", "offered")
        .expression_attribute_names("#c2", "freeChoice")
        .expression_attribute_names("#version", "version")
        .expression_attribute_values(":du", n(counters[0]))
        .expression_attribute_values(":do", n(counters[1]))
        .expression_attribute_values(":dc", n(counters[2]))
        .expression_attribute_values(":one", n(1));
    for (index, change) in counters.iter().enumerate() {
        if *change < 0 {
            let placeholder = format!(":min{index}");
            conditions.push(format!("#c{index} >= {placeholder}"));
            update = update.expression_attribute_values(placeholder, n(-change));
        }
    }
    Ok((update.condition_expression(conditions.join(" AND ")), Role::Pool))
}

impl Store {
    /// Writes the transaction. A cancelled one maps to the code of the first failed item in
    /// role order; a conflict with another transaction in flight is `transaction_conflict`
    /// (nothing was written; retry).
    pub async fn commit(&self, mut transaction: Transaction) -> Result<()> {
        if let Some(log) = transaction.log.take() {
            transaction.pool_log(self.table(), &log)?;
        }
        if transaction.is_empty() {
            return Ok(());
        }
        if transaction.len() > 100 {
            return Err(Error::internal("a transaction holds at most 100 items"));
        }
        let roles: Vec<Role> = transaction.items.iter().map(|(role, _)| *role).collect();
        let log_expected = transaction.log_expected;
        let items: Vec<TransactWriteItem> =
            transaction.items.into_iter().map(|(_, item)| item).collect();
        let started = std::time::Instant::now();
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
            .send()
            .await;
        let capacity = result.as_ref().map_or(0.0, |output| {
            output.consumed_capacity().iter().filter_map(|c| c.capacity_units).sum()
        });
        self.meter.record(started.elapsed(), capacity, 0);
        result.map(|_| ()).map_err(|error| cancelled(&roles, log_expected, &error))
    }
}

/// The classification of a failed transaction: a cancelled one is the condition failure of
/// the first failed item in role order, else a conflict, else throttling; anything else as
/// [`crate::store::failure`] classifies it.
fn cancelled(
    roles: &[Role],
    log_expected: Option<u64>,
    error: &SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> Error {
    let SdkError::ServiceError(context) = error else {
        return crate::store::failure("transaction", error);
    };
    let cancelled = match context.err() {
        TransactWriteItemsError::TransactionCanceledException(cancelled) => cancelled,
        TransactWriteItemsError::TransactionInProgressException(_) => {
            return Error::TransactionConflict
        }
        _ => return crate::store::failure("transaction", error),
    };
    let reasons: Vec<&str> =
        cancelled.cancellation_reasons().iter().map(|r| r.code().unwrap_or("None")).collect();
    // The pool's update holds two conditions: its old item says whether the log moved.
    let log_moved = |reason: &CancellationReason| {
        let size = match reason.item().and_then(|item| item.get("logSize")) {
            Some(AttributeValue::N(size)) => size.parse().ok(),
            _ => Some(0),
        };
        log_expected.is_some() && size != log_expected
    };
    let failed = roles
        .iter()
        .zip(cancelled.cancellation_reasons())
        .filter(|(_, reason)| reason.code() == Some("ConditionalCheckFailed"))
        .map(|(role, reason)| match role {
            Role::Pool if log_moved(reason) => Role::Log,
            role => *role,
        })
        .min();
    let detail = || format!("transaction cancelled: {reasons:?}");
    match failed {
        Some(role) => Error::Condition(role),
        None if reasons.contains(&"TransactionConflict") => Error::TransactionConflict,
        None if reasons.iter().any(|reason| crate::store::throttling(reason)) => {
            Error::Throttled { detail: detail() }
        }
        None => Error::Internal { detail: detail() },
    }
}
