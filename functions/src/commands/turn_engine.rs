//! The turn engine over the store: the rules' stepping [`TurnEngine`] decides; this only reads
//! the class pages it asks for (GSI1, [`QueueHeads`]) and writes the offers it decided. Each
//! offer is checked against the application read strongly consistent (the index may be
//! behind) and written conditioned on the application's version and on `unreserved >= 1`; an
//! offer that cannot be written gives its place back to the engine.

use kezek_rules::application::{ApplicationId, Command};
use kezek_rules::places::PoolKey;
use kezek_rules::queue::QueueEntry;
use kezek_rules::time::Instant;
use kezek_rules::turn_engine::{TurnEngine, TurnStep};

use super::{writes, RegionRules};
use crate::error::Result;
use crate::store::{PoolView, QueueHeads, Store};

/// Most offers decided before their applications are read (one BatchGetItem) and written.
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
    let mut view = store.load_pool(pool_key).await?;
    let unreserved = view.pool.counters.unreserved;
    let mut engine = TurnEngine::new(&rules.policy, &rules.region.clock, rules.now, unreserved);
    let mut heads = QueueHeads::new(store, pool_key.clone());
    let mut offered = Vec::new();
    let mut batch: Vec<QueueEntry> = Vec::new();
    loop {
        match engine.step() {
            TurnStep::Read { class, limit } => {
                let (entries, last) = heads.read(class, limit).await?;
                engine.page(class, entries, last)?;
            }
            TurnStep::Offer(entry) => {
                batch.push(entry);
                if batch.len() >= BATCH_MAX {
                    write_offers(store, rules, &mut view, &mut engine, &mut batch, &mut offered)
                        .await?;
                }
            }
            TurnStep::Done if batch.is_empty() => return Ok(offered),
            // Places given back by offers that could not be written go further down the queue.
            TurnStep::Done => {
                write_offers(store, rules, &mut view, &mut engine, &mut batch, &mut offered).await?
            }
        }
    }
}

/// Writes the offers of `batch` (emptied); an offer the rules refuse on the fresh application
/// gives its place back to `engine`; when another writer took the places, the engine stops.
async fn write_offers(
    store: &Store,
    rules: &RegionRules,
    view: &mut PoolView,
    engine: &mut TurnEngine,
    batch: &mut Vec<QueueEntry>,
    offered: &mut Vec<ApplicationId>,
) -> Result<()> {
    let context = rules.context();
    let ids: Vec<ApplicationId> = batch.drain(..).map(|entry| entry.id).collect();
    let mut items = store.applications(&ids).await?;
    for id in ids {
        let Some(item) = items.remove(&id).filter(|item| item.application.pool == view.pool.key)
        else {
            engine.not_offered();
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
            Ok(None) => engine.not_offered(),
            // Another writer took the unreserved places first.
            Err(error) if error.is("no_free_places") => {
                engine.at_most(0);
                return Ok(());
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
