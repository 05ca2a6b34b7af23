//! The compact wire format between the JavaScript wrapper and the WebAssembly module: one
//! array of numbers (`Float64Array` in JS) each way, read and written in a fixed order.
//!
//! - integers and enum indexes: one word each (an `f64` holds every value exactly);
//! - `bool`: 0 or 1; `Option<T>`: 0, or 1 then `T`; a list: its length, then the items;
//! - a string: its length in UTF-16 code units, then one word per unit (no text decoder on
//!   either side, and no UTF-8 validation in JS);
//! - a local date: days since 1970-01-01; an instant: whole seconds since the epoch, then
//!   nanoseconds (0..1e9), so sub-second instants survive the round trip.
//!
//! No float is ever formatted or parsed as text here.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::error::RuleError;
use crate::time::Instant;

/// Days from 0001-01-01 (chrono's day 1 of the common era) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Why compact input could not be read: the wrapper and the module disagree about a shape,
/// or a value is out of its type's range. Cheap to pass around; becomes `invalid_input` once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl From<Malformed> for RuleError {
    fn from(malformed: Malformed) -> Self {
        RuleError::InvalidInput { detail: malformed.0.to_owned() }
    }
}

pub type Read<T> = Result<T, Malformed>;

/// Reads one compact input in order.
#[derive(Debug)]
pub struct Reader<'a> {
    words: &'a [f64],
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(words: &'a [f64]) -> Self {
        Self { words, at: 0 }
    }

    fn word(&mut self) -> Read<f64> {
        let word = *self.words.get(self.at).ok_or(Malformed("compact input ended early"))?;
        self.at += 1;
        Ok(word)
    }

    /// An integer in `low..=high`; fractions, NaN and anything out of range are refused.
    #[inline(never)]
    fn integer(&mut self, low: i64, high: i64) -> Read<i64> {
        let word = self.word()?;
        let integer = word as i64;
        if integer as f64 != word || integer < low || integer > high {
            return Err(Malformed("integer out of range"));
        }
        Ok(integer)
    }

    pub fn u8(&mut self) -> Read<u8> {
        self.integer(0, u8::MAX.into()).map(|value| value as u8)
    }

    pub fn u16(&mut self) -> Read<u16> {
        self.integer(0, u16::MAX.into()).map(|value| value as u16)
    }

    pub fn u32(&mut self) -> Read<u32> {
        self.integer(0, u32::MAX.into()).map(|value| value as u32)
    }

    pub fn i32(&mut self) -> Read<i32> {
        self.integer(i32::MIN.into(), i32::MAX.into()).map(|value| value as i32)
    }

    /// A length: at most the words left, since every item takes at least one.
    fn length(&mut self) -> Read<usize> {
        let left = (self.words.len() - self.at) as i64;
        self.integer(0, left).map(|value| value as usize)
    }

    pub fn flag(&mut self) -> Read<bool> {
        self.integer(0, 1).map(|value| value == 1)
    }

    #[inline(never)]
    pub fn string(&mut self) -> Read<String> {
        let units = self.length()?;
        let words = self
            .words
            .get(self.at..self.at + units)
            .ok_or(Malformed("compact input ended early"))?;
        self.at += units;
        let mut code_units = Vec::with_capacity(units);
        for &word in words {
            let unit = word as u16;
            if f64::from(unit) != word {
                return Err(Malformed("not a UTF-16 code unit"));
            }
            code_units.push(unit);
        }
        // Lone surrogates cannot be a Rust string; JS strings may hold them.
        String::from_utf16(&code_units).map_err(|_| Malformed("lone surrogate in a string"))
    }

    /// chrono's own words for a date outside its range, as the JSON path says them.
    #[inline(never)]
    pub fn date(&mut self) -> Read<NaiveDate> {
        let days = self.i32()?;
        days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or(Malformed("input is out of range"))
    }

    #[inline(never)]
    pub fn instant(&mut self) -> Read<Instant> {
        let seconds = self.integer(-(1 << 53), 1 << 53)?;
        let nanoseconds = self.integer(0, 999_999_999)? as u32;
        DateTime::<Utc>::from_timestamp(seconds, nanoseconds)
            .ok_or(Malformed("input is out of range"))
    }

    #[inline(always)]
    pub fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        if self.flag()? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A list; its length is bounded by the words left, so the rules' own limits, not this
    /// format, refuse long lists with their own codes.
    #[inline(always)]
    pub fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Read<T>) -> Read<Vec<T>> {
        let length = self.length()?;
        let mut items = Vec::with_capacity(length);
        for _ in 0..length {
            items.push(read(self)?);
        }
        Ok(items)
    }

    /// Refuses trailing words: the writer and the reader disagree about the shape.
    pub fn finish(&self) -> Read<()> {
        if self.at == self.words.len() {
            Ok(())
        } else {
            Err(Malformed("trailing words in compact input"))
        }
    }
}

