//! The verifiable queue's server side (issue 13): the sweep's checkpoints of every pool's log
//! and what the public routes read.
//!
//! A checkpoint run reads the pool's whole log (`store::log`), rebuilds the RFC 9162 tree,
//! checks that the tree at the last checkpoint's size still has that checkpoint's root (a
//! rewritten or deleted entry stops the run with `log_rewritten`, and the operator's alarm
//! fires), writes the C2SP tiles and entry bundles that growing to the new size adds, and
//! signs the C2SP checkpoint with the log's key. Old checkpoints stay (`CP#<size>`), so any
//! two can be shown consistent.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use kezek_rules::application::Priority;
use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use kezek_rules::transparency::forecast_input::ForecastSubject;
use kezek_rules::transparency::merkle::{consistency_proof, inclusion_proof, MemoryTree};
use kezek_rules::transparency::{
    pool_origin, replay_log, AuditEntry, Checkpoint, Hash, ReplayFinding,
};
use serde::Serialize;

use super::context::RegionBook;
use crate::error::{Error, Result};
use crate::store::items::PoolItem;
use crate::store::keys;
use crate::store::Store;
use crate::transparency::{grown_files, LogSigner};

/// The item holding the log's verifier key (`GET /transparency/key`).
const KEY_PK: &str = "TLOG";

/// What one checkpoint run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckpointReport {
    pub pools: usize,
    pub checkpoints: usize,
    pub tiles: usize,
}

/// A stored checkpoint: its size and signed note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub note: String,
}

fn text_of(item: &HashMap<String, AttributeValue>, name: &str) -> Result<String> {
    match item.get(name) {
        Some(AttributeValue::S(text)) => Ok(text.clone()),
        _ => Err(Error::internal(format!("log item without {name}"))),
    }
}

fn checkpoint_of(item: &HashMap<String, AttributeValue>) -> Result<StoredCheckpoint> {
    let size = match item.get("size") {
        Some(AttributeValue::N(size)) => size.parse().ok(),
        _ => None,
    };
    let size = size.ok_or_else(|| Error::internal("checkpoint without its size"))?;
    Ok(StoredCheckpoint { size, note: text_of(item, "note")? })
}

/// Signs a checkpoint of every pool whose log grew since its last one.
pub async fn checkpoint_pools(
    store: &Store,
    signer: &LogSigner,
    now: Instant,
) -> Result<CheckpointReport> {
    publish_key(store, signer).await?;
    let pools: Vec<PoolItem> = store.list(keys::POOLS_LIST).await?;
    let mut report = CheckpointReport { pools: pools.len(), ..CheckpointReport::default() };
    for pool in pools {
        let latest = store.latest_checkpoint(&pool.key_of()).await?;
        if pool.log_size == latest.as_ref().map_or(0, |latest| latest.size) {
            continue;
        }
        report.tiles += checkpoint_pool(store, signer, &pool.key_of(), latest, now).await?;
        report.checkpoints += 1;
    }
    Ok(report)
}

async fn publish_key(store: &Store, signer: &LogSigner) -> Result<()> {
    let mut item = HashMap::from([
        (keys::PK.to_owned(), AttributeValue::S(KEY_PK.to_owned())),
        (keys::SK.to_owned(), AttributeValue::S("KEY".to_owned())),
    ]);
    item.insert("vkey".into(), AttributeValue::S(signer.vkey()));
    store.put_raw(item).await
}

/// The tree of the pool's whole log, as the store holds it.
pub async fn pool_tree(store: &Store, pool: &PoolKey) -> Result<(MemoryTree, Vec<Vec<u8>>)> {
    let entries = store.log_entries(pool, 0).await?;
    let tree = MemoryTree::from_entries(entries.iter().map(Vec::as_slice));
    Ok((tree, entries))
}

