//! `choose` = 1 read + 1 transaction (issue 11 item 3) against DynamoDB Local: once the
//! process knows the group's pool, a choice is one BatchGetItem (application, region, pool
//! counters, chosen group: 4 items) and one transaction; the first choice of a group reads
//! the application first (2 reads). The refusals stay the precise ones: a full group is
//! `group_full` while another group of the pool has a place (the whole pool is read then),
//! a repeated idempotency key gets its first result from the one read (the key's record is
//! read in the batch and written in the transaction), a key reused for another request is
//! `idempotency_key_reused`,
//! a group of another pool is `group_not_in_pool` even when this process remembers that
//! group's pool, a stranger is `forbidden`. Both choices then sign on their stored basis and
//! the pool's invariants hold.

use kezek_functions::commands::choose::{choose, choose_once, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::rules::application::{ApplicationId, Priority};
use kezek_functions::rules::places::GroupId;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::meter::Usage;
use kezek_functions::store::Store;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{check_invariants, enqueue_child, group, pool};

fn publish(group_id: GroupId, count: u32) -> PlacesInput {
    PlacesInput { action: PlacesAction::Publish, group_id, count }
}

/// `choose` of `group` for `id` by `applicant`, and what it cost the store.
async fn measured(
    store: &Store,
    applicant: &str,
    id: &ApplicationId,
    group: &GroupId,
) -> (kezek_functions::error::Result<kezek_functions::commands::choose::ChooseOutput>, Usage) {
    let input = ChooseInput { application_id: id.clone(), group_id: group.clone() };
    let before = store.usage();
    let answer = choose(store, applicant, &input, monday()).await;
    (answer, store.usage().since(before))
}

#[tokio::test]
async fn choose_reads_once_and_writes_once_with_the_precise_refusals() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"test-secret");
    let early = monday() - chrono::Duration::days(30);
    let mut ids = Vec::new();
    for n in 1..=3u16 {
        let at = early + chrono::Duration::milliseconds(i64::from(n));
        let born = child((2023, 1 + u32::from(n), 5), n);
        ids.push(enqueue_child(&store, &parent(n), &born, Priority::General, at).await.id);
    }
    let older =
        enqueue_child(&store, &parent(4), &child((2022, 3, 5), 4), Priority::General, early)
            .await
            .id;
    let (kk, ru, kk_2022) =
        (group("tk-001", 2023, "kk"), group("tk-001", 2023, "ru"), group("tk-001", 2022, "kk"));
    change_places(&store, "tk-001", &publish(kk.clone(), 2), None, monday()).await.expect("kk");
    change_places(&store, "tk-001", &publish(kk_2022.clone(), 1), None, monday())
        .await
        .expect("22");

    // The first choice of the 2022 group in this process: the application, then the batch.
    let (answer, usage) = measured(&store, &parent(4), &older, &kk_2022).await;
    answer.expect("2022 choice");
    assert_eq!((usage.round_trips, usage.items_read), (3, 4), "first choice of a group: {usage:?}");

    // The first choice of kk, then the second: one BatchGetItem of 4 items + one transaction.
    let (first, usage) = measured(&store, &parent(1), &ids[0], &kk).await;
    let first = first.expect("first choice");
    assert_eq!((usage.round_trips, usage.items_read), (3, 4), "first choice of kk: {usage:?}");
    let (second, usage) = measured(&store, &parent(2), &ids[1], &kk).await;
    second.expect("second choice");
    assert_eq!(usage.round_trips, 2, "1 read + 1 transaction: {usage:?}");
    assert_eq!(usage.items_read, 4, "application, region, pool, group: {usage:?}");

    // As the HTTP route runs it, with its idempotency key: still 1 read + 1 transaction.
    let input = ChooseInput { application_id: ids[1].clone(), group_id: kk.clone() };
    let before = store.usage();
    let second = choose_once(&store, &parent(2), &input, "choose-1", monday()).await;
    let second = second.expect("choice with a key");
    let usage = store.usage().since(before);
    assert_eq!(usage.round_trips, 2, "with the key's record in both: {usage:?}");
    let before = store.usage();
    let repeat = choose_once(&store, &parent(2), &input, "choose-1", monday()).await;
    assert_eq!(repeat.expect("replayed"), second, "the first result");
    let usage = store.usage().since(before);
    assert_eq!((usage.round_trips, usage.items_read), (1, 5), "answered from the read: {usage:?}");
    let other = ChooseInput { group_id: ru.clone(), ..input.clone() };
    let reused = choose_once(&store, &parent(2), &other, "choose-1", monday()).await;
    assert_eq!(reused.expect_err("another request").code(), "idempotency_key_reused");

    // R3 on the one-read path; a group of another pool this process knows the pool of.
    let (stranger, usage) = measured(&store, &parent(3), &ids[0], &kk).await;
    assert_eq!(stranger.expect_err("not theirs").code(), "forbidden");
    assert_eq!(usage.round_trips, 1, "refused on the one read: {usage:?}");
    let (other_pool, _) = measured(&store, &parent(1), &ids[0], &kk_2022).await;
    assert_eq!(other_pool.expect_err("2022 group").code(), "group_not_in_pool");

    // Both sign on the basis choose stored; kk is then full.
    for (n, choice) in [(1u16, &first), (2, &second)] {
        let input = SignInput {
            nonce: choice.nonce.clone(),
            signature: SignedChoice {
                signature_base64: verifier.sign_as(&parent(n), choice.signed_text.as_bytes()),
                certificate_base64: None,
            },
            expected_version: None,
        };
        let before = store.usage();
        let done = sign(&store, &verifier, &parent(n), &input, None, monday()).await.expect("sign");
        assert_eq!(done.application.state.name().as_str(), "referred");
        let usage = store.usage().since(before);
        // The first signs on the basis alone (the nonce's Query, the transaction); the
        // second finds the pool's log moved by the first and reads the pool once more.
        let expected = if n == 1 { 2 } else { 4 };
        assert_eq!(usage.round_trips, expected, "sign on the stored basis: {usage:?}");
    }
    // The third child is offered a place in ru; kk has none left: the precise refusal.
    change_places(&store, "tk-001", &publish(ru.clone(), 1), None, monday()).await.expect("ru");
    let (full, usage) = measured(&store, &parent(3), &ids[2], &kk).await;
    assert_eq!(full.expect_err("kk is full").code(), "group_full");
    assert_eq!(usage.round_trips, 2, "one batch, then the pool partition: {usage:?}");
    let (answer, _) = measured(&store, &parent(3), &ids[2], &ru).await;
    answer.expect("ru has the place");
    check_invariants(&store, &pool(2023), &ids).await;
    check_invariants(&store, &pool(2022), &[older]).await;
}
