//! Age in full years on a local date (DESIGN §2). A child born on 29 February turns a
//! year older on 1 March in common years.

use chrono::{Datelike, NaiveDate};

/// The date on which someone born on `birth_date` has `years` full years.
pub fn date_turning(birth_date: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = birth_date.year().checked_add(i32::try_from(years).ok()?)?;
    birth_date.with_year(year).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
}

/// Full years of someone born on `birth_date`, on local date `on` (0 before birth).
pub fn full_years(birth_date: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth_date {
        return 0;
    }
    let mut years = (on.year() - birth_date.year()) as u32;
    if date_turning(birth_date, years).is_none_or(|birthday| birthday > on) {
        years = years.saturating_sub(1);
    }
    years
}

/// Whether someone born on `birth_date` has reached `age_out_years` full years on `on`
/// (never when unset): the policy's age-out age, for the sweep and the transition alike.
pub fn aged_out(birth_date: NaiveDate, on: NaiveDate, age_out_years: Option<u8>) -> bool {
    age_out_years.is_some_and(|years| full_years(birth_date, on) >= u32::from(years))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn full_years_turn_on_the_birthday() {
        // Seed step 8: "the child is 2 full years old or older".
        let born = date(2024, 3, 14);
        assert_eq!(full_years(born, date(2026, 3, 13)), 1);
        assert_eq!(full_years(born, date(2026, 3, 14)), 2);
        assert_eq!(date_turning(born, 2), Some(date(2026, 3, 14)));
        assert_eq!(full_years(born, date(2023, 1, 1)), 0);
    }

    #[test]
    fn leap_day_children_age_on_first_of_march() {
        let born = date(2024, 2, 29);
        assert_eq!(date_turning(born, 2), Some(date(2026, 3, 1)));
        assert_eq!(full_years(born, date(2026, 2, 28)), 1);
        assert_eq!(full_years(born, date(2026, 3, 1)), 2);
        assert_eq!(date_turning(born, 4), Some(date(2028, 2, 29)));
        assert_eq!(full_years(born, date(2028, 2, 29)), 4);
    }

    #[test]
    fn year_ends() {
        let born = date(2024, 12, 31);
        assert_eq!(full_years(born, date(2026, 12, 30)), 1);
        assert_eq!(full_years(born, date(2026, 12, 31)), 2);
        assert_eq!(full_years(date(2025, 1, 1), date(2026, 12, 31)), 1);
    }
}
