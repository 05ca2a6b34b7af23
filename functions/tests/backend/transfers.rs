//! Issue 15 item 2 against DynamoDB Local: transfers between kindergartens. An enrolled
//! child's transfer waits while a new child of the pool is offered the place (new children
//! first), is offered the next one, and signing it writes the new referral and releases the
//! old place in one transaction (counters and the replayed log checked); the race for the
//! last place; the staff's lines of the move in both kindergartens; withdrawal; expiry by the sweep; bad requests refused with stable codes,
//! nothing written.

use chrono::Duration;
use kezek_functions::commands::actions::{enrol, ActionInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::referrals::{staff_referrals, staff_transfers};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::commands::transfer::{
    choose_transfer, request_transfer, sign_transfer, withdraw_transfer, TransferChooseInput,
    TransferInput, TransferSignInput,
};
use kezek_functions::rules::application::{
    Application, ApplicationId, ApplicationState, KindergartenId, NoticeKind, Priority,
    TransferState,
};
use kezek_functions::rules::places::{GroupId, PlaceCounters};
use kezek_functions::signature::HmacTestVerifier;
use kezek_functions::store::moves::{MoveListing, MoveSide};
use kezek_functions::store::Store;

use crate::support::{child, monday, parent, sign_choice, signed, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, outbox, pool};

fn publish(group_id: GroupId, count: u32) -> PlacesInput {
    PlacesInput { action: PlacesAction::Publish, group_id, count }
}

fn kk() -> GroupId {
    group("tk-001", 2023, "kk")
}

fn ru2() -> GroupId {
    group("tk-002", 2023, "ru")
}

fn kindergartens(names: &[&str]) -> TransferInput {
    TransferInput { kindergartens: names.iter().map(|n| KindergartenId((*n).into())).collect() }
}

async fn enrolled_child(store: &Store, verifier: &HmacTestVerifier) -> Application {
    let t0 = monday() - Duration::days(30);
    let a = enqueue_child(store, &parent(1), &child((2023, 1, 5), 1), Priority::General, t0).await;
    change_places(store, "tk-001", &publish(kk(), 1), None, monday()).await.expect("published");
    sign_choice(store, verifier, &parent(1), &a.id, &kk()).await.expect("signed");
    enrol(store, "tk-001", &a.id, &ActionInput { expected_version: None }, None, monday())
        .await
        .expect("enrolled");
    let item = app(store, &a.id).await;
    assert_eq!(item.state, "enrolled");
    item.application
}

async fn counters(store: &Store) -> PlaceCounters {
    store.load_pool(&pool(2023)).await.expect("pool").pool.counters
}

async fn free_of(store: &Store, group_id: &GroupId) -> u32 {
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    view.group(group_id).map(|g| g.free).expect("group")
}

fn held_group(application: &Application) -> Option<GroupId> {
    match &application.state {
        ApplicationState::Enrolled { referral, .. } | ApplicationState::Referred { referral } => {
            Some(referral.group_id.clone())
        }
        _ => None,
    }
}

async fn transfer_state(store: &Store, id: &ApplicationId) -> &'static str {
    store.transfer(id).await.expect("read").expect("a request").request.state.name()
}

/// Signs the transfer offer of `id` into `group_id` through choose and sign.
async fn sign_move(
    store: &Store,
    verifier: &HmacTestVerifier,
    id: &ApplicationId,
    group_id: &GroupId,
) -> kezek_functions::error::Result<()> {
    let input = TransferChooseInput { group_id: group_id.clone() };
    let choice = choose_transfer(store, &parent(1), id, &input, monday()).await?;
    let input = TransferSignInput {
        group_id: group_id.clone(),
        signature: signed(verifier, &parent(1), &choice.signed_text),
    };
    sign_transfer(store, verifier, &parent(1), id, &input, None, monday()).await.map(|_| ())
}

