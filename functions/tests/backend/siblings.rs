//! Issue 15 item 3 over DynamoDB Local: an applicant marks twins (and a sibling a year
//! younger) one set; under the region's `together_only` policy the turn engine passes the
//! twins over while the pool has one place, and offers both in one transaction when it has two
//! (seed step 8, "the turn came", for both at once); bad marks are refused with stable codes
//! and change nothing; the pool's log replays clean with the marks and the together offers.

use chrono::{Duration, NaiveDate};
use kezek_functions::commands::catalog::demo_regions;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::referrals::staff_referrals;
use kezek_functions::commands::siblings::{mark, SiblingsInput};
use kezek_functions::error::Error;
use kezek_functions::rules::application::{ApplicationId, Priority};
use kezek_functions::rules::policy::{Policy, PolicyHistory, PolicyVersion};
use kezek_functions::rules::siblings::{SiblingPlacement, SiblingSetId};
use kezek_functions::rules::transparency::{AuditEntry, EntryKind, Reason};
use kezek_functions::signature::HmacTestVerifier;
use kezek_functions::store::Store;

use crate::support::{child, monday, parent, sign_choice, store_with_demo, REGION};
use crate::{app, check_invariants, enqueue_child, group, pool};

async fn together_only(store: &Store) {
    let region = demo_regions().into_iter().find(|r| r.id == REGION).expect("demo region");
    let policy = Policy { sibling_placement: SiblingPlacement::TogetherOnly, ..Policy::default() };
    let effective_from = NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    let history = PolicyHistory::new(vec![PolicyVersion { effective_from, policy }]).expect("ok");
    store.load_region(region, history).await.expect("region");
}

fn ids(list: &[&ApplicationId]) -> SiblingsInput {
    SiblingsInput { application_ids: list.iter().map(|id| (*id).clone()).collect() }
}

async fn versions(store: &Store, list: &[&ApplicationId]) -> Vec<u64> {
    let mut out = Vec::new();
    for id in list {
        out.push(app(store, id).await.version);
    }
    out
}

fn code(result: Result<impl std::fmt::Debug, Error>) -> &'static str {
    result.expect_err("refused").code()
}

