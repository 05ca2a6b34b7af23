use chrono::{Duration, TimeZone, Utc};
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::writes::{self, Logged};
use kezek_functions::commands::RegionRules;
use kezek_functions::rules::application::{ApplicationState, Command, NoticeKind, Priority};
use kezek_functions::rules::places::PlaceCounters;
use kezek_functions::signature::HmacTestVerifier;
use kezek_functions::store::items::DocumentItem;
use kezek_functions::store::{keys, Transaction};

use crate::support::{child, monday, parent, signed, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, outbox, pool};

fn publish(group_id: kezek_functions::rules::places::GroupId, count: u32) -> PlacesInput {
    PlacesInput { action: PlacesAction::Publish, group_id, count }
}

#[tokio::test]
async fn publish_offers_in_rules_order_then_sign_issues_the_referral() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let t0 = monday() - Duration::days(30);
    let g1 =
        enqueue_child(&store, &parent(1), &child((2023, 1, 5), 1), Priority::General, t0).await;
    let g2 = enqueue_child(
        &store,
        &parent(2),
        &child((2023, 2, 5), 2),
        Priority::General,
        t0 + Duration::milliseconds(1),
    )
    .await;
    let p1 = enqueue_child(
        &store,
        &parent(3),
        &child((2023, 3, 5), 3),
        Priority::FirstPriority,
        t0 + Duration::milliseconds(2),
    )
    .await;
    let ids = [g1.id.clone(), g2.id.clone(), p1.id.clone()];
    let kk = group("tk-001", 2023, "kk");

    let foreign = change_places(&store, "tk-002", &publish(kk.clone(), 1), None, monday())
        .await
        .expect_err("not their group");
    assert_eq!(foreign.code(), "forbidden");
    let published =
        change_places(&store, "tk-001", &publish(kk.clone(), 1), Some("pub-1"), monday())
            .await
            .expect("published");
    // §1.4: the first-priority child goes before the general ones registered earlier.
    assert_eq!(published.offered, vec![p1.id.clone()]);
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
    let offered = app(&store, &p1.id).await;
    let expires_at = match offered.application.state {
        ApplicationState::Offered { expires_at, .. } => expires_at,
        other => panic!("expected offered, got {other:?}"),
    };
    // 3 working days after Monday 2 March 2026: 00:00 local on Friday 6 March.
    assert_eq!(expires_at, Utc.with_ymd_and_hms(2026, 3, 5, 19, 0, 0).single().expect("instant"));
    let notices = outbox(&store).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].notice.application_id, p1.id);
    assert_eq!(notices[0].notice.kind, NoticeKind::TurnCame { expires_at });
    assert_eq!(notices[0].applicant_iin, parent(3));
    check_invariants(&store, &pool(2023), &ids).await;

    // R3 and R4 refusals.
    let input = kezek_functions::commands::choose::ChooseInput {
        application_id: p1.id.clone(),
        group_id: kk.clone(),
    };
    assert_eq!(
        choose(&store, &parent(1), &input, monday()).await.expect_err("not theirs").code(),
        "forbidden"
    );
    let early = ChooseInput { application_id: g1.id.clone(), group_id: kk.clone() };
    assert_eq!(
        choose(&store, &parent(1), &early, monday()).await.expect_err("R4").code(),
        "turn_not_come"
    );

    let now = monday() + Duration::hours(2);
    let choice = choose(&store, &parent(3), &input, now).await.expect("choice");
    assert!(
        choice.signed_text.contains(&format!("nonce: {}", choice.nonce))
            && choice.signed_text.contains(&parent(3))
    );
    let forged = SignInput {
        nonce: choice.nonce.clone(),
        signature: signed(&verifier, &parent(1), &choice.signed_text),
        expected_version: None,
    };
    assert_eq!(
        sign(&store, &verifier, &parent(3), &forged, None, now)
            .await
            .expect_err("wrong signer")
            .code(),
        "signature_invalid"
    );
    let altered = SignInput {
        signature: signed(&verifier, &parent(3), &choice.signed_text.replace("kk", "ru")),
        ..forged.clone()
    };
    assert_eq!(
        sign(&store, &verifier, &parent(3), &altered, None, now)
            .await
            .expect_err("other bytes")
            .code(),
        "signature_invalid"
    );
    let good = SignInput {
        signature: signed(&verifier, &parent(3), &choice.signed_text),
        ..forged.clone()
    };
    let stale = SignInput { expected_version: Some(1), ..good.clone() };
    let conflict = sign(&store, &verifier, &parent(3), &stale, None, now).await.expect_err("stale");
    assert_eq!((conflict.code(), conflict.status()), ("version_conflict", 409));
    assert_eq!(app(&store, &p1.id).await.version, 2, "refusals write nothing");

    let current = SignInput { expected_version: Some(2), ..good.clone() };
    let done =
        sign(&store, &verifier, &parent(3), &current, Some("sign-1"), now).await.expect("signed");
    assert_eq!(done.application.state.name().as_str(), "referred");
    assert_eq!(done.referral.group_id, kk);
    assert_eq!(done.referral.language, "kk");
    assert_eq!(done.referral.evidence.signed_text, choice.signed_text);
    let replay =
        sign(&store, &verifier, &parent(3), &current, Some("sign-1"), now).await.expect("replayed");
    assert_eq!(replay, done);
    assert_eq!(
        sign(&store, &verifier, &parent(3), &current, Some("sign-2"), now)
            .await
            .expect_err("one-time")
            .code(),
        "nonce_used"
    );

    let documents: Vec<DocumentItem> = store
        .query_prefix(&keys::application_pk(&p1.id), keys::DOC_PREFIX)
        .await
        .expect("documents");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].referral, done.referral);
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters { unreserved: 0, offered: 0, free_choice: 0 });
    assert_eq!(view.group(&kk).map(|g| g.free), Some(0));
    let kinds: Vec<String> =
        outbox(&store).await.iter().map(|n| format!("{:?}", n.notice.kind)).collect();
    assert_eq!(kinds.len(), 2);
    assert!(kinds.iter().any(|k| k.starts_with("ReferralIssued")), "{kinds:?}");
    check_invariants(&store, &pool(2023), &ids).await;
}

