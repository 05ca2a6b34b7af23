//! Built-in calendar data of Kazakhstan, 2024–2027 (Rust data: the WebAssembly build parses
//! no JSON). Operators load later years, or corrections, with `WorkingCalendar::add_year`.
//! `tests/calendar_real_dates.rs` checks every working day of these years, and
//! `tests/calendar_holidays_package.rs` cross-checks them against the PyPI package
//! `holidays` (a test, not a runtime dependency).
//!
//! Sources (each looked up in December 2026)
//! - Holidays and days off: Law of the Republic of Kazakhstan "On holidays in the Republic
//!   of Kazakhstan" of 13 December 2001 No. 267-II (https://adilet.zan.kz/rus/docs/Z010000267_),
//!   as amended: Republic Day 25 October a national holiday again and Independence Day
//!   16 December only, from 2022 (Law of 2022 No. 143-VII "on cinematography, culture and
//!   holidays", https://adilet.zan.kz/rus/docs/Z2200000143);
//!   Labour Code arts. 84–85 (holidays are days off; a holiday on a weekend makes the next
//!   working day off; 7 January and the first day of Kurban Ait are off and never moved;
//!   para. 3 of art. 85: the yearly act moving days off — a swap).
//! - Constitution Day after the Constitution of 2026. The Constitution adopted at the
//!   republican referendum of 15 March 2026 (in force 1 July 2026), art. 94 para. 2: "the day
//!   the Constitution is adopted at the republican referendum is a state holiday —
//!   Constitution Day" (Minister of Justice, Zakon.kz 4 Mar 2026,
//!   https://www.zakon.kz/obshestvo/6509867-v-minyuste-obyasnili-chto-budet-s-dnem-konstitutsii-30-avgusta.html).
//!   The Law on holidays was amended accordingly; its history of amendments on adilet
//!   (https://adilet.zan.kz/kaz/docs/Z010000267_/history, archived 10 Jul 2026 and cited by
//!   python-holidays PR #3690, released in `holidays` 0.109) gives: 30 August no longer a
//!   holiday from 2026, 15 March a holiday from 2027. The Ministry of Labour (МТСЗН) said the
//!   same: "from this year 30 August is no longer Constitution Day ... officially celebrated
//!   from 2027" (Taspanews 18 Mar 2026,
//!   https://taspanews.kz/novosti-kazakhstana/v-etom-godu-u-kazakhstantsev-ne-budet-odnogo-vykhodnogo-795514517615).
//!   So: 2024–2025 30 August; 2026 no Constitution Day (Sunday 30 August and Monday
//!   31 August 2026 — the moved day off the old law gave — are ordinary days); 2027 on
//!   Monday 15 March, moved like the others when on a weekend. NOT FOUND: the number and date
//!   of the amending act itself (the adilet history page was not readable from here).
//! - Swaps (transfer of days off), by year:
//!   - 2024: Sat 4 May worked, Wed 8 May off — Ministry of Labour order, adilet document
//!     G24G0000109 (https://adilet.zan.kz/kaz/docs/G24G0000109, as `holidays` cites it); text quoted by Zakon.kz,
//!     Sputnik, NUR.KZ, Alataunews, 18 Apr 2024.
//!   - 2025: Sun 5 January worked, Fri 3 January off — Ministry of Labour order, adilet
//!     document G24G0000436 (https://adilet.zan.kz/kaz/docs/G24G0000436, as `holidays` cites it); reported
//!     by Informburo.
//!   - 2026: none. The government's calendar for January (30–31 Dec 2025 working, 1–4 Jan
//!     off, no swap; Kazinform 28 Nov 2025, https://www.inform.kz/ru/kak-kazahstantsi-otdohnut-na-noviy-god-73a9c2)
//!     and the eGov holiday calendar of 2026 (Kazinform 2 Jan 2026,
//!     https://www.inform.kz/ru/kak-budut-otdihat-kazahstantsi-v-2026-godu-947dd6) list moved
//!     days off only; `holidays` 0.109 has no 2026 swap.
//!   - 2027: none known. No act moving a day off in 2027 was found (searched December 2026),
//!     and `holidays` 0.109 has none; load it with `add_year` when published.
//! - First day of Kurban Ait (a day off that never moves):
//!   2024-06-16 and 2025-06-06 CONFIRMED (ДУМК announcements; `holidays` confirmed years);
//!   2026-05-27 CONFIRMED by the eGov holiday calendar of 2026 ("в 2026 году первый день
//!   Курбан-айта приходится на 27 мая", Kazinform 2 Jan 2026, above) and the ДУМК calendar of
//!   6 Nov 2025 (https://www.zakon.kz/obshestvo/6496885-ramazan2026-oraza-i-kurban-ayt-opublikovan-kalendar-musulmanskikh-prazdnikov-v-kazakhstane.html);
//!   2027-05-16 ESTIMATED: 10 Dhu al-Hijjah 1448 by the astronomical calendar (`holidays`
//!   0.109 gives the same date, marked estimated); the ДУМК calendar of 2027 was not found. It
//!   is a Sunday, so it changes no working day; were it announced for Monday 17 May, an
//!   operator loads the corrected 2027 with `add_year`.

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