/// One pool's checkpoint at its log's current size; returns the tiles written.
async fn checkpoint_pool(
    store: &Store,
    signer: &LogSigner,
    pool: &PoolKey,
    latest: Option<StoredCheckpoint>,
    now: Instant,
) -> Result<usize> {
    let (tree, entries) = pool_tree(store, pool).await?;
    let old_size = latest.as_ref().map_or(0, |latest| latest.size);
    if let Some(latest) = &latest {
        let checkpoint = Checkpoint::parse(note_text(&latest.note)?)
            .map_err(|error| Error::internal(format!("stored checkpoint: {}", error.code())))?;
        let root = kezek_rules::transparency::root_hash(&tree, latest.size).ok();
        if root != Some(checkpoint.root_hash) {
            return Err(Error::internal("log_rewritten: the log no longer has the root it had"));
        }
    }
    let files = grown_files(&tree, &entries, old_size)
        .map_err(|error| Error::internal(format!("log tiles: {}", error.code())))?;
    for file in &files {
        let mut item = keys::log_tile(pool, &file.path).to_map();
        item.insert("bytes".into(), AttributeValue::B(file.bytes.clone().into()));
        store.put_raw(item).await?;
    }
    let checkpoint = Checkpoint {
        origin: pool_origin(&signer.verifier_key().name, pool),
        size: tree.size(),
        root_hash: tree.root(),
        extensions: Vec::new(),
    };
    let note = signer
        .sign_checkpoint(&checkpoint)
        .map_err(|error| Error::internal(format!("checkpoint: {}", error.code())))?;
    let mut item = keys::log_checkpoint(pool, tree.size()).to_map();
    item.insert("size".into(), AttributeValue::N(tree.size().to_string()));
    item.insert("note".into(), AttributeValue::S(note));
    item.insert("signedAt".into(), AttributeValue::S(keys::instant_key(now)));
    store.put_raw(item).await?;
    Ok(files.len())
}

/// The text of a signed note (before its blank line).
fn note_text(note: &str) -> Result<&str> {
    note.split_once("\n\n")
        .map(|(text, _)| &note[..text.len() + 1])
        .ok_or_else(|| Error::internal("a stored checkpoint without signatures"))
}

impl Store {
    /// The pool's latest checkpoint, if the sweep signed one.
    pub async fn latest_checkpoint(&self, pool: &PoolKey) -> Result<Option<StoredCheckpoint>> {
        let items = self.query_last(&keys::log_pk(pool), keys::LOG_CHECKPOINT_PREFIX).await?;
        items.as_ref().map(checkpoint_of).transpose()
    }

    /// The pool's checkpoint at exactly `size` entries, if one was signed.
    pub async fn checkpoint_at(
        &self,
        pool: &PoolKey,
        size: u64,
    ) -> Result<Option<StoredCheckpoint>> {
        let item = self.get_raw(&keys::log_checkpoint(pool, size)).await?;
        item.as_ref().map(checkpoint_of).transpose()
    }

    /// A tile or entry bundle by its C2SP path.
    pub async fn log_tile(&self, pool: &PoolKey, path: &str) -> Result<Option<Vec<u8>>> {
        let item = self.get_raw(&keys::log_tile(pool, path)).await?;
        Ok(item.and_then(|mut item| match item.remove("bytes") {
            Some(AttributeValue::B(bytes)) => Some(bytes.into_inner()),
            _ => None,
        }))
    }

    /// The log's verifier key, once a sweep published it.
    pub async fn log_vkey(&self) -> Result<Option<String>> {
        let key = keys::Key { pk: KEY_PK.to_owned(), sk: "KEY".to_owned() };
        self.get_raw(&key).await?.as_ref().map(|item| text_of(item, "vkey")).transpose()
    }
}

/// One entry of an application's history in its pool's log, with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedEntry {
    pub index: u64,
    /// The canonical entry, base64.
    pub entry: String,
    /// The proof's hashes, base64, against `checkpoint`'s tree.
    pub inclusion_proof: Vec<String>,
}

