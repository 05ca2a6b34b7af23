//! Issue 15 item 1: "when will we likely get a place?" — a waiting-time forecast for one
//! application, by simulating its pool's queue forward many times (seeded, deterministic).
//!
//! **How it is computed** (the page shows this paragraph in words): the applications ahead
//! in queue order are counted by class (out of turn, first priority, general), each with the
//! date it becomes old enough. Each simulated month takes its number of offers from a month
//! of the pool's own history (drawn at random from the last months), and that month's new
//! applications of the classes before this one's, who join ahead of it (later classes take
//! their share of the ratio whatever their number). Offers go down the queue as the turn
//! engine makes them — out of turn first, then first priority and general by the region's
//! ratio, children too young passed over — and of the offers made, the pool's own share of
//! offers that ended in a referral are taken; the others' children stay ahead (R5). The
//! month of this application's first offer is recorded; over [`RUNS`] runs the months give
//! the ranges: half of the runs fall within the 50 % range, nine in ten by the 90 % date.
//! With fewer than [`HISTORY_MONTHS_MIN`] months of history the forecast says so instead of
//! guessing.
//!
//! The walk goes over runs of alike applications, not one application at a time
//! ([`walk`]): a run costs the segments it walks, so a pool of 50,000 applications costs
//! about what its distinct "old enough from" months in queue order do.

#[cfg(feature = "forecast-bench")]
pub mod bench_pool;
mod walk;

use chrono::{Datelike, Months, NaiveDate};

use self::walk::{one_run, taken_share, Line, Tail};
use crate::application::Priority;
use crate::policy::PriorityRatio;
use crate::queue::class_index;

/// Simulated futures per forecast.
pub const RUNS: usize = 400;
/// Longest future simulated: beyond it a run counts as "not within the horizon".
pub const HORIZON_MONTHS: u32 = 60;
/// Months of history the forecast needs before it gives a range.
pub const HISTORY_MONTHS_MIN: usize = 3;
/// Most months of history used (the most recent).
pub const HISTORY_MONTHS_MAX: usize = 24;

/// One month of a pool's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthHistory {
    /// Offers the turn engine made.
    pub offers: u32,
    /// Of those, offers that ended in a referral (signed).
    pub taken: u32,
    /// New applications by class (out of turn, first priority, general).
    pub arrivals: [u32; 3],
}

/// What the forecast of one application is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForecastInput {
    /// The month the forecast starts (the first day of the current local month).
    pub from_month: NaiveDate,
    pub priority: Priority,
    pub eligible_from: NaiveDate,
    /// By class, in queue order, the dates on which the applications that compete for the
    /// places before this one become old enough: of the classes before its own, all waiting;
    /// of its own, those ahead of it (later classes take their share of the ratio whatever
    /// their number).
    pub ahead: [Vec<NaiveDate>; 3],
    /// The pool's last months, oldest first (at most [`HISTORY_MONTHS_MAX`] are used).
    pub history: Vec<MonthHistory>,
    pub ratio: PriorityRatio,
    /// Makes the runs reproducible (e.g. a hash of the application id).
    pub seed: u64,
}

/// The forecast of one application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Forecast {
    /// Too little history to say anything honest.
    TooLittleHistory { months_of_history: u32, months_needed: u32 },
    /// The ranges, as first days of months.
    Range {
        /// Half of the runs had the first offer from `from` to `to` (quartiles).
        likely_from: NaiveDate,
        likely_to: NaiveDate,
        /// Nine in ten had it by this month; `None` when more than one in ten did not
        /// within the horizon.
        by_ninety: Option<NaiveDate>,
        /// Runs with no offer within [`HORIZON_MONTHS`], of [`RUNS`].
        beyond_horizon: u32,
        runs: u32,
        months_of_history: u32,
    },
}

/// xorshift64*: small, deterministic, the same natively and in WebAssembly. Also the
/// generator of the rules' and the backend's seeded tests.
#[derive(Debug, Clone)]
pub struct Seeded(u64);

