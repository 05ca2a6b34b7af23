//! One state change = one `TransactWriteItems`. Each item carries the role it plays, so a
//! cancelled transaction maps to a stable error code by the reason of the item that failed.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use kezek_rules::places::{GroupId, PlaceMove, PoolKey, PLACE_COUNT_MAX};
use serde::Serialize;

use super::keys::{self, Key};
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
            Role::Record => "a record of this change exists already",
        }
    }
}

/// Up to 100 items written all or nothing.
#[derive(Debug, Default)]
pub struct Transaction {
    items: Vec<(Role, TransactWriteItem)>,
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

    /// Applies place moves (DESIGN §1.5) to a pool and its groups: one `ADD` per item, with
    /// conditions that no counter goes negative and no group exceeds its maximum.
    pub fn place_moves(&mut self, table: &str, pool: &PoolKey, moves: &[PlaceMove]) -> Result<()> {
        if moves.is_empty() {
            return Ok(());
        }
        let mut counters = [0i64; 3];
        let mut groups: BTreeMap<GroupId, i64> = BTreeMap::new();
        for place_move in moves {
            let delta = place_move.delta();
            counters[0] += delta.unreserved;
            counters[1] += delta.offered;
            counters[2] += delta.free_choice;
            if let Some((group_id, change)) = delta.group {
                *groups.entry(group_id).or_default() += change;
            }
        }
        let names = ["unreserved", "offered", "freeChoice"];
        let mut conditions = vec!["attribute_exists(PK)".to_owned()];
        let mut update = Update::builder()
            .table_name(table)
            .set_key(Some(keys::pool(pool).to_map()))
            .update_expression("ADD #c0 :du, #c1 :do, #c2 :dc, #version :one")
            .expression_attribute_names("#c0", names[0])
            .expression_attribute_names("#c1", names[1])
            .expression_attribute_names("#c2", names[2])
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
        let update = update.condition_expression(conditions.join(" AND "));
        self.push(
            Role::Pool,
            TransactWriteItem::builder().update(Self::built(update.build())?).build(),
        );
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

impl Store {
    /// Writes the transaction. A cancelled one maps to the code of the first failed item in
    /// role order; a conflict with another transaction in flight is `transaction_conflict`
    /// (nothing was written; retry).
    pub async fn commit(&self, transaction: Transaction) -> Result<()> {
        if transaction.is_empty() {
            return Ok(());
        }
        if transaction.len() > 100 {
            return Err(Error::internal("a transaction holds at most 100 items"));
        }
        let roles: Vec<Role> = transaction.items.iter().map(|(role, _)| *role).collect();
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
        result.map(|_| ()).map_err(|error| cancelled(&roles, &error))
    }
}

/// The classification of a failed transaction: a cancelled one is the condition failure of
/// the first failed item in role order, else a conflict, else throttling; anything else as
/// [`crate::store::failure`] classifies it.
fn cancelled(
    roles: &[Role],
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
    let failed = roles
        .iter()
        .zip(&reasons)
        .filter(|(_, reason)| **reason == "ConditionalCheckFailed")
        .map(|(role, _)| *role)
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