/// `GET /applications/{id}/log`: the latest checkpoint and every entry of `application_id`
/// in it, each with its inclusion proof. Entries after the checkpoint wait for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationLog {
    pub region_id: String,
    pub group_year: i32,
    /// The signed checkpoint the proofs are against (`None` before the first one).
    pub checkpoint: Option<String>,
    pub tree_size: u64,
    pub entries: Vec<LoggedEntry>,
    /// Entries of the application logged after the checkpoint (proved by the next one).
    pub pending: u64,
    /// "Nobody behind me got a place first", from the pool's whole log by the rules.
    pub waiting: kezek_rules::transparency::fairness::WaitingReport,
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The entries of `application_id` in `pool`'s log with their proofs against the latest
/// checkpoint (the caller checked the application is the session's).
pub async fn application_log(
    store: &Store,
    pool: &PoolKey,
    application_id: &str,
    now: Instant,
) -> Result<ApplicationLog> {
    let latest = store.latest_checkpoint(pool).await?;
    let (tree, entries) = pool_tree(store, pool).await?;
    let size = latest.as_ref().map_or(0, |latest| latest.size);
    let mut logged = Vec::new();
    let mut pending = 0;
    for (index, bytes) in entries.iter().enumerate() {
        let index = index as u64;
        let entry = AuditEntry::decode(bytes)
            .map_err(|error| Error::internal(format!("log entry: {}", error.code())))?;
        if entry.application_id() != Some(application_id) {
            continue;
        }
        if index >= size {
            pending += 1;
            continue;
        }
        let proof = inclusion_proof(&tree, index, size)
            .map_err(|error| Error::internal(format!("inclusion proof: {}", error.code())))?;
        let inclusion_proof = proof.iter().map(|hash: &Hash| base64(hash)).collect();
        logged.push(LoggedEntry { index, entry: base64(bytes), inclusion_proof });
    }
    Ok(ApplicationLog {
        region_id: pool.region_id.clone(),
        group_year: pool.group_year,
        checkpoint: latest.map(|latest| latest.note),
        tree_size: size,
        entries: logged,
        pending,
        waiting: waiting_over(store, pool, &entries, application_id, now).await?,
    })
}

/// The consistency proof between two tree sizes of the pool's log (both at most its latest
/// checkpoint's size), base64 hashes.
pub async fn consistency(store: &Store, pool: &PoolKey, from: u64, to: u64) -> Result<Vec<String>> {
    let latest = store.latest_checkpoint(pool).await?.map_or(0, |latest| latest.size);
    if from == 0 || from > to || to > latest {
        return Err(Error::invalid(format!(
            "tree sizes must satisfy 0 < from <= to <= {latest} (the latest checkpoint)"
        )));
    }
    let (tree, _) = pool_tree(store, pool).await?;
    let proof = consistency_proof(&tree, from, to)
        .map_err(|error| Error::internal(format!("consistency proof: {}", error.code())))?;
    Ok(proof.iter().map(|hash| base64(hash)).collect())
}

/// The daily check (and the auditor's, over the store): the pool's whole log replayed through
/// the rules with the region's public configuration; every entry that does not follow.
pub async fn replay_pool(
    store: &Store,
    pool: &PoolKey,
    now: Instant,
) -> Result<Vec<ReplayFinding>> {
    let book = RegionBook::load(store, &pool.region_id, now).await?;
    let entries = store.log_entries(pool, 0).await?;
    let context = book.replay_context(pool);
    Ok(replay_log(context, entries.iter().map(Vec::as_slice)))
}

/// The daily check of every pool whose log has entries: replayed once per UTC day (a marker
/// item `AUDIT#<date>` in the log's partition says it was), each finding logged; returns the
/// findings of this run (the sweep publishes their count as the metric the alarm watches).
pub async fn daily_check(store: &Store, now: Instant) -> Result<Vec<(PoolKey, ReplayFinding)>> {
    let pools: Vec<PoolItem> = store.list(keys::POOLS_LIST).await?;
    let day = now.format("%Y-%m-%d").to_string();
    let mut findings = Vec::new();
    for pool in pools.iter().filter(|pool| pool.log_size > 0) {
        let pool = pool.key_of();
        let marker = keys::Key { pk: keys::log_pk(&pool), sk: format!("AUDIT#{day}") };
        if store.get_raw(&marker).await?.is_some() {
            continue;
        }
        let found = replay_pool(store, &pool, now).await?;
        for finding in &found {
            tracing::error!(pool = ?pool, index = finding.index, code = finding.finding.code(),
                "the pool's log does not replay");
        }
        let mut item = marker.to_map();
        item.insert("findings".into(), AttributeValue::N(found.len().to_string()));
        store.put_raw(item).await?;
        findings.extend(found.into_iter().map(|finding| (pool.clone(), finding)));
    }
    Ok(findings)
}

/// What an auditor needs besides a pool's log (`GET /transparency/{region}/{year}/context`):
/// the region's public configuration — its clock, its policy history, and the calendar years
/// operators loaded over the built-in ones. With the log, it is all the replay reads.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditContext {
    pub region: kezek_rules::application::Region,
    pub policies: kezek_rules::policy::PolicyHistory,
    pub calendar_years: Vec<kezek_rules::calendar::CalendarYear>,
}

