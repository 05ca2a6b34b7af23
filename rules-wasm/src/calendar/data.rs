//! One year of calendar data as operators load it, and its validation.
//!
//! The data says which dates are holidays and which weekend days are swapped with weekdays;
//! everything else (weekends, moved days off) is computed in [`super::year`].

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};

/// Oldest and newest year the calendar accepts.
pub(super) const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2200;
/// Most holidays in one year's data.
pub(super) const HOLIDAYS_MAX: usize = 40;
/// Most swaps in one year's data.
pub(super) const SWAPS_MAX: usize = 20;
/// Longest holiday code, in bytes.
pub(super) const CODE_LENGTH_MAX: usize = 40;
/// Longest `source` note, in bytes.
pub(super) const SOURCE_LENGTH_MAX: usize = 1000;

/// A public holiday on a date. `moves_when_on_weekend`: when it falls on a Saturday or
/// Sunday the next working day is off (false for 7 January and Kurban Ait).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayDate {
    pub date: NaiveDate,
    /// Stable snake_case code, e.g. `nauryz` (the user interface translates it).
    pub code: String,
    pub moves_when_on_weekend: bool,
}

/// A government swap: the weekend day `worked_on` is a working day, the weekday `day_off`
/// is not (Labour Code art. 85 para. 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaySwap {
    pub worked_on: NaiveDate,
    pub day_off: NaiveDate,
}

/// A year's data as operators load it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: Vec<HolidayDate>,
    #[serde(default)]
    pub swaps: Vec<DaySwap>,
    /// Where the data comes from (laws, decree numbers, announcements).
    #[serde(default)]
    pub source: String,
}

/// Sorts holidays by date, keeping the order of equal dates (an insertion sort: a year has at
/// most [`HOLIDAYS_MAX`] of them; a few bytes in the WebAssembly module, where each of std's
/// sorts costs kilobytes).
pub(super) fn sort_by_date(holidays: &mut [HolidayDate]) {
    for end in 1..holidays.len() {
        let mut at = end;
        while at > 0 && holidays[at - 1].date > holidays[at].date {
            holidays.swap(at - 1, at);
            at -= 1;
        }
    }
}

pub(super) fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn is_valid_code(code: &str) -> bool {
    (1..=CODE_LENGTH_MAX).contains(&code.len())
        && code
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
}

impl CalendarYear {
    /// Checks the shape of the data: limits, dates inside the year, no date twice, swaps
    /// from a Saturday/Sunday to a weekday. Conflicts that show only once moved days off are
    /// computed (a swap onto a moved day off) are refused when the year is built.
    pub fn validate(&self) -> RuleResult<()> {
        let year = self.year;
        let check = |ok: bool, detail: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(RuleError::CalendarDataInvalid { year, detail })
            }
        };
        check(YEAR_RANGE.contains(&year), "year must be 1900..=2200")?;
        check(self.holidays.len() <= HOLIDAYS_MAX, "more than 40 holidays")?;
        check(self.swaps.len() <= SWAPS_MAX, "more than 20 swaps")?;
        check(self.source.len() <= SOURCE_LENGTH_MAX, "source longer than 1000 bytes")?;
        check(
            self.holidays.iter().all(|holiday| holiday.date.year() == year),
            "holiday date outside its year",
        )?;
        check(
            self.holidays.iter().all(|holiday| is_valid_code(&holiday.code)),
            "holiday code must be 1-40 of a-z, 0-9, _",
        )?;
        check(
            self.swaps
                .iter()
                .all(|swap| swap.worked_on.year() == year && swap.day_off.year() == year),
            "swap date outside its year",
        )?;
        check(
            self.swaps.iter().all(|swap| is_weekend(swap.worked_on)),
            "a swap's worked day must be a Saturday or Sunday",
        )?;
        check(
            self.swaps.iter().all(|swap| !is_weekend(swap.day_off)),
            "a swap's day off must be a weekday",
        )?;
        let mut dates: Vec<NaiveDate> = self.holidays.iter().map(|holiday| holiday.date).collect();
        dates.extend(self.swaps.iter().flat_map(|swap| [swap.worked_on, swap.day_off]));
        // At most 80 dates: compared pairwise rather than sorted (no sort in the module).
        let repeated =
            dates.iter().enumerate().any(|(at, date)| dates.iter().skip(at + 1).any(|d| d == date));
        check(!repeated, "a date appears twice")?;
        Ok(())
    }
}
