//! Calendar mechanics: validation, computing a year, moved days off over 31 December, and
//! the fast count agreeing with a day-by-day one. Real Kazakh dates: `tests/calendar_real_dates.rs`.

use chrono::{Datelike, Duration, NaiveDate};

use super::{CalendarYear, DayKind, DaySwap, HolidayDate, WorkingCalendar};
use crate::error::RuleError;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn holiday(date: NaiveDate, code: &str, moves: bool) -> HolidayDate {
    HolidayDate { date, code: code.into(), moves_when_on_weekend: moves }
}

fn year_data(year: i32, holidays: Vec<HolidayDate>, swaps: Vec<DaySwap>) -> CalendarYear {
    CalendarYear { year, holidays, swaps, source: "test".into() }
}

fn refusal(data: CalendarYear) -> Option<&'static str> {
    match WorkingCalendar::empty().add_year(data) {
        Err(RuleError::CalendarDataInvalid { detail, .. }) => Some(detail),
        _ => None,
    }
}

#[test]
fn add_year_refuses_bad_data_with_calendar_data_invalid() {
    let h = |d: NaiveDate| holiday(d, "x", true);
    let swap = |worked_on, day_off| DaySwap { worked_on, day_off };
    let many_holidays: Vec<HolidayDate> =
        (0..41).map(|i| h(date(2028, 1, 1) + Duration::days(i))).collect();
    let many_swaps: Vec<DaySwap> = (0..21)
        .map(|i| swap(date(2028, 1, 1) + Duration::weeks(i), date(2028, 1, 3) + Duration::weeks(i)))
        .collect();
    // 2028: 1 Jan Saturday, 3 Jan Monday, 8 Jan Saturday.
    let table: Vec<(&str, CalendarYear, &str)> = vec![
        ("year before 1900", year_data(1899, vec![], vec![]), "year must be 1900..=2200"),
        ("year after 2200", year_data(2201, vec![], vec![]), "year must be 1900..=2200"),
        ("41 holidays", year_data(2028, many_holidays, vec![]), "more than 40 holidays"),
        ("21 swaps", year_data(2028, vec![], many_swaps), "more than 20 swaps"),
        (
            "holiday in another year",
            year_data(2028, vec![h(date(2027, 12, 31))], vec![]),
            "holiday date outside its year",
        ),
        (
            "empty code",
            year_data(2028, vec![holiday(date(2028, 3, 8), "", true)], vec![]),
            "holiday code must be 1-40 of a-z, 0-9, _",
        ),
        (
            "code with capitals",
            year_data(2028, vec![holiday(date(2028, 3, 8), "Nauryz", true)], vec![]),
            "holiday code must be 1-40 of a-z, 0-9, _",
        ),
        (
            "swap into another year",
            year_data(2028, vec![], vec![swap(date(2028, 1, 1), date(2027, 12, 31))]),
            "swap date outside its year",
        ),
        (
            "weekday worked",
            year_data(2028, vec![], vec![swap(date(2028, 1, 5), date(2028, 1, 6))]),
            "a swap's worked day must be a Saturday or Sunday",
        ),
        (
            "weekend day off",
            year_data(2028, vec![], vec![swap(date(2028, 1, 8), date(2028, 1, 9))]),
            "a swap's day off must be a weekday",
        ),
        (
            "two holidays on one date",
            year_data(2028, vec![h(date(2028, 3, 8)), h(date(2028, 3, 8))], vec![]),
            "a date appears twice",
        ),
        (
            "swap day off on a holiday",
            year_data(
                2028,
                vec![h(date(2028, 3, 8))],
                vec![swap(date(2028, 3, 4), date(2028, 3, 8))],
            ),
            "a date appears twice",
        ),
        (
            "one weekend day worked twice",
            year_data(
                2028,
                vec![],
                vec![
                    swap(date(2028, 1, 8), date(2028, 1, 3)),
                    swap(date(2028, 1, 8), date(2028, 1, 4)),
                ],
            ),
            "a date appears twice",
        ),
        // 1 Jan 2028 is a Saturday: its day off moves to Monday 3 January, which a swap cannot take.
        (
            "swap day off on a moved day off",
            year_data(
                2028,
                vec![h(date(2028, 1, 1))],
                vec![swap(date(2028, 1, 8), date(2028, 1, 3))],
            ),
            "a swap's day off must be an ordinary working day",
        ),
        (
            "holiday on a weekend worked",
            year_data(
                2028,
                vec![h(date(2028, 1, 1))],
                vec![swap(date(2028, 1, 1), date(2028, 1, 4))],
            ),
            "a date appears twice",
        ),
    ];
    for (case, data, detail) in table {
        assert_eq!(refusal(data), Some(detail), "{case}");
    }
}

