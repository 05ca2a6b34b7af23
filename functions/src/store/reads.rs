//! Reads: single items (strongly consistent), partitions and index queries (paginated).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, ReturnConsumedCapacity};
use kezek_rules::application::ApplicationId;
use kezek_rules::places::{GroupPlaces, Pool, PoolKey};
use kezek_rules::queue::QueueEntry;
use kezek_rules::time::Instant;
use serde::de::DeserializeOwned;

use super::items::{ApplicationItem, ChoiceBasisItem, GroupItem, NonceItem, PoolItem};
use super::keys::{self, Key, GSI1, GSI2};
use super::Store;
use crate::error::{Error, Result};

/// An item as DynamoDB returns it.
pub(crate) type RawItem = HashMap<String, AttributeValue>;
/// Where a paginated Query goes on (its `LastEvaluatedKey`).
pub(crate) type StartKey = HashMap<String, AttributeValue>;

/// Keys per BatchGetItem call (the service's limit).
const BATCH_GET_MAX: usize = 100;

/// The primary key of a raw item.
pub(crate) fn key_of(item: &RawItem) -> Result<Key> {
    let part = |name: &str| match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value.clone()),
        _ => Err(Error::internal(format!("an item without {name}"))),
    };
    Ok(Key { pk: part(keys::PK)?, sk: part(keys::SK)? })
}

pub fn from_item<T: DeserializeOwned>(item: HashMap<String, AttributeValue>) -> Result<T> {
    serde_dynamo::aws_sdk_dynamodb_1::from_item(item)
        .map_err(|e| Error::internal(format!("cannot read item: {e}")))
}

/// A pool as the rules see it, with its stored items (the choice list of R7 reads them).
#[derive(Debug, Clone)]
pub struct PoolView {
    pub pool: Pool,
    /// `None` when no group was ever loaded for the pool.
    pub item: Option<PoolItem>,
    pub groups: Vec<GroupItem>,
    /// Entries in the pool's transparency log when read (or as this view's changes left it).
    pub log_size: u64,
}

impl PoolView {
    /// The pool's log as this view read it (an empty log when the pool has no item yet).
    pub fn log_head(&self) -> crate::store::LogHead {
        crate::store::LogHead { size: self.log_size, counters: self.pool.counters }
    }

    /// An empty append to the pool's log from this view.
    pub fn log(&self) -> crate::store::PoolLog {
        crate::store::PoolLog::new(self.pool.key.clone(), self.log_head())
    }

    /// Takes in a change that committed: its moves and its log entries.
    pub fn committed(&mut self, log: &crate::store::PoolLog) -> Result<()> {
        for place_move in log.moves() {
            self.pool.apply(place_move)?;
        }
        self.log_size = log.size_after();
        Ok(())
    }

    pub fn group(&self, group_id: &kezek_rules::places::GroupId) -> Option<&GroupItem> {
        self.groups.iter().find(|group| &group.group.group_id == group_id)
    }
}

/// A pool's waiting applications as GSI1 shows them (eventually consistent).
#[derive(Debug, Clone, Default)]
pub struct QueueRead {
    pub entries: Vec<QueueEntry>,
    pub items_read: usize,
}

