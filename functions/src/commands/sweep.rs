//! The scheduled sweep: due deadlines from the sharded due-time index (never a Scan) →
//! `ExpireOffer` / `Lapse` / `EndStopList`, then the turn engine for every pool with
//! unreserved places. Idempotent and safe to run concurrently: every write is conditioned
//! on the application's version, so a deadline is applied once.

use std::collections::BTreeSet;

use kezek_rules::application::{ApplicationState, Command};
use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::{writes, RegionRules};
use crate::error::Result;
use crate::store::items::{ApplicationItem, PoolItem};
use crate::store::keys::{self, DUE_SHARDS};
use crate::store::{Store, Transaction};

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

/// The command a due application gets.
fn due_command(state: &ApplicationState) -> Option<Command> {
    match state {
        ApplicationState::Offered { .. } => Some(Command::ExpireOffer),
        ApplicationState::Referred { .. } => Some(Command::Lapse),
        ApplicationState::StopListed { .. } => Some(Command::EndStopList),
        _ => None,
    }
}

pub async fn sweep(store: &Store, now: Instant) -> Result<SweepReport> {
    let mut report = SweepReport::default();
    let mut touched: BTreeSet<PoolKey> = BTreeSet::new();
    for shard in 0..DUE_SHARDS {
        let due = store.due(shard, now, DUE_PER_SHARD_MAX).await?;
        report.due_read += due.len();
        for item in due {
            match apply_due(store, item, now).await? {
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
    touched.extend(pools.iter().filter(|pool| pool.unreserved > 0).map(PoolItem::key_of));
    for pool in touched {
        report.offers += super::turn_engine::run(store, &pool, now).await?.len();
    }
    Ok(report)
}

/// Applies the due deadline of one application read from the index: `Some(pool to run the
/// turn engine for, if the rules ask)`, or `None` when another writer got there first or
/// the deadline is no longer due.
async fn apply_due(store: &Store, indexed: ApplicationItem, now: Instant) -> Result<Option<Option<PoolKey>>> {
    let Some(command) = due_command(&indexed.application.state) else {
        return Ok(None);
    };
    let rules = RegionRules::load(store, &indexed.application.pool.region_id, now).await?;
    let context = rules.context();
    // Pool first, then the application strongly consistent: the application is never older
    // than the counters the rules check its moves against.
    let view = store.load_pool(&indexed.application.pool).await?;
    let Some(item) = store.get::<ApplicationItem>(&keys::application(&indexed.application.id)).await? else {
        return Ok(None);
    };
    if item.version != indexed.version {
        return Ok(None);
    }
    let transition = match item.application.apply(&command, &view.pool, &context) {
        Ok(transition) => transition,
        Err(_) => return Ok(None),
    };
    let mut transaction = Transaction::new();
    writes::transition(&mut transaction, store.table(), &item, &transition, "sweep")?;
    match store.commit(transaction).await {
        Ok(()) => Ok(Some(transition.effects.run_turn_engine.then(|| transition.application.pool.clone()))),
        Err(error) if error.is("version_conflict") || error.is("transaction_conflict") => Ok(None),
        Err(error) => Err(error),
    }
}
