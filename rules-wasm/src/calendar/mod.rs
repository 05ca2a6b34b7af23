//! Working days of Kazakhstan, from data (DESIGN §2).
//!
//! A working day is a Monday–Friday that is not a day off, or a Saturday/Sunday decreed
//! working. Days off: the holidays of the year's data; when a holiday that moves falls on a
//! Saturday or Sunday, the next working day is off (7 January and Kurban Ait never move);
//! and the government's yearly swaps (a weekend day worked, a weekday off).
//!
//! Each year is computed once, when it is loaded ([`WorkingCalendar::add_year`]): a bitset of
//! its working days, so counting working days reads a few machine words.
//!
//! Outside the loaded years every question is an error (`calendar_year_missing`): the
//! calendar never guesses. A day off moved from a weekend holiday at the very end of a year
//! is placed at the start of the next year; it is applied when both years are loaded, in
//! whichever order (loading a year recomputes the years after it). A year whose previous
//! year is not loaded is computed as if nothing was owed to it — with the built-in data no
//! holiday falls late enough for this to matter (the last one is 16 December).

mod data;
mod kazakhstan;
mod year;

pub use data::{CalendarYear, DaySwap, HolidayDate};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};
use year::{days_in_year, YearDays};

/// What kind of day a date is. Serialized with a `kind` tag, e.g.
/// `{"kind":"moved_day_off","holiday":"nauryz","holidayDate":"2026-03-21"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum DayKind {
    Working,
    /// A Saturday or Sunday worked by decree, in exchange for the weekday `instead_of`.
    WorkingByDecree {
        instead_of: NaiveDate,
    },
    Weekend,
    /// A public holiday (code such as `nauryz`).
    Holiday {
        holiday: String,
    },
    /// The day off that a holiday on a weekend (`holiday_date`) moved to.
    MovedDayOff {
        holiday: String,
        holiday_date: NaiveDate,
    },
    /// A weekday off by decree, in exchange for the weekend day `worked_on`.
    SwappedDayOff {
        worked_on: NaiveDate,
    },
}

impl DayKind {
    pub fn is_working(&self) -> bool {
        matches!(self, DayKind::Working | DayKind::WorkingByDecree { .. })
    }
}

/// Most calendar days one count of `n` working days may scan: `3n + 400`. Every valid year
/// has well over a third of its days working, so this only stops runaway counts.
fn scan_limit(n: u16) -> u32 {
    3 * u32::from(n) + 400
}

/// Working days over the loaded years.
#[derive(Debug, Clone, Default)]
pub struct WorkingCalendar {
    years: Years,
}

/// The loaded years in year order: a short vector (the built-in years and the few an operator
/// loads), as fast as a map at this size and far smaller in the WebAssembly module.
#[derive(Debug, Clone, Default)]
struct Years(Vec<YearDays>);

impl Years {
    fn get(&self, year: &i32) -> Option<&YearDays> {
        self.0.iter().find(|days| days.data.year == *year)
    }

    /// Adds a year, or replaces the loaded one of the same number.
    fn insert(&mut self, days: YearDays) {
        let year = days.data.year;
        match self.0.iter().position(|loaded| loaded.data.year >= year) {
            None => self.0.push(days),
            Some(at) => match self.0.get_mut(at) {
                Some(loaded) if loaded.data.year == year => *loaded = days,
                _ => self.0.insert(at, days),
            },
        }
    }
}