pub async fn audit_context(store: &Store, region_id: &str, now: Instant) -> Result<AuditContext> {
    let book = RegionBook::load(store, region_id, now).await?;
    Ok(AuditContext {
        calendar_years: super::choose::loaded_years(&book.calendar),
        region: book.region,
        policies: book.policies,
    })
}

/// Most days one daily-lists answer covers.
pub const DAILY_DAYS_MAX: usize = 62;

/// The pool's public daily lists (issue 13 item 5) of the local dates `from..=to` (at most
/// [`DAILY_DAYS_MAX`] days), from its log's entries by the rules' `daily_lists`.
pub async fn daily(
    store: &Store,
    pool: &PoolKey,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    now: Instant,
) -> Result<Vec<kezek_rules::transparency::daily::DailyList>> {
    let days = (to - from).num_days();
    if days < 0 || days >= DAILY_DAYS_MAX as i64 {
        return Err(Error::invalid(format!(
            "the dates must satisfy from <= to, at most {DAILY_DAYS_MAX} days"
        )));
    }
    let book = RegionBook::load(store, &pool.region_id, now).await?;
    let entries = decoded(&store.log_entries(pool, 0).await?)?;
    let lists = kezek_rules::transparency::daily::daily_lists(&book.region.clock, &entries);
    Ok(lists.into_iter().filter(|list| list.date.is_some_and(|d| d >= from && d <= to)).collect())
}

fn decoded(entries: &[Vec<u8>]) -> Result<Vec<AuditEntry>> {
    entries
        .iter()
        .map(|bytes| {
            AuditEntry::decode(bytes)
                .map_err(|error| Error::internal(format!("log entry: {}", error.code())))
        })
        .collect()
}

/// "Nobody behind me got a place first" (issue 13 item 4) for `application_id`, by the
/// rules' `fairness::waiting_report` over the pool's whole log.
pub async fn waiting(
    store: &Store,
    pool: &PoolKey,
    application_id: &str,
    now: Instant,
) -> Result<kezek_rules::transparency::fairness::WaitingReport> {
    let entries = store.log_entries(pool, 0).await?;
    waiting_over(store, pool, &entries, application_id, now).await
}

async fn waiting_over(
    store: &Store,
    pool: &PoolKey,
    entries: &[Vec<u8>],
    application_id: &str,
    now: Instant,
) -> Result<kezek_rules::transparency::fairness::WaitingReport> {
    let book = RegionBook::load(store, &pool.region_id, now).await?;
    let context = book.replay_context(pool);
    let entries = decoded(entries)?;
    Ok(kezek_rules::transparency::fairness::waiting_report(context, entries, application_id))
}

/// `GET /applications/{id}/forecast` (issue 15): the waiting-time forecast of an application
/// that waits in the queue, computed by the rules from its pool's public log
/// (`transparency::forecast_input`); `forecast` is `None` when it does not wait (offered,
/// referred, enrolled, removed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationForecast {
    pub forecast: Option<kezek_rules::forecast::Forecast>,
    /// Entries of the pool's log the forecast was computed from.
    pub log_size: u64,
}

pub async fn application_forecast(
    store: &Store,
    pool: &PoolKey,
    application_id: &str,
    now: Instant,
) -> Result<ApplicationForecast> {
    forecast_of(store, pool, ForecastSubject::Application(application_id), now).await
}

/// `GET /transparency/{region}/{year}/forecast/{priority}/{birthDate}` (issue 15, the
/// anonymous preview): the forecast of a child born on `birth_date` who would apply now, at
/// the back of its class. The same computation from the same public log as an application's.
pub async fn newcomer_forecast(
    store: &Store,
    pool: &PoolKey,
    priority: Priority,
    birth_date: chrono::NaiveDate,
    now: Instant,
) -> Result<ApplicationForecast> {
    forecast_of(store, pool, ForecastSubject::Newcomer { priority, birth_date }, now).await
}

async fn forecast_of(
    store: &Store,
    pool: &PoolKey,
    subject: ForecastSubject<'_>,
    now: Instant,
) -> Result<ApplicationForecast> {
    let book = RegionBook::load(store, &pool.region_id, now).await?;
    let entries = decoded(&store.log_entries(pool, 0).await?)?;
    let log_size = entries.len() as u64;
    let context = book.replay_context(pool);
    let forecast = kezek_rules::transparency::forecast_input::forecast_from_log(
        context, entries, subject, now,
    );
    Ok(ApplicationForecast { forecast, log_size })
}
