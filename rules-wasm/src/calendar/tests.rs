//! Calendar tests on real dates.

use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};

use super::{CalendarYear, DayKind, DaySwap, HolidayDate, WorkingCalendar};
use crate::deadline::{deadline_at, explain_deadline};
use crate::policy::Span;
use crate::time::{Instant, RegionClock};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn local(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> Instant {
    FixedOffset::east_opt(5 * 3600).expect("offset").with_ymd_and_hms(y, m, d, hour, minute, 0).single().expect("valid").with_timezone(&Utc)
}

fn kind(d: NaiveDate) -> DayKind {
    WorkingCalendar::kazakhstan().day(d).expect("built-in year")
}

fn moved(holiday: &str, holiday_date: NaiveDate) -> DayKind {
    DayKind::MovedDayOff { holiday: holiday.into(), holiday_date }
}

fn holiday(code: &str) -> DayKind {
    DayKind::Holiday { holiday: code.into() }
}

#[test]
fn nauryz_2025_friday_to_sunday_moves_two_days() {
    assert_eq!(kind(date(2025, 3, 21)), holiday("nauryz"));
    assert_eq!(kind(date(2025, 3, 22)), holiday("nauryz"));
    assert_eq!(kind(date(2025, 3, 23)), holiday("nauryz"));
    assert_eq!(kind(date(2025, 3, 24)), moved("nauryz", date(2025, 3, 22)));
    assert_eq!(kind(date(2025, 3, 25)), moved("nauryz", date(2025, 3, 23)));
    assert_eq!(kind(date(2025, 3, 26)), DayKind::Working);
}

#[test]
fn nauryz_2026_saturday_to_monday_moves_to_tuesday_and_wednesday() {
    assert_eq!(kind(date(2026, 3, 23)), holiday("nauryz"));
    assert_eq!(kind(date(2026, 3, 24)), moved("nauryz", date(2026, 3, 21)));
    assert_eq!(kind(date(2026, 3, 25)), moved("nauryz", date(2026, 3, 22)));
    assert_eq!(kind(date(2026, 3, 26)), DayKind::Working);
    // 8 March 2026 is a Sunday: Monday 9 March is off.
    assert_eq!(kind(date(2026, 3, 9)), moved("womens_day", date(2026, 3, 8)));
}

#[test]
fn republic_day_2025_on_saturday_makes_monday_27_october_off() {
    assert_eq!(kind(date(2025, 10, 25)), holiday("republic_day"));
    assert_eq!(kind(date(2025, 10, 27)), moved("republic_day", date(2025, 10, 25)));
    assert_eq!(kind(date(2025, 10, 28)), DayKind::Working);
    // 8 March 2025, a Saturday → Monday 10 March.
    assert_eq!(kind(date(2025, 3, 10)), moved("womens_day", date(2025, 3, 8)));
}

#[test]
fn orthodox_christmas_and_kurban_ait_never_move() {
    // 7 January 2024 is a Sunday; Monday 8 January is an ordinary working day.
    assert_eq!(kind(date(2024, 1, 7)), holiday("orthodox_christmas"));
    assert_eq!(kind(date(2024, 1, 8)), DayKind::Working);
    // Kurban Ait 2024 on Sunday 16 June: Monday 17 June works.
    assert_eq!(kind(date(2024, 6, 16)), holiday("kurban_ait"));
    assert_eq!(kind(date(2024, 6, 17)), DayKind::Working);
    assert_eq!(kind(date(2025, 6, 6)), holiday("kurban_ait"));
}

#[test]
fn swap_of_2025_friday_3_january_off_sunday_5_january_worked() {
    assert_eq!(kind(date(2025, 1, 3)), DayKind::SwappedDayOff { worked_on: date(2025, 1, 5) });
    assert_eq!(kind(date(2025, 1, 5)), DayKind::WorkingByDecree { instead_of: date(2025, 1, 3) });
    let calendar = WorkingCalendar::kazakhstan();
    // Counting from Tue 31 Dec 2024: 1–2 Jan holidays, 3 Jan swapped off, 4 Jan Saturday,
    // Sunday 5 January is the first working day.
    assert_eq!(calendar.nth_working_day_after(date(2024, 12, 31), 1), Ok(date(2025, 1, 5)));
    assert_eq!(calendar.nth_working_day_after(date(2024, 12, 31), 2), Ok(date(2025, 1, 6)));
    assert_eq!(kind(date(2024, 5, 8)), DayKind::SwappedDayOff { worked_on: date(2024, 5, 4) });
}

#[test]
fn year_end_2026_to_2027_counts_over_new_year_and_its_moved_day() {
    // 1 Jan 2027 Friday, 2 Jan Saturday → Monday 4 January off; 7 January Thursday.
    let calendar = WorkingCalendar::kazakhstan();
    assert_eq!(kind(date(2027, 1, 4)), moved("new_year", date(2027, 1, 2)));
    // Event Wed 30 Dec 2026: Thu 31 Dec (1), Tue 5 Jan (2), Wed 6 Jan (3), Fri 8 Jan (4).
    assert_eq!(calendar.nth_working_day_after(date(2026, 12, 30), 3), Ok(date(2027, 1, 6)));
    assert_eq!(calendar.nth_working_day_after(date(2026, 12, 30), 4), Ok(date(2027, 1, 8)));
}

#[test]
fn outside_the_loaded_years_is_an_error_never_a_guess() {
    let calendar = WorkingCalendar::kazakhstan();
    assert_eq!(calendar.years(), vec![2024, 2025, 2026, 2027]);
    assert_eq!(calendar.day(date(2028, 1, 3)).map_err(|e| e.code()), Err("calendar_year_missing"));
    assert_eq!(calendar.nth_working_day_after(date(2027, 12, 29), 5).map_err(|e| e.code()), Err("calendar_year_missing"));
    let clock = RegionClock::default();
    let refused = deadline_at(Span::WorkingDays(10), local(2027, 12, 24, 10, 0), calendar, &clock);
    assert_eq!(refused.map_err(|e| e.code()), Err("calendar_year_missing"));
}

#[test]
fn loading_2028_at_run_time_makes_2028_deadlines_work() {
    let mut calendar = WorkingCalendar::kazakhstan().clone();
    let holidays = vec![
        HolidayDate { date: date(2028, 1, 1), code: "new_year".into(), moves_when_on_weekend: true },
        HolidayDate { date: date(2028, 1, 2), code: "new_year".into(), moves_when_on_weekend: true },
    ];
    calendar.add_year(CalendarYear { year: 2028, holidays, swaps: Vec::new(), source: "test".into() }).expect("valid");
    // 1 Jan 2028 Saturday → Monday 3rd off; 2 Jan Sunday → Tuesday 4th off.
    assert_eq!(calendar.nth_working_day_after(date(2027, 12, 30), 2), Ok(date(2028, 1, 5)));
}

#[test]
fn bad_calendar_data_is_refused() {
    let mut calendar = WorkingCalendar::empty();
    let year = |holidays, swaps| CalendarYear { year: 2028, holidays, swaps, source: String::new() };
    let outside = vec![HolidayDate { date: date(2027, 1, 1), code: "new_year".into(), moves_when_on_weekend: true }];
    assert_eq!(calendar.add_year(year(outside, vec![])).map_err(|e| e.code()), Err("calendar_data_invalid"));
    let weekday_worked = vec![DaySwap { worked_on: date(2028, 1, 5), day_off: date(2028, 1, 6) }];
    assert_eq!(calendar.add_year(year(vec![], weekday_worked)).map_err(|e| e.code()), Err("calendar_data_invalid"));
    let twice = vec![
        HolidayDate { date: date(2028, 3, 8), code: "a".into(), moves_when_on_weekend: true },
        HolidayDate { date: date(2028, 3, 8), code: "b".into(), moves_when_on_weekend: true },
    ];
    assert_eq!(calendar.add_year(year(twice, vec![])).map_err(|e| e.code()), Err("calendar_data_invalid"));
    assert!(calendar.years().is_empty(), "nothing was loaded");
}

#[test]
fn step_9_offer_window_from_late_friday_evening_local() {
    // Friday 17 Oct 2025, 23:30 local = 18:30 UTC the same day; local date is Friday.
    // Working days Mon 20, Tue 21, Wed 22 → deadline 00:00 local Thursday 23 Oct.
    let calendar = WorkingCalendar::kazakhstan();
    let clock = RegionClock::default();
    let deadline = deadline_at(Span::WorkingDays(3), local(2025, 10, 17, 23, 30), calendar, &clock).expect("in range");
    assert_eq!(deadline, local(2025, 10, 23, 0, 0));
    // Monday 00:10 local is still Sunday in UTC: the count starts from the local date.
    let deadline = deadline_at(Span::WorkingDays(3), local(2025, 10, 20, 0, 10), calendar, &clock).expect("in range");
    assert_eq!(deadline, local(2025, 10, 24, 0, 0));
}

#[test]
fn hour_and_calendar_day_spans() {
    let calendar = WorkingCalendar::kazakhstan();
    let clock = RegionClock::default();
    let event = local(2019, 6, 3, 15, 45);
    // Astana 2019: one calendar day → 00:00 local after the next day. (No calendar needed.)
    assert_eq!(deadline_at(Span::CalendarDays(1), event, calendar, &clock), Ok(local(2019, 6, 5, 0, 0)));
    assert_eq!(deadline_at(Span::Hours(24), event, calendar, &clock), Ok(local(2019, 6, 4, 15, 45)));
}

#[test]
fn explanation_names_the_skipped_holidays() {
    // Seed closing note: 10 working days of stop-list from Friday 13 March 2026.
    let calendar = WorkingCalendar::kazakhstan();
    let clock = RegionClock::default();
    let explained = explain_deadline(Span::WorkingDays(10), local(2026, 3, 13, 12, 0), calendar, &clock).expect("in range");
    assert_eq!(explained.counted_days.len(), 10);
    // Mon 16 – Fri 20 (5), Thu 26, Fri 27 (7), Mon 30, Tue 31 (9), Wed 1 April (10).
    assert_eq!(explained.counted_days.last(), Some(&date(2026, 4, 1)));
    assert_eq!(explained.deadline_at, local(2026, 4, 2, 0, 0));
    let skipped: Vec<(NaiveDate, DayKind)> = explained.skipped_days.iter().map(|s| (s.date, s.day.clone())).collect();
    assert!(skipped.contains(&(date(2026, 3, 23), holiday("nauryz"))));
    assert!(skipped.contains(&(date(2026, 3, 25), moved("nauryz", date(2026, 3, 22)))));
    assert!(skipped.contains(&(date(2026, 3, 14), DayKind::Weekend)));
    assert_eq!(skipped.len(), 9, "two weekends of Mar 14-15 and 28-29, and 21-25 March");
}
