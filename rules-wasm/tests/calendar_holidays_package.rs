//! Cross-check of the built-in calendar of Kazakhstan (`src/calendar/kazakhstan.rs`) against
//! the PyPI package `holidays` (installed by `scripts/setup.sh`; a test tool, not a runtime
//! dependency): for every built-in year, the weekdays that are days off and the weekend days
//! worked by decree must be the same. The package models the same law (days off, days moved
//! from weekend holidays, decreed swaps, Kurban Ait) from its own sources, so a disagreement
//! means one of the two is wrong: look the day up, correct whichever it is, and say so in
//! `kazakhstan.rs`.
//!
//! Runs `python3 tests/holidays_package/kazakhstan.py FIRST LAST`, which needs Python 3 with
//! `holidays` >= 0.109 (the first release with Kazakhstan's holidays after the Constitution
//! of 2026). Offline: the package computes everything locally.

use std::collections::BTreeMap;
use std::process::Command;

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use kezek_rules::calendar::WorkingCalendar;
use serde::Deserialize;

/// The oldest `holidays` release that knows the 2026 change of Constitution Day.
const PACKAGE_VERSION_MIN: (u32, u32) = (0, 109);

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct YearDays {
    days_off: Vec<NaiveDate>,
    worked_weekends: Vec<NaiveDate>,
}

#[derive(Debug, Deserialize)]
struct PackageAnswer {
    version: String,
    years: BTreeMap<i32, YearDays>,
}

fn package_days(first: i32, last: i32) -> PackageAnswer {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/holidays_package/kazakhstan.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(first.to_string())
        .arg(last.to_string())
        .output()
        .expect("python3 runs (scripts/setup.sh installs Python 3 and `holidays`)");
    assert!(
        output.status.success(),
        "the holidays script failed (pip install 'holidays>=0.109'): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

fn version(text: &str) -> (u32, u32) {
    let mut parts = text.split('.').map(|part| part.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// The same two lists, from the built-in calendar.
fn our_days(calendar: &WorkingCalendar, year: i32) -> YearDays {
    let mut days = YearDays { days_off: Vec::new(), worked_weekends: Vec::new() };
    let mut day = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January");
    while day.year() == year {
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        let working = calendar.is_working_day(day).expect("built-in year");
        if weekend && working {
            days.worked_weekends.push(day);
        } else if !weekend && !working {
            days.days_off.push(day);
        }
        day += Duration::days(1);
    }
    days
}

#[test]
fn built_in_years_agree_with_the_holidays_package() {
    let calendar = WorkingCalendar::kazakhstan();
    let years = calendar.years();
    let (first, last) = (years[0], years[years.len() - 1]);
    let package = package_days(first, last);
    assert!(
        version(&package.version) >= PACKAGE_VERSION_MIN,
        "holidays {} predates the 2026 change of Constitution Day; pip install 'holidays>=0.109'",
        package.version
    );
    assert_eq!(package.years.keys().copied().collect::<Vec<_>>(), years);
    for year in years {
        assert_eq!(our_days(calendar, year), package.years[&year], "{year}");
    }
}

#[test]
fn the_package_itself_knows_the_2026_change() {
    // So that the cross-check above cannot pass by both sides keeping the old law.
    let package = package_days(2026, 2027);
    let off = |year: i32, month: u32, day: u32| {
        let date = NaiveDate::from_ymd_opt(year, month, day).expect("date");
        package.years[&year].days_off.contains(&date)
    };
    assert!(!off(2026, 8, 31), "Monday 31 August 2026 is a working day");
    assert!(off(2027, 3, 15), "Monday 15 March 2027 is Constitution Day");
    assert!(!off(2027, 8, 30), "Monday 30 August 2027 is a working day");
}
