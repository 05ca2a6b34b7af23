//! The turn engine over the store: read the pool's queue from GSI1, ask the rules whom to
//! offer (`select_offers`), then apply each `Offer` transition in its own transaction,
//! conditioned on the application's version and on `unreserved >= 1`.

use kezek_rules::application::{ApplicationId, Command};
use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use kezek_rules::turn_engine::select_offers;

use super::{writes, RegionRules};
use crate::error::Result;
use crate::store::{Store, Transaction};

/// At most this many passes over the queue (a pass ends early on stale index entries).
const ROUNDS_MAX: usize = 3;

/// Offers the pool's unreserved places to the next eligible children; returns whom.
pub async fn run(store: &Store, pool_key: &PoolKey, now: Instant) -> Result<Vec<ApplicationId>> {
    let rules = RegionRules::load(store, &pool_key.region_id, now).await?;
    let context = rules.context();
    let mut offered = Vec::new();
    for _ in 0..ROUNDS_MAX {
        let mut view = store.load_pool(pool_key).await?;
        if view.pool.counters.unreserved == 0 {
            break;
        }
        let queue = store.read_queue(pool_key).await?;
        let selected = select_offers(&queue.entries, view.pool.counters.unreserved, context.policy, context.clock, now)?;
        let mut progress = false;
        for index in selected {
            let Some(item) = store.get::<crate::store::items::ApplicationItem>(&crate::store::keys::application(&queue.entries[index].id)).await? else {
                continue;
            };
            if item.application.pool != *pool_key {
                continue;
            }
            // The index may be behind: the rules refuse an application no longer queued.
            let Ok(transition) = item.application.apply(&Command::Offer, &view.pool, &context) else {
                continue;
            };
            let mut transaction = Transaction::new();
            writes::transition(&mut transaction, store.table(), &item, &transition, "turn_engine")?;
            match store.commit(transaction).await {
                Ok(()) => {
                    for place_move in &transition.effects.places {
                        view.pool.apply(place_move)?;
                    }
                    offered.push(transition.application.id.clone());
                    progress = true;
                }
                Err(error) if error.is("no_free_places") => return Ok(offered),
                Err(error) if error.is("version_conflict") || error.is("transaction_conflict") => {}
                Err(error) => return Err(error),
            }
        }
        if !progress {
            break;
        }
    }
    Ok(offered)
}