#[test]
fn refused_data_leaves_the_calendar_unchanged() {
    let mut calendar = WorkingCalendar::kazakhstan().clone();
    let bad = year_data(
        2026,
        vec![holiday(date(2026, 3, 8), "womens_day", true)],
        vec![DaySwap { worked_on: date(2026, 3, 7), day_off: date(2026, 3, 9) }],
    );
    assert_eq!(calendar.add_year(bad).map_err(|e| e.code()), Err("calendar_data_invalid"));
    assert_eq!(calendar.day(date(2026, 3, 9)), WorkingCalendar::kazakhstan().day(date(2026, 3, 9)));
    assert_eq!(calendar.years(), vec![2024, 2025, 2026, 2027]);
}

#[test]
fn add_year_replaces_a_loaded_year() {
    let mut calendar = WorkingCalendar::empty();
    calendar
        .add_year(year_data(2028, vec![holiday(date(2028, 3, 8), "womens_day", true)], vec![]))
        .expect("valid");
    assert_eq!(calendar.is_working_day(date(2028, 3, 8)), Ok(false));
    calendar.add_year(year_data(2028, vec![], vec![])).expect("valid");
    assert_eq!(calendar.is_working_day(date(2028, 3, 8)), Ok(true));
    assert_eq!(calendar.years(), vec![2028]);
    assert!(calendar.covers(2028) && !calendar.covers(2027));
}

#[test]
fn empty_calendar_answers_calendar_year_missing() {
    let calendar = WorkingCalendar::empty();
    assert_eq!(calendar.day(date(2026, 1, 5)), Err(RuleError::CalendarYearMissing { year: 2026 }));
    assert_eq!(
        calendar.is_working_day(date(2026, 1, 5)),
        Err(RuleError::CalendarYearMissing { year: 2026 })
    );
    assert_eq!(
        calendar.nth_working_day_after(date(2026, 1, 5), 1),
        Err(RuleError::CalendarYearMissing { year: 2026 })
    );
}

#[test]
fn count_from_31_december_needs_only_the_next_year() {
    let mut calendar = WorkingCalendar::empty();
    calendar.add_year(year_data(2029, vec![], vec![])).expect("valid");
    // 31 Dec 2028 is a Sunday; 2028 is not loaded and not needed.
    assert_eq!(calendar.nth_working_day_after(date(2028, 12, 31), 1), Ok(date(2029, 1, 1)));
    assert_eq!(
        calendar.nth_working_day_after(date(2028, 12, 30), 1),
        Err(RuleError::CalendarYearMissing { year: 2028 })
    );
}

#[test]
fn zero_working_days_after_a_date_is_the_date_itself() {
    assert_eq!(
        WorkingCalendar::empty().nth_working_day_after(date(2026, 3, 21), 0),
        Ok(date(2026, 3, 21))
    );
}

/// A 2028 with a (made-up) holiday on Sunday 31 December, and a 2029 whose 1–2 January
/// are holidays: the day off owed by 31 December goes to Wednesday 3 January 2029.
fn year_end_pair() -> (CalendarYear, CalendarYear) {
    let y2028 = year_data(2028, vec![holiday(date(2028, 12, 31), "new_years_eve", true)], vec![]);
    let y2029 = year_data(
        2029,
        vec![
            holiday(date(2029, 1, 1), "new_year", true),
            holiday(date(2029, 1, 2), "new_year", true),
        ],
        vec![],
    );
    (y2028, y2029)
}

