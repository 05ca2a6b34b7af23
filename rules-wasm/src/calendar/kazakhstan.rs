//! Built-in calendar data of Kazakhstan, 2024–2027.
//!
//! Sources:
//! - Holidays: Law of the Republic of Kazakhstan "On holidays in the Republic of
//!   Kazakhstan" (13 Dec 2001, as amended; Republic Day 25 October restored in 2022,
//!   Independence Day reduced to 16 December in 2022).
//! - Moving a holiday that falls on a weekend to the next working day, and the exceptions
//!   (religious holidays: 7 January, first day of Kurban Ait): Labour Code of the Republic of
//!   Kazakhstan, art. 85 (and the rule as DESIGN.md §2 states it).
//! - Swaps (art. 85 para. 3 of the Labour Code, yearly government resolution / order of the
//!   Ministry of Labour): 2024 — Saturday 4 May worked, Wednesday 8 May off;
//!   2025 — Sunday 5 January worked, Friday 3 January off. 2026: the government announced
//!   1–4 January off with no swap (30–31 Dec 2025 working); no other 2026 swap was known
//!   when this file was written. 2027: no swaps known yet — operators load the resolution
//!   when it is published (`WorkingCalendar::add_year`).
//! - First day of Kurban Ait (Spiritual Administration of Muslims of Kazakhstan):
//!   2024-06-16, 2025-06-06; 2026-05-27 and 2027-05-16 are the astronomical forecasts and
//!   must be confirmed against the Administration's announcement when published.

use chrono::NaiveDate;

use super::{CalendarYear, DaySwap, HolidayDate};

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("built-in dates are valid")
}

/// The holidays fixed by law, plus the first day of Kurban Ait.
fn holidays(year: i32, kurban_ait: NaiveDate) -> Vec<HolidayDate> {
    let fixed: [(u32, u32, &str, bool); 14] = [
        (1, 1, "new_year", true),
        (1, 2, "new_year", true),
        (1, 7, "orthodox_christmas", false),
        (3, 8, "womens_day", true),
        (3, 21, "nauryz", true),
        (3, 22, "nauryz", true),
        (3, 23, "nauryz", true),
        (5, 1, "unity_day", true),
        (5, 7, "defenders_day", true),
        (5, 9, "victory_day", true),
        (7, 6, "capital_day", true),
        (8, 30, "constitution_day", true),
        (10, 25, "republic_day", true),
        (12, 16, "independence_day", true),
    ];
    let mut holidays: Vec<HolidayDate> = fixed
        .iter()
        .map(|(month, day, code, moves)| HolidayDate { date: date(year, *month, *day), code: (*code).to_owned(), moves_when_on_weekend: *moves })
        .collect();
    holidays.push(HolidayDate { date: kurban_ait, code: "kurban_ait".to_owned(), moves_when_on_weekend: false });
    holidays
}

fn swap(worked_on: NaiveDate, day_off: NaiveDate) -> DaySwap {
    DaySwap { worked_on, day_off }
}

pub(super) fn years() -> Vec<CalendarYear> {
    vec![
        CalendarYear {
            year: 2024,
            holidays: holidays(2024, date(2024, 6, 16)),
            swaps: vec![swap(date(2024, 5, 4), date(2024, 5, 8))],
            source: "Law on holidays; Labour Code art. 85; 2024 swap 4 May -> 8 May".to_owned(),
        },
        CalendarYear {
            year: 2025,
            holidays: holidays(2025, date(2025, 6, 6)),
            swaps: vec![swap(date(2025, 1, 5), date(2025, 1, 3))],
            source: "Law on holidays; Labour Code art. 85; 2025 swap 5 Jan -> 3 Jan".to_owned(),
        },
        CalendarYear {
            year: 2026,
            holidays: holidays(2026, date(2026, 5, 27)),
            swaps: Vec::new(),
            source: "Law on holidays; Labour Code art. 85; Kurban Ait forecast".to_owned(),
        },
        CalendarYear {
            year: 2027,
            holidays: holidays(2027, date(2027, 5, 16)),
            swaps: Vec::new(),
            source: "Law on holidays; Labour Code art. 85; Kurban Ait forecast; swaps not yet decreed".to_owned(),
        },
    ]
}