impl Seeded {
    /// From any seed (the state is never zero).
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    /// From a state as given, which must not be zero (xorshift stays at zero).
    pub fn from_state(state: u64) -> Self {
        assert_ne!(state, 0, "a xorshift state is never zero");
        Self(state)
    }
    /// The next number of the sequence.
    pub fn step(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.step() % n.max(1) as u64) as usize
    }
}

impl rand_core::TryRng for Seeded {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.step() >> 32) as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.step())
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            chunk.copy_from_slice(&self.step().to_le_bytes()[..chunk.len()]);
        }
        Ok(())
    }
}

/// Whole calendar months from the month of `from` to the month of `date`.
pub fn month_index(from: NaiveDate, date: NaiveDate) -> i64 {
    i64::from(date.year() - from.year()) * 12 + i64::from(date.month0()) - i64::from(from.month0())
}

/// The month (from the start) from which a child who becomes old enough on `date` counts as
/// eligible: its own month if that is by the 15th, else the next (places come all month long).
pub fn eligible_month(from: NaiveDate, date: NaiveDate) -> u32 {
    let month = month_index(from, date) + i64::from(date.day() > 15);
    month.clamp(0, i64::from(HORIZON_MONTHS) + 1) as u32
}

fn quantile(sorted: &[u32], numerator: usize, denominator: usize) -> Option<u32> {
    let index = (sorted.len() * numerator).div_ceil(denominator).saturating_sub(1);
    sorted.get(index).copied()
}

/// The forecast (see the module documentation).
pub fn forecast(input: &ForecastInput) -> Forecast {
    let start = input.history.len().saturating_sub(HISTORY_MONTHS_MAX);
    let history = &input.history[start..];
    if history.len() < HISTORY_MONTHS_MIN {
        return Forecast::TooLittleHistory {
            months_of_history: history.len() as u32,
            months_needed: HISTORY_MONTHS_MIN as u32,
        };
    }
    let mut rng = Seeded::new(input.seed);
    let mine = class_index(input.priority);
    let mut lines = [0, 1, 2].map(|class| {
        let tail = match class.cmp(&mine) {
            std::cmp::Ordering::Less => Tail::Closed,
            std::cmp::Ordering::Equal => Tail::Me,
            std::cmp::Ordering::Greater => Tail::Endless,
        };
        let ahead = if class <= mine { &input.ahead[class][..] } else { &[] };
        Line::new(ahead.iter().map(|date| eligible_month(input.from_month, *date)), tail)
    });
    let my_month = eligible_month(input.from_month, input.eligible_from);
    let share = taken_share(history);
    let mut months: Vec<u32> = Vec::with_capacity(RUNS);
    let mut beyond = 0u32;
    for _ in 0..RUNS {
        match one_run(input.priority, my_month, input.ratio, history, share, &mut lines, &mut rng) {
            Some(month) => months.push(month),
            None => beyond += 1,
        }
    }
    months.sort_unstable();
    // Runs beyond the horizon count as the latest months.
    let all: Vec<u32> = months.iter().copied().chain((0..beyond).map(|_| HORIZON_MONTHS)).collect();
    let month = |index: Option<u32>| {
        index
            .filter(|m| *m < HORIZON_MONTHS)
            .and_then(|m| input.from_month.checked_add_months(Months::new(m)))
    };
    let horizon = input.from_month.checked_add_months(Months::new(HORIZON_MONTHS));
    let likely_from = month(quantile(&all, 1, 4)).or(horizon).unwrap_or(input.from_month);
    let likely_to = month(quantile(&all, 3, 4)).or(horizon).unwrap_or(input.from_month);
    Forecast::Range {
        likely_from,
        likely_to,
        by_ninety: month(quantile(&all, 9, 10)),
        beyond_horizon: beyond,
        runs: RUNS as u32,
        months_of_history: history.len() as u32,
    }
}

/// The first day of the month of `date`.
pub fn month_of(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}
