//! Queue positions from the tally (issue 11 item 1) against DynamoDB Local: a pool of 1,000
//! waiting children (loaded in batches with their tally, as the benchmark does), changed by real
//! commands (enqueue, withdraw, offers, a referral), then every sampled application's details
//! show the position of the full sort over the queue index, each read costing at most three
//! round trips and 50 items. And concurrent enqueues keep every position exact.

use std::collections::HashSet;

use chrono::Duration;
use kezek_functions::commands::actions::{withdraw, ActionInput};
use kezek_functions::commands::journal::details;
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::rules::application::{Application, ApplicationId, ApplicationState, Priority};
use kezek_functions::rules::iin::Iin;
use kezek_functions::rules::policy::PriorityRatio;
use kezek_functions::rules::queue::{queue_position, QueueEntry};
use kezek_functions::rules::time::Instant;
use kezek_functions::store::items::{ApplicationItem, ChildItem, Keys};
use kezek_functions::store::keys;
use kezek_functions::store::tally::tally_items;
use kezek_functions::store::transact::to_item;
use kezek_functions::store::Store;

use kezek_functions::rules::iin::Sex;

use crate::support::{iin, monday, store_with_demo};
use crate::{enqueue_child, group, pool};

/// A distinct parent per `n` (birth dates vary, so serials stay small).
fn applicant(n: usize) -> String {
    let date = (1970 + (n / 336) as i32, 1 + (n % 12) as u32, 1 + (n / 12 % 28) as u32);
    iin(date, Sex::Female, 20)
}

/// A distinct child of 2023 per `n`.
fn kid(n: usize) -> String {
    iin(
        (2023, 1 + (n % 12) as u32, 1 + (n / 12 % 28) as u32),
        Sex::Male,
        20 * (1 + (n / 336) as u16),
    )
}

const RATIO: PriorityRatio = PriorityRatio { first_priority: 1, general: 3 };

/// `count` queued applications of the 2023 pool (with their children's uniqueness items)
/// written in batches with their tally; the
/// classes mixed (1 in 40 out of turn, 1 in 7 first priority), registrations over ~400 days.
async fn load_pool(store: &Store, count: usize, first: Instant) -> Vec<(ApplicationId, String)> {
    let mut items = Vec::with_capacity(count);
    let mut entries = Vec::with_capacity(count);
    let mut people = Vec::with_capacity(count);
    for n in 0..count {
        let child_iin = kid(n);
        let application = Application {
            id: ApplicationId(format!("load-{n:05}")),
            child_birth_date: Iin::parse(&child_iin).expect("iin").birth_date,
            child_iin,
            pool: pool(2023),
            priority: match n {
                n if n % 40 == 17 => Priority::OutOfTurn,
                n if n % 7 == 3 => Priority::FirstPriority,
                _ => Priority::General,
            },
            // Several a day, some at the same instant (ties broken by id).
            registered_at: first + Duration::minutes((n as i64 / 2) * 577),
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        };
        let applicant = applicant(n);
        people.push((application.id.clone(), applicant.clone()));
        let item = ApplicationItem::new(application, applicant, None, Vec::new());
        entries.push(item.queue.clone().expect("waits"));
        let child_item = ChildItem {
            keys: Keys::base(keys::child(&item.application.child_iin)),
            application_id: item.application.id.clone(),
        };
        items.push(to_item(&child_item).expect("child"));
        items.push(to_item(&item).expect("item"));
    }
    items.extend(tally_items(&pool(2023), &entries));
    store.write_batch(items, Vec::new()).await.expect("loaded");
    people
}

/// The full sort over the queue index (GSI1), for comparison.
async fn full_sort(store: &Store) -> Vec<QueueEntry> {
    store.read_queue(&pool(2023)).await.expect("queue").entries
}

/// Every sampled application's details: the position equals the full sort's, at most three
/// round trips and 50 items each.
async fn check_positions(store: &Store, people: &[(ApplicationId, String)], now: Instant) {
    let queue = full_sort(store).await;
    let waiting: HashSet<&ApplicationId> = queue.iter().map(|entry| &entry.id).collect();
    // The process's calendar is read once (then kept, `commands::calendar`).
    details(store, &people[0].1, &people[0].0, now).await.expect("warm");
    let mut checked = 0;
    for (id, applicant) in people {
        let before = store.usage();
        let shown = details(store, applicant, id, now).await.expect("details");
        let usage = store.usage().since(before);
        assert!(usage.round_trips <= 3, "{id:?}: {} round trips", usage.round_trips);
        assert!(usage.items_read <= 50, "{id:?}: {} items", usage.items_read);
        let expected =
            waiting.contains(id).then(|| queue_position(&queue, id, RATIO).expect("waiting"));
        assert_eq!(shown.position, expected, "{id:?}");
        checked += usize::from(expected.is_some());
    }
    assert!(checked > 0);
}

