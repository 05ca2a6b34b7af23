//! Issue 15 item 1: the forecast's walk over runs of alike applications (`forecast/walk.rs`)
//! against the straightforward walk it replaced, one application at a time (kept here as the
//! oracle). Where the pool's history makes every answer to an offer certain (all offers taken,
//! or none), both consume the same random numbers, so on random pools — all three classes,
//! the ratio, children too young, newcomers — they must give the very same forecast.

use chrono::{Months, NaiveDate};
use kezek_rules::application::Priority;
use kezek_rules::forecast::{
    eligible_month, forecast, Forecast, ForecastInput, MonthHistory, Seeded, HISTORY_MONTHS_MAX,
};
use kezek_rules::policy::PriorityRatio;
use kezek_rules::queue::{class_index, next_class, ClassCounts};
use proptest::prelude::*;

const RUNS: usize = kezek_rules::forecast::RUNS;
const HORIZON_MONTHS: u32 = kezek_rules::forecast::HORIZON_MONTHS;
const OFFERS_PER_MONTH_MAX: u32 = 100_000;

/// The oracle's answer to an offer: certain answers only (all taken or none), so no random
/// number is used, as in the walk it is compared with.
fn chance(numerator: u32, denominator: u32) -> bool {
    assert!(numerator == 0 || numerator == denominator, "the oracle covers certain answers");
    denominator > 0 && numerator == denominator
}

/// One class's applications ahead, in queue order, as one run sees them: the months they
/// become eligible, which of them took a place, and the ones that came later (eligible).
#[derive(Debug, Clone)]
struct Line {
    eligible: Vec<u32>,
    gone: Vec<bool>,
    /// Leading entries all gone: where each month's walk starts.
    start: usize,
    /// Applications of this class that came during the run and still wait (after `eligible`).
    arrived: u64,
}

impl Line {
    fn reset(&mut self) {
        self.gone.iter_mut().for_each(|gone| *gone = false);
        self.start = 0;
        self.arrived = 0;
    }
}

/// Where one month's walk stands in a line.
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    index: usize,
    arrived: u64,
}

/// What the walk finds next in a line of a class ahead.
enum Next {
    Child(usize),
    Arrived,
    End,
}

fn next_in(line: &Line, cursor: &mut Cursor) -> Next {
    while cursor.index < line.eligible.len() && line.gone[cursor.index] {
        cursor.index += 1;
    }
    if cursor.index < line.eligible.len() {
        Next::Child(cursor.index)
    } else if cursor.arrived < line.arrived {
        Next::Arrived
    } else {
        Next::End
    }
}

/// The month (from the start) of this application's first offer in one run, if within the
/// horizon. The walk is the turn engine's: each month from the head of the queue, classes by
/// the ratio ([`next_class`]); a child too young is passed over and still counts for its
/// class's turn; a child offered a place takes it (`taken` of `offered`) or stays.
fn one_run(
    input: &ForecastInput,
    history: &[MonthHistory],
    lines: &mut [Line; 3],
    rng: &mut Seeded,
) -> Option<u32> {
    let mine = class_index(input.priority);
    let my_month = eligible_month(input.from_month, input.eligible_from);
    let (offered, taken) = history
        .iter()
        .fold((0u32, 0u32), |(o, t), month| (o + month.offers, t + month.taken.min(month.offers)));
    lines.iter_mut().for_each(Line::reset);
    for month in 0..HORIZON_MONTHS {
        let sample = history[rng.below(history.len())];
        for (class, line) in lines.iter_mut().enumerate().take(mine) {
            line.arrived += u64::from(sample.arrivals[class]);
        }
        let mut cursors = [Cursor::default(); 3];
        for (cursor, line) in cursors.iter_mut().zip(lines.iter()) {
            cursor.index = line.start;
        }
        let mut walked = ClassCounts::default();
        let mut places = sample.offers.min(OFFERS_PER_MONTH_MAX);
        // Each step offers a place or passes over a child too young: bounded by both.
        let steps_max =
            places as usize + lines.iter().map(|line| line.eligible.len()).sum::<usize>();
        for _ in 0..steps_max {
            if places == 0 {
                break;
            }
            // Classes after this one's, and this one's behind it, always have children.
            let more = [0, 1, 2].map(|class| {
                class >= mine || !matches!(next_in(&lines[class], &mut cursors[class]), Next::End)
            });
            let Some(priority) = next_class(walked, more, input.ratio) else { break };
            let class = class_index(priority);
            match priority {
                Priority::OutOfTurn => walked.out_of_turn += 1,
                Priority::FirstPriority => walked.first_priority += 1,
                Priority::General => walked.general += 1,
            }
            if class > mine {
                places -= 1;
                continue;
            }
            let line = &mut lines[class];
            match next_in(line, &mut cursors[class]) {
                Next::Child(index) => {
                    cursors[class].index += 1;
                    if line.eligible[index] <= month {
                        places -= 1;
                        if chance(taken, offered) {
                            line.gone[index] = true;
                        }
                    }
                }
                Next::Arrived => {
                    places -= 1;
                    if chance(taken, offered) {
                        line.arrived -= 1;
                    } else {
                        cursors[class].arrived += 1;
                    }
                }
                // This application's turn in its class: its offer, or (too young) the next one's.
                Next::End if month >= my_month => return Some(month),
                Next::End => places -= 1,
            }
        }
        for line in lines.iter_mut() {
            while line.start < line.gone.len() && line.gone[line.start] {
                line.start += 1;
            }
        }
    }
    None
}

