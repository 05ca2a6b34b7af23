//! The turn engine over the store: the rules' stepping [`TurnEngine`] decides; this only reads
//! the class pages it asks for (GSI1, [`QueueHeads`]) and writes the offers it decided. Each
//! offer is checked against the application read strongly consistent (the index may be
//! behind); offers are written in batches (several per transaction, one pool-counter update
//! conditioned on `unreserved >= k`, each application over its version); an offer that cannot
//! be written gives its place back to the engine.

use kezek_rules::application::{ApplicationId, Command, Transition};
use kezek_rules::places::PoolKey;
use kezek_rules::policy::Policy;
use kezek_rules::queue::QueueEntry;
use kezek_rules::siblings::SiblingSetId;
use kezek_rules::time::Instant;
use kezek_rules::transparency::{record, Reason};
use kezek_rules::turn_engine::{TurnEngine, TurnStep};

use kezek_rules::RuleError;

use super::writes::{self, Logged};
use super::RegionRules;
use crate::error::{Error, Result};
use crate::store::items::{ApplicationItem, SiblingSetItem};
use crate::store::{keys, PoolLog, PoolView, QueueHeads, Role, Store, Transaction};

/// Most offers decided before their applications are read (one BatchGetItem) and written.
const BATCH_MAX: usize = 100;
/// Offers per transaction: three items each (application, notice, audit event), the pool's
/// update (counters and log head) and the log's entry batch within DynamoDB's 100 items.
pub const OFFERS_PER_TRANSACTION: usize = 32;

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
    let view = store.load_pool(pool_key).await?;
    run_on(store, rules, view).await
}

/// [`run_with`] on a pool view the caller holds (the publish that just read and changed it;
/// a view behind another writer only costs a batch written again offer by offer). The
/// pool's transfer requests (issue 15) share its places by the policy's `transferSharing`:
/// by default they are offered only what is left once the new children of the queue have
/// been offered theirs. Returns the new children offered.
pub async fn run_on(
    store: &Store,
    rules: &RegionRules,
    view: PoolView,
) -> Result<Vec<ApplicationId>> {
    let pool_key = view.pool.key.clone();
    if rules.policy.transfer_sharing.transfers_before_new_children() {
        if super::transfer::offer_transfers(store, rules, &pool_key).await?.is_empty() {
            return Ok(new_children(store, rules, view).await?.0);
        }
        let view = store.load_pool(&pool_key).await?;
        return Ok(new_children(store, rules, view).await?.0);
    }
    let (offered, unreserved_left) = new_children(store, rules, view).await?;
    if unreserved_left > 0 {
        super::transfer::offer_transfers(store, rules, &pool_key).await?;
    }
    Ok(offered)
}

/// The walk of the queue: offers to new children; returns them and the places left.
async fn new_children(
    store: &Store,
    rules: &RegionRules,
    mut view: PoolView,
) -> Result<(Vec<ApplicationId>, u32)> {
    let pool_key = view.pool.key.clone();
    let unreserved = view.pool.counters.unreserved;
    let mut engine = TurnEngine::new(&rules.policy, &rules.region.clock, rules.now, unreserved);
    let mut heads = QueueHeads::new(store, pool_key.clone());
    let mut offered = Vec::new();
    let mut batch: Vec<(QueueEntry, Reason)> = Vec::new();
    loop {
        match engine.step() {
            TurnStep::Read { class, limit } => {
                let (entries, last) = heads.read(class, limit).await?;
                engine.page(class, entries, last)?;
            }
            TurnStep::Offer(entry) => {
                let ratio = rules.policy.priority_ratio;
                let reason = record::walked_offer_reason(engine.walked(), entry.priority, ratio)?;
                batch.push((entry, reason));
                if batch.len() >= BATCH_MAX {
                    write_offers(store, rules, &mut view, &mut engine, &mut batch, &mut offered)
                        .await?;
                }
            }
            TurnStep::ReadSiblings { set, .. } => {
                let members = sibling_members(store, &pool_key, &set).await?;
                engine.siblings(members)?;
            }
            TurnStep::OfferTogether(group) => {
                // A set's offers follow one another in the log: the offers decided before go first.
                if !batch.is_empty() {
                    write_offers(store, rules, &mut view, &mut engine, &mut batch, &mut offered)
                        .await?;
                }
                let reason = record::walked_together_reason(engine.walked(), group.len())?;
                write_together(store, rules, &mut view, &mut engine, group, reason, &mut offered)
                    .await?;
            }
            TurnStep::Done if batch.is_empty() => {
                return Ok((offered, view.pool.counters.unreserved))
            }
            // Places given back by offers that could not be written go further down the queue.
            TurnStep::Done => {
                write_offers(store, rules, &mut view, &mut engine, &mut batch, &mut offered).await?
            }
        }
    }
}

