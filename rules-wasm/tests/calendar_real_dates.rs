//! The built-in calendar of Kazakhstan and the deadlines counted on it, checked on real
//! dates (DESIGN §2). Sources and what is unconfirmed: `src/calendar/kazakhstan.rs`.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Utc, Weekday};
use kezek_rules::calendar::{CalendarYear, DayKind, HolidayDate, WorkingCalendar};
use kezek_rules::deadline::{deadline_at, explain_deadline};
use kezek_rules::policy::Span;
use kezek_rules::time::RegionClock;
use kezek_rules::RuleError;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An instant given as Kazakhstan local time (+05:00).
fn local(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    FixedOffset::east_opt(5 * 3600)
        .and_then(|offset| offset.with_ymd_and_hms(y, m, d, hour, minute, 0).single())
        .expect("valid local time")
        .with_timezone(&Utc)
}

fn utc(y: i32, m: u32, d: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, hour, minute, 0).single().expect("valid instant")
}

fn calendar() -> &'static WorkingCalendar {
    WorkingCalendar::kazakhstan()
}

fn kind(day: NaiveDate) -> DayKind {
    calendar().day(day).expect("built-in year")
}

fn holiday(code: &str) -> DayKind {
    DayKind::Holiday { holiday: code.into() }
}

fn moved(code: &str, holiday_date: NaiveDate) -> DayKind {
    DayKind::MovedDayOff { holiday: code.into(), holiday_date }
}

fn deadline(span: Span, event: DateTime<Utc>) -> Result<DateTime<Utc>, RuleError> {
    deadline_at(span, event, calendar(), &RegionClock::default())
}

fn assert_kinds(table: &[(NaiveDate, DayKind)]) {
    for (day, expected) in table {
        assert_eq!(&kind(*day), expected, "{day}");
    }
}

#[test]
fn built_in_years_are_2024_to_2027() {
    assert_eq!(calendar().years(), vec![2024, 2025, 2026, 2027]);
    assert!(calendar().covers(2027) && !calendar().covers(2028));
}

#[test]
fn built_in_years_have_exactly_the_known_weekday_days_off_and_worked_weekends() {
    // (year, Monday–Friday days off as (month, day), Saturdays/Sundays worked)
    type YearTable = (i32, &'static [(u32, u32)], &'static [(u32, u32)]);
    let table: [YearTable; 4] = [
        (
            2024,
            &[
                (1, 1),
                (1, 2),
                (3, 8),
                (3, 21),
                (3, 22),
                (3, 25),
                (5, 1),
                (5, 7),
                (5, 8),
                (5, 9),
                (7, 8),
                (8, 30),
                (10, 25),
                (12, 16),
            ],
            &[(5, 4)],
        ),
        (
            2025,
            &[
                (1, 1),
                (1, 2),
                (1, 3),
                (1, 7),
                (3, 10),
                (3, 21),
                (3, 24),
                (3, 25),
                (5, 1),
                (5, 7),
                (5, 9),
                (6, 6),
                (7, 7),
                (9, 1),
                (10, 27),
                (12, 16),
            ],
            &[(1, 5)],
        ),
        (
            2026,
            &[
                (1, 1),
                (1, 2),
                (1, 7),
                (3, 9),
                (3, 23),
                (3, 24),
                (3, 25),
                (5, 1),
                (5, 7),
                (5, 11),
                (5, 27),
                (7, 6),
                // Not (8, 31): Constitution Day of 30 August is gone from 2026.
                (10, 26),
                (12, 16),
            ],
            &[],
        ),
        (
            2027,
            &[
                (1, 1),
                (1, 4),
                (1, 7),
                (3, 8),
                (3, 15),
                (3, 22),
                (3, 23),
                (3, 24),
                (5, 3),
                (5, 7),
                (5, 10),
                (7, 6),
                (10, 25),
                (12, 16),
            ],
            &[],
        ),
    ];
    for (year, days_off, worked_weekends) in table {
        let mut day = date(year, 1, 1);
        while day.year() == year {
            let month_day = (day.month(), day.day());
            let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
            let expected = if weekend {
                worked_weekends.contains(&month_day)
            } else {
                !days_off.contains(&month_day)
            };
            assert_eq!(calendar().is_working_day(day), Ok(expected), "{day} ({:?})", kind(day));
            day += Duration::days(1);
        }
    }
}