impl WorkingCalendar {
    /// The built-in calendar of Kazakhstan, 2024–2027 (see `kazakhstan.rs` for the sources),
    /// built once.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn kazakhstan() -> &'static WorkingCalendar {
        static CALENDAR: std::sync::OnceLock<WorkingCalendar> = std::sync::OnceLock::new();
        CALENDAR.get_or_init(Self::build_kazakhstan)
    }

    /// The built-in calendar, built once. The WebAssembly module runs on one thread: a
    /// thread-local cell is all it needs, a few hundred bytes smaller than a `OnceLock`.
    #[cfg(target_arch = "wasm32")]
    pub fn kazakhstan() -> &'static WorkingCalendar {
        thread_local! {
            static CALENDAR: std::cell::OnceCell<&'static WorkingCalendar> =
                const { std::cell::OnceCell::new() };
        }
        let leaked =
            || -> &'static WorkingCalendar { Box::leak(Box::new(Self::build_kazakhstan())) };
        CALENDAR.try_with(|calendar| *calendar.get_or_init(leaked)).unwrap_or_else(|_| leaked())
    }

    fn build_kazakhstan() -> WorkingCalendar {
        let mut calendar = WorkingCalendar::empty();
        for year in kazakhstan::years() {
            // Checked by the calendar tests (debug builds); not `expect`, which would link
            // the error's `Debug` and a panic site into the WebAssembly module.
            let loaded = calendar.add_year(year);
            debug_assert!(loaded.is_ok(), "built-in calendar data is valid");
        }
        calendar
    }

    /// A calendar with no years: every question is `calendar_year_missing`.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Validates one year's data, computes the year and loads it, replacing the same year if
    /// loaded. The years after it are recomputed when days off moved over 31 December
    /// change. On an error nothing changes.
    pub fn add_year(&mut self, data: CalendarYear) -> RuleResult<()> {
        data.validate()?;
        let year = data.year;
        let owed_in = self
            .years
            .get(&(year - 1))
            .map(|previous| previous.owed_out.clone())
            .unwrap_or_default();
        let mut changed = vec![YearDays::build(data, owed_in)?];
        // Recompute the following loaded years whose days owed from the year before change.
        // Years are bounded (1900..=2200), so this ends.
        let mut next = year + 1;
        while let Some(loaded) = self.years.get(&next) {
            let owed = changed.last().map(|previous| previous.owed_out.clone()).unwrap_or_default();
            if loaded.owed_in == owed {
                break;
            }
            let rebuilt = YearDays::build(loaded.data.clone(), owed).map_err(|_| {
                RuleError::CalendarDataInvalid {
                    year,
                    detail: "a day off moved into the next year clashes with that year's swaps",
                }
            })?;
            changed.push(rebuilt);
            next += 1;
        }
        for days in changed {
            self.years.insert(days);
        }
        Ok(())
    }

    /// The loaded years, in order.
    pub fn years(&self) -> Vec<i32> {
        self.years.0.iter().map(|days| days.data.year).collect()
    }

    /// Whether `year` is loaded.
    pub fn covers(&self, year: i32) -> bool {
        self.years.get(&year).is_some()
    }

    /// The data `year` was computed from, if loaded.
    pub fn year_data(&self, year: i32) -> Option<&CalendarYear> {
        self.years.get(&year).map(|days| &days.data)
    }

    fn year(&self, year: i32) -> RuleResult<&YearDays> {
        self.years.get(&year).ok_or(RuleError::CalendarYearMissing { year })
    }

    /// What kind of day `date` is.
    pub fn day(&self, date: NaiveDate) -> RuleResult<DayKind> {
        Ok(self.year(date.year())?.kind(date))
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> RuleResult<bool> {
        Ok(self.year(date.year())?.is_working(date))
    }

    /// The `n`-th working day after `date`: counting starts the day after `date`
    /// (`n` = 1 is the first working day after it). `n` = 0 gives `date` itself.
    /// Needs every year the count passes through, and refuses with
    /// `calendar_year_missing` at the first one not loaded.
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u16) -> RuleResult<NaiveDate> {
        if n == 0 {
            return Ok(date);
        }
        let mut remaining = u32::from(n);
        let mut year = date.year();
        // Day of year (0-based) where counting starts: the day after `date`.
        let mut from = date.ordinal0() + 1;
        let mut scanned = 0;
        loop {
            if from >= days_in_year(year) {
                year = year.checked_add(1).ok_or(RuleError::DateOutOfRange)?;
                from = 0;
            }
            let days = self.year(year)?;
            match days.nth_working_from(from, remaining) {
                Ok(day) => {
                    if scanned + day - from >= scan_limit(n) {
                        return Err(RuleError::DateOutOfRange);
                    }
                    return NaiveDate::from_yo_opt(year, day + 1).ok_or(RuleError::DateOutOfRange);
                }
                Err(found) => {
                    remaining -= found;
                    scanned += days.days_in_year() - from;
                    if scanned >= scan_limit(n) {
                        return Err(RuleError::DateOutOfRange);
                    }
                    from = days.days_in_year();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