fn quantile(sorted: &[u32], numerator: usize, denominator: usize) -> Option<u32> {
    let index = (sorted.len() * numerator).div_ceil(denominator).saturating_sub(1);
    sorted.get(index).copied()
}

/// The old `forecast`, with its walk.
fn oracle(input: &ForecastInput) -> Forecast {
    let start = input.history.len().saturating_sub(HISTORY_MONTHS_MAX);
    let history = &input.history[start..];
    let mut rng = Seeded::new(input.seed);
    let mut lines = input.ahead.each_ref().map(|dates| {
        let eligible: Vec<u32> =
            dates.iter().map(|date| eligible_month(input.from_month, *date)).collect();
        Line { gone: vec![false; eligible.len()], eligible, start: 0, arrived: 0 }
    });
    let mut months: Vec<u32> = Vec::with_capacity(RUNS);
    let mut beyond = 0u32;
    for _ in 0..RUNS {
        match one_run(input, history, &mut lines, &mut rng) {
            Some(month) => months.push(month),
            None => beyond += 1,
        }
    }
    months.sort_unstable();
    let all: Vec<u32> = months.iter().copied().chain((0..beyond).map(|_| HORIZON_MONTHS)).collect();
    let month = |index: Option<u32>| {
        index
            .filter(|m| *m < HORIZON_MONTHS)
            .and_then(|m| input.from_month.checked_add_months(Months::new(m)))
    };
    let horizon = input.from_month.checked_add_months(Months::new(HORIZON_MONTHS));
    Forecast::Range {
        likely_from: month(quantile(&all, 1, 4)).or(horizon).unwrap_or(input.from_month),
        likely_to: month(quantile(&all, 3, 4)).or(horizon).unwrap_or(input.from_month),
        by_ninety: month(quantile(&all, 9, 10)),
        beyond_horizon: beyond,
        runs: RUNS as u32,
        months_of_history: history.len() as u32,
    }
}

fn priority(class: usize) -> Priority {
    [Priority::OutOfTurn, Priority::FirstPriority, Priority::General][class]
}

prop_compose! {
    fn pool()(
        class in 0usize..3,
        sizes in [0usize..60, 0usize..200, 0usize..400],
        // Days from the start at which each child ahead becomes old enough (negative: already).
        days in proptest::collection::vec(-400i64..500, 660),
        my_day in -100i64..400,
        history in proptest::collection::vec((0u32..40, any::<bool>(), [0u32..3, 0u32..5, 0u32..9]), 3..30),
        taken_all in any::<bool>(),
        ratio in (1u8..4, 1u8..5),
        seed in any::<u64>(),
    ) -> ForecastInput {
        let from = NaiveDate::from_ymd_opt(2027, 1, 1).expect("date");
        let at = |day: i64| from + chrono::Duration::days(day);
        let mut offset = 0;
        let ahead = sizes.map(|size| {
            let dates: Vec<NaiveDate> = days[offset..offset + size].iter().map(|day| at(*day)).collect();
            offset += size;
            dates
        });
        ForecastInput {
            from_month: from,
            priority: priority(class),
            eligible_from: at(my_day),
            ahead,
            history: history.into_iter().map(|(offers, _, arrivals)| MonthHistory {
                offers,
                taken: if taken_all { offers } else { 0 },
                arrivals,
            }).collect(),
            ratio: PriorityRatio { first_priority: ratio.0, general: ratio.1 },
            seed,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn the_walk_over_alike_runs_gives_the_forecast_of_the_walk_child_by_child(input in pool()) {
        prop_assert_eq!(forecast(&input), oracle(&input), "{:?}", input);
    }
}

#[test]
fn class_index_is_the_classes_order() {
    assert_eq!((0..3).map(|class| class_index(priority(class))).collect::<Vec<_>>(), [0, 1, 2]);
}