#[test]
fn nauryz_2025_friday_to_sunday_makes_monday_24_and_tuesday_25_march_off() {
    assert_kinds(&[
        (date(2025, 3, 21), holiday("nauryz")),
        (date(2025, 3, 22), holiday("nauryz")),
        (date(2025, 3, 23), holiday("nauryz")),
        (date(2025, 3, 24), moved("nauryz", date(2025, 3, 22))),
        (date(2025, 3, 25), moved("nauryz", date(2025, 3, 23))),
        (date(2025, 3, 26), DayKind::Working),
    ]);
}

#[test]
fn nauryz_2026_saturday_to_monday_makes_tuesday_24_and_wednesday_25_march_off() {
    assert_kinds(&[
        (date(2026, 3, 21), holiday("nauryz")),
        (date(2026, 3, 22), holiday("nauryz")),
        (date(2026, 3, 23), holiday("nauryz")),
        (date(2026, 3, 24), moved("nauryz", date(2026, 3, 21))),
        (date(2026, 3, 25), moved("nauryz", date(2026, 3, 22))),
        (date(2026, 3, 26), DayKind::Working),
    ]);
}

#[test]
fn weekend_holidays_move_to_the_next_working_day() {
    assert_kinds(&[
        // Republic Day, Saturday 25 October 2025 → Monday 27 October.
        (date(2025, 10, 25), holiday("republic_day")),
        (date(2025, 10, 27), moved("republic_day", date(2025, 10, 25))),
        (date(2025, 10, 28), DayKind::Working),
        // Women's Day, Saturday 8 March 2025 → Monday 10 March.
        (date(2025, 3, 8), holiday("womens_day")),
        (date(2025, 3, 10), moved("womens_day", date(2025, 3, 8))),
        // Women's Day, Sunday 8 March 2026 → Monday 9 March.
        (date(2026, 3, 9), moved("womens_day", date(2026, 3, 8))),
        // Victory Day, Saturday 9 May 2026 → Monday 11 May.
        (date(2026, 5, 11), moved("victory_day", date(2026, 5, 9))),
        // New Year, Saturday 2 January 2027 → Monday 4 January.
        (date(2027, 1, 4), moved("new_year", date(2027, 1, 2))),
        // Nauryz 2027: Sunday 21 March → Wednesday 24 March (22, 23 are Nauryz themselves).
        (date(2027, 3, 24), moved("nauryz", date(2027, 3, 21))),
    ]);
}

#[test]
fn orthodox_christmas_and_kurban_ait_are_off_but_never_move() {
    assert_kinds(&[
        // 7 January 2024 is a Sunday; Monday 8 January 2024 is a working day.
        (date(2024, 1, 7), holiday("orthodox_christmas")),
        (date(2024, 1, 8), DayKind::Working),
        // Kurban Ait 2024 on Sunday 16 June: Monday 17 June works.
        (date(2024, 6, 16), holiday("kurban_ait")),
        (date(2024, 6, 17), DayKind::Working),
        (date(2025, 6, 6), holiday("kurban_ait")),
        (date(2026, 5, 27), holiday("kurban_ait")),
    ]);
}