/// The queue entries, as stored now, of the members of sibling set `set` waiting in `pool`
/// (issue 15): the set's item names them.
async fn sibling_members(
    store: &Store,
    pool: &PoolKey,
    set: &SiblingSetId,
) -> Result<Vec<QueueEntry>> {
    let item: SiblingSetItem = store
        .get(&keys::sibling_set(&set.0))
        .await?
        .ok_or_else(|| Error::internal("a sibling mark without its set"))?;
    let found = store.applications(&item.together).await?;
    Ok(item
        .together
        .iter()
        .filter_map(|id| found.get(id))
        .filter(|member| &member.application.pool == pool)
        .filter_map(|member| member.queue.clone())
        .collect())
}

/// A together offer (issue 15): every member's offer in ONE transaction, or none. The members
/// are read again (strongly consistent); when the rules refuse one of them, or the transaction
/// finds that one moved on or the places gone, the set's places go back to the engine.
async fn write_together(
    store: &Store,
    rules: &RegionRules,
    view: &mut PoolView,
    engine: &mut TurnEngine,
    group: Vec<QueueEntry>,
    reason: Reason,
    offered: &mut Vec<ApplicationId>,
) -> Result<()> {
    let context = rules.context();
    let size = group.len() as u32;
    let ids: Vec<ApplicationId> = group.into_iter().map(|entry| entry.id).collect();
    let mut items = store.applications(&ids).await?;
    let mut pool = view.pool.clone();
    let mut decided = Vec::with_capacity(ids.len());
    for id in &ids {
        let item = items.remove(id).filter(|item| item.application.pool == pool.key);
        let Some(item) = item else { break };
        let Ok(change) = item.application.apply(&Command::Offer, &pool, &context) else { break };
        change.effects.places.iter().try_for_each(|place_move| pool.apply(place_move))?;
        decided.push((item, change, reason));
    }
    if decided.len() != ids.len() {
        engine.not_offered_together(size);
        return Ok(());
    }
    match commit_offers(store, &rules.policy, view, &decided).await {
        Ok(log) => {
            view.committed(&log)?;
            offered.extend(decided.into_iter().map(|(_, change, _)| change.application.id));
            Ok(())
        }
        Err(
            Error::Condition(Role::Application | Role::Pool | Role::Log)
            | Error::Rule(RuleError::VersionConflict { .. } | RuleError::NoFreePlaces),
        ) => {
            engine.not_offered_together(size);
            *view = store.load_pool(&view.pool.key).await?;
            engine.at_most(view.pool.counters.unreserved);
            Ok(())
        }
        Err(error) => Err(error),
    }
}

