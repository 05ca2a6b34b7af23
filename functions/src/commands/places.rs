//! R14: kindergarten staff publish or withdraw free places of their groups; the turn
//! engine runs for the pool after a publish.

use kezek_rules::application::ApplicationId;
use kezek_rules::places::{GroupId, PlaceCounters, PlaceMove, PoolKey};
use kezek_rules::time::Instant;
use kezek_rules::transparency::record;
use serde::{Deserialize, Serialize};

use super::idempotency::or_replay;
use super::Idempotency;
use crate::error::{Error, Result};
use crate::store::items::{Keys, KindergartenItem, PoolAuditItem};
use crate::store::{keys, PoolView, Role, Store, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacesAction {
    Publish,
    Withdraw,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacesInput {
    pub action: PlacesAction,
    pub group_id: GroupId,
    pub count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacesOutput {
    pub pool: PoolKey,
    pub place_move: PlaceMove,
    /// The pool's counters right after the change (before the turn engine ran).
    pub counters: PlaceCounters,
    /// Applications the turn engine offered a place to afterwards.
    pub offered: Vec<ApplicationId>,
}

/// Staff of `kindergarten_id` publish or withdraw places of one of its groups.
pub async fn change_places(
    store: &Store,
    kindergarten_id: &str,
    input: &PlacesInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<PlacesOutput> {
    let scope = format!("staff:{kindergarten_id}");
    let idempotency =
        idempotency_key.map(|key| Idempotency::new(&scope, key, input)).transpose()?;
    let result =
        super::retrying(|| attempt(store, kindergarten_id, input, idempotency.as_ref(), now)).await;
    let (result, view) = match result {
        Ok((output, view)) => (Ok(output), Some(view)),
        Err(error) => (Err(error), None),
    };
    let mut output = or_replay(store, idempotency.as_ref(), result).await?;
    if output.place_move.delta().unreserved > 0 {
        // The pool as this publish left it saves the engine a read; a replay reads it.
        output.offered = match view {
            Some(view) => {
                let rules = super::RegionRules::load(store, &output.pool.region_id, now).await?;
                super::turn_engine::run_on(store, &rules, view).await?
            }
            None => super::turn_engine::run(store, &output.pool, now).await?,
        };
    }
    Ok(output)
}

async fn attempt(
    store: &Store,
    kindergarten_id: &str,
    input: &PlacesInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<(PlacesOutput, PoolView)> {
    let kindergarten: KindergartenItem = store
        .get(&keys::kindergarten(kindergarten_id))
        .await?
        .ok_or_else(|| Error::not_found("kindergarten"))?;
    let kindergarten = kindergarten.kindergarten;
    // Staff act only on their own kindergarten's groups.
    let group =
        kindergarten.groups.iter().find(|group| group.group_id == input.group_id).ok_or_else(
            || Error::forbidden("the group is not one of this kindergarten's groups"),
        )?;
    let pool_key =
        PoolKey { region_id: kindergarten.region_id.clone(), group_year: group.group_year };
    let mut view = store.load_pool(&pool_key).await?;
    let place_move = match input.action {
        PlacesAction::Publish => view.pool.publish(&input.group_id, input.count)?,
        PlacesAction::Withdraw => view.pool.withdraw(&input.group_id, input.count)?,
    };
    let mut log = view.log();
    let entry = record::places_entry(&place_move, log.counters(), now)?;
    log.push(&entry, std::slice::from_ref(&place_move))?;
    view.pool.apply(&place_move)?;
    let output = PlacesOutput {
        pool: pool_key.clone(),
        place_move: place_move.clone(),
        counters: view.pool.counters,
        offered: Vec::new(),
    };
    let table = store.table();
    let log_size = log.size_after();
    let mut transaction = Transaction::logged(log);
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    let event_id = crate::ids::random_hex(8)?;
    let audit = PoolAuditItem {
        keys: Keys::base(keys::pool_audit(&pool_key, now, &event_id)),
        place_move,
        actor: format!("staff:{kindergarten_id}"),
        at: now,
    };
    transaction.put_new(Role::Record, table, &audit)?;
    store.commit(transaction).await?;
    view.log_size = log_size;
    Ok((output, view))
}