#[tokio::test]
async fn twins_are_passed_over_for_one_place_and_offered_together_for_two() {
    let store = store_with_demo().await;
    together_only(&store).await;
    let t0 = monday() - Duration::days(30);
    let family = parent(1);
    let twin_a =
        enqueue_child(&store, &family, &child((2023, 3, 1), 1), Priority::General, t0).await;
    let twin_b = enqueue_child(
        &store,
        &family,
        &child((2023, 3, 1), 2),
        Priority::General,
        t0 + Duration::minutes(1),
    )
    .await;
    let younger = enqueue_child(
        &store,
        &family,
        &child((2024, 1, 5), 3),
        Priority::General,
        t0 + Duration::minutes(2),
    )
    .await;
    let other = enqueue_child(
        &store,
        &parent(2),
        &child((2023, 4, 1), 4),
        Priority::General,
        t0 + Duration::minutes(3),
    )
    .await;
    let (a, b, c, x) = (&twin_a.id, &twin_b.id, &younger.id, &other.id);

    // Bad marks: refused with stable codes, nothing written.
    let before = versions(&store, &[a, b, c, x]).await;
    let now = monday();
    assert_eq!(code(mark(&store, &family, &ids(&[a]), None, now).await), "sibling_count");
    assert_eq!(
        code(mark(&store, &family, &ids(&[a, b, c, x, a]), None, now).await),
        "sibling_count"
    );
    assert_eq!(code(mark(&store, &family, &ids(&[a, a]), None, now).await), "sibling_duplicate");
    assert_eq!(code(mark(&store, &family, &ids(&[a, x]), None, now).await), "forbidden");
    let unknown = ApplicationId("app-unknown".into());
    assert_eq!(code(mark(&store, &family, &ids(&[a, &unknown]), None, now).await), "not_found");
    assert_eq!(versions(&store, &[a, b, c, x]).await, before, "nothing changed");

    // The twins and their younger sibling: one set; the twins share the 2023 pool.
    let marked =
        mark(&store, &family, &ids(&[a, b, c]), Some("mark-1"), now).await.expect("marked");
    assert_eq!(marked.together, [a.clone(), b.clone()]);
    let repeat = mark(&store, &family, &ids(&[a, b, c]), Some("mark-1"), now).await.expect("same");
    assert_eq!(repeat, marked, "a repeat with its idempotency key answers the first result");
    let set = SiblingSetId(marked.sibling_set_id.clone());
    assert_eq!(app(&store, a).await.application.siblings, Some(set.clone()));
    assert_eq!(app(&store, b).await.queue.and_then(|entry| entry.together), Some(set));
    let alone = app(&store, c).await;
    assert_eq!(alone.application.siblings, None, "alone in its pool: placed as any child");
    assert_eq!(alone.sibling_set.as_deref(), Some(marked.sibling_set_id.as_str()));
    assert_eq!(
        code(mark(&store, &family, &ids(&[a, b]), None, now).await),
        "sibling_already_marked"
    );

    // One place: the twins are passed over (keeping their positions), the next child offered.
    let kk = group("tk-001", 2023, "kk");
    let one = PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 1 };
    let published = change_places(&store, "tk-001", &one, None, now).await.expect("publish");
    assert_eq!(published.offered, std::slice::from_ref(x));
    assert_eq!(app(&store, a).await.state, "queued");

    // Two more places: both twins at once, in one transaction.
    let two = PlacesInput { action: PlacesAction::Publish, group_id: kk, count: 2 };
    let later = now + Duration::minutes(5);
    let published = change_places(&store, "tk-001", &two, None, later).await.expect("publish");
    assert_eq!(published.offered, [a.clone(), b.clone()]);
    assert_eq!(app(&store, a).await.state, "offered");
    assert_eq!(app(&store, b).await.state, "offered");

    let entries = store.log_entries(&pool(2023), 0).await.expect("log");
    let decoded: Vec<AuditEntry> =
        entries.iter().map(|bytes| AuditEntry::decode(bytes).expect("canonical")).collect();
    let marks = decoded.iter().filter(|e| e.kind == EntryKind::MarkSiblings).count();
    assert_eq!(marks, 2, "the twins' marks in their pool's log");
    let together: Vec<Reason> = decoded
        .iter()
        .filter(|e| matches!(e.reason, Reason::Together { .. }))
        .map(|e| e.reason)
        .collect();
    assert_eq!(together, [Reason::Together { position: 0, size: 2 }; 2]);

    // Both sign; the kindergarten's staff see the two referrals with the one set, and a
    // child outside it without one (x signs too).
    let verifier = HmacTestVerifier::new(b"test-secret");
    let kk = group("tk-001", 2023, "kk");
    for id in [a, b] {
        sign_choice(&store, &verifier, &family, id, &kk).await.expect("signed");
    }
    sign_choice(&store, &verifier, &parent(2), x, &kk).await.expect("signed");
    let listed = staff_referrals(&store, "tk-001", later).await.expect("referrals");
    let set_of = |id: &ApplicationId| {
        let referral = listed.referrals.iter().find(|r| &r.application_id == id);
        referral.expect("listed").sibling_set_id.clone()
    };
    assert_eq!(set_of(a).as_deref(), Some(marked.sibling_set_id.as_str()));
    assert_eq!(set_of(b).as_deref(), Some(marked.sibling_set_id.as_str()));
    assert_eq!(set_of(x), None);
    check_invariants(&store, &pool(2023), &[a.clone(), b.clone(), x.clone()]).await;
    check_invariants(&store, &pool(2024), std::slice::from_ref(c)).await;
}