#[test]
fn swaps_of_2024_and_2025_move_a_weekday_off_to_a_worked_weekend_day() {
    assert_kinds(&[
        // 2025: Friday 3 January off, Sunday 5 January worked.
        (date(2025, 1, 3), DayKind::SwappedDayOff { worked_on: date(2025, 1, 5) }),
        (date(2025, 1, 5), DayKind::WorkingByDecree { instead_of: date(2025, 1, 3) }),
        // 2024: Wednesday 8 May off, Saturday 4 May worked.
        (date(2024, 5, 8), DayKind::SwappedDayOff { worked_on: date(2024, 5, 4) }),
        (date(2024, 5, 4), DayKind::WorkingByDecree { instead_of: date(2024, 5, 8) }),
    ]);
}

#[test]
fn constitution_day_is_30_august_to_2025_none_in_2026_and_15_march_from_2027() {
    assert_kinds(&[
        (date(2024, 8, 30), holiday("constitution_day")),
        (date(2025, 8, 30), holiday("constitution_day")),
        (date(2025, 9, 1), moved("constitution_day", date(2025, 8, 30))),
        // 2026: Sunday 30 August is a plain Sunday and Monday 31 August a working day (the
        // law before 2026 moved the day off to it).
        (date(2026, 3, 15), DayKind::Weekend),
        (date(2026, 8, 30), DayKind::Weekend),
        (date(2026, 8, 31), DayKind::Working),
        // 2027: Monday 15 March is Constitution Day; 30 August is a plain Monday.
        (date(2027, 3, 15), holiday("constitution_day")),
        (date(2027, 3, 16), DayKind::Working),
        (date(2027, 8, 30), DayKind::Working),
    ]);
    let constitution_days = |year: i32| -> Vec<NaiveDate> {
        let data = calendar().year_data(year).expect("built-in year");
        data.holidays.iter().filter(|h| h.code == "constitution_day").map(|h| h.date).collect()
    };
    assert_eq!(constitution_days(2025), vec![date(2025, 8, 30)]);
    assert_eq!(constitution_days(2026), Vec::<NaiveDate>::new());
    assert_eq!(constitution_days(2027), vec![date(2027, 3, 15)]);
    let moves = calendar()
        .year_data(2027)
        .expect("2027")
        .holidays
        .iter()
        .any(|h| h.code == "constitution_day" && h.moves_when_on_weekend);
    assert!(moves, "Constitution Day moves like the others when on a weekend");
}

#[test]
fn a_deadline_counted_over_30_august_2026_counts_monday_31_august_as_working() {
    // Offer on Thursday 27 August 2026: Fri 28 (1), Mon 31 (2), Tue 1 September (3) →
    // 00:00 local Wednesday 2 September. Under the law before 2026, Monday 31 August was the
    // day off moved from Sunday 30 August, and the window ended a day later (3 September).
    assert_eq!(
        deadline(Span::WorkingDays(3), local(2026, 8, 27, 15, 0)),
        Ok(local(2026, 9, 2, 0, 0))
    );
    // Referral issued Friday 28 August 2026: Mon 31 Aug – Fri 4 Sep are the 5 working days.
    assert_eq!(
        deadline(Span::WorkingDays(5), local(2026, 8, 28, 11, 0)),
        Ok(local(2026, 9, 5, 0, 0))
    );
}

#[test]
fn monday_15_march_2027_is_a_day_off_that_deadlines_skip() {
    // Offer on Friday 12 March 2027: Mon 15 (Constitution Day) skipped; Tue 16 (1), Wed 17 (2),
    // Thu 18 (3) → 00:00 local Friday 19 March.
    assert_eq!(
        deadline(Span::WorkingDays(3), local(2027, 3, 12, 10, 0)),
        Ok(local(2027, 3, 19, 0, 0))
    );
    // Stop-list of 10 working days from Friday 12 March 2027 skips Constitution Day and
    // Nauryz (Sun 21 – Tue 23, moved to Wed 24): Tue 16 – Fri 19 (4), Thu 25, Fri 26 (6),
    // Mon 29 – Wed 31 (9), Thu 1 April (10) → 00:00 local Friday 2 April.
    let explained = explain_deadline(
        Span::WorkingDays(10),
        local(2027, 3, 12, 10, 0),
        calendar(),
        &RegionClock::default(),
    )
    .expect("in range");
    assert_eq!(explained.deadline_at, local(2027, 4, 2, 0, 0));
    let skipped_weekdays: Vec<(NaiveDate, DayKind)> = explained
        .skipped_days
        .iter()
        .filter(|s| s.day != DayKind::Weekend)
        .map(|s| (s.date, s.day.clone()))
        .collect();
    assert_eq!(
        skipped_weekdays,
        vec![
            (date(2027, 3, 15), holiday("constitution_day")),
            (date(2027, 3, 21), holiday("nauryz")),
            (date(2027, 3, 22), holiday("nauryz")),
            (date(2027, 3, 23), holiday("nauryz")),
            (date(2027, 3, 24), moved("nauryz", date(2027, 3, 21))),
        ]
    );
}

