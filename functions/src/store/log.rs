//! A pool's transparency log in the table (issue 13). The pool item (`POOL#<region>#<year>` /
//! `POOL`) is the log's head: its `logSize` says how many entries the log holds. A change
//! that commits appends its entries in its own `TransactWriteItems`: the pool item's update
//! (the place moves' `ADD`s, when there are any, and `SET logSize` conditioned on the size the
//! change read) and **one** batch item `LOG#<region>#<year>` / `E#<first index>` with the
//! entries as a C2SP entry bundle. So an entry exists exactly when its change committed,
//! indices are gap-free and in commit order (two changes that read the same size cannot both
//! commit), and each entry's counters before and after are the pool's at that moment.
//!
//! Checkpoints (`CP#<size>`) and hash tiles (`T#<path>`) of the log live in the same
//! partition; the sweep writes them (`commands::transparency`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use kezek_rules::places::{PlaceCounters, PlaceMove, PoolKey};
use kezek_rules::transparency::record::counters_after;
use kezek_rules::transparency::tiles::{decode_bundle, encode_bundle};
use kezek_rules::transparency::AuditEntry;
use kezek_rules::RuleError;

use super::keys;
use super::reads::SortKey;
use super::Store;
use crate::error::{Error, Result};

/// Most entries one change appends (the turn engine's transactions hold 33 offers).
pub const ENTRIES_PER_CHANGE_MAX: usize = 100;
/// Most entries of a log the store reads in one call (the checkpoint of a pool reads them all).
pub const LOG_ENTRIES_MAX: u64 = 50_000_000;

/// The pool's log as a change read it: its size and the pool's counters at that size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LogHead {
    pub size: u64,
    pub counters: PlaceCounters,
}

/// What one change appends to its pool's log: its entries in order and the place moves
/// behind them, the counters of each entry chained from the head the change read.
#[derive(Debug, Clone)]
pub struct PoolLog {
    pool: PoolKey,
    head: LogHead,
    counters: PlaceCounters,
    entries: Vec<Vec<u8>>,
    moves: Vec<PlaceMove>,
}

impl PoolLog {
    pub fn new(pool: PoolKey, head: LogHead) -> Self {
        Self { pool, head, counters: head.counters, entries: Vec::new(), moves: Vec::new() }
    }

    pub fn pool(&self) -> &PoolKey {
        &self.pool
    }

    pub fn head(&self) -> LogHead {
        self.head
    }

    /// The counters after the entries pushed so far: the next entry's counters before.
    pub fn counters(&self) -> PlaceCounters {
        self.counters
    }

    pub fn entries(&self) -> &[Vec<u8>] {
        &self.entries
    }

    pub fn moves(&self) -> &[PlaceMove] {
        &self.moves
    }

    /// The log's size once the change commits.
    pub fn size_after(&self) -> u64 {
        self.head.size + self.entries.len() as u64
    }

    /// Appends `entry`, made by `moves`: its counters must chain from the previous entry's.
    pub fn push(&mut self, entry: &AuditEntry, moves: &[PlaceMove]) -> Result<()> {
        if self.entries.len() >= ENTRIES_PER_CHANGE_MAX {
            return Err(Error::internal("a change appends at most 100 log entries"));
        }
        if entry.counters_before != self.counters {
            return Err(Error::internal("a log entry's counters do not chain from the head"));
        }
        let after = counters_after(self.counters, moves)
            .ok_or(Error::Rule(RuleError::CounterUnderflow { counter: "pool" }))?;
        if entry.counters_after != after {
            return Err(Error::internal("a log entry's counters do not follow from its moves"));
        }
        let bytes = entry
            .encode()
            .map_err(|error| Error::internal(format!("log entry: {}", error.code())))?;
        self.entries.push(bytes);
        self.moves.extend_from_slice(moves);
        self.counters = after;
        Ok(())
    }

    /// The batch item of the entries: `E#<first index>` with the entries as one bundle.
    pub(super) fn batch_item(&self) -> Result<HashMap<String, AttributeValue>> {
        let bundle = encode_bundle(self.entries.iter().map(Vec::as_slice))
            .map_err(|error| Error::internal(format!("log bundle: {}", error.code())))?;
        let mut item = keys::log_batch(&self.pool, self.head.size).to_map();
        item.insert("start".into(), AttributeValue::N(self.head.size.to_string()));
        item.insert("count".into(), AttributeValue::N(self.entries.len().to_string()));
        item.insert("bundle".into(), AttributeValue::B(bundle.into()));
        Ok(item)
    }
}

fn number(item: &HashMap<String, AttributeValue>, name: &str) -> Result<u64> {
    match item.get(name) {
        Some(AttributeValue::N(value)) => {
            value.parse().map_err(|_| Error::internal(format!("log item: {name} is no number")))
        }
        _ => Err(Error::internal(format!("log item without {name}"))),
    }
}

impl Store {
    /// The entries of the pool's log from index `from` to its end, in order; refused when a batch is missing (a gap), which no committed
    /// change can leave.
    pub async fn log_entries(&self, pool: &PoolKey, from: u64) -> Result<Vec<Vec<u8>>> {
        let after = keys::log_batch(pool, from);
        let raw = self
            .query_raw(None, &after.pk, SortKey::BeginsWith(keys::LOG_BATCH_PREFIX), None)
            .await?;
        let mut entries = Vec::new();
        let mut next = None::<u64>;
        for item in raw {
            let start = number(&item, "start")?;
            let count = number(&item, "count")?;
            let Some(AttributeValue::B(bundle)) = item.get("bundle") else {
                return Err(Error::internal("log batch without its bundle"));
            };
            let decoded = decode_bundle(bundle.as_ref())
                .map_err(|error| Error::internal(format!("log bundle: {}", error.code())))?;
            if decoded.len() as u64 != count || next.is_some_and(|next| next != start) {
                return Err(Error::internal("the pool's log has a gap"));
            }
            next = Some(start + count);
            for (offset, entry) in decoded.into_iter().enumerate() {
                if start + offset as u64 >= from {
                    entries.push(entry.to_vec());
                }
            }
            if entries.len() as u64 > LOG_ENTRIES_MAX {
                return Err(Error::internal("a pool's log holds at most 50 million entries"));
            }
        }
        Ok(entries)
    }
}