/// Writes the offers of `batch` (emptied): the applications read strongly consistent (the
/// index may be behind), the rules' `Offer` transition of each, then up to
/// [`OFFERS_PER_TRANSACTION`] offers per transaction with one pool-counter update
/// (`unreserved >= k`) and each application over its version. An offer the rules refuse on
/// the fresh application gives its place back to `engine`.
async fn write_offers(
    store: &Store,
    rules: &RegionRules,
    view: &mut PoolView,
    engine: &mut TurnEngine,
    batch: &mut Vec<(QueueEntry, Reason)>,
    offered: &mut Vec<ApplicationId>,
) -> Result<()> {
    let context = rules.context();
    let walked: Vec<(ApplicationId, Reason)> =
        batch.drain(..).map(|(entry, reason)| (entry.id, reason)).collect();
    let ids: Vec<ApplicationId> = walked.iter().map(|(id, _)| id.clone()).collect();
    let mut items = store.applications(&ids).await?;
    let mut pool = view.pool.clone();
    let mut decided = Vec::with_capacity(ids.len());
    for (id, reason) in walked {
        let item = items.remove(&id).filter(|item| item.application.pool == pool.key);
        let change =
            item.as_ref().map(|item| item.application.apply(&Command::Offer, &pool, &context));
        match (item, change) {
            (Some(item), Some(Ok(change))) => {
                change.effects.places.iter().try_for_each(|place_move| pool.apply(place_move))?;
                decided.push((item, change, reason));
            }
            _ => engine.not_offered(),
        }
    }
    let mut pending = decided.into_iter().peekable();
    while pending.peek().is_some() {
        let chunk: Vec<_> = pending.by_ref().take(OFFERS_PER_TRANSACTION).collect();
        match commit_offers(store, &rules.policy, view, &chunk).await {
            Ok(log) => {
                view.committed(&log)?;
                offered.extend(chunk.into_iter().map(|(_, change, _)| change.application.id));
            }
            // An application moved on, another writer took places or the pool's log moved:
            // the rest one by one, each under its own conditions, on a fresh read of the pool.
            Err(
                Error::Condition(Role::Application | Role::Pool | Role::Log)
                | Error::Rule(RuleError::VersionConflict { .. } | RuleError::NoFreePlaces),
            ) => {
                let rest: Vec<_> = chunk.into_iter().chain(pending.by_ref()).collect();
                return write_one_by_one(store, rules, view, engine, rest, offered).await;
            }
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// One transaction for the offers of `chunk`: their applications, notices and audit events,
/// their log entries (each with its queue position) and one update of the pool's counters
/// and log head for all of them (conditioned on `unreserved >= k` and the log size `view`
/// read). A transaction that met another in flight is tried again (bounded, jittered).
/// Returns what it appended to the log.
async fn commit_offers(
    store: &Store,
    policy: &Policy,
    view: &PoolView,
    chunk: &[(ApplicationItem, Transition, Reason)],
) -> Result<PoolLog> {
    crate::retry::run(crate::retry::transient, || async {
        let mut transaction = Transaction::logged(view.log());
        for (item, change, reason) in chunk {
            let logged = Logged { command: &Command::Offer, policy, offer: Some(*reason) };
            writes::transition(
                &mut transaction,
                store.table(),
                item,
                change,
                logged,
                "turn_engine",
            )?;
        }
        let log = transaction.log().cloned().ok_or_else(|| Error::internal("offers' log"))?;
        store.commit(transaction).await?;
        Ok(log)
    })
    .await
}

/// The offers of `rest` one transaction each (the path of a batch that met another writer):
/// each application re-read once on a version conflict; the engine stops where the pool has
/// no unreserved place left and offers at most what the fresh pool has.
async fn write_one_by_one(
    store: &Store,
    rules: &RegionRules,
    view: &mut PoolView,
    engine: &mut TurnEngine,
    rest: Vec<(ApplicationItem, Transition, Reason)>,
    offered: &mut Vec<ApplicationId>,
) -> Result<()> {
    let context = rules.context();
    *view = store.load_pool(&view.pool.key).await?;
    let mut out_of_places = false;
    for (item, _, reason) in rest {
        if out_of_places {
            continue;
        }
        let offer = Some(reason);
        let written = writes::apply_system(
            store,
            item,
            &Command::Offer,
            view,
            &context,
            offer,
            "turn_engine",
        )
        .await;
        match written {
            // `apply_system` kept `view` current with what it wrote.
            Ok(Some(change)) => offered.push(change.application.id),
            Ok(None) => engine.not_offered(),
            Err(Error::Condition(Role::Pool) | Error::Rule(RuleError::NoFreePlaces)) => {
                out_of_places = true
            }
            Err(error) => return Err(error),
        }
    }
    if out_of_places {
        *view = store.load_pool(&view.pool.key).await?;
    }
    engine.at_most(view.pool.counters.unreserved);
    Ok(())
}