#[tokio::test]
async fn positions_from_the_tally_equal_the_full_sort_in_a_pool_of_1000() {
    let store = store_with_demo().await;
    let first = monday() - Duration::days(420);
    let mut people = load_pool(&store, 1_000, first).await;
    // Real commands change who waits: children join, withdraw and get offers.
    for n in 0..6u16 {
        let priority =
            [Priority::General, Priority::FirstPriority, Priority::OutOfTurn][n as usize % 3];
        let (applicant, child_iin) = (applicant(2_000 + n as usize), kid(2_000 + n as usize));
        let joined = enqueue_child(&store, &applicant, &child_iin, priority, monday()).await;
        people.push((joined.id, applicant));
    }
    for (id, applicant) in people.iter().step_by(97).take(8) {
        withdraw(&store, applicant, id, &ActionInput::default(), None, monday())
            .await
            .expect("withdrawn");
    }
    let publish = PlacesInput {
        action: PlacesAction::Publish,
        group_id: group("tk-001", 2023, "kk"),
        count: 5,
    };
    let published =
        change_places(&store, "tk-001", &publish, None, monday()).await.expect("offers");
    assert_eq!(published.offered.len(), 5);
    let sample: Vec<(ApplicationId, String)> = people
        .iter()
        .enumerate()
        .filter(|(n, (id, _))| n % 23 == 0 || published.offered.contains(id) || *n >= 1_000)
        .map(|(_, person)| person.clone())
        .collect();
    check_positions(&store, &sample, monday() + Duration::hours(1)).await;
    assert_eq!(full_sort(&store).await.len(), 1_000 + 6 - 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_enqueues_keep_every_position_exact() {
    let store = store_with_demo().await;
    let first = monday() - Duration::days(30);
    let mut people = load_pool(&store, 40, first).await;
    let mut tasks = Vec::new();
    for n in 0..16u16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let priority = [Priority::General, Priority::FirstPriority][n as usize % 2];
            let (applicant, child_iin) = (applicant(3_000 + n as usize), kid(3_000 + n as usize));
            let input = kezek_functions::commands::enqueue::EnqueueInput {
                region_id: crate::support::REGION.into(),
                child_iin,
                priority,
                second_parent_iin: None,
            };
            let now = monday() + Duration::milliseconds(i64::from(n % 4));
            let output =
                kezek_functions::commands::enqueue::enqueue(&store, &applicant, &input, None, now)
                    .await
                    .expect("enqueued");
            (output.application.id, applicant)
        }));
    }
    for task in tasks {
        people.push(task.await.expect("task"));
    }
    assert_eq!(full_sort(&store).await.len(), 56);
    check_positions(&store, &people, monday() + Duration::hours(1)).await;
}

/// A table written before the month items (its class summaries count per registration day,
/// `dYYYYMMDD`, and there is no `MONTH#` item): such a pool shows no position — never a wrong
/// one — until `Store::rebuild_tally` rewrites its tally in the month shape (deleting nothing
/// a member is still in); then every position is exact, and stays so through a withdrawal.
#[tokio::test]
async fn an_old_shape_tally_shows_no_position_until_rebuilt() {
    use aws_sdk_dynamodb::types::AttributeValue;
    use kezek_functions::rules::queue::class_index;
    use kezek_functions::rules::queue::position::tally_day;
    use std::collections::BTreeMap;

    let store = store_with_demo().await;
    let people = load_pool(&store, 120, monday() - Duration::days(200)).await;
    let queue = full_sort(&store).await;
    // The old shape: the summaries hold the waiting count and one count per day.
    let mut per_day: [BTreeMap<chrono::NaiveDate, usize>; 3] = Default::default();
    for entry in &queue {
        *per_day[class_index(entry.priority)].entry(tally_day(entry.registered_at)).or_default() +=
            1;
    }
    let mut old = Vec::new();
    for (priority, days) in keys::PRIORITIES.into_iter().zip(&per_day) {
        let mut summary = keys::tally_summary(&pool(2023), priority).to_map();
        let waiting: usize = days.values().sum();
        summary.insert("waiting".into(), AttributeValue::N(waiting.to_string()));
        for (day, count) in days {
            summary.insert(keys::tally_day_attribute(*day), AttributeValue::N(count.to_string()));
        }
        old.push(summary);
    }
    let months: Vec<keys::Key> = tally_items(&pool(2023), &queue)
        .iter()
        .filter_map(|item| match (item.get(keys::PK), item.get(keys::SK)) {
            (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk)))
                if sk.starts_with(keys::TALLY_MONTH_PREFIX) =>
            {
                Some(keys::Key { pk: pk.clone(), sk: sk.clone() })
            }
            _ => None,
        })
        .collect();
    assert!(months.len() >= 6, "registrations over several months");
    store.write_batch(old, months).await.expect("the old shape");

    let now = monday() + Duration::hours(1);
    for (id, applicant) in people.iter().step_by(11) {
        let shown = details(&store, applicant, id, now).await.expect("details");
        assert_eq!(shown.position, None, "{id:?}: no position from an old-shape tally");
    }
    assert_eq!(store.rebuild_tally(&pool(2023)).await.expect("rebuilt"), 120);
    check_positions(&store, &people, now).await;
    let (id, applicant) = &people[7];
    withdraw(&store, applicant, id, &ActionInput::default(), None, monday()).await.expect("out");
    check_positions(&store, &people, now).await;
}
