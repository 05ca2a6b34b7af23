//! Queue order and queue position (DESIGN §1.4).
//!
//! One queue per pool. `out_of_turn` children first, by registration time; then
//! `first_priority` and `general` interleaved by the policy ratio (default: one priority
//! child, then three general), each side by registration time; ties by application id.
//! When one side runs out, the other continues alone.
//!
//! [`queue_slot`] is the one definition of the order: the position shown to a user and
//! the walk of the turn engine ([`QueueOrder`]) both come from it.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::application::{ApplicationId, Priority};
use crate::error::{RuleError, RuleResult};
use crate::policy::PriorityRatio;
use crate::time::Instant;

/// Largest queue the rules accept in one call.
pub const QUEUE_LENGTH_MAX: usize = 1_000_000;

/// Where an application stands while it waits: the states that keep a queue position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    Queued,
    Offered,
    StopListed,
}

/// What the queue needs to know of one waiting application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueEntry {
    pub id: ApplicationId,
    pub priority: Priority,
    pub registered_at: Instant,
    pub birth_date: NaiveDate,
    pub waiting: Waiting,
}

/// How many waiting applications each class has.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassCounts {
    pub out_of_turn: u64,
    pub first_priority: u64,
    pub general: u64,
}

impl ClassCounts {
    pub fn total(&self) -> u64 {
        self.out_of_turn + self.first_priority + self.general
    }
}

/// The 0-based position (number of applications ahead) of the application that is the
/// `rank`-th (0-based, by registration time then id) of its `priority` class.
pub fn queue_slot(priority: Priority, rank: u64, counts: ClassCounts, ratio: PriorityRatio) -> u64 {
    let first_per_turn = u64::from(ratio.first_priority.max(1));
    let general_per_turn = u64::from(ratio.general.max(1));
    match priority {
        Priority::OutOfTurn => rank,
        Priority::FirstPriority => {
            let turn = rank / first_per_turn;
            counts.out_of_turn + rank + counts.general.min(turn * general_per_turn)
        }
        Priority::General => {
            let turn = rank / general_per_turn;
            counts.out_of_turn + rank + counts.first_priority.min((turn + 1) * first_per_turn)
        }
    }
}

/// Registration time, then id: the order within one class.
pub fn by_registration(a: &QueueEntry, b: &QueueEntry) -> Ordering {
    a.registered_at.cmp(&b.registered_at).then_with(|| a.id.cmp(&b.id))
}

/// The queue of a pool, ordered: indices into the entries it was built from.
#[derive(Debug, Clone)]
pub struct QueueOrder {
    classes: [Vec<usize>; 3],
    ratio: PriorityRatio,
}

fn class_index(priority: Priority) -> usize {
    match priority {
        Priority::OutOfTurn => 0,
        Priority::FirstPriority => 1,
        Priority::General => 2,
    }
}

impl QueueOrder {
    /// Sorts each class of `entries` by registration time and id.
    pub fn new(entries: &[QueueEntry], ratio: PriorityRatio) -> RuleResult<Self> {
        if entries.len() > QUEUE_LENGTH_MAX {
            return Err(RuleError::QueueTooLarge { length: entries.len() });
        }
        let mut classes: [Vec<usize>; 3] = Default::default();
        for (index, entry) in entries.iter().enumerate() {
            classes[class_index(entry.priority)].push(index);
        }
        for class in &mut classes {
            class.sort_unstable_by(|a, b| by_registration(&entries[*a], &entries[*b]));
        }
        Ok(Self { classes, ratio })
    }

    pub fn counts(&self) -> ClassCounts {
        ClassCounts {
            out_of_turn: self.classes[0].len() as u64,
            first_priority: self.classes[1].len() as u64,
            general: self.classes[2].len() as u64,
        }
    }

