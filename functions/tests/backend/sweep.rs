use chrono::Duration;
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::rules::application::{ApplicationState, NoticeKind, Priority};
use kezek_functions::rules::places::PlaceCounters;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::items::AuditItem;
use kezek_functions::store::keys;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, outbox, pool};

#[tokio::test]
async fn an_expired_offer_is_applied_once_even_by_two_concurrent_sweeps() {
    let store = store_with_demo().await;
    let kid = enqueue_child(
        &store,
        &parent(1),
        &child((2023, 4, 4), 1),
        Priority::General,
        monday() - Duration::days(3),
    )
    .await;
    let kk = group("tk-001", 2023, "kk");
    change_places(
        &store,
        "tk-001",
        &PlacesInput { action: PlacesAction::Publish, group_id: kk, count: 1 },
        None,
        monday(),
    )
    .await
    .expect("publish");
    let ApplicationState::Offered { expires_at, .. } = app(&store, &kid.id).await.application.state
    else {
        panic!("offered")
    };

    let early = sweep(&store, expires_at - Duration::nanoseconds(1)).await.expect("sweep");
    assert_eq!((early.due_read, early.applied), (0, 0), "nothing is due before the deadline");
    let (a, b) = tokio::join!(sweep(&store, expires_at), sweep(&store, expires_at));
    let (a, b) = (a.expect("sweep a"), b.expect("sweep b"));
    assert_eq!(a.applied + b.applied, 1, "{a:?} {b:?}");
    let after = app(&store, &kid.id).await;
    assert_eq!((after.state.as_str(), after.version), ("queued", 3));
    assert_eq!(
        store.load_pool(&pool(2023)).await.expect("pool").pool.counters,
        PlaceCounters { unreserved: 0, offered: 0, free_choice: 1 }
    );
    let history: Vec<AuditItem> = store
        .query_prefix(&keys::application_pk(&kid.id), keys::AUDIT_PREFIX)
        .await
        .expect("audit");
    let commands: Vec<&str> = history.iter().map(|h| h.event.command.as_str()).collect();
    assert_eq!(commands, ["enqueue", "offer", "expire_offer"]);
    let again = sweep(&store, expires_at + Duration::days(1)).await.expect("sweep");
    assert_eq!((again.due_read, again.applied), (0, 0));
    check_invariants(&store, &pool(2023), &[kid.id]).await;
}

#[tokio::test]
async fn a_lapsed_referral_stop_lists_and_the_place_goes_to_the_next_child() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"sweep-secret");
    let first = enqueue_child(
        &store,
        &parent(1),
        &child((2023, 4, 4), 1),
        Priority::General,
        monday() - Duration::days(3),
    )
    .await;
    let second = enqueue_child(
        &store,
        &parent(2),
        &child((2023, 5, 5), 2),
        Priority::General,
        monday() - Duration::days(2),
    )
    .await;
    let kk = group("tk-001", 2023, "kk");
    change_places(
        &store,
        "tk-001",
        &PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 1 },
        None,
        monday(),
    )
    .await
    .expect("publish");
    let now = monday() + Duration::hours(1);
    let choice = choose(
        &store,
        &parent(1),
        &ChooseInput { application_id: first.id.clone(), group_id: kk },
        now,
    )
    .await
    .expect("choice");
    let signature = SignedChoice {
        signature_base64: verifier.sign_as(&parent(1), choice.signed_text.as_bytes()),
        certificate_base64: None,
    };
    let signed = sign(
        &store,
        &verifier,
        &parent(1),
        &SignInput { nonce: choice.nonce, signature, expected_version: None },
        None,
        now,
    )
    .await
    .expect("signed");
    let valid_until = signed.referral.valid_until_at;

    let report = sweep(&store, valid_until).await.expect("sweep");
    assert_eq!((report.applied, report.offers), (1, 1));
    let lapsed = app(&store, &first.id).await;
    assert_eq!((lapsed.state.as_str(), lapsed.application.lapses), ("stop_listed", 1));
    assert_eq!(app(&store, &second.id).await.state, "offered");
    let kinds: Vec<NoticeKind> = outbox(&store).await.into_iter().map(|n| n.notice.kind).collect();
    assert!(kinds.iter().any(|k| matches!(k, NoticeKind::ReferralLapsed { .. })), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| matches!(k, NoticeKind::TurnCame { .. })).count(), 2);
    check_invariants(&store, &pool(2023), &[first.id, second.id]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_sweeps_at_once_over_many_due_items_apply_each_deadline_once() {
    let store = store_with_demo().await;
    let mut ids = Vec::new();
    for n in 0..8u16 {
        let kid = enqueue_child(
            &store,
            &parent(n),
            &child((2023, 1, 1 + u32::from(n)), n),
            Priority::General,
            monday() - Duration::days(3),
        )
        .await;
        ids.push(kid.id);
    }
    let (kk, ru) = (group("tk-001", 2023, "kk"), group("tk-002", 2023, "ru"));
    change_places(
        &store,
        "tk-001",
        &PlacesInput { action: PlacesAction::Publish, group_id: kk, count: 5 },
        None,
        monday(),
    )
    .await
    .expect("publish");
    change_places(
        &store,
        "tk-002",
        &PlacesInput { action: PlacesAction::Publish, group_id: ru, count: 3 },
        None,
        monday(),
    )
    .await
    .expect("publish");
    let ApplicationState::Offered { expires_at, .. } = app(&store, &ids[0]).await.application.state
    else {
        panic!("offered")
    };

    let (a, b) = tokio::join!(sweep(&store, expires_at), sweep(&store, expires_at));
    let (a, b) = (a.expect("sweep a"), b.expect("sweep b"));
    assert_eq!(a.applied + b.applied, 8, "{a:?} {b:?}");
    assert_eq!(
        store.load_pool(&pool(2023)).await.expect("pool").pool.counters,
        PlaceCounters { unreserved: 0, offered: 0, free_choice: 8 }
    );
    for id in &ids {
        let after = app(&store, id).await;
        assert_eq!((after.state.as_str(), after.version), ("queued", 3));
        let history: Vec<AuditItem> =
            store.query_prefix(&keys::application_pk(id), keys::AUDIT_PREFIX).await.expect("audit");
        let commands: Vec<&str> = history.iter().map(|h| h.event.command.as_str()).collect();
        assert_eq!(commands, ["enqueue", "offer", "expire_offer"]);
    }
    check_invariants(&store, &pool(2023), &ids).await;
}