#[test]
fn day_off_moved_over_31_december_lands_in_the_next_year_in_either_load_order() {
    let moved =
        DayKind::MovedDayOff { holiday: "new_years_eve".into(), holiday_date: date(2028, 12, 31) };
    let (y2028, y2029) = year_end_pair();
    let mut forward = WorkingCalendar::empty();
    forward.add_year(y2028.clone()).expect("valid");
    // Without 2029 loaded, nothing is guessed.
    assert_eq!(
        forward.nth_working_day_after(date(2028, 12, 29), 1),
        Err(RuleError::CalendarYearMissing { year: 2029 })
    );
    forward.add_year(y2029.clone()).expect("valid");
    let mut backward = WorkingCalendar::empty();
    backward.add_year(y2029.clone()).expect("valid");
    assert_eq!(backward.day(date(2029, 1, 3)), Ok(DayKind::Working), "2028 not loaded yet");
    backward.add_year(y2028).expect("valid");
    for calendar in [&forward, &backward] {
        assert_eq!(calendar.day(date(2029, 1, 3)), Ok(moved.clone()));
        assert_eq!(calendar.nth_working_day_after(date(2028, 12, 29), 1), Ok(date(2029, 1, 4)));
    }
    // Replacing 2028 with data that owes nothing frees 3 January again.
    backward.add_year(year_data(2028, vec![], vec![])).expect("valid");
    assert_eq!(backward.day(date(2029, 1, 3)), Ok(DayKind::Working));
}

#[test]
fn day_off_moved_into_a_swapped_day_of_the_next_year_is_refused() {
    let (y2028, mut y2029) = year_end_pair();
    // 2029's own data swaps Saturday 6 January with Wednesday 3 January.
    y2029.swaps.push(DaySwap { worked_on: date(2029, 1, 6), day_off: date(2029, 1, 3) });
    let mut calendar = WorkingCalendar::empty();
    calendar.add_year(y2029).expect("valid alone");
    let refused = calendar.add_year(y2028);
    assert_eq!(refused.map_err(|e| e.code()), Err("calendar_data_invalid"));
    assert_eq!(calendar.years(), vec![2029], "nothing was loaded");
}

#[test]
fn bitset_and_day_kinds_agree_on_every_built_in_day() {
    let calendar = WorkingCalendar::kazakhstan();
    let mut day = date(2024, 1, 1);
    while day.year() <= 2027 {
        let kind = calendar.day(day).expect("built-in");
        assert_eq!(calendar.is_working_day(day), Ok(kind.is_working()), "{day}");
        day += Duration::days(1);
    }
}

#[test]
fn fast_count_agrees_with_counting_day_by_day() {
    let calendar = WorkingCalendar::kazakhstan();
    let slow = |from: NaiveDate, n: u16| -> Option<NaiveDate> {
        let mut day = from;
        let mut remaining = n;
        while remaining > 0 {
            day += Duration::days(1);
            if !calendar.is_working_day(day).ok()? {
                continue;
            }
            remaining -= 1;
        }
        Some(day)
    };
    let mut from = date(2023, 12, 31);
    while from <= date(2027, 12, 31) {
        for n in [1, 2, 3, 5, 10, 23, 64, 65, 130, 250] {
            match slow(from, n) {
                Some(expected) => assert_eq!(
                    calendar.nth_working_day_after(from, n),
                    Ok(expected),
                    "{from} + {n}"
                ),
                None => assert_eq!(
                    calendar.nth_working_day_after(from, n),
                    Err(RuleError::CalendarYearMissing { year: 2028 }),
                    "{from} + {n}"
                ),
            }
        }
        from += Duration::days(1);
    }
}

#[test]
fn long_counts_run_over_many_years_and_stop_at_the_first_missing_one() {
    let mut calendar = WorkingCalendar::empty();
    for year in 2030..2045 {
        calendar.add_year(year_data(year, vec![], vec![])).expect("valid");
    }
    // 1 Jan 2030 is a Tuesday; with no holidays, 1000 working days are 200 weeks.
    assert_eq!(
        calendar.nth_working_day_after(date(2030, 1, 1), 1000),
        Ok(date(2030, 1, 1) + Duration::weeks(200))
    );
    assert_eq!(
        calendar.nth_working_day_after(date(2030, 1, 1), u16::MAX),
        Err(RuleError::CalendarYearMissing { year: 2045 })
    );
}
