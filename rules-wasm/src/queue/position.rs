//! The queue position from a tally (issue 11 item 1): what the store keeps in the same
//! transactions as every change of who waits — per pool and priority class, how many wait, how
//! many registered in each month ([`tally_month`]), per month how many on each of its days
//! ([`tally_day`]), and per day who — instead of reading the pool's whole queue.
//!
//! The store gives, for one waiting application, the sizes of the three classes, its class's
//! per-month counts, its month's per-day counts and how many of its own day are ahead of it;
//! [`ahead_in_class`] sums them into how many of its own class are ahead of it (registered
//! earlier, ties by id: [`super::by_registration`]) and [`tallied_position`] combines that
//! into the position by the same [`super::queue_slot`] the full sort walks: out-of-turn first,
//! then first-priority and general interleaved by the policy ratio, one side continuing alone
//! when the other runs out.

use chrono::{Datelike, NaiveDate};

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

/// The coarser bucket: the first day of the registration's UTC month. A class's summary holds
/// one count per month (a dozen a year, so it stays small however long the queue's span), and
/// each month's item one count per day of that month.
pub fn tally_month(registered_at: Instant) -> NaiveDate {
    let day = tally_day(registered_at);
    day.with_day(1).unwrap_or(day)
}

/// How many of an application's class registered before it, from the tally's buckets: the
/// months before its own ([`tally_month`], from the class's summary), the days of its own
/// month before its own day (from the month's item), and `ahead_on_its_day` (its day's members
/// with a smaller queue key). Buckets that do not come before the application's count nothing,
/// so the store may hand over whole items.
pub fn ahead_in_class(
    registered_at: Instant,
    months: impl IntoIterator<Item = (NaiveDate, u64)>,
    days_of_its_month: impl IntoIterator<Item = (NaiveDate, u64)>,
    ahead_on_its_day: u64,
) -> u64 {
    let (month, day) = (tally_month(registered_at), tally_day(registered_at));
    let earlier_months: u64 =
        months.into_iter().filter(|(other, _)| *other < month).map(|(_, n)| n).sum();
    let earlier_days: u64 = days_of_its_month
        .into_iter()
        .filter(|(other, _)| *other >= month && *other < day)
        .map(|(_, n)| n)
        .sum();
    earlier_months + earlier_days + ahead_on_its_day
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
    fn buckets_before_the_application_count() {
        let at = |y, m, d| {
            NaiveDate::from_ymd_opt(y, m, d)
                .expect("date")
                .and_hms_opt(12, 0, 0)
                .expect("t")
                .and_utc()
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(tally_month(at(2026, 3, 17)), date(2026, 3, 1));
        let months = [(date(2026, 1, 1), 5), (date(2026, 2, 1), 7), (date(2026, 3, 1), 9)];
        let days = [(date(2026, 3, 2), 2), (date(2026, 3, 17), 4), (date(2026, 3, 20), 3)];
        assert_eq!(ahead_in_class(at(2026, 3, 17), months, days, 1), 5 + 7 + 2 + 1);
        assert_eq!(ahead_in_class(at(2026, 1, 1), months, [], 0), 0);
    }

    #[test]
    fn a_tally_that_misses_the_application_gives_no_position() {
        let counts = ClassCounts { out_of_turn: 1, first_priority: 0, general: 2 };
        let tally = ClassTally { priority: Priority::FirstPriority, counts, ahead_in_class: 0 };
        assert_eq!(tallied_position(tally, RATIO), Err(RuleError::ApplicationNotInQueue));
        let tally = ClassTally { priority: Priority::General, counts, ahead_in_class: 1 };
        assert_eq!(tallied_position(tally, RATIO), Ok(QueuePosition { ahead: 2, waiting: 3 }));
    }
}
