//! Integration tests of the store and the commands against a real DynamoDB Local.

mod choose_reads;
mod concurrency;
mod eds;
mod enqueue;
mod offer_batches;
mod places_and_sign;
mod positions;
mod queue_head;
mod random_mix;
mod siblings;
mod sign_basis;
mod staff_referrals;
mod support;
mod sweep;
mod transfers;
mod transparency_log;

use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::rules::application::{Application, ApplicationId, Priority};
use kezek_functions::rules::places::{GroupId, PoolKey};
use kezek_functions::rules::time::Instant;
use kezek_functions::store::items::{ApplicationItem, NoticeItem};
use kezek_functions::store::keys;
use kezek_functions::store::Store;

pub async fn enqueue_child(
    store: &Store,
    parent: &str,
    child: &str,
    priority: Priority,
    now: Instant,
) -> Application {
    let input = EnqueueInput {
        region_id: support::REGION.into(),
        child_iin: child.into(),
        priority,
        second_parent_iin: None,
    };
    enqueue(store, parent, &input, None, now).await.expect("enqueued").application
}

pub fn pool(year: i32) -> PoolKey {
    PoolKey { region_id: support::REGION.into(), group_year: year }
}

pub fn group(kindergarten: &str, year: i32, language: &str) -> GroupId {
    GroupId(format!("{kindergarten}-{year}-{language}"))
}

pub async fn app(store: &Store, id: &ApplicationId) -> ApplicationItem {
    store.application(id).await.expect("application exists")
}

/// Every notice in the outbox, from the sharded outbox partitions of GSI2.
pub async fn outbox(store: &Store) -> Vec<NoticeItem> {
    let mut all = Vec::new();
    for shard in 0..keys::DUE_SHARDS {
        all.extend(store.list::<NoticeItem>(&keys::outbox_pk(shard)).await.expect("outbox"));
    }
    all
}

/// DESIGN §1.5 over the stored pool ([`check_counters`]), and the pool's log replays clean.
pub async fn check_invariants(store: &Store, pool: &PoolKey, ids: &[ApplicationId]) {
    let view = check_counters(store, pool, ids).await;
    check_log(store, pool, &view).await;
}

/// DESIGN §1.5 over the stored pool: sum(group.free) == U+O+C and O == #offered among `ids`
/// (applications offered and transfer requests offered).
/// Alone for the tests whose queues are written straight to the table (thousands of
/// applications without their enqueue entries: their pool's log cannot replay).
pub async fn check_counters(
    store: &Store,
    pool: &PoolKey,
    ids: &[ApplicationId],
) -> kezek_functions::store::PoolView {
    let view = store.load_pool(pool).await.expect("pool");
    let mut offered = 0u64;
    for id in ids {
        if app(store, id).await.state == "offered" {
            offered += 1;
        }
        // Issue 15: an open transfer offer holds a reserved place of the pool too.
        let transfer = store.transfer(id).await.expect("transfer read");
        if transfer.is_some_and(|t| t.request.state.name() == "offered") {
            offered += 1;
        }
    }
    view.pool
        .check_invariants(offered)
        .unwrap_or_else(|violation| panic!("invariant broken: {violation:?}"));
    view
}

async fn check_log(store: &Store, pool: &PoolKey, view: &kezek_functions::store::PoolView) {
    // Issue 13: the pool's log holds every change, and replays clean through the rules.
    let entries = store.log_entries(pool, 0).await.expect("log");
    assert_eq!(entries.len() as u64, view.log_size, "the log's head counts its entries");
    let findings =
        kezek_functions::commands::transparency::replay_pool(store, pool, support::monday())
            .await
            .expect("replayed");
    assert!(findings.is_empty(), "the pool's log does not replay: {findings:#?}");
    if let Some(last) = entries.last() {
        let last = kezek_rules::transparency::AuditEntry::decode(last).expect("canonical");
        assert_eq!(last.counters_after, view.pool.counters, "the log ends at the pool's counters");
    }
}
