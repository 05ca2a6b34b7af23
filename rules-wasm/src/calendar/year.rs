//! One year computed once from its data: a bitset of working days (what counting reads)
//! and the kinds of the days that are not plain weekdays or weekends (what people read).

use chrono::{Datelike, NaiveDate};

use super::data::{is_weekend, CalendarYear};
use super::DayKind;
use crate::error::{RuleError, RuleResult};

/// A day off owed by a holiday that fell on a weekend, not yet placed on a weekday.
/// Moved days off left over at the end of a year are placed at the start of the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct OwedDayOff {
    pub holiday: String,
    pub holiday_date: NaiveDate,
}

/// A computed year.
#[derive(Debug, Clone)]
pub(super) struct YearDays {
    /// The data it was computed from (kept to recompute when the previous year changes).
    pub data: CalendarYear,
    /// Days off owed by the previous year that this year placed.
    pub owed_in: Vec<OwedDayOff>,
    /// Days off this year could not place before 31 December.
    pub owed_out: Vec<OwedDayOff>,
    /// Bit `i` set: day `i` of the year (0 = 1 January) is a working day.
    working: [u64; 6],
    days_in_year: u32,
    /// The days that are neither a plain Monday–Friday nor a plain weekend, by day of year.
    special: Vec<(u16, DayKind)>,
}

/// Days in `year` (365 or 366).
pub(super) fn days_in_year(year: i32) -> u32 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

fn plain_kind(date: NaiveDate) -> DayKind {
    if is_weekend(date) {
        DayKind::Weekend
    } else {
        DayKind::Working
    }
}

impl YearDays {
    /// Computes the year: holidays, then days off moved from weekend holidays (owed ones
    /// from the previous year first, then this year's in date order; each goes to the next
    /// day that is not a weekend, a holiday or already a moved day off), then swaps.
    /// `data` must have passed [`CalendarYear::validate`].
    pub(super) fn build(data: CalendarYear, owed_in: Vec<OwedDayOff>) -> RuleResult<Self> {
        let year = data.year;
        let invalid = |detail: &'static str| RuleError::CalendarDataInvalid { year, detail };
        let first =
            NaiveDate::from_ymd_opt(year, 1, 1).ok_or(invalid("year must be 1900..=2200"))?;
        let days_in_year = days_in_year(year);
        let date_at = |index: usize| first + chrono::Duration::days(index as i64);
        let mut kinds: Vec<DayKind> =
            (0..days_in_year as usize).map(|index| plain_kind(date_at(index))).collect();
        let index = |date: NaiveDate| date.ordinal0() as usize;

        let mut holidays = data.holidays.clone();
        super::data::sort_by_date(&mut holidays);
        for holiday in &holidays {
            kinds[index(holiday.date)] = DayKind::Holiday { holiday: holiday.code.clone() };
        }

        let this_years_owed = holidays
            .iter()
            .filter(|holiday| holiday.moves_when_on_weekend && is_weekend(holiday.date))
            .map(|holiday| {
                (
                    index(holiday.date) + 1,
                    OwedDayOff { holiday: holiday.code.clone(), holiday_date: holiday.date },
                )
            });
        let mut owed_out = Vec::new();
        for (from, owed) in owed_in.iter().cloned().map(|owed| (0, owed)).chain(this_years_owed) {
            match (from..kinds.len()).find(|&day| kinds[day] == DayKind::Working) {
                Some(day) => {
                    kinds[day] = DayKind::MovedDayOff {
                        holiday: owed.holiday,
                        holiday_date: owed.holiday_date,
                    }
                }
                None => owed_out.push(owed),
            }
        }

        for swap in &data.swaps {
            if kinds[index(swap.worked_on)] != DayKind::Weekend {
                return Err(invalid("a swap's worked day must be an ordinary weekend day"));
            }
            if kinds[index(swap.day_off)] != DayKind::Working {
                return Err(invalid("a swap's day off must be an ordinary working day"));
            }
            kinds[index(swap.worked_on)] = DayKind::WorkingByDecree { instead_of: swap.day_off };
            kinds[index(swap.day_off)] = DayKind::SwappedDayOff { worked_on: swap.worked_on };
        }

        let mut working = [0u64; 6];
        let mut special = Vec::new();
        for (day, kind) in kinds.into_iter().enumerate() {
            if kind.is_working() {
                working[day / 64] |= 1 << (day % 64);
            }
            if kind != plain_kind(date_at(day)) {
                // A day of the year is below 366: it fits u16.
                special.push((day as u16, kind));
            }
        }
        Ok(Self { data, owed_in, owed_out, working, days_in_year, special })
    }

    pub(super) fn kind(&self, date: NaiveDate) -> DayKind {
        let day = date.ordinal0() as u16;
        match self.special.binary_search_by_key(&day, |(special_day, _)| *special_day) {
            Ok(found) => self.special[found].1.clone(),
            Err(_) => plain_kind(date),
        }
    }

    pub(super) fn is_working(&self, date: NaiveDate) -> bool {
        let day = date.ordinal0() as usize;
        self.working[day / 64] & (1 << (day % 64)) != 0
    }

    /// Counts working days from day of year `from` (0-based, included) on. Returns
    /// `Ok(day)`, the day of year of the `n`-th one (n ≥ 1), or `Err(found)`, how many
    /// working days there were up to 31 December when fewer than `n`.
    pub(super) fn nth_working_from(&self, from: u32, n: u32) -> Result<u32, u32> {
        let mut found = 0;
        let mut word_index = (from / 64) as usize;
        // Drop the bits of the days before `from` in its word.
        let mut word =
            self.working.get(word_index).map_or(0, |word| word & (u64::MAX << (from % 64)));
        loop {
            let count = word.count_ones();
            if found + count >= n {
                // The (n - found)-th set bit of this word.
                for _ in 1..n - found {
                    word &= word - 1;
                }
                return Ok(word_index as u32 * 64 + word.trailing_zeros());
            }
            found += count;
            word_index += 1;
            match self.working.get(word_index) {
                Some(next) => word = *next,
                None => return Err(found),
            }
        }
    }

    pub(super) fn days_in_year(&self) -> u32 {
        self.days_in_year
    }
}
