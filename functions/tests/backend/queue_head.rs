//! The turn engine reads only the head of each class partition of the queue (GSI1), merged in
//! the rules' order; too young children are skipped and keep their place.

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use chrono::{Datelike, Duration};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::rules::application::{Application, ApplicationId, ApplicationState, Priority};
use kezek_functions::rules::iin::Iin;
use kezek_functions::store::items::ApplicationItem;
use kezek_functions::store::transact::to_item;
use kezek_functions::store::Store;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_counters, pool};

/// Writes queued applications directly (as a big queue would stand), `n`-th registered at
/// `first + n ms`; returns their ids in writing order.
pub(crate) async fn queued(
    store: &Store,
    year: i32,
    prefix: &str,
    people: &[(Priority, (i32, u32, u32))],
    first: chrono::DateTime<chrono::Utc>,
) -> Vec<ApplicationId> {
    let mut ids = Vec::new();
    let mut requests = Vec::new();
    let mut entries = Vec::new();
    for (n, (priority, birth)) in people.iter().enumerate() {
        let child_iin = child(*birth, 100 + n as u16);
        let birth_date = Iin::parse(&child_iin).expect("iin").birth_date;
        assert_eq!(birth_date.year(), year);
        let application = Application {
            id: ApplicationId(format!("{prefix}-{n:04}")),
            child_iin,
            child_birth_date: birth_date,
            pool: pool(year),
            priority: *priority,
            registered_at: first + Duration::milliseconds(n as i64),
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        };
        ids.push(application.id.clone());
        let item = ApplicationItem::new(application, parent(n as u16), None, Vec::new());
        entries.push(item.queue.clone().expect("waits"));
        requests.push(
            WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(to_item(&item).expect("item")))
                        .build()
                        .expect("put"),
                )
                .build(),
        );
    }
    for chunk in requests.chunks(25) {
        let mut pending = Some(chunk.to_vec());
        while let Some(batch) = pending.take().filter(|b| !b.is_empty()) {
            let output = store
                .client()
                .batch_write_item()
                .request_items(store.table(), batch)
                .send()
                .await
                .expect("batch write");
            pending = output.unprocessed_items.and_then(|mut left| left.remove(store.table()));
        }
    }
    // The pool's queue tally, as the commands would have kept it.
    let tally = kezek_functions::store::tally::tally_items(&pool(year), &entries);
    store.write_batch(tally, Vec::new()).await.expect("tally");
    ids
}

fn publish(kindergarten_group: &str, count: u32) -> PlacesInput {
    PlacesInput {
        action: PlacesAction::Publish,
        group_id: kezek_functions::rules::places::GroupId(kindergarten_group.into()),
        count,
    }
}

#[tokio::test]
async fn offers_follow_the_rules_order_reading_only_the_heads_of_the_classes() {
    let store = store_with_demo().await;
    // 300 general, 30 first-priority and 2 out-of-turn children, interleaved in time.
    let people: Vec<(Priority, (i32, u32, u32))> = (0..332)
        .map(|n| {
            let priority = match n {
                100 | 200 => Priority::OutOfTurn,
                n if n % 11 == 5 => Priority::FirstPriority,
                _ => Priority::General,
            };
            (priority, (2023, 1 + (n % 12) as u32, 1 + (n % 28) as u32))
        })
        .collect();
    let ids = queued(&store, 2023, "q", &people, monday() - Duration::days(200)).await;
    let of = |priority: Priority| -> Vec<ApplicationId> {
        ids.iter().zip(&people).filter(|(_, p)| p.0 == priority).map(|(id, _)| id.clone()).collect()
    };
    let (oot, first, general) =
        (of(Priority::OutOfTurn), of(Priority::FirstPriority), of(Priority::General));

    let before = store.usage();
    let published = change_places(&store, "tk-001", &publish("tk-001-2023-kk", 10), None, monday())
        .await
        .expect("published");
    let usage = store.usage().since(before);
    // §1.4: out of turn first, then one first-priority child and three general ones.
    let expected = [
        &oot[0],
        &oot[1],
        &first[0],
        &general[0],
        &general[1],
        &general[2],
        &first[1],
        &general[3],
        &general[4],
        &general[5],
    ];
    assert_eq!(published.offered.iter().collect::<Vec<_>>(), expected);
    // The heads only: 2 + about 2 + about 6 queue entries plus slack, 10 applications and
    // the pool, kindergarten and region; the whole queue would be 332.
    assert!(usage.items_read < 70, "read {} items", usage.items_read);
    for id in expected {
        assert_eq!(app(&store, id).await.state, "offered");
    }
    check_counters(&store, &pool(2023), &ids).await;

    // Ten more places: the walk goes on behind the offered heads.
    let published = change_places(
        &store,
        "tk-001",
        &publish("tk-001-2023-kk", 10),
        None,
        monday() + Duration::hours(1),
    )
    .await
    .expect("published");
    let expected = [
        &first[2],
        &general[6],
        &general[7],
        &general[8],
        &first[3],
        &general[9],
        &general[10],
        &general[11],
        &first[4],
        &general[12],
    ];
    assert_eq!(published.offered.iter().collect::<Vec<_>>(), expected);
    check_counters(&store, &pool(2023), &ids).await;
}

#[tokio::test]
async fn too_young_children_at_the_head_are_skipped_across_pages_and_keep_their_place() {
    let store = store_with_demo().await;
    // On Monday 2 March 2026 a child born in June 2024 is one year old, one born in January two.
    let mut people: Vec<(Priority, (i32, u32, u32))> =
        (0..40).map(|n| (Priority::General, (2024, 6, 1 + n % 28))).collect();
    people.extend((0..5).map(|n| (Priority::General, (2024, 1, 1 + n))));
    let ids = queued(&store, 2024, "y", &people, monday() - Duration::days(100)).await;
    let published = change_places(&store, "tk-001", &publish("tk-001-2024-kk", 3), None, monday())
        .await
        .expect("published");
    assert_eq!(published.offered, ids[40..43].to_vec());
    assert_eq!(app(&store, &ids[0]).await.state, "queued");
    check_counters(&store, &pool(2024), &ids).await;
}
