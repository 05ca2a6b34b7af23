//! Queue order and queue position (DESIGN §1.4).
//!
//! One queue per pool. `out_of_turn` children first, by registration time; then
//! `first_priority` and `general` interleaved by the policy ratio (default: one priority
//! child, then three general), each side by registration time; ties by application id.
//! When one side runs out, the other continues alone.
//!
//! [`queue_slot`] is the one definition of the order: the position shown to a user and
//! the walk of the turn engine ([`QueueOrder`]) both come from it.

pub mod position;

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::application::{Application, ApplicationId, ApplicationState, Priority};
use crate::error::{RuleError, RuleResult};
use crate::policy::PriorityRatio;
use crate::queue_sort::sort_indices_by;
use crate::siblings::SiblingSetId;
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
    /// The application's sibling set ([`crate::siblings`]), if it is marked in one.
    #[cfg(feature = "siblings")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub together: Option<SiblingSetId>,
}

impl QueueEntry {
    /// The queue's view of `application`, when it waits in the queue.
    pub fn of(application: &Application) -> Option<Self> {
        let waiting = match application.state {
            ApplicationState::Queued => Waiting::Queued,
            ApplicationState::Offered { .. } => Waiting::Offered,
            ApplicationState::StopListed { .. } => Waiting::StopListed,
            ApplicationState::Referred { .. }
            | ApplicationState::Enrolled { .. }
            | ApplicationState::Removed { .. } => return None,
        };
        Some(QueueEntry {
            id: application.id.clone(),
            priority: application.priority,
            registered_at: application.registered_at,
            birth_date: application.child_birth_date,
            waiting,
            #[cfg(feature = "siblings")]
            together: application.siblings.clone(),
        })
    }

    /// The application's sibling set, if it is marked in one (never without feature `siblings`).
    pub fn sibling_set(&self) -> Option<&SiblingSetId> {
        #[cfg(feature = "siblings")]
        return self.together.as_ref();
        #[cfg(not(feature = "siblings"))]
        None
    }
}

