//! The auditor's replay of a pool (issue 13 item 6) through the **public routes only**: the
//! log's key (or one the auditor pinned), the latest checkpoint (signature and origin), every
//! entry bundle and hash tile of the tree, the region's public configuration; then the tree
//! rebuilt from the entries and from the hash tiles must both give the checkpoint's root, and
//! every entry is replayed through the rules (`kezek_rules::transparency::replay_log`), each
//! entry that does not follow from the state before it reported. `kezek-audit` (the local
//! crate) runs it over HTTP; the tests run it over the router itself.

use std::future::Future;

use kezek_rules::places::PoolKey;
use kezek_rules::transparency::merkle::MemoryTree;
use kezek_rules::transparency::tiles::{decode_bundle, tiles_for_size, TileKind};
use kezek_rules::transparency::{
    open_checkpoint, pool_origin, replay_log, root_hash, ReplayContext, ReplayFinding, TileId,
    TileSet, VerifierKey,
};
use serde::Serialize;

use crate::commands::transparency::AuditContext;

/// Where the auditor reads: a GET of a path below the service's base URL.
pub trait Fetch {
    fn get(&self, path: &str) -> impl Future<Output = Result<Vec<u8>, String>>;
}

/// Why the audit could not replay the pool at all. `code` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditError {
    /// A public route did not answer (or answered something unreadable).
    Fetch { path: String, detail: String },
    /// The verifier key does not parse.
    KeyInvalid,
    /// The checkpoint does not verify with the key, or is of another pool's log.
    Checkpoint { code: &'static str },
    /// The entries do not hash to the checkpoint's root.
    EntriesMismatch,
    /// The published hash tiles do not give the checkpoint's root.
    TilesMismatch,
    /// The region's configuration does not make a replay context.
    Context { detail: String },
}

impl AuditError {
    pub fn code(&self) -> &'static str {
        match self {
            AuditError::Fetch { .. } => "fetch_failed",
            AuditError::KeyInvalid => "log_key_invalid",
            AuditError::Checkpoint { .. } => "checkpoint_invalid",
            AuditError::EntriesMismatch => "entries_root_mismatch",
            AuditError::TilesMismatch => "tiles_root_mismatch",
            AuditError::Context { .. } => "context_invalid",
        }
    }
}

impl std::fmt::Display for AuditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {self:?}", self.code())
    }
}

/// What an audit found.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditReport {
    pub origin: String,
    pub tree_size: u64,
    /// Every entry that does not follow from the state before it (empty: the log is clean).
    pub findings: Vec<Finding>,
    /// Time the replay itself took (not the fetch), microseconds.
    pub replay_micros: u128,
}

/// One finding, as the report prints it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub index: u64,
    pub application_id: Option<String>,
    pub code: &'static str,
    pub detail: String,
}

impl From<ReplayFinding> for Finding {
    fn from(finding: ReplayFinding) -> Self {
        Self {
            index: finding.index,
            application_id: finding.application_id,
            code: finding.finding.code(),
            detail: format!("{:?}", finding.finding),
        }
    }
}

async fn text(fetch: &impl Fetch, path: &str) -> Result<String, AuditError> {
    let bytes = bytes(fetch, path).await?;
    String::from_utf8(bytes)
        .map_err(|_| AuditError::Fetch { path: path.to_owned(), detail: "not UTF-8".into() })
}

async fn bytes(fetch: &impl Fetch, path: &str) -> Result<Vec<u8>, AuditError> {
    fetch.get(path).await.map_err(|detail| AuditError::Fetch { path: path.to_owned(), detail })
}

/// Audits the log of `pool` (see the module documentation). `pinned` is a verifier key the
/// auditor trusts; without it, the one the service publishes is used.
pub async fn audit(
    fetch: &impl Fetch,
    pool: &PoolKey,
    pinned: Option<&str>,
) -> Result<AuditReport, AuditError> {
    let vkey = match pinned {
        Some(vkey) => vkey.to_owned(),
        None => text(fetch, "/transparency/key").await?.trim().to_owned(),
    };
    let key = VerifierKey::parse(&vkey).map_err(|_| AuditError::KeyInvalid)?;
    let base = format!("/transparency/{}/{}", pool.region_id, pool.group_year);
    let note = text(fetch, &format!("{base}/checkpoint")).await?;
    let origin = pool_origin(&key.name, pool);
    let checkpoint = open_checkpoint(&note, &origin, std::slice::from_ref(&key))
        .map_err(|error| AuditError::Checkpoint { code: error.code() })?;
    let size = checkpoint.size;
    let mut entries: Vec<Vec<u8>> = Vec::new();
    let mut tiles = TileSet::new();
    for tile in tiles_for_size(size) {
        let hashes = bytes(fetch, &format!("{base}/{}", tile.path())).await?;
        tiles.insert(tile, &hashes).map_err(|_| AuditError::TilesMismatch)?;
        if tile.kind == (TileKind::Hashes { level: 0 }) {
            let bundle_tile = TileId { kind: TileKind::Entries, ..tile };
            let bundle = bytes(fetch, &format!("{base}/{}", bundle_tile.path())).await?;
            let decoded = decode_bundle(&bundle).map_err(|_| AuditError::EntriesMismatch)?;
            entries.extend(decoded.into_iter().map(<[u8]>::to_vec));
        }
    }
    if root_hash(&tiles, size) != Ok(checkpoint.root_hash) {
        return Err(AuditError::TilesMismatch);
    }
    let tree = MemoryTree::from_entries(entries.iter().map(Vec::as_slice));
    if tree.size() != size || tree.root() != checkpoint.root_hash {
        return Err(AuditError::EntriesMismatch);
    }
    let context: AuditContext =
        serde_json::from_slice(&bytes(fetch, &format!("{base}/context")).await?)
            .map_err(|error| AuditError::Context { detail: error.to_string() })?;
    let (calendar, refused) =
        kezek_rules::context::calendar_with_years(context.calendar_years.iter().cloned());
    if let Some((year, error)) = refused.into_iter().next() {
        return Err(AuditError::Context { detail: format!("calendar year {year}: {error}") });
    }
    let replay = ReplayContext {
        pool,
        policies: &context.policies,
        calendar: &calendar,
        clock: &context.region.clock,
    };
    let started = std::time::Instant::now();
    let findings = replay_log(replay, entries.iter().map(Vec::as_slice));
    let replay_micros = started.elapsed().as_micros();
    Ok(AuditReport {
        origin,
        tree_size: size,
        findings: findings.into_iter().map(Finding::from).collect(),
        replay_micros,
    })
}