/// Writes one compact output in order.
#[derive(Debug, Default)]
pub struct Writer {
    pub words: Vec<f64>,
}

impl Writer {
    pub const fn new() -> Self {
        Self { words: Vec::new() }
    }

    pub fn with_capacity(words: usize) -> Self {
        Self { words: Vec::with_capacity(words) }
    }

    pub fn int(&mut self, value: impl Into<i64>) {
        self.words.push(value.into() as f64);
    }

    /// A count or a `u64` total; exact up to 2^53, far above every limit of the rules.
    pub fn count(&mut self, value: u64) {
        self.words.push(value as f64);
    }

    pub fn flag(&mut self, value: bool) {
        self.words.push(if value { 1.0 } else { 0.0 });
    }

    pub fn string(&mut self, text: &str) {
        let at = self.words.len();
        self.words.push(0.0);
        self.words.extend(text.encode_utf16().map(f64::from));
        self.words[at] = (self.words.len() - at - 1) as f64;
    }

    pub fn date(&mut self, date: NaiveDate) {
        self.int(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE);
    }

    pub fn instant(&mut self, at: Instant) {
        self.int(at.timestamp());
        self.int(at.timestamp_subsec_nanos());
    }

    pub fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        self.flag(value.is_some());
        if let Some(value) = value {
            write(self, value);
        }
    }

    pub fn list<T>(
        &mut self,
        items: impl ExactSizeIterator<Item = T>,
        mut write: impl FnMut(&mut Self, T),
    ) {
        self.count(items.len() as u64);
        for item in items {
            write(self, item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_primitive_round_trips() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 21).expect("date");
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("instant")
            + chrono::Duration::nanoseconds(123_456_789);
        let mut writer = Writer::default();
        writer.int(-7);
        writer.flag(true);
        writer.string("Наурыз 🌷");
        writer.date(date);
        writer.instant(at);
        writer.option(None::<u8>, |w, v| w.int(v));
        writer.list([1u8, 2].into_iter(), |w, v| w.int(v));
        let mut reader = Reader::new(&writer.words);
        assert_eq!(reader.i32().expect("int"), -7);
        assert!(reader.flag().expect("flag"));
        assert_eq!(reader.string().expect("string"), "Наурыз 🌷");
        assert_eq!(reader.date().expect("date"), date);
        assert_eq!(reader.instant().expect("instant"), at);
        assert_eq!(reader.option(Reader::u8).expect("option"), None);
        assert_eq!(reader.list(Reader::u8).expect("list"), vec![1, 2]);
        reader.finish().expect("all read");
    }

    #[test]
    fn day_numbers_count_from_1970() {
        let mut writer = Writer::default();
        writer.date(NaiveDate::from_ymd_opt(1970, 1, 2).expect("date"));
        assert_eq!(writer.words, vec![1.0]);
    }

    #[test]
    fn malformed_words_are_refused_never_a_panic() {
        let byte = |words: &[f64]| Reader::new(words).u8().is_err();
        assert!(byte(&[1.5]) && byte(&[f64::NAN]) && byte(&[256.0]) && byte(&[-1.0]) && byte(&[]));
        assert!(Reader::new(&[5.0, 1.0]).list(Reader::u8).is_err(), "longer than the input");
        assert!(Reader::new(&[1.0, 55296.0]).string().is_err(), "lone surrogate");
        assert!(Reader::new(&[1.0]).finish().is_err(), "trailing words");
        let far = Reader::new(&[1e15, 0.0]).instant();
        assert_eq!(far, Err(Malformed("input is out of range")));
        let error = RuleError::from(Malformed("input is out of range"));
        assert_eq!(error.to_string(), "invalid input: input is out of range");
    }
}
