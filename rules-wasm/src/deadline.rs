//! Deadlines (DESIGN §2). "Within N working days of event E": counting starts the day after
//! E's local date (the region's clock); the deadline is 00:00 local after the N-th working
//! day. Calendar-day spans count every day the same way; hour spans are exact.
//!
//! Seed: step 9 gives 3 working days to choose (the offer window); the closing notes give 5
//! working days to enrol and 10 working days of stop-list. A span of 0 days ends at 00:00
//! local after E's own local date.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::{DayKind, WorkingCalendar};
use crate::error::{RuleError, RuleResult};
use crate::policy::Span;
use crate::time::{add_days, Instant, RegionClock};

/// The last day a day span counts (the deadline is 00:00 local after it); `None` for hours.
fn last_counted_day(
    span: Span,
    event_date: NaiveDate,
    calendar: &WorkingCalendar,
) -> RuleResult<Option<NaiveDate>> {
    match span {
        Span::Hours(_) => Ok(None),
        Span::CalendarDays(days) => add_days(event_date, i64::from(days)).map(Some),
        Span::WorkingDays(days) => calendar.nth_working_day_after(event_date, days).map(Some),
    }
}

fn deadline_after(
    span: Span,
    event_at: Instant,
    last_day: Option<NaiveDate>,
    clock: &RegionClock,
) -> RuleResult<Instant> {
    match (span, last_day) {
        (Span::Hours(hours), _) => event_at
            .checked_add_signed(Duration::hours(i64::from(hours)))
            .ok_or(RuleError::DateOutOfRange),
        (_, Some(last)) => Ok(clock.start_of_local_day(add_days(last, 1)?)),
        (_, None) => Err(RuleError::DateOutOfRange),
    }
}

/// The deadline of `span` counted from the event at `event_at`. Working-day spans refuse
/// with `calendar_year_missing` when a year they count through is not loaded.
pub fn deadline_at(
    span: Span,
    event_at: Instant,
    calendar: &WorkingCalendar,
    clock: &RegionClock,
) -> RuleResult<Instant> {
    let last_day = last_counted_day(span, clock.local_date(event_at), calendar)?;
    deadline_after(span, event_at, last_day, clock)
}

/// A day the count passed over, and why. Serialized with the day's kind nested:
/// `{"date":"2026-03-23","day":{"kind":"holiday","holiday":"nauryz"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SkippedDay {
    pub date: NaiveDate,
    pub day: DayKind,
}

/// A deadline with the days it counted and the days it skipped, so people can check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeadlineExplanation {
    pub span: Span,
    pub event_at: Instant,
    pub event_local_date: NaiveDate,
    pub deadline_at: Instant,
    /// The local date of `deadline_at`: the day after the last counted day.
    pub deadline_local_date: NaiveDate,
    /// The days counted, in order (every day for calendar days; empty for hours).
    pub counted_days: Vec<NaiveDate>,
    /// The days between the event and the deadline that were not counted (working-day spans
    /// only: weekends, holidays, moved and swapped days off).
    pub skipped_days: Vec<SkippedDay>,
}