#[test]
fn no_day_is_swapped_by_decree_in_2026_or_2027() {
    for year in [2026, 2027] {
        assert_eq!(calendar().year_data(year).map(|data| data.swaps.len()), Some(0), "{year}");
        let mut day = date(year, 1, 1);
        while day.year() == year {
            let swapped = matches!(
                kind(day),
                DayKind::WorkingByDecree { .. } | DayKind::SwappedDayOff { .. }
            );
            assert!(!swapped, "{day} is swapped");
            day += Duration::days(1);
        }
    }
    // 2026 New Year: Thu 1, Fri 2 January off, 3–4 weekend, Mon 5 January working (no swap).
    assert_eq!(calendar().is_working_day(date(2026, 1, 5)), Ok(true));
    assert_eq!(kind(date(2026, 1, 3)), DayKind::Weekend);
}

#[test]
fn kurban_ait_2026_is_wednesday_27_may_and_2027_sunday_16_may_moves_nothing() {
    assert_kinds(&[
        (date(2026, 5, 27), holiday("kurban_ait")),
        (date(2026, 5, 28), DayKind::Working),
        (date(2027, 5, 16), holiday("kurban_ait")),
        // Kurban Ait never moves: Monday 17 May 2027 is a working day.
        (date(2027, 5, 17), DayKind::Working),
    ]);
}

#[test]
fn step_9_offer_window_of_3_working_days_from_friday_23_30_local() {
    // Friday 24 Oct 2025, 23:30 local (18:30 UTC). Saturday 25 is Republic Day, moved to
    // Monday 27; Tue 28, Wed 29, Thu 30 count → 00:00 local Friday 31 October (19:00 UTC Thursday).
    let event = local(2025, 10, 24, 23, 30);
    assert_eq!(event, utc(2025, 10, 24, 18, 30));
    assert_eq!(deadline(Span::WorkingDays(3), event), Ok(utc(2025, 10, 30, 19, 0)));
}

#[test]
fn step_9_offer_window_counts_from_the_local_date_not_the_utc_date() {
    // Monday 20 Oct 2025, 02:00 local is still Sunday 19 October in UTC. The count starts
    // after the local date (Monday): Tue 21, Wed 22, Thu 23 → 00:00 local Friday 24 October.
    // Counting from the UTC date would end a day early.
    let event = local(2025, 10, 20, 2, 0);
    assert_eq!(event, utc(2025, 10, 19, 21, 0));
    assert_eq!(deadline(Span::WorkingDays(3), event), Ok(local(2025, 10, 24, 0, 0)));
    // Eastern Kazakhstan before 1 March 2024 (+06:00): Friday 23 Feb 2024, 01:00 local is
    // Thursday 19:00 UTC; Mon 26, Tue 27, Wed 28 count → 00:00 +06:00 Thursday 29 February.
    let east = RegionClock::kazakhstan_east();
    let event = utc(2024, 2, 22, 19, 0);
    assert_eq!(
        deadline_at(Span::WorkingDays(3), event, calendar(), &east),
        Ok(utc(2024, 2, 28, 18, 0))
    );
}

