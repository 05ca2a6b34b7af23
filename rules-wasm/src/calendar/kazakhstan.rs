//! Built-in calendar data of Kazakhstan, 2024–2027 (Rust data: the WebAssembly build parses
//! no JSON). Operators load later years, or corrections, with `WorkingCalendar::add_year`.
//!
//! Sources
//! - Holidays and days off: Law of the Republic of Kazakhstan "On holidays in the Republic
//!   of Kazakhstan" (13 Dec 2001 No. 267-II, as amended: Republic Day 25 October a national
//!   holiday again from 2022; Independence Day 16 December only, from 2022); Labour Code of
//!   the Republic of Kazakhstan art. 84 (holidays are days off; 7 January and the first day
//!   of Kurban Ait are days off) and art. 85 (a holiday falling on a weekend makes the next
//!   working day off; para. 3: the yearly government act moving days off — a swap).
//! - Swaps, by year:
//!   - 2024: Ministry of Labour order "On moving a day of rest in 2024" of 17 Apr 2024 —
//!     Saturday 4 May worked, Wednesday 8 May off. CONFIRMED (text quoted by Zakon.kz,
//!     Sputnik, NUR.KZ, 18 Apr 2024). No other 2024 swap found.
//!   - 2025: Ministry of Labour order — Sunday 5 January worked, Friday 3 January off.
//!     CONFIRMED (as DESIGN.md §2 states; ministry announcement reported by Informburo).
//!   - 2026: none. CONFIRMED for January (1–4 January off with no swap, 30–31 December 2025
//!     working: calendar approved by the government, reported 19 Nov 2025); the eGov holiday
//!     calendar for 2026 (reported by Kazinform 2 Jan 2026) lists moved days off only.
//!     No later 2026 swap was found.
//!   - 2027: none known. UNCONFIRMED: the 2027 act had not been found when this was written
//!     (November 2026); load it when published.
//! - Constitution Day: 30 August in every built-in year, as DESIGN.md §2 lists it. OPEN
//!   QUESTION: one news report (Taspanews, 18 Mar 2026, quoting the Ministry of Labour) says
//!   the Constitution adopted at the referendum of 15 March 2026 moves Constitution Day to
//!   15 March from 2027 and that 30 August 2026 was no longer a holiday. The amended Law on
//!   holidays was not seen, so the spec's list stands; if confirmed, an operator loads
//!   corrected 2026/2027 data with `add_year` (replace `CONSTITUTION_DAY` below with
//!   `(3, 15, "constitution_day", true)` for 2027 and drop it for 2026).
//! - First day of Kurban Ait (Spiritual Administration of Muslims of Kazakhstan, ДУМК):
//!   2024-06-16 CONFIRMED (final announcement after the new moon, June 2024);
//!   2025-06-06 CONFIRMED (ДУМК, June 2025); 2026-05-27 from the ДУМК calendar for 2026
//!   (published 6 Nov 2025; "may shift by one day with the new moon") — the final
//!   announcement was not found; 2027-05-16 UNCONFIRMED: the astronomical date of
//!   10 Dhu al-Hijjah 1448; the ДУМК calendar for 2027 was not found. Correct with
//!   `add_year` when announced.

use chrono::NaiveDate;

use super::{CalendarYear, DaySwap, HolidayDate};

/// A holiday: month, day, code, whether it moves when it falls on a weekend.
type Entry = (u32, u32, &'static str, bool);

/// The holidays every year 2024–2027 has, in date order, except Constitution Day and
/// Kurban Ait, which differ by year.
const FIXED: [Entry; 13] = [
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
    (10, 25, "republic_day", true),
    (12, 16, "independence_day", true),
];

const CONSTITUTION_DAY: Entry = (8, 30, "constitution_day", true);

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("built-in dates are valid")
}

/// The first day of Kurban Ait: a day off that never moves.
const fn kurban_ait(month: u32, day: u32) -> Entry {
    (month, day, "kurban_ait", false)
}

fn year(year: i32, extra: &[Entry], swaps: &[(u32, u32, u32, u32)], source: &str) -> CalendarYear {
    let mut holidays: Vec<HolidayDate> = FIXED
        .iter()
        .chain(extra)
        .map(|&(month, day, code, moves)| HolidayDate {
            date: date(year, month, day),
            code: code.to_owned(),
            moves_when_on_weekend: moves,
        })
        .collect();
    holidays.sort_by_key(|holiday| holiday.date);
    let swaps = swaps
        .iter()
        .map(|&(worked_month, worked_day, off_month, off_day)| DaySwap {
            worked_on: date(year, worked_month, worked_day),
            day_off: date(year, off_month, off_day),
        })
        .collect();
    CalendarYear { year, holidays, swaps, source: source.to_owned() }
}

/// The built-in years.
pub(super) fn years() -> Vec<CalendarYear> {
    vec![
        year(
            2024,
            &[CONSTITUTION_DAY, kurban_ait(6, 16)],
            &[(5, 4, 5, 8)],
            "Law on holidays; Labour Code arts. 84-85; Ministry of Labour order of 17 Apr 2024 (Sat 4 May worked, Wed 8 May off); Kurban Ait per DUMK",
        ),
        year(
            2025,
            &[CONSTITUTION_DAY, kurban_ait(6, 6)],
            &[(1, 5, 1, 3)],
            "Law on holidays; Labour Code arts. 84-85; Ministry of Labour order (Sun 5 Jan worked, Fri 3 Jan off); Kurban Ait per DUMK",
        ),
        year(
            2026,
            &[CONSTITUTION_DAY, kurban_ait(5, 27)],
            &[],
            "Law on holidays; Labour Code arts. 84-85; no swaps; Kurban Ait per DUMK calendar 2026",
        ),
        year(
            2027,
            &[CONSTITUTION_DAY, kurban_ait(5, 16)],
            &[],
            "Law on holidays; Labour Code arts. 84-85; swaps not yet known; Kurban Ait astronomical forecast, unconfirmed",
        ),
    ]
}