/// A key condition of a Query: partition and an optional sort-key clause.
pub(crate) enum SortKey<'a> {
    Any,
    BeginsWith(&'a str),
    AtMost(&'a str),
}

impl Store {
    /// A strongly consistent GetItem.
    pub async fn get<T: DeserializeOwned>(&self, key: &Key) -> Result<Option<T>> {
        self.get_raw(key).await?.map(from_item).transpose()
    }

    /// The last item of a partition among those whose sort key starts with `prefix`
    /// (strongly consistent): one Query in descending order, at most one item.
    pub(crate) async fn query_last(
        &self,
        pk: &str,
        prefix: &str,
    ) -> Result<Option<HashMap<String, AttributeValue>>> {
        Ok(self.query_latest_raw(pk, prefix, 1).await?.into_iter().next())
    }

    /// The last `limit` items of a partition among those whose sort key starts with `prefix`,
    /// last first (strongly consistent): one Query in descending order.
    pub async fn query_latest<T: DeserializeOwned>(
        &self,
        pk: &str,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<T>> {
        self.query_latest_raw(pk, prefix, limit).await?.into_iter().map(from_item).collect()
    }

    async fn query_latest_raw(
        &self,
        pk: &str,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<HashMap<String, AttributeValue>>> {
        assert!(limit > 0 && limit <= 1_000, "a bounded read");
        let started = std::time::Instant::now();
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :sk)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .expression_attribute_values(":sk", AttributeValue::S(prefix.to_owned()))
            .scan_index_forward(false)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .consistent_read(true)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|e| crate::store::failure(&format!("query latest {pk}"), &e))?;
        let capacity =
            output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, u64::try_from(output.count).unwrap_or(0));
        Ok(output.items.unwrap_or_default())
    }

    pub(crate) async fn get_raw(
        &self,
        key: &Key,
    ) -> Result<Option<HashMap<String, AttributeValue>>> {
        let started = std::time::Instant::now();
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_map()))
            .consistent_read(true)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|e| crate::store::failure(&format!("get {}/{}", key.pk, key.sk), &e))?;
        let capacity =
            output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, u64::from(output.item.is_some()));
        Ok(output.item)
    }

    pub(crate) async fn query_raw(
        &self,
        index: Option<&str>,
        pk: &str,
        sort: SortKey<'_>,
        limit: Option<usize>,
    ) -> Result<Vec<HashMap<String, AttributeValue>>> {
        let (pk_name, sk_name) = match index {
            None => (keys::PK, keys::SK),
            Some(GSI1) => (keys::GSI1PK, keys::GSI1SK),
            Some(_) => (keys::GSI2PK, keys::GSI2SK),
        };
        let condition = match sort {
            SortKey::Any => "#pk = :pk".to_owned(),
            SortKey::BeginsWith(_) => "#pk = :pk AND begins_with(#sk, :sk)".to_owned(),
            SortKey::AtMost(_) => "#pk = :pk AND #sk <= :sk".to_owned(),
        };
        let mut items = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(&condition)
                .expression_attribute_names("#pk", pk_name)
                .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
                .set_exclusive_start_key(start.take())
                .consistent_read(index.is_none());
            if let SortKey::BeginsWith(value) | SortKey::AtMost(value) = sort {
                request = request
                    .expression_attribute_names("#sk", sk_name)
                    .expression_attribute_values(":sk", AttributeValue::S(value.to_owned()));
            }
            if let Some(index) = index {
                request = request.index_name(index);
            }
            if let Some(limit) = limit {
                request = request.limit(
                    i32::try_from(limit.saturating_sub(items.len()).max(1)).unwrap_or(i32::MAX),
                );
            }
            let started = std::time::Instant::now();
            let output = request
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(|e| crate::store::failure(&format!("query {pk}"), &e))?;
            let capacity =
                output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
            self.meter.record(
                started.elapsed(),
                capacity,
                u64::try_from(output.count).unwrap_or(0),
            );
            items.extend(output.items.unwrap_or_default());
            start = output.last_evaluated_key.filter(|key| !key.is_empty());
            if start.is_none() || limit.is_some_and(|limit| items.len() >= limit) {
                return Ok(items);
            }
        }
    }

    /// One page of a Query of an index partition in sort order, from `start` (the previous
    /// page's last key): the items and the key to go on from (`None` at the end).
    pub(crate) async fn query_page(
        &self,
        index: &str,
        pk: &str,
        start: Option<StartKey>,
        limit: usize,
    ) -> Result<(Vec<RawItem>, Option<StartKey>)> {
        let pk_name = if index == GSI1 { keys::GSI1PK } else { keys::GSI2PK };
        let started = std::time::Instant::now();
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
            .set_exclusive_start_key(start)
            .limit(i32::try_from(limit.max(1)).unwrap_or(i32::MAX))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|e| crate::store::failure(&format!("query {pk}"), &e))?;
        let capacity =
            output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, u64::try_from(output.count).unwrap_or(0));
        Ok((
            output.items.unwrap_or_default(),
            output.last_evaluated_key.filter(|key| !key.is_empty()),
        ))
    }

    /// Applications by id, strongly consistent, in BatchGetItem calls of up to 100 keys;
    /// ids without an application are absent from the answer.
    pub async fn applications(
        &self,
        ids: &[ApplicationId],
    ) -> Result<HashMap<ApplicationId, ApplicationItem>> {
        let keys: Vec<Key> = ids.iter().map(keys::application).collect();
        let mut found = HashMap::with_capacity(ids.len());
        for (_, item) in self.batch_get(&keys).await? {
            let item: ApplicationItem = from_item(item)?;
            found.insert(item.application.id.clone(), item);
        }
        Ok(found)
    }

    /// Items by key, strongly consistent, in BatchGetItem calls of up to 100 keys (one round
    /// trip for up to 100 keys unless DynamoDB leaves some unprocessed); absent keys are absent.
    pub async fn batch_get(&self, wanted: &[Key]) -> Result<HashMap<Key, RawItem>> {
        let mut found = HashMap::with_capacity(wanted.len());
        for chunk in wanted.chunks(BATCH_GET_MAX) {
            let mut request = KeysAndAttributes::builder().consistent_read(true);
            let mut seen = std::collections::HashSet::new();
            for key in chunk.iter().filter(|key| seen.insert(*key)) {
                request = request.keys(key.to_map());
            }
            let mut pending =
                Some(request.build().map_err(|e| Error::internal(format!("batch get: {e}")))?);
            while let Some(keys_and_attributes) = pending.take() {
                let started = std::time::Instant::now();
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, keys_and_attributes)
                    .return_consumed_capacity(ReturnConsumedCapacity::Total)
                    .send()
                    .await
                    .map_err(|e| crate::store::failure("batch get", &e))?;
                let capacity: f64 =
                    output.consumed_capacity().iter().filter_map(|c| c.capacity_units).sum();
                let items = output
                    .responses
                    .and_then(|mut tables| tables.remove(&self.table))
                    .unwrap_or_default();
                self.meter.record(started.elapsed(), capacity, items.len() as u64);
                for item in items {
                    found.insert(key_of(&item)?, item);
                }
                pending = output
                    .unprocessed_keys
                    .and_then(|mut left| left.remove(&self.table))
                    .filter(|left| !left.keys().is_empty());
                if pending.is_some() {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
            }
        }
        Ok(found)
    }

    /// A choice nonce with the basis `choose` stored for `sign`, in one consistent Query.
    pub async fn choice(
        &self,
        nonce: &str,
    ) -> Result<Option<(NonceItem, Option<ChoiceBasisItem>)>> {
        let mut nonce_item = None;
        let mut basis = None;
        for item in self.query_raw(None, &keys::choice_nonce_pk(nonce), SortKey::Any, None).await? {
            match item.get(keys::SK) {
                Some(AttributeValue::S(sk)) if sk == keys::NONCE_SK => {
                    nonce_item = Some(from_item(item)?)
                }
                // A basis that no longer maps (an older item shape) only costs the fresh reads.
                Some(AttributeValue::S(sk)) if sk == keys::BASIS_SK => basis = from_item(item).ok(),
                _ => {}
            }
        }
        Ok(nonce_item.map(|nonce| (nonce, basis)))
    }

    /// Every item of a base-table partition whose sort key starts with `prefix`.
    pub async fn query_prefix<T: DeserializeOwned>(
        &self,
        pk: &str,
        prefix: &str,
    ) -> Result<Vec<T>> {
        self.query_raw(None, pk, SortKey::BeginsWith(prefix), None)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Every item of a GSI2 listing partition (`REGIONS`, `KGS#<region>`, `POOLS`).
    pub async fn list<T: DeserializeOwned>(&self, gsi2pk: &str) -> Result<Vec<T>> {
        self.query_raw(Some(GSI2), gsi2pk, SortKey::Any, None)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// The pool's counters and groups in one strongly consistent Query of its partition.
    pub async fn load_pool(&self, key: &PoolKey) -> Result<PoolView> {
        let raw = self.query_raw(None, &keys::pool_pk(key), SortKey::Any, None).await?;
        let mut view =
            PoolView { pool: Pool::new(key.clone()), item: None, groups: Vec::new(), log_size: 0 };
        for item in raw {
            match item.get(keys::SK) {
                Some(AttributeValue::S(sk)) if sk == "POOL" => view.item = Some(from_item(item)?),
                Some(AttributeValue::S(sk)) if sk.starts_with(keys::GROUP_PREFIX) => {
                    view.groups.push(from_item(item)?)
                }
                _ => {}
            }
        }
        if let Some(item) = &view.item {
            view.pool.counters = item.counters();
            view.log_size = item.log_size;
        }
        view.pool.groups = view
            .groups
            .iter()
            .map(|g| GroupPlaces { group_id: g.group.group_id.clone(), free: g.free })
            .collect();
        Ok(view)
    }

    /// The pool's waiting applications, read from GSI1 class by class.
    pub async fn read_queue(&self, key: &PoolKey) -> Result<QueueRead> {
        let mut read = QueueRead::default();
        for priority in keys::PRIORITIES {
            let raw = self
                .query_raw(Some(GSI1), &keys::queue_pk(key, priority), SortKey::Any, None)
                .await?;
            read.items_read += raw.len();
            for mut item in raw {
                if let Some(queue) = item.remove("queue") {
                    let entry: QueueEntry =
                        serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(queue)
                            .map_err(|e| Error::internal(format!("queue entry: {e}")))?;
                    read.entries.push(entry);
                }
            }
        }
        Ok(read)
    }

    /// Applications of one due shard whose deadline is at or before `now`, oldest first.
    pub async fn due(
        &self,
        shard: u32,
        now: Instant,
        limit: usize,
    ) -> Result<Vec<ApplicationItem>> {
        let upper = keys::due_upper(now);
        self.query_raw(Some(GSI2), &keys::due_pk(shard), SortKey::AtMost(&upper), Some(limit))
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    pub async fn application(&self, id: &ApplicationId) -> Result<ApplicationItem> {
        self.get(&keys::application(id)).await?.ok_or_else(|| Error::not_found("application"))
    }
}