#[test]
fn closing_notes_referral_validity_of_5_working_days_skips_the_may_holidays() {
    // Referral issued Wednesday 6 May 2026. Thu 7 (Defender's Day) skipped, Fri 8 (1),
    // Sat 9 (Victory Day) and Sun 10, Mon 11 (moved) skipped, Tue 12 – Fri 15 (2–5).
    assert_eq!(
        deadline(Span::WorkingDays(5), local(2026, 5, 6, 11, 0)),
        Ok(local(2026, 5, 16, 0, 0))
    );
}

#[test]
fn closing_notes_stop_list_of_10_working_days_skips_nauryz_and_kurban_ait() {
    // From Friday 13 March 2026: Mon 16 – Fri 20 (5), 21–25 March off (Nauryz and its moved
    // days), Thu 26, Fri 27 (7), Mon 30, Tue 31 (9), Wed 1 April (10).
    assert_eq!(
        deadline(Span::WorkingDays(10), local(2026, 3, 13, 12, 0)),
        Ok(local(2026, 4, 2, 0, 0))
    );
    // From Monday 18 May 2026: 19–22 (4), 25, 26 (6), Wed 27 Kurban Ait skipped, 28, 29 (8),
    // Mon 1, Tue 2 June (10).
    assert_eq!(
        deadline(Span::WorkingDays(10), local(2026, 5, 18, 9, 0)),
        Ok(local(2026, 6, 3, 0, 0))
    );
}

#[test]
fn explanation_names_the_skipped_holidays_and_moved_days() {
    let explained = explain_deadline(
        Span::WorkingDays(10),
        local(2026, 3, 13, 12, 0),
        calendar(),
        &RegionClock::default(),
    )
    .expect("in range");
    assert_eq!(explained.event_local_date, date(2026, 3, 13));
    assert_eq!(explained.counted_days.len(), 10);
    assert_eq!(explained.counted_days.last(), Some(&date(2026, 4, 1)));
    assert_eq!(explained.deadline_local_date, date(2026, 4, 2));
    assert_eq!(explained.deadline_at, local(2026, 4, 2, 0, 0));
    let skipped: Vec<(NaiveDate, DayKind)> =
        explained.skipped_days.iter().map(|s| (s.date, s.day.clone())).collect();
    assert_eq!(
        skipped,
        vec![
            (date(2026, 3, 14), DayKind::Weekend),
            (date(2026, 3, 15), DayKind::Weekend),
            (date(2026, 3, 21), holiday("nauryz")),
            (date(2026, 3, 22), holiday("nauryz")),
            (date(2026, 3, 23), holiday("nauryz")),
            (date(2026, 3, 24), moved("nauryz", date(2026, 3, 21))),
            (date(2026, 3, 25), moved("nauryz", date(2026, 3, 22))),
            (date(2026, 3, 28), DayKind::Weekend),
            (date(2026, 3, 29), DayKind::Weekend),
        ]
    );
}

#[test]
fn year_ends_count_over_31_december_into_january_holidays_and_swaps() {
    // (event, span, deadline) — each counted over a New Year.
    let table = [
        // Tue 31 Dec 2024: 1–2 Jan holidays, Fri 3 Jan swapped off, Sat 4; Sun 5 Jan worked (1),
        // Mon 6 (2), Tue 7 Orthodox Christmas, Wed 8 (3).
        (local(2024, 12, 31, 10, 0), Span::WorkingDays(3), local(2025, 1, 9, 0, 0)),
        // Mon 30 Dec 2024: Tue 31 (1), Sun 5 (2), Mon 6 (3), Wed 8 (4), Thu 9 (5).
        (local(2024, 12, 30, 10, 0), Span::WorkingDays(5), local(2025, 1, 10, 0, 0)),
        // Tue 30 Dec 2025: Wed 31 (1), 1–2 Jan holidays, weekend, Mon 5 (2), Tue 6 (3).
        (local(2025, 12, 30, 16, 0), Span::WorkingDays(3), local(2026, 1, 7, 0, 0)),
        // Wed 30 Dec 2026: Thu 31 (1), Fri 1 Jan, weekend, Mon 4 (moved), Tue 5 (2), Wed 6 (3),
        // Thu 7 Orthodox Christmas, Fri 8 (4), Mon 11 – Fri 15 (5–9), Mon 18 (10).
        (local(2026, 12, 30, 9, 0), Span::WorkingDays(3), local(2027, 1, 7, 0, 0)),
        (local(2026, 12, 30, 9, 0), Span::WorkingDays(10), local(2027, 1, 19, 0, 0)),
    ];
    for (event, span, expected) in table {
        assert_eq!(deadline(span, event), Ok(expected), "{span:?} from {event}");
    }
}

