//! IIN (individual identification number) and BIN (business identification number), DESIGN §3.
//!
//! IIN: `YYMMDD C NNNN K`. C (1–6) gives the century (1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s)
//! and the sex (odd = male, even = female). K is the check digit: weights 1..=11 mod 11; if
//! that is 10, weights 3,4,5,6,7,8,9,10,11,1,2 mod 11; if 10 again the number is invalid.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{RuleError, RuleResult};

const DIGITS: usize = 12;
const WEIGHTS_FIRST: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_SECOND: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

/// A valid IIN and what it encodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Iin {
    pub iin: String,
    pub birth_date: NaiveDate,
    /// First year of the century: 1800, 1900 or 2000.
    pub century: u16,
    pub sex: Sex,
}

fn digits_of(
    text: &str,
    length_error: fn(usize) -> RuleError,
    not_digits: RuleError,
) -> RuleResult<[u8; DIGITS]> {
    let length = text.chars().count();
    if length != DIGITS {
        return Err(length_error(length));
    }
    let mut digits = [0u8; DIGITS];
    for (slot, byte) in digits.iter_mut().zip(text.bytes()) {
        if !byte.is_ascii_digit() {
            return Err(not_digits);
        }
        *slot = byte - b'0';
    }
    Ok(digits)
}

/// The check digit for the first 11 digits, or `None` when both rounds give 10.
pub fn check_digit(first_eleven: &[u8]) -> Option<u8> {
    debug_assert_eq!(first_eleven.len(), 11);
    let round = |weights: &[u32; 11]| {
        let sum: u32 = first_eleven.iter().zip(weights).map(|(d, w)| u32::from(*d) * w).sum();
        (sum % 11) as u8
    };
    match round(&WEIGHTS_FIRST) {
        10 => match round(&WEIGHTS_SECOND) {
            10 => None,
            second => Some(second),
        },
        first => Some(first),
    }
}

fn check_digit_matches(digits: &[u8; DIGITS]) -> bool {
    check_digit(&digits[..11]) == Some(digits[11])
}

impl Iin {
    /// Parses and validates an IIN; each kind of fault has its own code.
    pub fn parse(text: &str) -> RuleResult<Self> {
        let digits =
            digits_of(text, |length| RuleError::IinLength { length }, RuleError::IinNotDigits)?;
        let century_digit = digits[6];
        let (century, sex) = match century_digit {
            1 => (1800, Sex::Male),
            2 => (1800, Sex::Female),
            3 => (1900, Sex::Male),
            4 => (1900, Sex::Female),
            5 => (2000, Sex::Male),
            6 => (2000, Sex::Female),
            digit => return Err(RuleError::IinCenturyDigit { digit }),
        };
        let pair = |at: usize| u32::from(digits[at]) * 10 + u32::from(digits[at + 1]);
        let year = i32::from(century) + pair(0) as i32;
        let birth_date =
            NaiveDate::from_ymd_opt(year, pair(2), pair(4)).ok_or(RuleError::IinBirthDate)?;
        if !check_digit_matches(&digits) {
            return Err(RuleError::IinCheckDigit);
        }
        Ok(Self { iin: text.to_owned(), birth_date, century, sex })
    }

    /// Builds the IIN of a person born on `birth_date` (1800–2099) with the given serial
    /// (0..=9999). `None` when that serial has no valid check digit: take the next one.
    pub fn compose(birth_date: NaiveDate, sex: Sex, serial: u16) -> Option<String> {
        use chrono::Datelike;
        let century_base = match birth_date.year() {
            1800..=1899 => 1,
            1900..=1999 => 3,
            2000..=2099 => 5,
            _ => return None,
        };
        if serial > 9999 {
            return None;
        }
        let century_digit = century_base + u8::from(sex == Sex::Female);
        let head = format!(
            "{:02}{:02}{:02}{}{:04}",
            birth_date.year() % 100,
            birth_date.month(),
            birth_date.day(),
            century_digit,
            serial
        );
        let first_eleven: Vec<u8> = head.bytes().map(|b| b - b'0').collect();
        check_digit(&first_eleven).map(|check| format!("{head}{check}"))
    }
}

