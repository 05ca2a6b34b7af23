//! What `choose` reads (issue 11 item 3): one BatchGetItem of the application, its region,
//! its pool's counters and the chosen group.
//!
//! Every key but the application's follows from the group's pool, and a group's pool never
//! changes (its birth year and its kindergarten's region are fixed when it is loaded), so
//! this process remembers each group's pool once it has read it; the next choice of that
//! group asks for all four items at once. The first choice of a group in a process (or one
//! whose remembered pool is not the application's) reads the application first, then the
//! other three: two reads.
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

use super::choose::own_application;
use super::context::RegionBook;
use super::RegionRules;
use crate::error::{Error, Result};
use crate::store::items::{ApplicationItem, GroupItem, PoolItem, RegionItem};
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

/// The application, its region's rules at `now` and its pool as the choice of `group` needs.
pub(crate) async fn choice_reads(
    store: &Store,
    id: &ApplicationId,
    group: &GroupId,
    applicant_iin: &str,
    now: Instant,
) -> Result<ChoiceReads> {
    let application_key = keys::application(id);
    let (item, found) = match known_pool(store.table(), group) {
        Some(pool) => {
            let mut wanted = vec![application_key.clone()];
            wanted.extend(basis_keys(&pool, group));
            let mut found = store.batch_get(&wanted).await?;
            let item = visible(found.remove(&application_key), applicant_iin)?;
            let same_pool = item.application.pool == pool;
            (item, same_pool.then_some(found))
        }
        None => (own_application(store, id, applicant_iin).await?, None),
    };
    let pool = item.application.pool.clone();
    let mut found = match found {
        Some(found) => found,
        None => store.batch_get(&basis_keys(&pool, group)).await?,
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
    Ok(ChoiceReads { item, rules, view })
}

/// The pool's counters with the one group chosen.
fn one_group(key: PoolKey, counters: PoolItem, chosen: GroupItem) -> PoolView {
    let places = GroupPlaces { group_id: chosen.group.group_id.clone(), free: chosen.free };
    let pool = Pool { key, counters: counters.counters(), groups: vec![places] };
    PoolView { pool, item: Some(counters), groups: vec![chosen] }
}