#[test]
fn deadline_needing_2028_is_calendar_year_missing() {
    // Friday 24 Dec 2027 + 10 working days runs into January 2028, which is not loaded.
    assert_eq!(
        deadline(Span::WorkingDays(10), local(2027, 12, 24, 10, 0)),
        Err(RuleError::CalendarYearMissing { year: 2028 })
    );
    assert_eq!(
        deadline(Span::WorkingDays(3), local(2027, 12, 30, 10, 0)).map_err(|e| e.code()),
        Err("calendar_year_missing")
    );
    // Still inside 2027: Thursday 30 December + 1 working day is Friday 31 December.
    assert_eq!(
        deadline(Span::WorkingDays(1), local(2027, 12, 30, 10, 0)),
        Ok(local(2028, 1, 1, 0, 0))
    );
}

/// Illustrative 2028 data as an operator would send it (JSON, camelCase): New Year,
/// Orthodox Christmas and Women's Day only.
const DATA_2028: &str = r#"{
    "year": 2028,
    "holidays": [
        { "date": "2028-01-01", "code": "new_year", "movesWhenOnWeekend": true },
        { "date": "2028-01-02", "code": "new_year", "movesWhenOnWeekend": true },
        { "date": "2028-01-07", "code": "orthodox_christmas", "movesWhenOnWeekend": false },
        { "date": "2028-03-08", "code": "womens_day", "movesWhenOnWeekend": true }
    ],
    "source": "test data"
}"#;

#[test]
fn loading_2028_at_run_time_makes_a_2028_deadline_work() {
    let mut loaded = calendar().clone();
    let data: CalendarYear = serde_json::from_str(DATA_2028).expect("operator JSON");
    loaded.add_year(data).expect("valid data");
    assert_eq!(loaded.years(), vec![2024, 2025, 2026, 2027, 2028]);
    // Sat 1 and Sun 2 Jan 2028 → Mon 3 and Tue 4 off; Fri 7 Orthodox Christmas.
    assert_eq!(loaded.day(date(2028, 1, 4)), Ok(moved("new_year", date(2028, 1, 2))));
    // Friday 24 Dec 2027: Dec 27–31 (5), Wed 5, Thu 6 (7), Mon 10 – Wed 12 (10).
    let clock = RegionClock::default();
    assert_eq!(
        deadline_at(Span::WorkingDays(10), local(2027, 12, 24, 10, 0), &loaded, &clock),
        Ok(local(2028, 1, 13, 0, 0))
    );
    // The built-in calendar is untouched.
    assert!(!calendar().covers(2028));
}

#[test]
fn add_year_with_bad_data_is_calendar_data_invalid() {
    let mut loaded = calendar().clone();
    let mut data: CalendarYear = serde_json::from_str(DATA_2028).expect("operator JSON");
    data.holidays.push(HolidayDate {
        date: date(2029, 1, 1),
        code: "new_year".into(),
        moves_when_on_weekend: true,
    });
    assert_eq!(
        loaded.add_year(data),
        Err(RuleError::CalendarDataInvalid { year: 2028, detail: "holiday date outside its year" })
    );
    assert!(!loaded.covers(2028));
}