/// [`deadline_at`] with the days counted and skipped.
pub fn explain_deadline(
    span: Span,
    event_at: Instant,
    calendar: &WorkingCalendar,
    clock: &RegionClock,
) -> RuleResult<DeadlineExplanation> {
    let event_local_date = clock.local_date(event_at);
    let last_day = last_counted_day(span, event_local_date, calendar)?;
    let deadline = deadline_after(span, event_at, last_day, clock)?;
    let mut counted_days = Vec::new();
    let mut skipped_days = Vec::new();
    if let Some(last) = last_day {
        let mut day = event_local_date;
        while day < last {
            day = day.succ_opt().ok_or(RuleError::DateOutOfRange)?;
            let kind = match span {
                Span::WorkingDays(_) => calendar.day(day)?,
                _ => DayKind::Working,
            };
            if matches!(span, Span::CalendarDays(_)) || kind.is_working() {
                counted_days.push(day);
            } else {
                skipped_days.push(SkippedDay { date: day, day: kind });
            }
        }
    }
    let deadline_local_date = match last_day {
        Some(last) => add_days(last, 1)?,
        None => clock.local_date(deadline),
    };
    Ok(DeadlineExplanation {
        span,
        event_at,
        event_local_date,
        deadline_at: deadline,
        deadline_local_date,
        counted_days,
        skipped_days,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{FixedOffset, TimeZone, Utc};

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// An instant given as Kazakhstan local time (+05:00).
    fn local(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> Instant {
        FixedOffset::east_opt(5 * 3600)
            .and_then(|offset| offset.with_ymd_and_hms(y, m, d, hour, minute, 0).single())
            .expect("valid local time")
            .with_timezone(&Utc)
    }

    fn kazakhstan() -> (&'static WorkingCalendar, RegionClock) {
        (WorkingCalendar::kazakhstan(), RegionClock::default())
    }

    #[test]
    fn hour_spans_are_exact_and_need_no_calendar() {
        let clock = RegionClock::default();
        let event = local(2019, 6, 3, 15, 45);
        let empty = WorkingCalendar::empty();
        assert_eq!(
            deadline_at(Span::Hours(24), event, &empty, &clock),
            Ok(local(2019, 6, 4, 15, 45))
        );
        assert_eq!(deadline_at(Span::Hours(0), event, &empty, &clock), Ok(event));
        let explained = explain_deadline(Span::Hours(24), event, &empty, &clock).expect("hours");
        assert!(explained.counted_days.is_empty() && explained.skipped_days.is_empty());
        assert_eq!(explained.deadline_local_date, date(2019, 6, 4));
    }

    #[test]
    fn calendar_day_spans_end_at_local_midnight_after_the_nth_day_and_need_no_calendar() {
        let clock = RegionClock::default();
        let empty = WorkingCalendar::empty();
        // Astana 2019 (seed): one calendar day from Monday 15:45 → 00:00 local Wednesday.
        let event = local(2019, 6, 3, 15, 45);
        assert_eq!(
            deadline_at(Span::CalendarDays(1), event, &empty, &clock),
            Ok(local(2019, 6, 5, 0, 0))
        );
        // R11: an extension of 30 calendar days runs over weekends and holidays alike.
        assert_eq!(
            deadline_at(Span::CalendarDays(30), local(2026, 3, 13, 9, 0), &empty, &clock),
            Ok(local(2026, 4, 13, 0, 0))
        );
        let explained =
            explain_deadline(Span::CalendarDays(3), local(2026, 3, 20, 9, 0), &empty, &clock)
                .expect("calendar days");
        assert_eq!(
            explained.counted_days,
            vec![date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23)]
        );
        assert!(explained.skipped_days.is_empty());
        assert_eq!(explained.deadline_at, local(2026, 3, 24, 0, 0));
    }

    #[test]
    fn zero_day_spans_end_at_midnight_after_the_event_date() {
        let (calendar, clock) = kazakhstan();
        let friday_evening = local(2025, 10, 17, 21, 0);
        assert_eq!(
            deadline_at(Span::WorkingDays(0), friday_evening, calendar, &clock),
            Ok(local(2025, 10, 18, 0, 0))
        );
        assert_eq!(
            deadline_at(Span::CalendarDays(0), friday_evening, calendar, &clock),
            Ok(local(2025, 10, 18, 0, 0))
        );
    }

    #[test]
    fn explanation_agrees_with_deadline_at_and_counts_exactly_n_working_days() {
        let (calendar, clock) = kazakhstan();
        let mut event = local(2024, 1, 1, 10, 0);
        while event < local(2027, 10, 1, 0, 0) {
            for n in [1, 3, 5, 10, 30] {
                let span = Span::WorkingDays(n);
                let explained = explain_deadline(span, event, calendar, &clock)
                    .expect("inside the built-in years");
                assert_eq!(Ok(explained.deadline_at), deadline_at(span, event, calendar, &clock));
                assert_eq!(explained.counted_days.len(), usize::from(n));
                assert!(explained.skipped_days.iter().all(|skipped| !skipped.day.is_working()));
                let days_between =
                    (explained.deadline_local_date - explained.event_local_date).num_days() - 1;
                assert_eq!(
                    days_between as usize,
                    explained.counted_days.len() + explained.skipped_days.len()
                );
            }
            event += Duration::days(5);
        }
    }

    #[test]
    fn skipped_day_serializes_with_the_day_kind_nested() {
        let skipped = SkippedDay {
            date: date(2026, 3, 25),
            day: DayKind::MovedDayOff { holiday: "nauryz".into(), holiday_date: date(2026, 3, 22) },
        };
        let json = serde_json::to_string(&skipped).expect("serializes");
        assert_eq!(
            json,
            r#"{"date":"2026-03-25","day":{"kind":"moved_day_off","holiday":"nauryz","holidayDate":"2026-03-22"}}"#
        );
        assert_eq!(serde_json::from_str::<SkippedDay>(&json).expect("deserializes"), skipped);
    }

    #[test]
    fn working_day_span_outside_loaded_years_is_calendar_year_missing() {
        let clock = RegionClock::default();
        let refused = deadline_at(
            Span::WorkingDays(3),
            local(2026, 5, 4, 9, 0),
            &WorkingCalendar::empty(),
            &clock,
        );
        assert_eq!(refused, Err(RuleError::CalendarYearMissing { year: 2026 }));
    }
}
