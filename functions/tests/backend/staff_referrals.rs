//! GET /staff/referrals by kindergarten (R13): one Query of the kindergarten's partition,
//! whose listings are written, rewritten and deleted in the transactions that issue, extend,
//! enrol and cancel the referral. A cancelled referral puts the child back in the queue's
//! tally (its position is shown again) and keeps its document.

use chrono::Duration;
use kezek_functions::commands::actions::{cancel, enrol, extend, ActionInput, ExtendInput};
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::journal::details;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::referrals::staff_referrals;
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::rules::application::{ApplicationState, Priority};
use kezek_functions::rules::queue::QueuePosition;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, enqueue_child, group};

#[tokio::test]
async fn staff_see_their_kindergartens_referrals_from_one_query_kept_with_each_change() {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"staff-referrals");
    let t0 = monday() - Duration::days(30);
    let mut kids = Vec::new();
    for n in 0..3u16 {
        let registered = t0 + Duration::minutes(i64::from(n));
        let kid = enqueue_child(
            &store,
            &parent(n),
            &child((2023, 4, 1 + u32::from(n)), n),
            Priority::General,
            registered,
        )
        .await;
        kids.push(kid);
    }
    let kk = group("tk-001", 2023, "kk");
    let publish = PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 2 };
    let published = change_places(&store, "tk-001", &publish, None, monday()).await.expect("pub");
    assert_eq!(published.offered, vec![kids[0].id.clone(), kids[1].id.clone()]);
    let now = monday() + Duration::hours(1);
    for (n, kid) in kids.iter().take(2).enumerate() {
        let input = ChooseInput { application_id: kid.id.clone(), group_id: kk.clone() };
        let choice = choose(&store, &parent(n as u16), &input, now).await.expect("choice");
        let signature = SignedChoice {
            signature_base64: verifier.sign_as(&parent(n as u16), choice.signed_text.as_bytes()),
            certificate_base64: None,
        };
        let input = SignInput { nonce: choice.nonce, signature, expected_version: None };
        sign(&store, &verifier, &parent(n as u16), &input, None, now).await.expect("signed");
    }
    // The third child now stands first in the queue: the two referred ones left the tally.
    let third = details(&store, &parent(2), &kids[2].id, now).await.expect("details");
    assert_eq!(third.position, Some(QueuePosition { ahead: 0, waiting: 1 }));

    let before = store.usage();
    let listed = staff_referrals(&store, "tk-001", now).await.expect("listed");
    let usage = store.usage().since(before);
    assert_eq!((usage.round_trips, usage.items_read), (1, 2));
    // Soonest lapse first; both were signed at `now`, so their (random) numbers break the tie.
    let mut ids: Vec<_> = listed.referrals.iter().map(|r| r.application_id.clone()).collect();
    let order: Vec<_> = listed.referrals.iter().map(|r| (r.valid_until_at, &r.number)).collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "ordered by lapse, then number: {order:?}");
    ids.sort();
    let mut expected = vec![kids[0].id.clone(), kids[1].id.clone()];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(!listed.truncated);
    assert!(staff_referrals(&store, "tk-002", now).await.expect("none").referrals.is_empty());

    // R11: the extension moves the listed validity.
    let extended = extend(
        &store,
        &parent(1),
        &kids[1].id,
        &ExtendInput { days: 5, expected_version: None },
        None,
        now,
    )
    .await
    .expect("extended");
    let ApplicationState::Referred { referral } = &extended.application.state else {
        panic!("still referred");
    };
    let listed = staff_referrals(&store, "tk-001", now).await.expect("listed");
    let line = listed.referrals.iter().find(|r| r.application_id == kids[1].id).expect("listed");
    assert_eq!(line.valid_until_at, referral.valid_until_at);

    // R13: the child came; R12: the other referral is cancelled within 24 hours.
    enrol(&store, "tk-001", &kids[0].id, &ActionInput::default(), None, now).await.expect("enrol");
    cancel(&store, &parent(1), &kids[1].id, &ActionInput::default(), None, now)
        .await
        .expect("cancelled");
    assert!(staff_referrals(&store, "tk-001", now).await.expect("empty").referrals.is_empty());
    // Waiting again (queued, or offered the released place by the turn engine).
    assert!(app(&store, &kids[1].id).await.queue.is_some());
    // Back in the queue with its registration time: ahead of the third child again.
    let back = details(&store, &parent(1), &kids[1].id, now).await.expect("details");
    assert_eq!(back.position, Some(QueuePosition { ahead: 0, waiting: 2 }));
    assert_eq!(back.documents.len(), 1, "the cancelled referral's document stays");
    let third = details(&store, &parent(2), &kids[2].id, now).await.expect("details");
    assert_eq!(third.position, Some(QueuePosition { ahead: 1, waiting: 2 }));
}
