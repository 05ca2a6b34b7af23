//! Issue 11 item 2: the turn engine writes its offers in batches (several per transaction,
//! one pool-counter update per batch) — and races still never over-offer: two engines and a
//! sweep at once over the same unreserved places offer each place once (DynamoDB Local).

use chrono::Duration;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::commands::turn_engine;
use kezek_functions::rules::application::{ApplicationId, Priority};
use kezek_functions::rules::places::{GroupId, PlaceCounters};

use crate::queue_head::queued;
use crate::support::{monday, store_with_demo};
use crate::{app, check_counters, outbox, pool};

fn publish(group: &str, count: u32) -> PlacesInput {
    PlacesInput { action: PlacesAction::Publish, group_id: GroupId(group.into()), count }
}

#[tokio::test]
async fn a_hundred_places_are_offered_in_a_few_transactions() {
    let store = store_with_demo().await;
    let people: Vec<(Priority, (i32, u32, u32))> = (0..130)
        .map(|n| {
            let priority = if n % 7 == 3 { Priority::FirstPriority } else { Priority::General };
            (priority, (2023, 1 + (n % 12) as u32, 1 + (n % 28) as u32))
        })
        .collect();
    let ids = queued(&store, 2023, "b", &people, monday() - Duration::days(300)).await;
    let before = store.usage();
    let published =
        change_places(&store, "tk-001", &publish("tk-001-2023-kk", 100), None, monday())
            .await
            .expect("published");
    let usage = store.usage().since(before);
    assert_eq!(published.offered.len(), 100);
    // The publish (3), the region (1, 2 with a cold calendar), the pool (1), the class heads
    // (3), one BatchGetItem and 4 transactions of at most 33 offers: not one per offer.
    assert!(usage.round_trips <= 14, "{} round trips", usage.round_trips);
    let offered: std::collections::BTreeSet<&ApplicationId> = published.offered.iter().collect();
    assert_eq!(offered.len(), 100, "every application offered once");
    for id in &published.offered {
        assert_eq!(app(&store, id).await.state, "offered");
    }
    let notices = outbox(&store).await;
    let turn_came = notices
        .iter()
        .filter(|notice| published.offered.contains(&notice.notice.application_id))
        .count();
    assert_eq!(turn_came, 100, "one notice per offer, in the same transactions");
    check_counters(&store, &pool(2023), &ids).await;
    assert_eq!(
        store.load_pool(&pool(2023)).await.expect("pool").pool.counters,
        PlaceCounters { unreserved: 0, offered: 100, free_choice: 0 }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_engines_and_a_sweep_at_once_offer_each_place_once() {
    let store = store_with_demo().await;
    // Born in June 2024: one year old on Monday 2 March 2026, two by the end of July.
    let people: Vec<(Priority, (i32, u32, u32))> = (0..150)
        .map(|n| {
            let priority = match n % 9 {
                0 => Priority::OutOfTurn,
                4 | 7 => Priority::FirstPriority,
                _ => Priority::General,
            };
            (priority, (2024, 6, 1 + (n % 28) as u32))
        })
        .collect();
    let ids = queued(&store, 2024, "r", &people, monday() - Duration::days(100)).await;
    // Too young today: the places stay unreserved.
    let published = change_places(&store, "tk-001", &publish("tk-001-2024-kk", 70), None, monday())
        .await
        .expect("published");
    assert!(published.offered.is_empty());
    let later = monday() + Duration::days(150);
    let key = pool(2024);
    let (first, second, swept) = tokio::join!(
        turn_engine::run(&store, &key, later),
        turn_engine::run(&store, &key, later),
        sweep(&store, later),
    );
    let (first, second) = (first.expect("engine"), second.expect("engine"));
    let swept = swept.expect("sweep");
    let total = first.len() + second.len() + swept.offers;
    assert_eq!(
        total,
        70,
        "every place offered once: {} + {} + {}",
        first.len(),
        second.len(),
        swept.offers
    );
    let mut all: Vec<&ApplicationId> = first.iter().chain(&second).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), first.len() + second.len(), "no application offered twice");
    check_counters(&store, &pool(2024), &ids).await;
    assert_eq!(
        store.load_pool(&pool(2024)).await.expect("pool").pool.counters,
        PlaceCounters { unreserved: 0, offered: 70, free_choice: 0 }
    );
    let mut offered_states = 0;
    for id in &ids {
        offered_states += usize::from(app(&store, id).await.state == "offered");
    }
    assert_eq!(offered_states, 70);
}
