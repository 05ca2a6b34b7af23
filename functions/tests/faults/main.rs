//! The one retry policy against real faults (issue 10 item 4): the store reaches DynamoDB
//! Local, and `notify` reaches SNS (moto), each through a proxy that answers every k-th
//! request with throttling, a 500, a timeout or a reset connection. For the seed scenario — enqueue, a publish with its turn engine, a
//! sweep, a notify run (SNS: moto) — after each step the pool's invariants (§1.5) hold, every
//! command is committed once (a caller repeats a refusal with a retryable code under the same
//! idempotency key) or refused with a retryable code, no notice is lost or sent twice, and
//! the retries stay within the policy's bounds.

#[allow(dead_code)]
#[path = "../notify/moto.rs"]
mod moto;
mod proxy;
#[allow(dead_code)]
#[path = "../backend/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::Ordering;
use std::time::Duration as StdDuration;

use chrono::Duration;
use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::commands::journal::journal;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::profile::{set_profile, ProfileInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::notify::deliver::local_sns_client_with_attempt_timeout;
use kezek_functions::notify::{run_notify, NotifyConfig};
use kezek_functions::retry::{self, POLICY};
use kezek_functions::rules::application::Priority;
use kezek_functions::rules::places::{GroupId, PoolKey};
use kezek_functions::store::Store;
use kezek_functions::Result;

use support::{child, monday, parent, store_with_demo, REGION};

/// Faults at every k-th DynamoDB request.
const EVERY: u64 = 4;
/// Faults at every k-th SNS request (fewer requests: more often; SMS and e-mail each).
const EVERY_SNS: u64 = 2;
/// The client's bound on one DynamoDB call (a held request counts as timed out after it).
const CALL_TIMEOUT: StdDuration = StdDuration::from_millis(800);
const CHILDREN: u16 = 8;

/// What a caller does with a refusal that has a retryable code: the same request again
/// (same idempotency key). Every refusal on the way must be retryable.
async fn until_done<T, F, Fut>(what: &str, surfaced: &mut u64, mut call: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    for _ in 0..20 {
        match call().await {
            Ok(value) => return value,
            Err(error) => {
                assert!(error.is_transient(), "{what}: refused with a final code: {error:?}");
                assert!(!error.message().contains("injected"), "{what}: {}", error.message());
                *surfaced += 1;
            }
        }
    }
    panic!("{what}: never done");
}

async fn check_invariants(store: &Store, pool: &PoolKey, parents: &[String]) {
    let view = store.load_pool(pool).await.expect("pool");
    let mut offered = 0u64;
    for parent in parents {
        let entries = journal(store, parent).await.expect("journal");
        assert_eq!(entries.len(), 1, "{parent}: exactly one application (committed once)");
        let item = store.application(&entries[0].application.id).await.expect("application");
        if item.state == "offered" {
            offered += 1;
        }
    }
    view.pool.check_invariants(offered).unwrap_or_else(|v| panic!("invariant broken: {v:?}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_scenario_holds_under_throttling_500s_timeouts_and_resets() {
    let direct = store_with_demo().await;
    let proxy = proxy::start(support::endpoint(), EVERY, CALL_TIMEOUT * 2);
    let store = Store::with_attempt_timeout(
        Store::local_client(&proxy.url),
        direct.table().to_owned(),
        CALL_TIMEOUT,
    );
    let before = retry::counts();
    let mut surfaced = 0u64;
    let now = monday();
    let pool = PoolKey { region_id: REGION.into(), group_year: 2023 };
    let topic = moto::topic().await;
    let parents: Vec<String> = (1..=CHILDREN).map(parent).collect();

    for (n, iin) in (1..=CHILDREN).zip(&parents) {
        let input = ProfileInput {
            email: format!("p{n}@example.kz"),
            phone: Some(format!("+7701000000{n}")),
            language: "ru".into(),
        };
        until_done("profile", &mut surfaced, || set_profile(&store, iin, &input, now)).await;
        let input = EnqueueInput {
            region_id: REGION.into(),
            child_iin: child((2023, 4, 1), n),
            priority: Priority::General,
            second_parent_iin: None,
        };
        let key = format!("enqueue-{n}");
        let at = now - Duration::days(10) + Duration::minutes(i64::from(n));
        until_done("enqueue", &mut surfaced, || enqueue(&store, iin, &input, Some(&key), at)).await;
    }
    check_invariants(&direct, &pool, &parents).await;

    let publish = PlacesInput {
        action: PlacesAction::Publish,
        group_id: GroupId("tk-001-2023-kk".into()),
        count: 3,
    };
    until_done("publish", &mut surfaced, || {
        change_places(&store, "tk-001", &publish, Some("publish-1"), now)
    })
    .await;
    check_invariants(&direct, &pool, &parents).await;

    // The offers expire; the turn engine offers the freed places to the next in the queue.
    let later = now + Duration::days(10);
    until_done("sweep", &mut surfaced, || sweep(&store, later)).await;
    check_invariants(&direct, &pool, &parents).await;

    let sns_proxy = proxy::start(moto::endpoint(), EVERY_SNS, CALL_TIMEOUT * 2);
    let config = NotifyConfig {
        endpoint_url: Some(sns_proxy.url.clone()),
        ..NotifyConfig::new(topic.clone())
    };
    let sns = local_sns_client_with_attempt_timeout(&sns_proxy.url, CALL_TIMEOUT);
    for run in 0..40 {
        let at = later + Duration::hours(run);
        let _ = until_done("notify", &mut surfaced, || run_notify(&store, &sns, &config, at)).await;
    }
    // No notice lost: none is due, none dead-lettered; none sent twice.
    let far = later + Duration::days(30);
    for shard in 0..kezek_functions::store::keys::DUE_SHARDS {
        let due = direct.due_notices(shard, far, 100).await.expect("due");
        assert!(due.is_empty(), "notices never sent: {due:?}");
    }
    assert!(direct.dead_letters(100).await.expect("dead letters").is_empty(), "dead-lettered");
    let mut sent: BTreeMap<String, usize> = BTreeMap::new();
    for published in moto::published_to(&topic) {
        *sent.entry(published.attributes["noticeId"].clone()).or_default() += 1;
    }
    assert!(sent.len() >= 3, "the turn came for three: {sent:?}");
    assert!(sent.values().all(|count| *count == 1), "a notice sent twice: {sent:?}");

    let counts = retry::counts();
    let faults = proxy.counts.faults.load(Ordering::SeqCst);
    let requests = proxy.counts.requests.load(Ordering::SeqCst);
    let retries = proxy.counts.retries.load(Ordering::SeqCst);
    let highest = proxy.counts.attempt_highest.load(Ordering::SeqCst);
    println!(
        "DynamoDB requests {requests}, faults injected {faults}, retried calls {retries}, highest attempt {highest}, command runs {}, command attempts {}, refusals surfaced {surfaced}",
        counts.runs - before.runs,
        counts.attempts - before.attempts
    );
    assert!(faults > 20 && faults >= requests / EVERY - 1, "faults were injected: {faults}");
    // Every fault was retried call by call (or surfaced as a retryable refusal), and no call
    // went past the policy's bound.
    assert!(
        retries + surfaced >= faults,
        "a fault went unnoticed: {retries} retries, {faults} faults"
    );
    assert_eq!(
        proxy.counts.attempts_announced.load(Ordering::SeqCst),
        u64::from(POLICY.attempts_max)
    );
    assert!((2..=u64::from(POLICY.attempts_max)).contains(&highest), "highest attempt {highest}");

    // SNS: the same policy, call by call; no Publish was lost to a fault (every notice above
    // was sent once).
    let sns_faults = sns_proxy.counts.faults.load(Ordering::SeqCst);
    let sns_requests = sns_proxy.counts.requests.load(Ordering::SeqCst);
    let sns_retries = sns_proxy.counts.retries.load(Ordering::SeqCst);
    let sns_highest = sns_proxy.counts.attempt_highest.load(Ordering::SeqCst);
    println!(
        "SNS requests {sns_requests}, faults injected {sns_faults}, retried calls {sns_retries}, highest attempt {sns_highest}"
    );
    assert!(
        sns_faults >= 3 && sns_faults >= sns_requests / EVERY_SNS - 1,
        "SNS faults: {sns_faults}"
    );
    assert!(
        sns_retries >= sns_faults,
        "an SNS fault was not retried: {sns_retries} < {sns_faults}"
    );
    assert_eq!(
        sns_proxy.counts.attempts_announced.load(Ordering::SeqCst),
        u64::from(POLICY.attempts_max)
    );
    assert!((2..=u64::from(POLICY.attempts_max)).contains(&sns_highest), "{sns_highest}");
}