#[tokio::test]
async fn a_signed_transfer_moves_the_child_and_releases_the_old_place() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    let b = enqueue_child(
        &store,
        &parent(2),
        &child((2023, 2, 5), 2),
        Priority::General,
        monday() - Duration::days(20),
    )
    .await;
    let requested =
        request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
            .await
            .expect("requested");
    assert_eq!(requested.state, TransferState::Waiting);
    assert_eq!(requested.current_group, kk());

    // New children first: the place goes to the waiting new child b.
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    assert_eq!(app(&store, &b.id).await.state, "offered");
    assert_eq!(transfer_state(&store, &a.id).await, "waiting");
    // The next place: nobody new waits for it, the transfer is offered it.
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    assert_eq!(transfer_state(&store, &a.id).await, "offered");
    assert_eq!(counters(&store).await, PlaceCounters { unreserved: 0, offered: 2, free_choice: 0 });

    // A group of a kindergarten not asked for is refused, nothing written.
    let other = TransferChooseInput { group_id: group("tk-001", 2023, "ru") };
    let refused =
        choose_transfer(&store, &parent(1), &a.id, &other, monday()).await.expect_err("not asked");
    assert_eq!((refused.code(), refused.status()), ("transfer_group_not_requested", 400));

    sign_move(&store, &verifier, &a.id, &ru2()).await.expect("moved");
    let moved = app(&store, &a.id).await;
    assert_eq!(moved.state, "enrolled");
    assert_eq!(held_group(&moved.application), Some(ru2()));
    assert_eq!(transfer_state(&store, &a.id).await, "done");
    // New place taken (2 published − 1), old place released (U + 1), b's offer still open.
    assert_eq!(free_of(&store, &ru2()).await, 1);
    assert_eq!(free_of(&store, &kk()).await, 1);
    assert_eq!(counters(&store).await, PlaceCounters { unreserved: 1, offered: 1, free_choice: 0 });
    // The staff's side: tk-002 sees the child arrived with its new referral, tk-001 sees it
    // left with the group whose place was released; nobody else sees a line.
    let arrived = staff_transfers(&store, "tk-002").await.expect("tk-002's lines");
    assert!(!arrived.truncated);
    let [line] = arrived.transfers.as_slice() else { panic!("one line: {arrived:?}") };
    assert_eq!(line.side, MoveSide::Arrived);
    assert_eq!(
        (&line.application_id, line.child_iin.as_str()),
        (&a.id, moved.application.child_iin.as_str())
    );
    assert_eq!(
        (line.from.group_id.as_str(), line.to.group_id.as_str()),
        (kk().0.as_str(), ru2().0.as_str())
    );
    assert_eq!(
        (line.from.kindergarten_id.as_str(), line.to.kindergarten_id.as_str()),
        ("tk-001", "tk-002")
    );
    assert_eq!(Some(&line.referral_number), moved.documents.as_ref().and_then(|d| d.last()));
    assert_eq!(line.signed_at, monday());
    let left = staff_transfers(&store, "tk-001").await.expect("tk-001's lines");
    let [gone] = left.transfers.as_slice() else { panic!("one line: {left:?}") };
    assert_eq!(gone.side, MoveSide::Left);
    assert_eq!(
        MoveListing { side: MoveSide::Arrived, ..gone.clone() },
        *line,
        "one move, two sides"
    );
    assert!(staff_transfers(&store, "tk-003").await.expect("read").transfers.is_empty());
    // The new kindergarten has no referral waiting for the child: it came enrolled.
    let waiting = staff_referrals(&store, "tk-002", monday()).await.expect("referrals");
    assert!(waiting.referrals.iter().all(|r| r.application_id != a.id));
    // Signing again is refused: the offer is gone.
    let again = sign_move(&store, &verifier, &a.id, &ru2()).await.expect_err("done");
    assert_eq!(again.code(), "transfer_not_offered");
    let kinds: Vec<NoticeKind> = outbox(&store)
        .await
        .into_iter()
        .filter(|n| n.notice.application_id == a.id)
        .map(|n| n.notice.kind)
        .collect();
    assert!(kinds.iter().any(|k| matches!(k, NoticeKind::TransferOffered { .. })), "{kinds:?}");
    assert!(kinds.contains(&NoticeKind::TransferDone { group_id: ru2() }), "{kinds:?}");
    // §1.5 and the pool's log replays clean through the rules.
    check_invariants(&store, &pool(2023), &[a.id.clone(), b.id.clone()]).await;
}

#[tokio::test]
async fn the_last_place_taken_meanwhile_refuses_the_transfer_and_keeps_the_old_place() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
        .await
        .expect("requested");
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    assert_eq!(transfer_state(&store, &a.id).await, "offered");
    // The transfer's applicant has the bytes to sign; meanwhile a new child, offered a place
    // published in tk-001, chooses tk-002's last free place.
    let input = TransferChooseInput { group_id: ru2() };
    let choice =
        choose_transfer(&store, &parent(1), &a.id, &input, monday()).await.expect("choice");
    let c = enqueue_child(&store, &parent(3), &child((2023, 3, 5), 3), Priority::General, monday())
        .await;
    change_places(&store, "tk-001", &publish(group("tk-001", 2023, "ru"), 1), None, monday())
        .await
        .expect("published");
    assert_eq!(app(&store, &c.id).await.state, "offered");
    sign_choice(&store, &verifier, &parent(3), &c.id, &ru2()).await.expect("c took the place");
    let before = store.load_pool(&pool(2023)).await.expect("pool");
    let item_before = app(&store, &a.id).await;
    let input = TransferSignInput {
        group_id: ru2(),
        signature: signed(&verifier, &parent(1), &choice.signed_text),
    };
    let refused = sign_transfer(&store, &verifier, &parent(1), &a.id, &input, None, monday())
        .await
        .expect_err("the place is gone");
    assert_eq!((refused.code(), refused.status()), ("transfer_place_taken", 409));
    let after = store.load_pool(&pool(2023)).await.expect("pool");
    assert_eq!(after.pool, before.pool, "counters and groups unchanged");
    assert_eq!(after.log_size, before.log_size, "nothing logged");
    assert_eq!(app(&store, &a.id).await, item_before, "the child keeps its place");
    assert_eq!(transfer_state(&store, &a.id).await, "offered");
    for kindergarten in ["tk-001", "tk-002"] {
        let lines = staff_transfers(&store, kindergarten).await.expect("read");
        assert!(lines.transfers.is_empty(), "no move line for a refused transfer: {lines:?}");
    }
    check_invariants(&store, &pool(2023), &[a.id.clone(), c.id.clone()]).await;
}