#[tokio::test]
async fn too_young_children_are_skipped_and_keep_their_position() {
    let store = store_with_demo().await;
    let t0 = monday() - Duration::days(10);
    let young =
        enqueue_child(&store, &parent(1), &child((2024, 11, 1), 1), Priority::General, t0).await;
    let old = enqueue_child(
        &store,
        &parent(2),
        &child((2024, 1, 10), 2),
        Priority::General,
        t0 + Duration::seconds(1),
    )
    .await;
    let published =
        change_places(&store, "tk-002", &publish(group("tk-002", 2024, "ru"), 2), None, monday())
            .await
            .expect("published");
    assert_eq!(published.offered, vec![old.id.clone()]);
    assert_eq!(app(&store, &young.id).await.state, "queued");
    let view = store.load_pool(&pool(2024)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters { unreserved: 1, offered: 1, free_choice: 0 });
    // Only unreserved places can be withdrawn (R14).
    let withdraw = |count| PlacesInput {
        action: PlacesAction::Withdraw,
        group_id: group("tk-002", 2024, "ru"),
        count,
    };
    let refused = change_places(&store, "tk-002", &withdraw(2), None, monday())
        .await
        .expect_err("one is reserved");
    assert_eq!(refused.code(), "not_enough_unreserved_places");
    change_places(&store, "tk-002", &withdraw(1), None, monday()).await.expect("withdrawn");
    check_invariants(&store, &pool(2024), &[young.id, old.id]).await;
}

#[tokio::test]
async fn a_transition_from_a_stale_read_writes_nothing() {
    let store = store_with_demo().await;
    let kid = enqueue_child(
        &store,
        &parent(1),
        &child((2023, 4, 4), 1),
        Priority::General,
        monday() - Duration::days(3),
    )
    .await;
    let (kk, ru) = (group("tk-001", 2023, "kk"), group("tk-001", 2023, "ru"));
    change_places(&store, "tk-001", &publish(kk.clone(), 1), None, monday()).await.expect("kk");
    change_places(&store, "tk-001", &publish(ru.clone(), 1), None, monday()).await.expect("ru");
    let snapshot = app(&store, &kid.id).await;
    assert_eq!(snapshot.state, "offered");
    let rules = RegionRules::load(&store, crate::support::REGION, monday()).await.expect("region");
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    let into = |group_id| {
        snapshot
            .application
            .apply(&Command::Sign { group_id }, &view.pool, &rules.context())
            .expect("allowed")
    };
    let (first, second) = (into(kk.clone()), into(ru.clone()));
    let (sign_kk, sign_ru) =
        (Command::Sign { group_id: kk }, Command::Sign { group_id: ru.clone() });
    let mut transaction = Transaction::logged(view.log());
    let logged = Logged::new(&sign_kk, &rules.policy);
    writes::transition(&mut transaction, store.table(), &snapshot, &first, logged, "test")
        .expect("items");
    store.commit(transaction).await.expect("first wins");
    let before = (store.load_pool(&pool(2023)).await.expect("pool"), outbox(&store).await.len());

    let mut transaction = Transaction::logged(view.log());
    let logged = Logged::new(&sign_ru, &rules.policy);
    writes::transition(&mut transaction, store.table(), &snapshot, &second, logged, "test")
        .expect("items");
    let error = store.commit(transaction).await.expect_err("stale");
    assert_eq!((error.code(), error.status()), ("version_conflict", 409));
    let after = store.load_pool(&pool(2023)).await.expect("pool");
    assert_eq!(after.pool, before.0.pool, "no counter moved");
    assert_eq!(after.group(&ru).map(|g| g.free), Some(1));
    assert_eq!(outbox(&store).await.len(), before.1, "no notice of a failed change");
    assert_eq!(app(&store, &kid.id).await.application, first.application);
    check_invariants(&store, &pool(2023), &[kid.id]).await;
}
