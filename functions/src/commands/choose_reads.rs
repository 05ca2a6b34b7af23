//! What `choose` reads (issue 11 item 3): one BatchGetItem of the application, its region,
//! its pool's counters, the chosen group and the request's idempotency record.
//!
//! Every key but the application's follows from the group's pool, and a group's pool never
//! changes (its birth year and its kindergarten's region are fixed when it is loaded), so
//! this process remembers each group's pool once it has read it; the next choice of that
//! group asks for all of them at once. The first choice of a group in a process (or one
//! whose remembered pool is not the application's) reads the application (and the
//! idempotency record) first, then the other three: two reads. A repeat of an idempotency
//! key is answered from that read (its first result) before anything else is decided.
//!
//! The rules see the pool's counters and the chosen group only. While that group has a free
//! place that is the same answer as over all groups (the other groups only count for R4's
//! "no group has a free place", which a free place here already rules out); when it has none,
//! the pool's whole partition is read so the refusal is the precise one (`group_full` or
//! `no_free_places`). Nothing is decided on the remembered mapping: the application's own
//! pool and the group's item in that pool are checked on every read, and `sign`'s
//! transaction conditions (application version, pool counter and group places) still guard
//! every invariant of §1.5.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use kezek_rules::application::ApplicationId;
use kezek_rules::places::{GroupId, GroupPlaces, Pool, PoolKey};
use kezek_rules::time::Instant;

use super::choose::ChooseOutput;
use super::context::RegionBook;
use super::{Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::store::items::{ApplicationItem, GroupItem, IdempotencyItem, PoolItem, RegionItem};
use crate::store::keys::{self, Key};
use crate::store::reads::{from_item, PoolView, RawItem};
use crate::store::Store;

/// Most groups remembered per process (a country has a few tens of thousands).
const GROUPS_REMEMBERED_MAX: usize = 100_000;

/// What the rules decide a choice on.
#[derive(Debug, Clone)]
pub(crate) struct ChoiceReads {
    pub item: ApplicationItem,
    pub rules: RegionRules,
    /// The pool's counters and the chosen group (all groups when it has no free place).
    pub view: PoolView,
}

type Remembered = HashMap<(String, GroupId), PoolKey>;

fn remembered() -> &'static Mutex<Remembered> {
    static POOLS: OnceLock<Mutex<Remembered>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn known_pool(table: &str, group: &GroupId) -> Option<PoolKey> {
    let pools = remembered().lock().ok()?;
    pools.get(&(table.to_owned(), group.clone())).cloned()
}

fn remember(table: &str, group: &GroupId, pool: &PoolKey) {
    if let Ok(mut pools) = remembered().lock() {
        if pools.len() >= GROUPS_REMEMBERED_MAX {
            pools.clear();
        }
        pools.insert((table.to_owned(), group.clone()), pool.clone());
    }
}

/// The keys of a choice's basis besides the application: region, pool counters, group.
fn basis_keys(pool: &PoolKey, group: &GroupId) -> [Key; 3] {
    [keys::region(&pool.region_id), keys::pool(pool), keys::group(pool, group)]
}

/// The application `id` if `applicant_iin` may see it (R3).
fn visible(raw: Option<RawItem>, applicant_iin: &str) -> Result<ApplicationItem> {
    let item: ApplicationItem = from_item(raw.ok_or_else(|| Error::not_found("application"))?)?;
    if !item.visible_to(applicant_iin) {
        return Err(Error::forbidden("this application is not yours"));
    }
    Ok(item)
}

/// What the reads answer: the first result of a repeated idempotency key, or the basis.
#[derive(Debug, Clone)]
pub(crate) enum Read {
    Replay(Box<ChooseOutput>),
    Basis(Box<ChoiceReads>),
}

/// The first result stored under `idempotency`'s key, if any; refused when that key was
/// used for another request.
fn replay(idempotency: &Idempotency, raw: Option<RawItem>) -> Result<Option<ChooseOutput>> {
    let Some(raw) = raw else { return Ok(None) };
    let item: IdempotencyItem = from_item(raw)?;
    if item.request_hash != idempotency.request_hash {
        return Err(Error::IdempotencyKeyReused);
    }
    serde_json::from_str(&item.response).map(Some).map_err(|e| Error::internal(e.to_string()))
}

/// The application and the idempotency record, with `more` keys, in one BatchGetItem.
async fn first_read(
    store: &Store,
    id: &ApplicationId,
    idempotency: Option<&Idempotency>,
    more: &[Key],
) -> Result<(Option<RawItem>, Option<RawItem>, HashMap<Key, RawItem>)> {
    let application_key = keys::application(id);
    let idempotency_key = idempotency.map(|i| keys::idempotency(&i.scope, &i.key));
    let mut wanted = vec![application_key.clone()];
    wanted.extend(idempotency_key.clone());
    wanted.extend_from_slice(more);
    let mut found = store.batch_get(&wanted).await?;
    let record = idempotency_key.and_then(|key| found.remove(&key));
    Ok((found.remove(&application_key), record, found))
}

/// The application, its region's rules at `now` and its pool as the choice of `group` needs,
/// or the first result of a repeated idempotency key.
pub(crate) async fn choice_reads(
    store: &Store,
    id: &ApplicationId,
    group: &GroupId,
    applicant_iin: &str,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<Read> {
    let known = known_pool(store.table(), group);
    let more = known.as_ref().map(|pool| basis_keys(pool, group).to_vec()).unwrap_or_default();
    let (application, record, found) = first_read(store, id, idempotency, &more).await?;
    if let Some(first) = idempotency.map(|i| replay(i, record)).transpose()?.flatten() {
        return Ok(Read::Replay(Box::new(first)));
    }
    let item = visible(application, applicant_iin)?;
    let pool = item.application.pool.clone();
    let mut found = match known {
        Some(known) if known == pool => found,
        _ => store.batch_get(&basis_keys(&pool, group)).await?,
    };
    let [region_key, pool_key, group_key] = basis_keys(&pool, group);
    let region: RegionItem =
        from_item(found.remove(&region_key).ok_or_else(|| Error::not_found("region"))?)?;
    let rules = RegionBook::of(store, region, now).await?.at(now)?;
    let counters: Option<PoolItem> = found.remove(&pool_key).map(from_item).transpose()?;
    let chosen: Option<GroupItem> = found.remove(&group_key).map(from_item).transpose()?;
    let view = match (counters, chosen) {
        (Some(counters), Some(chosen)) if chosen.free > 0 => {
            remember(store.table(), group, &pool);
            one_group(pool, counters, chosen)
        }
        _ => store.load_pool(&pool).await?,
    };
    Ok(Read::Basis(Box::new(ChoiceReads { item, rules, view })))
}

/// The pool's counters with the one group chosen.
fn one_group(key: PoolKey, counters: PoolItem, chosen: GroupItem) -> PoolView {
    let places = GroupPlaces { group_id: chosen.group.group_id.clone(), free: chosen.free };
    let pool = Pool { key, counters: counters.counters(), groups: vec![places] };
    let log_size = counters.log_size;
    PoolView { pool, item: Some(counters), groups: vec![chosen], log_size }
}
