//! Age in full years on a local date (DESIGN §2). A child born on 29 February turns a
//! year older on 1 March in common years.

use chrono::{Datelike, NaiveDate};

use crate::error::{RuleError, RuleResult};

/// The school starting age in Kazakhstan, in full years: preschool ends when school starts,
/// so it is the default age at which the queue stops taking children
/// (`Policy::enqueue_age_limit_years`).
///
/// Source: Law of the Republic of Kazakhstan "On education" of 27 July 2007 No. 319-III
/// (https://adilet.zan.kz/rus/docs/Z070000319_), art. 30 para. 2: "В первый класс
/// принимаются дети с шести лет" — children are admitted to first grade from six years
/// (Ministry of Enlightenment, 2025: "согласно Закону «Об образовании», в первый класс
/// принимаются дети, достигшие шести лет"). The Model Rules of admission (Government decree
/// of 12 Oct 2018 No. 564, as eGov explains them, https://egov.kz/cms/en/articles/2Ffirst_class)
/// admit every child of seven and every child who turns six in the current calendar year,
/// from 1 September. A child of six full years is of school age; the queue takes younger
/// children only.
pub const SCHOOL_START_AGE_YEARS: u8 = 6;

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

/// Enqueue refuses a child who has `limit_years` full years or more on the local date
/// `today`, with `child_too_old_to_enqueue` and the date the child reached the limit.
pub fn check_enqueue_age(
    birth_date: NaiveDate,
    today: NaiveDate,
    limit_years: u8,
) -> RuleResult<()> {
    let limit = u32::from(limit_years);
    if full_years(birth_date, today) < limit {
        return Ok(());
    }
    // The child has `limit` full years on `today`, so the date exists and is not after it.
    let reached_on = date_turning(birth_date, limit).ok_or(RuleError::DateOutOfRange)?;
    debug_assert!(reached_on <= today);
    Err(RuleError::ChildTooOldToEnqueue { limit_years, reached_on })
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
    fn enqueue_refuses_from_the_day_the_child_reaches_school_age() {
        let born = date(2020, 9, 15);
        let limit = SCHOOL_START_AGE_YEARS;
        assert_eq!(check_enqueue_age(born, date(2026, 9, 14), limit), Ok(()));
        let refused =
            RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(2026, 9, 15) };
        assert_eq!(check_enqueue_age(born, date(2026, 9, 15), limit), Err(refused.clone()));
        assert_eq!(check_enqueue_age(born, date(2026, 12, 1), limit), Err(refused));
        // Born in 1990: refused with the day the limit was reached, 36 years ago.
        let refusal = check_enqueue_age(date(1990, 3, 4), date(2026, 12, 1), limit);
        assert_eq!(
            refusal,
            Err(RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(1996, 3, 4) })
        );
        assert_eq!(refusal.map_err(|e| e.code()), Err("child_too_old_to_enqueue"));
        // A leap-day child reaches six on 1 March of a common year.
        assert_eq!(
            check_enqueue_age(date(2020, 2, 29), date(2026, 3, 1), limit),
            Err(RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(2026, 3, 1) })
        );
        assert_eq!(check_enqueue_age(date(2020, 2, 29), date(2026, 2, 28), limit), Ok(()));
    }

    #[test]
    fn year_ends() {
        let born = date(2024, 12, 31);
        assert_eq!(full_years(born, date(2026, 12, 30)), 1);
        assert_eq!(full_years(born, date(2026, 12, 31)), 2);
        assert_eq!(full_years(date(2025, 1, 1), date(2026, 12, 31)), 1);
    }
}
