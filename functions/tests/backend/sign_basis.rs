//! Sign on the basis `choose` stored with the nonce: one read and one transaction; when the
//! basis no longer holds, the transaction's conditions refuse it and sign reads afresh.

use chrono::Duration;
use kezek_functions::commands::actions::{name_second_parent, SecondParentInput};
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, sign_application, SignInput};
use kezek_functions::rules::application::Priority;
use kezek_functions::rules::places::PlaceCounters;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::items::{AuditItem, DocumentItem, NonceItem};
use kezek_functions::store::keys;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, pool};

fn input(verifier: &HmacTestVerifier, iin: &str, nonce: &str, text: &str) -> SignInput {
    SignInput {
        nonce: nonce.to_owned(),
        signature: SignedChoice {
            signature_base64: verifier.sign_as(iin, text.as_bytes()),
            certificate_base64: None,
        },
        expected_version: None,
    }
}

#[tokio::test]
async fn sign_takes_one_read_and_one_transaction() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"basis-secret");
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
        &ChooseInput { application_id: kid.id.clone(), group_id: kk.clone() },
        now,
    )
    .await
    .expect("choice");

    let before = store.usage();
    let signed = sign(
        &store,
        &verifier,
        &parent(1),
        &input(&verifier, &parent(1), &choice.nonce, &choice.signed_text),
        Some("s-1"),
        now,
    )
    .await
    .expect("signed");
    let usage = store.usage().since(before);
    assert_eq!(
        usage.round_trips, 2,
        "one Query of the nonce partition and one transaction: {usage:?}"
    );

    let stored = app(&store, &kid.id).await;
    assert_eq!((stored.state.as_str(), stored.version), ("referred", 3));
    assert_eq!(signed.application, stored.application);
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters::default());
    assert_eq!(view.group(&kk).map(|g| g.free), Some(0));
    let documents: Vec<DocumentItem> =
        store.query_prefix(&keys::application_pk(&kid.id), keys::DOC_PREFIX).await.expect("docs");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0].referral.kindergarten_id, "tk-001");
    let nonce: NonceItem =
        store.get(&keys::choice_nonce(&choice.nonce)).await.expect("read").expect("nonce");
    assert!(nonce.used_at.is_some());
    check_invariants(&store, &pool(2023), &[kid.id]).await;
}

#[tokio::test]
async fn a_basis_that_no_longer_holds_is_refused_by_the_version_and_signed_on_fresh_reads() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"basis-secret");
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
        &ChooseInput { application_id: kid.id.clone(), group_id: kk.clone() },
        now,
    )
    .await
    .expect("choice");
    // After the choice, the application takes a new version (R3: the second parent is named).
    name_second_parent(
        &store,
        &parent(1),
        &kid.id,
        &SecondParentInput { second_parent_iin: parent(2) },
        None,
        now,
    )
    .await
    .expect("named");
    assert_eq!(app(&store, &kid.id).await.version, 3);

    let before = store.usage();
    let signed = sign(
        &store,
        &verifier,
        &parent(1),
        &input(&verifier, &parent(1), &choice.nonce, &choice.signed_text),
        None,
        now,
    )
    .await
    .expect("signed");
    assert!(
        store.usage().since(before).round_trips > 2,
        "the stale basis was refused and read again"
    );
    let stored = app(&store, &kid.id).await;
    assert_eq!(
        (stored.state.as_str(), stored.version, stored.second_parent_iin.as_deref()),
        ("referred", 4, Some(parent(2).as_str()))
    );
    assert_eq!(signed.application.version, 4);
    let history: Vec<AuditItem> = store
        .query_prefix(&keys::application_pk(&kid.id), keys::AUDIT_PREFIX)
        .await
        .expect("audit");
    let commands: Vec<&str> = history.iter().map(|h| h.event.command.as_str()).collect();
    assert_eq!(commands, ["enqueue", "offer", "name_second_parent", "sign"]);
    // The nonce is spent: a second sign is refused.
    let again = sign(
        &store,
        &verifier,
        &parent(1),
        &input(&verifier, &parent(1), &choice.nonce, &choice.signed_text),
        None,
        now,
    )
    .await;
    assert_eq!(again.expect_err("used").code(), "nonce_used");
    check_invariants(&store, &pool(2023), &[kid.id]).await;
}

#[tokio::test]
async fn a_nonce_signed_under_another_application_writes_nothing() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"basis-secret");
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
        &parent(1),
        &child((2023, 5, 5), 2),
        Priority::General,
        monday() - Duration::days(2),
    )
    .await;
    let kk = group("tk-001", 2023, "kk");
    change_places(
        &store,
        "tk-001",
        &PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 2 },
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
    let signature = input(&verifier, &parent(1), &choice.nonce, &choice.signed_text);
    let refused =
        sign_application(&store, &verifier, &parent(1), &second.id, &signature, Some("k"), now)
            .await
            .expect_err("mismatch");
    assert_eq!((refused.code(), refused.status()), ("nonce_application_mismatch", 409));
    assert_eq!(
        (app(&store, &first.id).await.state, app(&store, &second.id).await.state),
        ("offered".to_owned(), "offered".to_owned())
    );
    let nonce: NonceItem =
        store.get(&keys::choice_nonce(&choice.nonce)).await.expect("read").expect("nonce");
    assert!(nonce.used_at.is_none());
    let signed =
        sign_application(&store, &verifier, &parent(1), &first.id, &signature, Some("k"), now)
            .await
            .expect("the right path");
    assert_eq!(signed.application.id, first.id);
}
