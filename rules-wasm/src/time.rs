//! Instants, region-local dates and the UTC offset history of a region (DESIGN §2).
//!
//! Instants are UTC. Dates are the local dates of the region. Nothing here reads a clock:
//! `now` is always passed in.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};

/// A point in time, UTC, with sub-second precision.
pub type Instant = DateTime<Utc>;

/// Kazakhstan's single offset since 2024-03-01: +05:00.
pub const KAZAKHSTAN_OFFSET_SECONDS: i32 = 5 * 3600;
/// Largest offset magnitude accepted (±14:00 is the widest in use on Earth).
const OFFSET_LIMIT_SECONDS: i32 = 14 * 3600;
/// Limit on the number of offset changes kept for one region.
const OFFSET_CHANGES_MAX: usize = 16;

/// One change of a region's UTC offset, in force from `from_at` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UtcOffsetChange {
    pub from_at: Instant,
    pub offset_seconds: i32,
}

/// The UTC offset of a region over time: an initial offset and its later changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionClock {
    pub initial_offset_seconds: i32,
    #[serde(default)]
    pub changes: Vec<UtcOffsetChange>,
}

impl Default for RegionClock {
    fn default() -> Self {
        Self::fixed(KAZAKHSTAN_OFFSET_SECONDS)
    }
}

impl RegionClock {
    /// A region whose offset never changed.
    pub fn fixed(offset_seconds: i32) -> Self {
        Self { initial_offset_seconds: offset_seconds, changes: Vec::new() }
    }

    /// Eastern Kazakhstan: +06:00 until 2024-03-01 00:00 local, +05:00 since.
    pub fn kazakhstan_east() -> Self {
        let from_at = Utc.with_ymd_and_hms(2024, 2, 29, 18, 0, 0).single().expect("valid instant");
        Self {
            initial_offset_seconds: 6 * 3600,
            changes: vec![UtcOffsetChange { from_at, offset_seconds: KAZAKHSTAN_OFFSET_SECONDS }],
        }
    }

    /// Checks the offsets are real ones and the changes are in time order.
    pub fn validate(&self) -> RuleResult<()> {
        let offset_ok = |seconds: i32| seconds.abs() <= OFFSET_LIMIT_SECONDS;
        if !offset_ok(self.initial_offset_seconds)
            || self.changes.iter().any(|c| !offset_ok(c.offset_seconds))
        {
            return Err(RuleError::PolicyInvalid { field: "offset_seconds" });
        }
        if self.changes.len() > OFFSET_CHANGES_MAX
            || self.changes.windows(2).any(|w| w[0].from_at >= w[1].from_at)
        {
            return Err(RuleError::PolicyInvalid { field: "changes" });
        }
        Ok(())
    }

    /// The offset in force at `at`.
    pub fn offset_at(&self, at: Instant) -> FixedOffset {
        let seconds = self
            .changes
            .iter()
            .take_while(|change| change.from_at <= at)
            .last()
            .map_or(self.initial_offset_seconds, |change| change.offset_seconds);
        FixedOffset::east_opt(seconds)
            .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"))
    }

    /// The region's local date at `at`.
    pub fn local_date(&self, at: Instant) -> NaiveDate {
        at.with_timezone(&self.offset_at(at)).date_naive()
    }

    /// The instant of 00:00 local time on `date`.
    pub fn start_of_local_day(&self, date: NaiveDate) -> Instant {
        let midnight = date.and_time(NaiveTime::MIN);
        // First guess with the initial offset, then settle on the offset in force then.
        let mut guess = midnight - Duration::seconds(i64::from(self.initial_offset_seconds));
        for _ in 0..2 {
            let offset = self.offset_at(Utc.from_utc_datetime(&guess)).local_minus_utc();
            guess = midnight - Duration::seconds(i64::from(offset));
        }
        Utc.from_utc_datetime(&guess)
    }
}

/// Full days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// `date` plus `days` calendar days, or an error past chrono's range.
pub fn add_days(date: NaiveDate, days: i64) -> RuleResult<NaiveDate> {
    date.checked_add_signed(Duration::days(days)).ok_or(RuleError::DateOutOfRange)
}

/// The year of a date, for calendar look-ups.
pub fn year_of(date: NaiveDate) -> i32 {
    date.year()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_date_uses_region_offset() {
        let clock = RegionClock::default();
        let at = Utc.with_ymd_and_hms(2026, 3, 20, 19, 30, 0).single().expect("instant");
        assert_eq!(clock.local_date(at), NaiveDate::from_ymd_opt(2026, 3, 21).expect("date"));
        assert_eq!(
            clock.start_of_local_day(NaiveDate::from_ymd_opt(2026, 3, 21).expect("date")),
            Utc.with_ymd_and_hms(2026, 3, 20, 19, 0, 0).single().expect("instant")
        );
    }

    #[test]
    fn east_kazakhstan_moved_to_plus_five_on_2024_03_01() {
        let clock = RegionClock::kazakhstan_east();
        let before = Utc.with_ymd_and_hms(2024, 2, 29, 17, 30, 0).single().expect("instant");
        assert_eq!(clock.offset_at(before).local_minus_utc(), 6 * 3600);
        assert_eq!(clock.local_date(before), NaiveDate::from_ymd_opt(2024, 2, 29).expect("date"));
        let after = Utc.with_ymd_and_hms(2024, 2, 29, 19, 30, 0).single().expect("instant");
        assert_eq!(clock.local_date(after), NaiveDate::from_ymd_opt(2024, 3, 1).expect("date"));
        assert_eq!(
            clock.start_of_local_day(NaiveDate::from_ymd_opt(2024, 2, 1).expect("date")),
            Utc.with_ymd_and_hms(2024, 1, 31, 18, 0, 0).single().expect("instant")
        );
        assert_eq!(
            clock.start_of_local_day(NaiveDate::from_ymd_opt(2024, 3, 2).expect("date")),
            Utc.with_ymd_and_hms(2024, 3, 1, 19, 0, 0).single().expect("instant")
        );
    }

    #[test]
    fn clock_validation_refuses_unordered_changes() {
        let mut clock = RegionClock::kazakhstan_east();
        clock.changes.push(clock.changes[0].clone());
        assert_eq!(clock.validate().map_err(|e| e.code()), Err("policy_invalid"));
        assert_eq!(
            RegionClock::fixed(15 * 3600).validate().map_err(|e| e.code()),
            Err("policy_invalid")
        );
    }
}