/// Validates a BIN (organisation number): 12 digits with the IIN's check-digit rule.
pub fn validate_bin(text: &str) -> RuleResult<()> {
    let digits =
        digits_of(text, |length| RuleError::BinLength { length }, RuleError::BinNotDigits)?;
    if check_digit_matches(&digits) {
        Ok(())
    } else {
        Err(RuleError::BinCheckDigit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn parses_a_real_shaped_iin() {
        // 2023-03-14, 2000s girl (6), serial 0001; first-round check digit.
        let iin = Iin::compose(date(2023, 3, 14), Sex::Female, 1).expect("has a check digit");
        assert_eq!(&iin[..7], "2303146");
        let parsed = Iin::parse(&iin).expect("valid");
        assert_eq!(parsed.birth_date, date(2023, 3, 14));
        assert_eq!(parsed.century, 2000);
        assert_eq!(parsed.sex, Sex::Female);
    }

    #[test]
    fn known_check_digits() {
        // 8801023007?: weights 1..11 give 131, 131 mod 11 = 10 → second round:
        // weights 3,4,5,6,7,8,9,10,11,1,2 give 112, 112 mod 11 = 2.
        assert_eq!(check_digit(&[8, 8, 0, 1, 0, 2, 3, 0, 0, 7, 0]), Some(2));
        assert!(Iin::parse("880102300702").is_ok());
        assert_eq!(Iin::parse("880102300703").map_err(|e| e.code()), Err("iin_check_digit"));
        // 8801023007 4?: both rounds give 10, so no 12th digit makes it valid.
        assert_eq!(check_digit(&[8, 8, 0, 1, 0, 2, 3, 0, 0, 7, 4]), None);
        assert!((0..10).all(|k| Iin::parse(&format!("88010230074{k}")).map_err(|e| e.code())
            == Err("iin_check_digit")));
        // First round: 93 mod 11 = 5.
        assert!(Iin::parse("880102300125").is_ok());
    }

    #[test]
    fn both_rounds_ten_is_invalid() {
        // Search the serials of one day for the rare numbers with no check digit at all.
        let none = (0..=9999u16)
            .filter(|s| Iin::compose(date(2022, 5, 17), Sex::Male, *s).is_none())
            .count();
        assert!(none > 0, "some serials have no valid check digit");
        assert!(none < 200);
    }

    #[test]
    fn each_fault_has_its_code() {
        let cases = [
            ("12345", "iin_length"),
            ("1234567890123", "iin_length"),
            ("23031460001a", "iin_not_digits"),
            ("230314 00011", "iin_not_digits"),
            ("230314700015", "iin_century_digit"),
            ("230314000015", "iin_century_digit"),
            ("230231600015", "iin_birth_date"),
            ("230014600015", "iin_birth_date"),
        ];
        for (input, code) in cases {
            assert_eq!(Iin::parse(input).map_err(|e| e.code()), Err(code), "input {input}");
        }
    }

    #[test]
    fn centuries_and_sexes() {
        for (year, sex, digit) in
            [(1899, Sex::Male, '1'), (1950, Sex::Female, '4'), (2024, Sex::Male, '5')]
        {
            let iin = Iin::compose(date(year, 7, 1), sex, 42)
                .or_else(|| Iin::compose(date(year, 7, 1), sex, 43))
                .expect("one of two serials has a check digit");
            assert_eq!(iin.chars().nth(6), Some(digit));
            let parsed = Iin::parse(&iin).expect("valid");
            assert_eq!((parsed.birth_date, parsed.sex), (date(year, 7, 1), sex));
        }
    }

    #[test]
    fn leap_day_births_parse_only_in_leap_years() {
        assert!(Iin::compose(date(2024, 2, 29), Sex::Male, 7)
            .is_some_and(|iin| Iin::parse(&iin).is_ok()));
        assert_eq!(Iin::parse("230229500015").map_err(|e| e.code()), Err("iin_birth_date"));
    }

    #[test]
    fn bin_check_digit() {
        // A BIN uses the same weights: build one from the IIN helper's arithmetic.
        let head = [1, 5, 0, 4, 4, 0, 0, 1, 2, 3, 4];
        let check = check_digit(&head).expect("has check digit");
        let bin: String =
            head.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect();
        assert!(validate_bin(&bin).is_ok());
        let tampered = format!("{}{}", &bin[..11], (check + 1) % 10);
        assert_eq!(validate_bin(&tampered).map_err(|e| e.code()), Err("bin_check_digit"));
        assert_eq!(validate_bin("1").map_err(|e| e.code()), Err("bin_length"));
        assert_eq!(validate_bin("15044001234x").map_err(|e| e.code()), Err("bin_not_digits"));
    }
}
