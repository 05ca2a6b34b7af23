//! Deadlines (DESIGN §2): "within N working days of event E" — counting starts the day after
//! E's local date; the deadline is 00:00 local after the N-th working day. Calendar-day spans
//! count the same way over every day; hour spans are exact.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{DayKind, WorkingCalendar};
use crate::error::{RuleError, RuleResult};
use crate::policy::Span;
use crate::time::{add_days, Instant, RegionClock};

/// The deadline of `span` counted from `event_at`.
pub fn deadline_at(span: Span, event_at: Instant, calendar: &WorkingCalendar, clock: &RegionClock) -> RuleResult<Instant> {
    let event_date = clock.local_date(event_at);
    match span {
        Span::Hours(hours) => Ok(event_at + Duration::hours(i64::from(hours))),
        Span::CalendarDays(days) => Ok(clock.start_of_local_day(add_days(event_date, i64::from(days) + 1)?)),
        Span::WorkingDays(days) => {
            let last = calendar.nth_working_day_after(event_date, days.max(1))?;
            Ok(clock.start_of_local_day(add_days(last, 1)?))
        }
    }
}

/// A day the count passed over without counting it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub day: DayKind,
}

/// A deadline with the days it counted and the days it skipped (for people to check it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineExplanation {
    pub span: Span,
    pub event_at: Instant,
    pub event_local_date: NaiveDate,
    pub deadline_at: Instant,
    /// The local date of `deadline_at` (the day after the last counted day).
    pub deadline_local_date: NaiveDate,
    pub counted_days: Vec<NaiveDate>,
    pub skipped_days: Vec<SkippedDay>,
}

/// [`deadline_at`] with the days counted and skipped.
pub fn explain_deadline(span: Span, event_at: Instant, calendar: &WorkingCalendar, clock: &RegionClock) -> RuleResult<DeadlineExplanation> {
    let deadline = deadline_at(span, event_at, calendar, clock)?;
    let event_local_date = clock.local_date(event_at);
    let deadline_local_date = clock.local_date(deadline);
    let mut counted_days = Vec::new();
    let mut skipped_days = Vec::new();
    if !matches!(span, Span::Hours(_)) {
        let mut day = add_days(event_local_date, 1)?;
        while day < deadline_local_date {
            let kind = match span {
                Span::WorkingDays(_) => calendar.day(day)?,
                _ => DayKind::Working,
            };
            if kind.is_working() || matches!(span, Span::CalendarDays(_)) {
                counted_days.push(day);
            } else {
                skipped_days.push(SkippedDay { date: day, day: kind });
            }
            day = day.succ_opt().ok_or(RuleError::DateOutOfRange)?;
        }
    }
    debug_assert!(!matches!(span, Span::WorkingDays(n) if counted_days.len() != usize::from(n)));
    Ok(DeadlineExplanation { span, event_at, event_local_date, deadline_at: deadline, deadline_local_date, counted_days, skipped_days })
}
