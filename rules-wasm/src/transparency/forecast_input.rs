//! The forecast of issue 15 from a pool's public log: the queue as the replay leaves it (who
//! waits ahead, in which class, old enough from when) and the pool's monthly history of
//! offers, offers taken and new applications — so anyone holding the log computes the same.

use chrono::NaiveDate;

use super::entry::{AuditEntry, EntryKind, Reason};
use super::record::eligible_from;
use super::replay::{Replay, ReplayContext};
use crate::application::{PlaceSource, Priority};
use crate::forecast::{
    forecast, month_index, month_of, Forecast, ForecastInput, MonthHistory, HISTORY_MONTHS_MAX,
};
use crate::queue::class_index;
use crate::time::Instant;

/// The forecast of `application_id` at `now` from the pool's entries in log order; `None`
/// when the application does not wait in the queue (offered, referred, gone) or is unknown.
pub fn forecast_from_log(
    context: ReplayContext<'_>,
    entries: impl IntoIterator<Item = AuditEntry>,
    application_id: &str,
    now: Instant,
) -> Option<Forecast> {
    let this_month = month_of(context.clock.local_date(now));
    let mut replay = Replay::new(context);
    // Months before this one, oldest first, from the log's first entry.
    let mut history: Vec<MonthHistory> = Vec::new();
    let mut first_month: Option<NaiveDate> = None;
    for entry in entries {
        let month = month_of(context.clock.local_date(entry.at));
        let first = *first_month.get_or_insert(month);
        let index = month_index(first, month);
        if (0..month_index(first, this_month)).contains(&index) {
            let index = index as usize;
            if history.len() <= index {
                history.resize(index + 1, MonthHistory::default());
            }
            let record = &mut history[index];
            match (entry.kind, entry.reason, &entry.subject) {
                (EntryKind::Offer, _, _) => record.offers += 1,
                (EntryKind::Sign, Reason::Referral { source: PlaceSource::Offer }, _) => {
                    record.taken += 1
                }
                (EntryKind::Enqueue, _, Some(subject)) => {
                    record.arrivals[class_index(subject.priority)] += 1
                }
                _ => {}
            }
        }
        replay.push(entry);
    }
    if let Some(first) = first_month {
        // Months without any entry are months without offers.
        let months = month_index(first, this_month).max(0) as usize;
        history.resize(months, MonthHistory::default());
    }
    let start = history.len().saturating_sub(HISTORY_MONTHS_MAX);
    let history = history.split_off(start);
    let application = replay.application(application_id)?;
    if application.state != crate::application::ApplicationState::Queued {
        return None;
    }
    let mine = application.queue_entry()?;
    let policy = replay.policy_at(now)?;
    let mut ahead: [Vec<NaiveDate>; 3] = Default::default();
    for priority in [Priority::OutOfTurn, Priority::FirstPriority, Priority::General] {
        let class = class_index(priority);
        for other in replay.queue().class(priority) {
            if class > class_index(mine.priority) {
                break;
            }
            let behind = class == class_index(mine.priority)
                && crate::queue::by_registration(other, &mine).is_ge();
            if behind {
                break;
            }
            ahead[class].push(eligible_from(other.birth_date, policy).ok()?);
        }
    }
    let seed = application_id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    Some(forecast(&ForecastInput {
        from_month: this_month,
        priority: mine.priority,
        eligible_from: eligible_from(mine.birth_date, policy).ok()?,
        ahead,
        history,
        ratio: policy.priority_ratio,
        seed,
    }))
}
