//! The turn engine over the store: walk the head of the pool's queue (GSI1, class partitions
//! merged in the rules' order, read only as far as the places go), offer to the entries the
//! rules' `OfferRule` admits, each `Offer` transition in its own transaction conditioned on
//! the application's version and on `unreserved >= 1`.

use kezek_rules::application::{ApplicationId, Command};
use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use kezek_rules::turn_engine::OfferRule;
use kezek_rules::RuleError;

use super::{writes, RegionRules};
use crate::error::{Error, Result};
use crate::store::{QueueHeads, Role, Store};

/// Most applications read (one BatchGetItem) before their offers are written.
const BATCH_MAX: usize = 100;

/// Offers the pool's unreserved places to the next eligible children; returns whom.
pub async fn run(store: &Store, pool_key: &PoolKey, now: Instant) -> Result<Vec<ApplicationId>> {
    let rules = RegionRules::load(store, &pool_key.region_id, now).await?;
    run_with(store, &rules, pool_key).await
}

/// [`run`] with the region's rules already loaded (a sweep loads each region once).
pub async fn run_with(
    store: &Store,
    rules: &RegionRules,
    pool_key: &PoolKey,
) -> Result<Vec<ApplicationId>> {
    let context = rules.context();
    let Some(rule) = OfferRule::on(&rules.policy, &rules.region.clock, rules.now) else {
        return Ok(Vec::new());
    };
    let mut view = store.load_pool(pool_key).await?;
    let mut heads = QueueHeads::new(store, pool_key.clone(), rules.policy.priority_ratio);
    let mut offered = Vec::new();
    loop {
        let places = view.pool.counters.unreserved as usize;
        if places == 0 {
            return Ok(offered);
        }
        // The next entries the rules admit, in queue order, as many as there are places.
        let mut batch = Vec::new();
        while batch.len() < places.min(BATCH_MAX) {
            let Some(entry) = heads.next(places - batch.len()).await? else { break };
            if rule.admits(&entry) {
                batch.push(entry.id);
            }
        }
        if batch.is_empty() {
            return Ok(offered);
        }
        // The index may be behind: the applications themselves, strongly consistent; the
        // rules refuse one that is no longer queued.
        let mut items = store.applications(&batch).await?;
        for id in batch {
            let Some(item) = items.remove(&id).filter(|item| item.application.pool == *pool_key)
            else {
                continue;
            };
            match writes::apply_system(
                store,
                item,
                &Command::Offer,
                &view.pool,
                &context,
                "turn_engine",
            )
            .await
            {
                Ok(Some(transition)) => {
                    for place_move in &transition.effects.places {
                        view.pool.apply(place_move)?;
                    }
                    offered.push(transition.application.id);
                }
                Ok(None) => {}
                // Another writer took the unreserved places first.
                Err(Error::Condition(Role::Pool) | Error::Rule(RuleError::NoFreePlaces)) => {
                    return Ok(offered)
                }
                Err(error) => return Err(error),
            }
        }
    }
}
