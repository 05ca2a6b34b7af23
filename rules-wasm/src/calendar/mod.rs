//! Working days of Kazakhstan, from data (DESIGN §2).
//!
//! A working day is Monday–Friday that is not a day off, or a Saturday/Sunday decreed
//! working. Days off: the holidays of the year; when a holiday that moves falls on a
//! Saturday or Sunday, the next working day is off (7 January and Kurban Ait never move);
//! and the government's yearly swaps (a weekend day worked, a weekday off). Outside the
//! years loaded, every question is an error: the calendar never guesses.

mod kazakhstan;
mod year;

pub use year::{CalendarYear, DaySwap, HolidayDate};

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};
use year::YearDays;

/// What kind of day a date is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum DayKind {
    Working,
    /// A Saturday or Sunday worked by decree, in exchange for the weekday `instead_of`.
    WorkingByDecree { instead_of: NaiveDate },
    Weekend,
    /// A public holiday (code such as `nauryz`).
    Holiday { holiday: String },
    /// The day off a holiday on a weekend moved to.
    MovedDayOff { holiday: String, holiday_date: NaiveDate },
    /// A weekday off by decree, in exchange for the weekend day `worked_on`.
    SwappedDayOff { worked_on: NaiveDate },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::WorkingByDecree { .. })
    }
}

/// Most days a working-day count may scan before giving up (a year and then some).
const SCAN_DAYS_MAX: u32 = 800;

/// Working days over the loaded years.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    years: BTreeMap<i32, YearDays>,
}

impl WorkingCalendar {
    /// The built-in calendar of Kazakhstan, 2024–2027, built once.
    pub fn kazakhstan() -> &'static WorkingCalendar {
        static CALENDAR: OnceLock<WorkingCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| {
            let mut calendar = WorkingCalendar::empty();
            for year in kazakhstan::years() {
                calendar.add_year(year).expect("built-in calendar data is valid");
            }
            calendar
        })
    }

    pub fn empty() -> Self {
        Self::default()
    }

    /// Loads (or replaces) one year's data, after validating it.
    pub fn add_year(&mut self, data: CalendarYear) -> RuleResult<()> {
        let year = data.year;
        let days = YearDays::build(&data)?;
        self.years.insert(year, days);
        Ok(())
    }

    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    fn year(&self, date: NaiveDate) -> RuleResult<&YearDays> {
        self.years.get(&date.year()).ok_or(RuleError::CalendarYearMissing { year: date.year() })
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> RuleResult<DayKind> {
        Ok(self.year(date)?.kind(date))
    }

    pub fn is_working_day(&self, date: NaiveDate) -> RuleResult<bool> {
        Ok(self.year(date)?.is_working(date))
    }

    /// The `n`-th working day after `date` (counting starts the day after `date`; n ≥ 1).
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u16) -> RuleResult<NaiveDate> {
        debug_assert!(n >= 1, "a count of working days starts at one");
        let mut remaining = u32::from(n);
        let mut day = date;
        let mut year = self.year(date.succ_opt().ok_or(RuleError::DateOutOfRange)?)?;
        for _ in 0..SCAN_DAYS_MAX + u32::from(n) * 2 {
            day = day.succ_opt().ok_or(RuleError::DateOutOfRange)?;
            if day.ordinal() == 1 {
                year = self.year(day)?;
            }
            if year.is_working(day) {
                remaining -= 1;
                if remaining == 0 {
                    return Ok(day);
                }
            }
        }
        Err(RuleError::DateOutOfRange)
    }
}

#[cfg(test)]
mod tests;
