//! Integration tests of the store and the commands against a real DynamoDB Local.

mod choose_reads;
mod concurrency;
mod eds;
mod enqueue;
mod offer_batches;
mod places_and_sign;
mod positions;
mod queue_head;
mod sign_basis;
mod staff_referrals;
mod support;
mod sweep;

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

/// DESIGN §1.5 over the stored pool: sum(group.free) == U+O+C and O == #offered among `ids`.
pub async fn check_invariants(store: &Store, pool: &PoolKey, ids: &[ApplicationId]) {
    let view = store.load_pool(pool).await.expect("pool");
    let mut offered = 0u64;
    for id in ids {
        if app(store, id).await.state == "offered" {
            offered += 1;
        }
    }
    view.pool
        .check_invariants(offered)
        .unwrap_or_else(|violation| panic!("invariant broken: {violation:?}"));
}
