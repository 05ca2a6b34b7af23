use chrono::Duration;
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::rules::application::Priority;
use kezek_functions::rules::places::PlaceCounters;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::items::DocumentItem;
use kezek_functions::store::keys;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, pool};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_signers_for_fewer_free_choice_places_get_exactly_that_many_referrals() {
    let store = store_with_demo().await;
    let verifier = std::sync::Arc::new(HmacTestVerifier::new(b"concurrency-secret"));
    let (kk, ru) = (group("tk-001", 2022, "kk"), group("tk-002", 2022, "ru"));
    let mut ids = Vec::new();
    for n in 0..3u16 {
        let kid = enqueue_child(
            &store,
            &parent(n),
            &child((2022, 1, 1 + u32::from(n)), n),
            Priority::General,
            monday() - Duration::days(40),
        )
        .await;
        ids.push(kid.id);
    }
    let publish = |group_id, count| PlacesInput { action: PlacesAction::Publish, group_id, count };
    change_places(&store, "tk-001", &publish(kk.clone(), 2), None, monday()).await.expect("kk");
    change_places(&store, "tk-002", &publish(ru.clone(), 1), None, monday()).await.expect("ru");
    // Nobody signs: the three offers expire and become free-choice places (R6).
    let later = monday() + Duration::days(10);
    let report = sweep(&store, later).await.expect("sweep");
    assert_eq!(report.applied, 3);
    assert_eq!(
        store.load_pool(&pool(2022)).await.expect("pool").pool.counters,
        PlaceCounters { unreserved: 0, offered: 0, free_choice: 3 }
    );
    for n in 3..10u16 {
        let kid = enqueue_child(
            &store,
            &parent(n),
            &child((2022, 2, 1 + u32::from(n)), n),
            Priority::General,
            later - Duration::days(1),
        )
        .await;
        ids.push(kid.id);
    }

    // Ten applicants choose and then sign at the same moment for three places.
    let mut choices = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let group_id = if n % 2 == 0 { kk.clone() } else { ru.clone() };
        let applicant = parent(n as u16);
        let choice = choose(
            &store,
            &applicant,
            &ChooseInput { application_id: id.clone(), group_id },
            later,
        )
        .await
        .expect("R4 allows free choice");
        choices.push((applicant, choice));
    }
    let mut tasks = Vec::new();
    for (applicant, choice) in choices {
        let (store, verifier) = (store.clone(), verifier.clone());
        tasks.push(tokio::spawn(async move {
            let signature = SignedChoice {
                signature_base64: verifier.sign_as(&applicant, choice.signed_text.as_bytes()),
                certificate_base64: None,
            };
            let input = SignInput { nonce: choice.nonce, signature, expected_version: None };
            sign(&store, verifier.as_ref(), &applicant, &input, None, later).await
        }));
    }
    let mut referred = 0;
    for task in tasks {
        match task.await.expect("task") {
            Ok(_) => referred += 1,
            Err(error) => assert!(
                ["turn_not_come", "no_free_places", "group_full"].contains(&error.code()),
                "unexpected refusal {error:?}"
            ),
        }
    }
    assert_eq!(referred, 3);
    let mut documents = 0;
    let mut referred_states = 0;
    for id in &ids {
        documents += store
            .query_prefix::<DocumentItem>(&keys::application_pk(id), keys::DOC_PREFIX)
            .await
            .expect("docs")
            .len();
        referred_states += usize::from(app(&store, id).await.state == "referred");
    }
    assert_eq!((documents, referred_states), (3, 3));
    let view = store.load_pool(&pool(2022)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters::default());
    assert_eq!(
        (view.group(&kk).map(|g| g.free), view.group(&ru).map(|g| g.free)),
        (Some(0), Some(0))
    );
    check_invariants(&store, &pool(2022), &ids).await;
}