impl Application {
    /// The queue's view of this application, when it waits ([`QueueEntry::of`]; kept for callers
    /// of the earlier method, it lives here so `application` does not import `queue`).
    pub fn queue_entry(&self) -> Option<QueueEntry> {
        QueueEntry::of(self)
    }
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

/// One turn of the ratio: first priority's members, then general's (at least one each). While
/// both classes have members (and out of turn none), the order repeats every turn.
pub fn turn_sizes(ratio: PriorityRatio) -> [u64; 2] {
    [u64::from(ratio.first_priority.max(1)), u64::from(ratio.general.max(1))]
}

/// The 0-based position (number of applications ahead) of the application that is the
/// `rank`-th (0-based, by registration time then id) of its `priority` class.
pub fn queue_slot(priority: Priority, rank: u64, counts: ClassCounts, ratio: PriorityRatio) -> u64 {
    let [first_per_turn, general_per_turn] = turn_sizes(ratio);
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

/// A class that is certainly larger than any queue the rules accept (see [`next_class`]).
const CLASS_OPEN: u64 = 1 << 40;

/// The class of the next application in queue order when the classes are read head first
/// (e.g. page by page from an index): `placed` members of each class were placed already,
/// `more[class]` tells whether that class (`out_of_turn`, `first_priority`, `general`) has
/// another member. `None` when no class has one. The same order as [`queue_slot`]: a class
/// still open counts as unbounded, which cannot change where its next member goes, since
/// `queue_slot` only looks at a class's size once that class is exhausted.
pub fn next_class(placed: ClassCounts, more: [bool; 3], ratio: PriorityRatio) -> Option<Priority> {
    let counts = ClassCounts {
        out_of_turn: if more[0] { CLASS_OPEN } else { placed.out_of_turn },
        first_priority: if more[1] { CLASS_OPEN } else { placed.first_priority },
        general: if more[2] { CLASS_OPEN } else { placed.general },
    };
    let slot = placed.total();
    let ranks = [placed.out_of_turn, placed.first_priority, placed.general];
    [Priority::OutOfTurn, Priority::FirstPriority, Priority::General]
        .into_iter()
        .zip(ranks)
        .zip(more)
        .find(|((priority, rank), more)| {
            *more && queue_slot(*priority, *rank, counts, ratio) == slot
        })
        .map(|((priority, _), _)| priority)
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

/// The index of a class in `[out_of_turn, first_priority, general]`.
pub fn class_index(priority: Priority) -> usize {
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
            sort_indices_by(class, |a, b| by_registration(&entries[a], &entries[b]));
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

    /// The entry indices of one class, in registration order.
    pub fn class_members(&self, priority: Priority) -> &[usize] {
        &self.classes[class_index(priority)]
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
                    rank < self.classes[*class].len() as u64
                        && queue_slot(priorities[*class], rank, counts, self.ratio) == slot
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
        let rank = class
            .partition_point(|other| by_registration(&entries[*other], entry) == Ordering::Less);
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
pub fn queue_position(
    entries: &[QueueEntry],
    id: &ApplicationId,
    ratio: PriorityRatio,
) -> RuleResult<QueuePosition> {
    let index =
        entries.iter().position(|entry| &entry.id == id).ok_or(RuleError::ApplicationNotInQueue)?;
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
            registered_at: Utc.with_ymd_and_hms(2025, 1, 10, 9, 0, 0).single().expect("instant")
                + Duration::milliseconds(second),
            birth_date: NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"),
            waiting: Waiting::Queued,
            together: None,
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
        assert_eq!(
            order_ids(&entries, DEFAULT_RATIO),
            ["o1", "p1", "g1", "g2", "g3", "p2", "g4", "g5", "p3"]
        );
        let positions: Vec<u64> = ["o1", "p1", "g1", "g4", "p3"]
            .iter()
            .map(|id| {
                queue_position(&entries, &ApplicationId((*id).into()), DEFAULT_RATIO)
                    .expect("waiting")
                    .ahead
            })
            .collect();
        assert_eq!(positions, [0, 1, 2, 6, 8]);
    }

    #[test]
    fn ties_in_time_are_broken_by_id_and_sub_seconds_count() {
        let entries = vec![
            entry("b", Priority::General, 0),
            entry("a", Priority::General, 0),
            entry("c", Priority::General, -1),
        ];
        assert_eq!(order_ids(&entries, DEFAULT_RATIO), ["c", "a", "b"]);
    }

    #[test]
    fn one_side_exhausted_the_other_continues() {
        let entries: Vec<QueueEntry> = (0..5)
            .map(|i| entry(&format!("p{i}"), Priority::FirstPriority, i))
            .chain([entry("g0", Priority::General, 0)])
            .collect();
        assert_eq!(order_ids(&entries, DEFAULT_RATIO), ["p0", "g0", "p1", "p2", "p3", "p4"]);
        let ratio = PriorityRatio { first_priority: 2, general: 1 };
        assert_eq!(order_ids(&entries, ratio), ["p0", "p1", "g0", "p2", "p3", "p4"]);
    }

    #[test]
    fn reading_class_heads_gives_the_queue_order() {
        // Every mix of class sizes up to 7 and several ratios: merging heads with `next_class`
        // (knowing only whether each class has one more) gives exactly `QueueOrder`.
        let ratios = [
            DEFAULT_RATIO,
            PriorityRatio { first_priority: 2, general: 1 },
            PriorityRatio { first_priority: 1, general: 1 },
            PriorityRatio { first_priority: 3, general: 5 },
        ];
        for ratio in ratios {
            for sizes in (0..8u32 * 8 * 8).map(|n| [n / 64, n / 8 % 8, n % 8]) {
                let priorities = [Priority::OutOfTurn, Priority::FirstPriority, Priority::General];
                let entries: Vec<QueueEntry> = (0..3)
                    .flat_map(|class| {
                        (0..sizes[class]).map(move |i| {
                            entry(
                                &format!("{class}-{i}"),
                                priorities[class],
                                i64::from(i) * 7 + class as i64,
                            )
                        })
                    })
                    .collect();
                let mut placed = ClassCounts::default();
                let mut merged = Vec::new();
                loop {
                    let more = [
                        placed.out_of_turn < u64::from(sizes[0]),
                        placed.first_priority < u64::from(sizes[1]),
                        placed.general < u64::from(sizes[2]),
                    ];
                    let Some(priority) = next_class(placed, more, ratio) else { break };
                    let rank = match priority {
                        Priority::OutOfTurn => &mut placed.out_of_turn,
                        Priority::FirstPriority => &mut placed.first_priority,
                        Priority::General => &mut placed.general,
                    };
                    merged.push(format!("{}-{}", class_index(priority), rank));
                    *rank += 1;
                }
                assert_eq!(merged, order_ids(&entries, ratio), "sizes {sizes:?} ratio {ratio:?}");
            }
        }
    }

    #[test]
    fn unknown_application_has_no_position() {
        let entries = vec![entry("a", Priority::General, 0)];
        assert_eq!(
            queue_position(&entries, &ApplicationId("zz".into()), DEFAULT_RATIO),
            Err(RuleError::ApplicationNotInQueue)
        );
    }
}
