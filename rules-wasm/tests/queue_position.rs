//! The position from the store's tally (`queue::position`) against the full sort: random pools
//! with all three classes, random ratios (the default 1:3 among them), registrations spread
//! over a few days or months with ties in time, and departures from anywhere in the queue (withdrawals,
//! offers turned into referrals, removals). For every application still waiting, the tally the
//! store keeps (class sizes, per-month counts, its month's per-day counts, the members of its
//! own day) combined by `ahead_in_class` and `tallied_position` gives exactly its index in an independent merge of the sorted classes,
//! and the same as `queue_position` over the whole queue.

mod common;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use common::{date, local};
use kezek_rules::application::{ApplicationId, Priority};
use kezek_rules::policy::PriorityRatio;
use kezek_rules::queue::position::{
    ahead_in_class, tallied_position, tally_day, tally_month, ClassTally,
};
use kezek_rules::queue::{
    by_registration, class_index, queue_position, ClassCounts, QueueEntry, Waiting,
};
use proptest::prelude::*;

const CLASSES: [Priority; 3] = [Priority::OutOfTurn, Priority::FirstPriority, Priority::General];

/// Applications with whether each departs (leaves the queue) before positions are read.
fn pool_strategy() -> impl Strategy<Value = Vec<(QueueEntry, bool)>> {
    // Ten-minute steps over four days across a month's end (several entries per day, some at
    // the same instant), or over about 100 days (several months and days of each).
    let spread = prop_oneof![Just(4 * 24 * 6i64), Just(100 * 24 * 6i64)];
    let entry = (0..3usize, 0..(100 * 24 * 6) as i64, any::<bool>(), 0..3u8);
    (spread, proptest::collection::vec(entry, 0..200)).prop_map(|(spread, raw)| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (class, ten_minutes, departs, waiting))| {
                let entry = QueueEntry {
                    // Ids not in registration order, so ties in time are broken by id.
                    id: ApplicationId(format!("{:04x}", (i * 7919) % 65_536)),
                    priority: CLASSES[class],
                    registered_at: local(2025, 1, 29, 0, 0)
                        + Duration::minutes((ten_minutes % spread) * 10),
                    birth_date: date(2023, 1, 1),
                    waiting: [Waiting::Queued, Waiting::Offered, Waiting::StopListed]
                        [waiting as usize],
                    together: None,
                };
                (entry, departs)
            })
            .collect()
    })
}

/// The queue order written out plainly: out-of-turn first; then `first` first-priority and
/// `general` general children in turn while both sides last; then whichever side is left.
fn reference_order(entries: &[QueueEntry], ratio: PriorityRatio) -> Vec<ApplicationId> {
    let mut classes: [Vec<&QueueEntry>; 3] = Default::default();
    for entry in entries {
        classes[class_index(entry.priority)].push(entry);
    }
    for class in &mut classes {
        class.sort_by(|a, b| by_registration(a, b));
    }
    let [out_of_turn, first, general] = classes;
    let mut order: Vec<ApplicationId> = out_of_turn.iter().map(|e| e.id.clone()).collect();
    let (mut f, mut g) = (first.into_iter().peekable(), general.into_iter().peekable());
    while f.peek().is_some() || g.peek().is_some() {
        for entry in f.by_ref().take(usize::from(ratio.first_priority.max(1))) {
            order.push(entry.id.clone());
        }
        for entry in g.by_ref().take(usize::from(ratio.general.max(1))) {
            order.push(entry.id.clone());
        }
    }
    order
}

/// The store's tally of a pool, kept as the store keeps it: per class, the waiting count per
/// registration day and the members of each day.
#[derive(Default)]
struct Tally {
    days: [BTreeMap<NaiveDate, Vec<QueueEntry>>; 3],
}

impl Tally {
    fn enqueue(&mut self, entry: &QueueEntry) {
        let class = class_index(entry.priority);
        self.days[class].entry(tally_day(entry.registered_at)).or_default().push(entry.clone());
    }

    fn depart(&mut self, entry: &QueueEntry) {
        let day = self.days[class_index(entry.priority)]
            .get_mut(&tally_day(entry.registered_at))
            .expect("counted");
        day.retain(|member| member.id != entry.id);
    }

    fn count(&self, class: usize) -> u64 {
        self.days[class].values().map(|members| members.len() as u64).sum()
    }

    /// What one read of the summaries, the application's month item and its day item gives:
    /// the class's per-month counts (the summary), its month's per-day counts, and its day's
    /// members, combined by the rules' `ahead_in_class`.
    fn of(&self, entry: &QueueEntry) -> ClassTally {
        let class = class_index(entry.priority);
        let day = tally_day(entry.registered_at);
        let month = tally_month(entry.registered_at);
        let mut months: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for (other, members) in &self.days[class] {
            *months.entry(other.with_day(1).expect("first")).or_default() += members.len() as u64;
        }
        let days_of_month: Vec<(NaiveDate, u64)> = self.days[class]
            .iter()
            .filter(|(other, _)| other.with_day(1) == Some(month))
            .map(|(other, members)| (*other, members.len() as u64))
            .collect();
        let same_day = self.days[class].get(&day).map_or(0, |members| {
            members.iter().filter(|m| by_registration(m, entry).is_lt()).count() as u64
        });
        let ahead = ahead_in_class(entry.registered_at, months, days_of_month, same_day);
        ClassTally {
            priority: entry.priority,
            counts: ClassCounts {
                out_of_turn: self.count(0),
                first_priority: self.count(1),
                general: self.count(2),
            },
            ahead_in_class: ahead,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_tallied_position_is_the_full_sorts(
        pool in pool_strategy(),
        first in 1..4u8, general in 1..5u8, default_ratio in any::<bool>(),
    ) {
        let ratio = if default_ratio {
            PriorityRatio { first_priority: 1, general: 3 }
        } else {
            PriorityRatio { first_priority: first, general }
        };
        let mut tally = Tally::default();
        for (entry, _) in &pool {
            tally.enqueue(entry);
        }
        for (entry, departs) in &pool {
            if *departs {
                tally.depart(entry);
            }
        }
        let waiting: Vec<QueueEntry> =
            pool.iter().filter(|(_, departs)| !departs).map(|(e, _)| e.clone()).collect();
        let order = reference_order(&waiting, ratio);
        for entry in &waiting {
            let position = tallied_position(tally.of(entry), ratio).expect("counted");
            let expected = order.iter().position(|id| *id == entry.id).expect("in order") as u64;
            prop_assert_eq!(position.ahead, expected, "{:?}", entry.id);
            prop_assert_eq!(position.waiting, waiting.len() as u64);
            prop_assert_eq!(Ok(position), queue_position(&waiting, &entry.id, ratio));
        }
        for (entry, _) in pool.iter().filter(|(_, departs)| *departs) {
            // A departed application is counted nowhere: no position.
            let tallied = tallied_position(tally.of(entry), ratio);
            let total = tally.of(entry).counts.total();
            prop_assert!(tallied.is_err() || tallied.is_ok_and(|p| p.waiting == total));
        }
    }
}