/// Both at once for one last place: exactly one wins; the loser of the transfer side keeps
/// its old place; never both places, never none.
#[tokio::test]
async fn a_transfer_and_a_new_child_racing_for_the_last_place() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
        .await
        .expect("requested");
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    let c = enqueue_child(&store, &parent(3), &child((2023, 3, 5), 3), Priority::General, monday())
        .await;
    change_places(&store, "tk-001", &publish(group("tk-001", 2023, "ru"), 1), None, monday())
        .await
        .expect("published");
    let (target, third) = (ru2(), parent(3));
    let (moved, taken) = tokio::join!(
        sign_move(&store, &verifier, &a.id, &target),
        sign_choice(&store, &verifier, &third, &c.id, &target),
    );
    let a_now = app(&store, &a.id).await;
    match (&moved, &taken) {
        (Ok(()), Err(error)) => {
            assert_eq!(error.code(), "group_full");
            assert_eq!(held_group(&a_now.application), Some(ru2()));
        }
        (Err(error), Ok(())) => {
            assert_eq!(error.code(), "transfer_place_taken");
            assert_eq!(held_group(&a_now.application), Some(kk()), "the old place is kept");
        }
        other => panic!("exactly one gets the last place: {other:?}"),
    }
    assert_eq!(free_of(&store, &ru2()).await, 0);
    check_invariants(&store, &pool(2023), &[a.id.clone(), c.id.clone()]).await;
}

#[tokio::test]
async fn withdrawal_and_expiry_give_the_offered_place_back() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
        .await
        .expect("requested");
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    assert_eq!(counters(&store).await, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
    let withdrawn =
        withdraw_transfer(&store, &parent(1), &a.id, None, monday()).await.expect("withdrawn");
    assert_eq!(withdrawn.state.name(), "withdrawn");
    assert_eq!(counters(&store).await, PlaceCounters { unreserved: 1, offered: 0, free_choice: 0 });
    let again =
        withdraw_transfer(&store, &parent(1), &a.id, None, monday()).await.expect_err("final");
    assert_eq!((again.code(), again.status()), ("transfer_not_open", 409));

    // A new request is offered the free place at the next turn (the sweep's engine run)...
    request_transfer(
        &store,
        &parent(1),
        &a.id,
        &kindergartens(&["tk-002", "tk-001"]),
        None,
        monday(),
    )
    .await
    .expect_err("tk-001 is the current kindergarten");
    request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
        .await
        .expect("requested again");
    sweep(&store, monday()).await.expect("swept");
    assert_eq!(transfer_state(&store, &a.id).await, "offered");
    // ... and expires unsigned after the offer window (3 working days): the place goes back,
    // the child keeps its place in tk-001.
    let report = sweep(&store, monday() + Duration::days(7)).await.expect("swept");
    assert!(report.applied >= 1);
    assert_eq!(transfer_state(&store, &a.id).await, "expired");
    assert_eq!(counters(&store).await, PlaceCounters { unreserved: 1, offered: 0, free_choice: 0 });
    assert_eq!(held_group(&app(&store, &a.id).await.application), Some(kk()));
    assert!(outbox(&store)
        .await
        .iter()
        .any(|n| n.notice.application_id == a.id && n.notice.kind == NoticeKind::TransferExpired));
    check_invariants(&store, &pool(2023), std::slice::from_ref(&a.id)).await;
}

