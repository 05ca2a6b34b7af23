//! One year of calendar data, as loaded, and the day kinds computed from it once.

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::DayKind;
use crate::error::{RuleError, RuleResult};

const HOLIDAYS_MAX: usize = 40;
const SWAPS_MAX: usize = 20;

/// A public holiday on a date. `moves_when_on_weekend`: when it falls on a Saturday or
/// Sunday the next working day is off (false for 7 January and Kurban Ait).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayDate {
    pub date: NaiveDate,
    pub code: String,
    pub moves_when_on_weekend: bool,
}

/// A government swap: the weekend day `worked_on` is worked, the weekday `day_off` is off.
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
    /// Where the data comes from (decree numbers, announcements).
    #[serde(default)]
    pub source: String,
}

/// The computed kinds of every day of a year, and a bitset of its working days.
#[derive(Debug, Clone)]
pub(super) struct YearDays {
    kinds: Vec<DayKind>,
    working: [u64; 6],
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

impl YearDays {
    pub(super) fn build(data: &CalendarYear) -> RuleResult<Self> {
        let year = data.year;
        let invalid = |detail: &'static str| RuleError::CalendarDataInvalid { year, detail };
        if !(1900..=2200).contains(&year) {
            return Err(invalid("year out of range 1900..=2200"));
        }
        if data.holidays.len() > HOLIDAYS_MAX {
            return Err(invalid("too many holidays"));
        }
        if data.swaps.len() > SWAPS_MAX {
            return Err(invalid("too many swaps"));
        }
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(invalid("year out of range 1900..=2200"))?;
        let days_in_year = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(invalid("year out of range 1900..=2200"))?.signed_duration_since(first).num_days() as usize;
        let index = |date: NaiveDate| date.ordinal0() as usize;
        let mut kinds: Vec<DayKind> = (0..days_in_year)
            .map(|offset| {
                let date = first + chrono::Duration::days(offset as i64);
                if is_weekend(date) { DayKind::Weekend } else { DayKind::Working }
            })
            .collect();
        let mut holidays = data.holidays.clone();
        holidays.sort_by_key(|holiday| holiday.date);
        for holiday in &holidays {
            if holiday.date.year() != year {
                return Err(invalid("holiday outside its year"));
            }
            if holiday.code.is_empty() || holiday.code.len() > 40 {
                return Err(invalid("holiday code must be 1..=40 characters"));
            }
            if matches!(kinds[index(holiday.date)], DayKind::Holiday { .. }) {
                return Err(invalid("two holidays on one date"));
            }
            kinds[index(holiday.date)] = DayKind::Holiday { holiday: holiday.code.clone() };
        }
        // Holidays on a weekend move to the next day that is neither weekend, holiday nor
        // already a moved day off, in date order.
        for holiday in holidays.iter().filter(|holiday| holiday.moves_when_on_weekend && is_weekend(holiday.date)) {
            let mut day = holiday.date;
            loop {
                day = day.succ_opt().ok_or(invalid("moved day off out of range"))?;
                if day.year() != year {
                    return Err(invalid("a moved day off would fall in the next year"));
                }
                if kinds[index(day)] == DayKind::Working {
                    kinds[index(day)] = DayKind::MovedDayOff { holiday: holiday.code.clone(), holiday_date: holiday.date };
                    break;
                }
            }
        }
        for swap in &data.swaps {
            if swap.worked_on.year() != year || swap.day_off.year() != year {
                return Err(invalid("swap outside its year"));
            }
            if kinds[index(swap.worked_on)] != DayKind::Weekend {
                return Err(invalid("a swap's worked day must be a plain Saturday or Sunday"));
            }
            if kinds[index(swap.day_off)] != DayKind::Working {
                return Err(invalid("a swap's day off must be a plain working weekday"));
            }
            kinds[index(swap.worked_on)] = DayKind::WorkingByDecree { instead_of: swap.day_off };
            kinds[index(swap.day_off)] = DayKind::SwappedDayOff { worked_on: swap.worked_on };
        }
        let mut working = [0u64; 6];
        for (offset, kind) in kinds.iter().enumerate() {
            if kind.is_working() {
                working[offset / 64] |= 1 << (offset % 64);
            }
        }
        Ok(Self { kinds, working })
    }

    pub(super) fn kind(&self, date: NaiveDate) -> DayKind {
        self.kinds[date.ordinal0() as usize].clone()
    }

    pub(super) fn is_working(&self, date: NaiveDate) -> bool {
        let offset = date.ordinal0() as usize;
        self.working[offset / 64] & (1 << (offset % 64)) != 0
    }
}
