//! Message text without `core::fmt`: strings, integers in decimal and dates as ISO 8601, the
//! way `format!` and chrono's `Display` write them (tests compare the two). The rules' messages
//! ([`crate::error::RuleError::message`]) are built with it, so the browser's WebAssembly
//! module, which sends refusals with their messages, links none of the formatting machinery.

use chrono::{Datelike, NaiveDate};

/// A message being written.
#[derive(Debug, Default)]
pub struct Text(String);

/// An integer written in decimal: its sign and magnitude.
pub trait Integer: Copy {
    fn negative_and_magnitude(self) -> (bool, u64);
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Integer for $t {
            fn negative_and_magnitude(self) -> (bool, u64) {
                (false, self as u64)
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, usize);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl Integer for $t {
            fn negative_and_magnitude(self) -> (bool, u64) {
                (self < 0, i64::from(self).unsigned_abs())
            }
        }
    )*};
}
signed!(i8, i16, i32, i64);

impl Text {
    /// A string as it is.
    #[inline(never)]
    pub fn s(mut self, text: &str) -> Self {
        self.0.push_str(text);
        self
    }

    /// An integer as `format!("{n}")` writes it.
    #[inline(never)]
    pub fn n(mut self, value: impl Integer) -> Self {
        let (negative, magnitude) = value.negative_and_magnitude();
        if negative {
            self.0.push('-');
        }
        self.digits(magnitude, 1);
        self
    }

    /// A date as chrono's `Display` writes it: `YYYY-MM-DD`, and outside the years 0–9999 a
    /// sign and at least four digits (`+10000-01-01`, `-0001-12-31`).
    pub fn d(mut self, date: NaiveDate) -> Self {
        let year = date.year();
        if !(0..=9999).contains(&year) {
            self.0.push(if year < 0 { '-' } else { '+' });
        }
        self.digits(u64::from(year.unsigned_abs()), 4);
        self.0.push('-');
        self.digits(u64::from(date.month()), 2);
        self.0.push('-');
        self.digits(u64::from(date.day()), 2);
        self
    }

    /// `value` in decimal, zero-padded to `width` digits.
    fn digits(&mut self, value: u64, width: u32) {
        if width > 1 || value >= 10 {
            self.digits(value / 10, width.saturating_sub(1));
        }
        self.0.push(char::from(b'0' + (value % 10) as u8));
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(write: impl FnOnce(Text) -> Text) -> String {
        write(Text::default()).into_string()
    }

    #[test]
    fn edge_integers_as_format_writes_them() {
        assert_eq!(
            text(|t| t.n(0u8).s(" ").n(u64::MAX).s(" ").n(i64::MIN)),
            format!("0 {} {}", u64::MAX, i64::MIN)
        );
        assert_eq!(text(|t| t.n(i32::MIN).n(usize::MAX)), format!("{}{}", i32::MIN, usize::MAX));
    }

    #[test]
    fn edge_dates_as_chrono_writes_them() {
        for date in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(0, 1, 1).expect("date"),
            NaiveDate::from_ymd_opt(-1, 12, 31).expect("date"),
            NaiveDate::from_ymd_opt(9999, 12, 31).expect("date"),
            NaiveDate::from_ymd_opt(10000, 1, 1).expect("date"),
            NaiveDate::from_ymd_opt(5, 3, 9).expect("date"),
        ] {
            assert_eq!(text(|t| t.d(date)), date.to_string());
        }
    }

    proptest! {
        #[test]
        fn integers_as_format_writes_them(signed in any::<i64>(), unsigned in any::<u64>()) {
            prop_assert_eq!(text(|t| t.n(signed).s("/").n(unsigned)), format!("{signed}/{unsigned}"));
        }

        #[test]
        fn dates_as_chrono_writes_them(days in NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce()) {
            let date = NaiveDate::from_num_days_from_ce_opt(days).expect("in range");
            prop_assert_eq!(text(|t| t.d(date)), date.to_string());
        }
    }
}
