//! The scheduled sweep: due deadlines from the sharded due-time index (never a Scan) →
//! `ExpireOffer` / `Lapse` / `EndStopList`, then the turn engine for every pool with
//! unreserved places. Idempotent and safe to run concurrently: every write is conditioned
//! on the application's version, so a deadline is applied once.

use std::collections::{BTreeSet, HashMap};

use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::{writes, RegionRules};
use crate::error::{Error, Result};
use crate::retry::{Again, Retry};
use crate::store::items::{ApplicationItem, PoolItem};
use crate::store::keys::{self, DUE_SHARDS};
use crate::store::{PoolView, Role, Store};

/// Most due items one sweep takes from one shard (the next sweep takes the rest).
pub const DUE_PER_SHARD_MAX: usize = 500;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    /// Items the due index returned.
    pub due_read: usize,
    /// Transitions this sweep wrote.
    pub applied: usize,
    /// Due items another writer changed first (version conflict) or the rules refused.
    pub skipped: usize,
    /// Offers the turn engine made afterwards.
    pub offers: usize,
}

/// What one sweep run reads once: each region's rules and each pool's places.
#[derive(Default)]
struct RunCache {
    rules: HashMap<String, RegionRules>,
    pools: HashMap<PoolKey, PoolView>,
}

impl RunCache {
    async fn rules(
        &mut self,
        store: &Store,
        region_id: &str,
        now: Instant,
    ) -> Result<&RegionRules> {
        if !self.rules.contains_key(region_id) {
            let rules = RegionRules::load(store, region_id, now).await?;
            self.rules.insert(region_id.to_owned(), rules);
        }
        Ok(&self.rules[region_id])
    }

    async fn pool(&mut self, store: &Store, key: &PoolKey) -> Result<&mut PoolView> {
        if !self.pools.contains_key(key) {
            let view = store.load_pool(key).await?;
            self.pools.insert(key.clone(), view);
        }
        self.pools.get_mut(key).ok_or_else(|| Error::internal("the run's pool view went missing"))
    }
}

pub async fn sweep(store: &Store, now: Instant) -> Result<SweepReport> {
    let mut report = SweepReport::default();
    let mut touched: BTreeSet<PoolKey> = BTreeSet::new();
    let mut cache = RunCache::default();
    for shard in 0..DUE_SHARDS {
        let mut due = store.due(shard, now, DUE_PER_SHARD_MAX).await?;
        report.due_read += due.len();
        // Pool by pool: each region and pool is read once per run.
        due.sort_by(|a, b| a.application.pool.cmp(&b.application.pool));
        for item in due {
            match apply_due(store, &mut cache, item, now).await? {
                Some(run_turn_engine) => {
                    report.applied += 1;
                    touched.extend(run_turn_engine);
                }
                None => report.skipped += 1,
            }
        }
    }
    // Places released above and children who turned old enough today: every pool with
    // unreserved places gets a turn-engine pass.
    let pools: Vec<PoolItem> = store.list(keys::POOLS_LIST).await?;
    // Transfer offers whose deadline passed (issue 15): the place goes back to the pool.
    for pool in pools.iter().filter(|pool| pool.offered > 0).map(PoolItem::key_of) {
        let rules = cache.rules(store, &pool.region_id, now).await?;
        let expired = super::transfer::expire_transfers(store, rules, &pool).await?;
        if expired > 0 {
            report.applied += expired;
            touched.insert(pool);
        }
    }
    touched.extend(pools.iter().filter(|pool| pool.unreserved > 0).map(PoolItem::key_of));
    for pool in touched {
        let rules = cache.rules(store, &pool.region_id, now).await?;
        report.offers += super::turn_engine::run_with(store, rules, &pool).await?.len();
    }
    Ok(report)
}

/// Applies the due deadline of one application as the due index shows it (projection ALL:
/// the whole item): `Some(pool to run the turn engine for, if the rules ask)`, or `None` when
/// another writer got there first or the deadline is no longer due. The transaction's
/// version condition keeps an index entry that is behind from writing anything.
async fn apply_due(
    store: &Store,
    cache: &mut RunCache,
    indexed: ApplicationItem,
    now: Instant,
) -> Result<Option<Option<PoolKey>>> {
    let pool_key = indexed.application.pool.clone();
    let rules = cache.rules(store, &pool_key.region_id, now).await?.clone();
    let context = rules.context();
    // What is due at `now` is the rules' decision (next to the deadlines it depends on).
    let Some(command) = indexed.application.due_command(&context) else {
        return Ok(None);
    };
    let mut retry = Retry::new();
    loop {
        let view = cache.pool(store, &pool_key).await?;
        let written =
            writes::apply_system(store, indexed.clone(), &command, view, &context, None, "sweep")
                .await;
        match written {
            // `apply_system` kept the run's pool view current with what it wrote.
            Ok(Some(transition)) => {
                return Ok(Some(transition.effects.run_turn_engine.then_some(pool_key)));
            }
            Ok(None) => return Ok(None),
            // The run's pool was behind another writer: again on a fresh read.
            Err(error @ Error::Condition(Role::Pool | Role::Group))
                if retry.again(&error, Again::Now).await =>
            {
                cache.pools.remove(&pool_key);
            }
            Err(error) => return Err(error),
        }
    }
}