    /// Entry indices in queue order: every class walked by [`queue_slot`].
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let counts = self.counts();
        let total = counts.total();
        let mut next_rank = [0u64; 3];
        let priorities = [Priority::OutOfTurn, Priority::FirstPriority, Priority::General];
        (0..total).map(move |slot| {
            // Exactly one class has its next member at `slot`.
            let class = (0..3)
                .find(|class| {
                    let rank = next_rank[*class];
                    rank < self.classes[*class].len() as u64 && queue_slot(priorities[*class], rank, counts, self.ratio) == slot
                })
                .expect("queue_slot is a bijection onto 0..total");
            let index = self.classes[class][next_rank[class] as usize];
            next_rank[class] += 1;
            index
        })
    }

    /// The number of applications ahead of `entries[index]`.
    pub fn position_of(&self, entries: &[QueueEntry], index: usize) -> u64 {
        let entry = &entries[index];
        let class = &self.classes[class_index(entry.priority)];
        let rank = class.partition_point(|other| by_registration(&entries[*other], entry) == Ordering::Less);
        queue_slot(entry.priority, rank as u64, self.counts(), self.ratio)
    }
}

/// The queue position shown to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuePosition {
    /// Applications ahead of this one.
    pub ahead: u64,
    /// Applications waiting in the pool, this one included.
    pub waiting: u64,
}

/// The position of application `id` among `entries` (all waiting applications of its pool).
pub fn queue_position(entries: &[QueueEntry], id: &ApplicationId, ratio: PriorityRatio) -> RuleResult<QueuePosition> {
    let index = entries.iter().position(|entry| &entry.id == id).ok_or(RuleError::ApplicationNotInQueue)?;
    let order = QueueOrder::new(entries, ratio)?;
    Ok(QueuePosition { ahead: order.position_of(entries, index), waiting: entries.len() as u64 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn entry(id: &str, priority: Priority, second: i64) -> QueueEntry {
        QueueEntry {
            id: ApplicationId(id.into()),
            priority,
            registered_at: Utc.with_ymd_and_hms(2025, 1, 10, 9, 0, 0).single().expect("instant") + Duration::milliseconds(second),
            birth_date: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
            waiting: Waiting::Queued,
        }
    }

    fn order_ids(entries: &[QueueEntry], ratio: PriorityRatio) -> Vec<String> {
        let order = QueueOrder::new(entries, ratio).expect("small");
        order.iter().map(|index| entries[index].id.0.clone()).collect()
    }

    const DEFAULT_RATIO: PriorityRatio = PriorityRatio { first_priority: 1, general: 3 };

    #[test]
    fn out_of_turn_first_then_one_priority_three_general() {
        let entries = vec![
            entry("g1", Priority::General, 1),
            entry("g2", Priority::General, 2),
            entry("p1", Priority::FirstPriority, 3),
            entry("g3", Priority::General, 4),
            entry("g4", Priority::General, 5),
            entry("o1", Priority::OutOfTurn, 6),
            entry("p2", Priority::FirstPriority, 7),
            entry("p3", Priority::FirstPriority, 8),
            entry("g5", Priority::General, 9),
        ];
        assert_eq!(order_ids(&entries, DEFAULT_RATIO), ["o1", "p1", "g1", "g2", "g3", "p2", "g4", "g5", "p3"]);
        let positions: Vec<u64> = ["o1", "p1", "g1", "g4", "p3"]
            .iter()
            .map(|id| queue_position(&entries, &ApplicationId((*id).into()), DEFAULT_RATIO).expect("waiting").ahead)
            .collect();
        assert_eq!(positions, [0, 1, 2, 6, 8]);
    }

    #[test]
    fn ties_in_time_are_broken_by_id_and_sub_seconds_count() {
        let entries = vec![entry("b", Priority::General, 0), entry("a", Priority::General, 0), entry("c", Priority::General, -1)];
        assert_eq!(order_ids(&entries, DEFAULT_RATIO), ["c", "a", "b"]);
    }

    #[test]
    fn one_side_exhausted_the_other_continues() {
        let entries: Vec<QueueEntry> = (0..5).map(|i| entry(&format!("p{i}"), Priority::FirstPriority, i)).chain([entry("g0", Priority::General, 0)]).collect();
        assert_eq!(order_ids(&entries, DEFAULT_RATIO), ["p0", "g0", "p1", "p2", "p3", "p4"]);
        let ratio = PriorityRatio { first_priority: 2, general: 1 };
        assert_eq!(order_ids(&entries, ratio), ["p0", "p1", "g0", "p2", "p3", "p4"]);
    }

    #[test]
    fn unknown_application_has_no_position() {
        let entries = vec![entry("a", Priority::General, 0)];
        assert_eq!(queue_position(&entries, &ApplicationId("zz".into()), DEFAULT_RATIO), Err(RuleError::ApplicationNotInQueue));
    }
}