#[tokio::test]
async fn bad_transfer_requests_are_refused_with_stable_codes_and_change_nothing() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    let b = enqueue_child(&store, &parent(2), &child((2023, 2, 5), 2), Priority::General, monday())
        .await;
    let log_before = store.load_pool(&pool(2023)).await.expect("pool").log_size;
    let cases: [(&str, &ApplicationId, &[&str], &str, u16); 6] = [
        (
            &parent(1),
            &a.id,
            &["tk-002", "ks-001", "x-1", "x-2"],
            "transfer_choices_out_of_range",
            400,
        ),
        (&parent(1), &a.id, &[], "transfer_choices_out_of_range", 400),
        (&parent(1), &a.id, &["tk-002", "tk-002"], "transfer_duplicate_kindergarten", 400),
        (&parent(1), &a.id, &["ks-001"], "transfer_kindergarten_not_in_region", 400),
        (&parent(1), &a.id, &["tk-001"], "transfer_current_kindergarten", 400),
        (&parent(2), &b.id, &["tk-002"], "transfer_not_enrolled", 409),
    ];
    for (applicant, id, names, code, status) in cases {
        let error = request_transfer(&store, applicant, id, &kindergartens(names), None, monday())
            .await
            .expect_err(code);
        assert_eq!((error.code(), error.status()), (code, status), "{names:?}");
    }
    let foreign =
        request_transfer(&store, &parent(2), &a.id, &kindergartens(&["tk-002"]), None, monday())
            .await
            .expect_err("not theirs");
    assert_eq!(foreign.code(), "forbidden");
    assert!(store.transfer(&a.id).await.expect("read").is_none());
    assert!(store.transfer(&b.id).await.expect("read").is_none());
    assert_eq!(store.load_pool(&pool(2023)).await.expect("pool").log_size, log_before);
    // One open request at a time.
    request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
        .await
        .expect("requested");
    let second =
        request_transfer(&store, &parent(1), &a.id, &kindergartens(&["tk-002"]), None, monday())
            .await
            .expect_err("open already");
    assert_eq!((second.code(), second.status()), ("transfer_open", 409));
    check_invariants(&store, &pool(2023), &[a.id.clone(), b.id.clone()]).await;
}

/// A phone that lost the answer posts again with the same idempotency key: it gets the first
/// result back, and nothing is written twice (one log entry, one document, one line for
/// each kindergarten); the key used for another request is refused.
#[tokio::test]
async fn transfer_posts_repeated_with_their_idempotency_key_answer_the_first_result() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let a = enrolled_child(&store, &verifier).await;
    let (asked, applicant) = (kindergartens(&["tk-002"]), parent(1));
    let request = |key| request_transfer(&store, &applicant, &a.id, &asked, Some(key), monday());
    let first = request("ask-1").await.expect("requested");
    let log_size = store.load_pool(&pool(2023)).await.expect("pool").log_size;
    assert_eq!(request("ask-1").await.expect("the first answer"), first);
    assert_eq!(store.load_pool(&pool(2023)).await.expect("pool").log_size, log_size);
    assert_eq!(request("ask-2").await.expect_err("open").code(), "transfer_open");
    let other = kindergartens(&["tk-003"]);
    let reused = request_transfer(&store, &applicant, &a.id, &other, Some("ask-1"), monday())
        .await
        .expect_err("another request");
    assert_eq!((reused.code(), reused.status()), ("idempotency_key_reused", 422));

    let withdraw = |key| withdraw_transfer(&store, &applicant, &a.id, Some(key), monday());
    let withdrawn = withdraw("withdraw-1").await.expect("withdrawn");
    assert_eq!(withdraw("withdraw-1").await.expect("the first answer"), withdrawn);
    assert_eq!(transfer_state(&store, &a.id).await, "withdrawn");

    request("ask-3").await.expect("asked again");
    change_places(&store, "tk-002", &publish(ru2(), 1), None, monday()).await.expect("published");
    assert_eq!(transfer_state(&store, &a.id).await, "offered");
    let choice = choose_transfer(
        &store,
        &applicant,
        &a.id,
        &TransferChooseInput { group_id: ru2() },
        monday(),
    )
    .await
    .expect("choice");
    let input = TransferSignInput {
        group_id: ru2(),
        signature: signed(&verifier, &applicant, &choice.signed_text),
    };
    let sign =
        |key| sign_transfer(&store, &verifier, &applicant, &a.id, &input, Some(key), monday());
    let moved = sign("sign-1").await.expect("moved");
    let log_size = store.load_pool(&pool(2023)).await.expect("pool").log_size;
    assert_eq!(sign("sign-1").await.expect("the first answer"), moved);
    assert_eq!(store.load_pool(&pool(2023)).await.expect("pool").log_size, log_size);
    assert_eq!(sign("sign-2").await.expect_err("done").code(), "transfer_not_offered");
    assert_eq!(app(&store, &a.id).await.documents.map(|d| d.len()), Some(2), "one new referral");
    for kindergarten in ["tk-001", "tk-002"] {
        let lines = staff_transfers(&store, kindergarten).await.expect("read");
        assert_eq!(lines.transfers.len(), 1, "{kindergarten}: {lines:?}");
    }
    check_invariants(&store, &pool(2023), std::slice::from_ref(&a.id)).await;
}
