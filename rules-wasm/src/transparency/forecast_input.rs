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

/// Whose forecast: an application of the pool, or a child who would apply now (the anonymous
/// preview's "if we applied today": at the back of its class, behind everybody waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForecastSubject<'a> {
    Application(&'a str),
    Newcomer { priority: Priority, birth_date: NaiveDate },
}

/// The forecast of `subject` at `now` from the pool's entries in log order; `None` when the
/// application does not wait in the queue (offered, referred, gone) or is unknown, or when
/// the pool's policy is not known at `now`.
pub fn forecast_from_log(
    context: ReplayContext<'_>,
    entries: impl IntoIterator<Item = AuditEntry>,
    subject: ForecastSubject<'_>,
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
    let policy = replay.policy_at(now)?;
    let (priority, birth_date, behind) = match subject {
        ForecastSubject::Application(id) => {
            let application = replay.application(id)?;
            if application.state != crate::application::ApplicationState::Queued {
                return None;
            }
            let mine = application.queue_entry()?;
            (mine.priority, mine.birth_date, Some(mine))
        }
        ForecastSubject::Newcomer { priority, birth_date } => (priority, birth_date, None),
    };
    let mut ahead: [Vec<NaiveDate>; 3] = Default::default();
    for class_priority in [Priority::OutOfTurn, Priority::FirstPriority, Priority::General] {
        let class = class_index(class_priority);
        if class > class_index(priority) {
            break;
        }
        for other in replay.queue().class(class_priority) {
            let is_behind = behind.as_ref().is_some_and(|mine| {
                class == class_index(mine.priority)
                    && crate::queue::by_registration(other, mine).is_ge()
            });
            if is_behind {
                break;
            }
            ahead[class].push(eligible_from(other.birth_date, policy).ok()?);
        }
    }
    Some(forecast(&ForecastInput {
        from_month: this_month,
        priority,
        eligible_from: eligible_from(birth_date, policy).ok()?,
        ahead,
        history,
        ratio: policy.priority_ratio,
        seed: seed_of(subject),
    }))
}

/// The runs' seed: FNV-1a of what the forecast is of, so a page shows the same ranges on
/// every visit while nothing in the log changes.
fn seed_of(subject: ForecastSubject<'_>) -> u64 {
    let text = match subject {
        ForecastSubject::Application(id) => id.to_owned(),
        ForecastSubject::Newcomer { priority, birth_date } => {
            format!("newcomer/{}/{birth_date}", class_index(priority))
        }
    };
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}
