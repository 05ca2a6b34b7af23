//! The stepping turn engine — the one production runs (`functions/src/commands/turn_engine.rs`
//! drives `TurnEngine` over the store's class partitions) — against the full sort: on random
//! pools with all three classes, children too young, offered and stop-listed ones, random
//! ratios and pages of random lengths (a store may answer fewer entries than asked), the engine
//! offers exactly the first `unreserved` admitted applications of `QueueOrder`.

mod common;

use chrono::Duration;
use common::{date, local};
use kezek_rules::age::full_years;
use kezek_rules::application::{ApplicationId, Priority};
use kezek_rules::policy::{Policy, PriorityRatio};
use kezek_rules::queue::{QueueEntry, QueueOrder, Waiting};
use kezek_rules::time::RegionClock;
use kezek_rules::turn_engine::{select_offers, select_offers_paged};
use proptest::prelude::*;

fn entries_strategy() -> impl Strategy<Value = Vec<QueueEntry>> {
    let entry = (0..3usize, 0..6u8, 0..1_200i64, 0..40i64);
    proptest::collection::vec(entry, 0..160).prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (class, waiting, birth, registered))| QueueEntry {
                id: ApplicationId(format!("a{i:04}")),
                priority: [Priority::OutOfTurn, Priority::FirstPriority, Priority::General][class],
                // Few distinct instants: ties broken by id are exercised.
                registered_at: local(2024, 1, 2, 9, 0) + Duration::seconds(registered),
                birth_date: date(2022, 6, 1) + Duration::days(birth),
                waiting: match waiting {
                    0 => Waiting::Offered,
                    1 => Waiting::StopListed,
                    _ => Waiting::Queued,
                },
                together: None,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn the_stepping_engine_offers_the_first_admitted_of_the_full_sort(
        entries in entries_strategy(),
        unreserved in 0..60u32,
        first in 1..4u8, general in 1..5u8,
        lengths in proptest::collection::vec(1..12usize, 1..30),
    ) {
        let policy = Policy { priority_ratio: PriorityRatio { first_priority: first, general }, ..Policy::default() };
        let clock = RegionClock::default();
        let now = local(2025, 3, 3, 10, 0);
        let today = clock.local_date(now);
        let order = QueueOrder::new(&entries, policy.priority_ratio).expect("small");
        let expected: Vec<usize> = order
            .iter()
            .filter(|i| entries[*i].waiting == Waiting::Queued && full_years(entries[*i].birth_date, today) >= 2)
            .take(unreserved as usize)
            .collect();
        let mut page = 0usize;
        let mut short_pages = |_: Priority, limit: usize| {
            page += 1;
            lengths[page % lengths.len()].min(limit)
        };
        let paged = select_offers_paged(&entries, unreserved, &policy, &clock, now, &mut short_pages)
            .expect("runs");
        prop_assert_eq!(&paged, &expected);
        let whole_pages = select_offers(&entries, unreserved, &policy, &clock, now).expect("runs");
        prop_assert_eq!(&whole_pages, &expected);
    }
}

#[test]
fn no_offers_in_a_blackout_period() {
    let entries: Vec<QueueEntry> = (0..5)
        .map(|i| QueueEntry {
            id: ApplicationId(format!("a{i}")),
            priority: Priority::General,
            registered_at: local(2024, 1, 2, 9, i),
            birth_date: date(2022, 1, 1),
            waiting: Waiting::Queued,
            together: None,
        })
        .collect();
    let policy = Policy::with_august_blackout();
    let clock = RegionClock::default();
    let august = local(2025, 8, 4, 10, 0);
    assert!(select_offers(&entries, 3, &policy, &clock, august).expect("runs").is_empty());
    let september = local(2025, 9, 1, 10, 0);
    assert_eq!(select_offers(&entries, 3, &policy, &clock, september).expect("runs"), [0, 1, 2]);
}
