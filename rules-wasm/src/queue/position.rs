//! The queue position from a tally (issue 11 item 1): what the store keeps in the same
//! transactions as every change of who waits — per pool and priority class, how many wait and
//! how many registered on each day ([`tally_day`]) — instead of reading the pool's whole queue.
//!
//! The store gives, for one waiting application, the sizes of the three classes and how many
//! of its own class are ahead of it (registered earlier, ties by id: [`super::by_registration`]);
//! [`tallied_position`] combines them into the position by the same [`super::queue_slot`] the
//! full sort walks: out-of-turn first, then first-priority and general interleaved by the
//! policy ratio, one side continuing alone when the other runs out.

use chrono::NaiveDate;

use super::{queue_slot, ClassCounts, QueuePosition};
use crate::application::Priority;
use crate::error::{RuleError, RuleResult};
use crate::policy::PriorityRatio;
use crate::time::Instant;

/// The bucket of the tally an application's registration falls in: its UTC date. Buckets are
/// ordered like registrations (an earlier day holds only earlier registrations), so the members
/// of a class ahead of an application are those of earlier days plus those of its own day
/// registered before it.
pub fn tally_day(registered_at: Instant) -> NaiveDate {
    registered_at.date_naive()
}

/// What the tally tells about one waiting application of class `priority`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassTally {
    pub priority: Priority,
    /// Waiting applications of each class, the application included.
    pub counts: ClassCounts,
    /// Waiting applications of its class registered before it (ties by id).
    pub ahead_in_class: u64,
}

/// The position of the application the tally describes, equal to the full sort's
/// ([`super::queue_position`]). A tally that does not count the application itself (its class
/// has no member at `ahead_in_class`) is `application_not_in_queue`.
pub fn tallied_position(tally: ClassTally, ratio: PriorityRatio) -> RuleResult<QueuePosition> {
    let class_size = match tally.priority {
        Priority::OutOfTurn => tally.counts.out_of_turn,
        Priority::FirstPriority => tally.counts.first_priority,
        Priority::General => tally.counts.general,
    };
    if tally.ahead_in_class >= class_size {
        return Err(RuleError::ApplicationNotInQueue);
    }
    Ok(QueuePosition {
        ahead: queue_slot(tally.priority, tally.ahead_in_class, tally.counts, ratio),
        waiting: tally.counts.total(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATIO: PriorityRatio = PriorityRatio { first_priority: 1, general: 3 };

    #[test]
    fn a_tally_that_misses_the_application_gives_no_position() {
        let counts = ClassCounts { out_of_turn: 1, first_priority: 0, general: 2 };
        let tally = ClassTally { priority: Priority::FirstPriority, counts, ahead_in_class: 0 };
        assert_eq!(tallied_position(tally, RATIO), Err(RuleError::ApplicationNotInQueue));
        let tally = ClassTally { priority: Priority::General, counts, ahead_in_class: 1 };
        assert_eq!(tallied_position(tally, RATIO), Ok(QueuePosition { ahead: 2, waiting: 3 }));
    }
}