/// Constitution Day of the Constitution of 1995: 30 August, up to 2025.
const CONSTITUTION_DAY_1995: Entry = (8, 30, "constitution_day", true);
/// Constitution Day of the Constitution adopted at the referendum of 15 March 2026: from 2027.
const CONSTITUTION_DAY_2026: Entry = (3, 15, "constitution_day", true);

/// A built-in date. Never a panic site (each costs the WebAssembly module its message and
/// location): an invalid one would be `NaiveDate::MIN`, which the year's validation refuses,
/// and the calendar tests load every built-in year.
fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
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
    super::data::sort_by_date(&mut holidays);
    let swaps = swaps
        .iter()
        .map(|&(worked_month, worked_day, off_month, off_day)| DaySwap {
            worked_on: date(year, worked_month, worked_day),
            day_off: date(year, off_month, off_day),
        })
        .collect();
    // The browser's module never shows a year's sources (no export returns calendar data):
    // it leaves them out, half a kilobyte of its gzip budget.
    let source = if cfg!(target_arch = "wasm32") { String::new() } else { source.to_owned() };
    CalendarYear { year, holidays, swaps, source }
}

/// The built-in years.
pub(super) fn years() -> Vec<CalendarYear> {
    vec![
        year(
            2024,
            &[CONSTITUTION_DAY_1995, kurban_ait(6, 16)],
            &[(5, 4, 5, 8)],
            "Law on holidays No. 267-II; Labour Code arts. 84-85; Ministry of Labour order, adilet G24G0000109 (Sat 4 May worked, Wed 8 May off); Kurban Ait per DUMK",
        ),
        year(
            2025,
            &[CONSTITUTION_DAY_1995, kurban_ait(6, 6)],
            &[(1, 5, 1, 3)],
            "Law on holidays No. 267-II; Labour Code arts. 84-85; Ministry of Labour order, adilet G24G0000436 (Sun 5 Jan worked, Fri 3 Jan off); Kurban Ait per DUMK",
        ),
        year(
            2026,
            // No Constitution Day in 2026: 30 August is no longer one, 15 March is one from 2027.
            &[kurban_ait(5, 27)],
            &[],
            "Law on holidays No. 267-II as amended after the Constitution of 15 Mar 2026 (no Constitution Day in 2026); Labour Code arts. 84-85; no swaps; Kurban Ait 27 May per the eGov calendar 2026 and DUMK",
        ),
        year(
            2027,
            &[CONSTITUTION_DAY_2026, kurban_ait(5, 16)],
            &[],
            "Law on holidays No. 267-II as amended after the Constitution of 15 Mar 2026 (Constitution Day 15 Mar); Labour Code arts. 84-85; no swap known; Kurban Ait 16 May astronomical estimate (a Sunday)",
        ),
    ]
}
