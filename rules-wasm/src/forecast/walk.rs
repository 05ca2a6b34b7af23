//! One simulated future of the forecast: month by month, the turn engine's walk down the
//! queue, over runs of alike applications instead of one application at a time.
//!
//! Applications of one class that stand next to each other in queue order and become old
//! enough in the same month are alike for the walk: a [`Segment`] holds how many of them
//! still wait. A month's walk goes down the lines by the ratio ([`next_class`]); while out of
//! turn has nobody left and first priority and general both have members it repeats whole
//! turns ([`turn_sizes`]), so it takes as many turns at once as the current segments and the
//! month's places allow. Of the offers made in a segment, the number taken is one binomial
//! draw (the pool's share of offers taken); the others stay ahead (R5). So a run costs the
//! segments it walks, not the children it passes.

use rand_distr::{Binomial, Distribution};

use super::{MonthHistory, Seeded, HORIZON_MONTHS};
use crate::application::Priority;
use crate::policy::PriorityRatio;
use crate::queue::{class_index, next_class, turn_sizes, ClassCounts};

/// Most offers one simulated month makes (a bound far above any pool's history).
const OFFERS_PER_MONTH_MAX: u64 = 100_000;

/// Alike applications next to each other in one class's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Segment {
    /// The month (from the forecast's start) from which they are old enough.
    pub month: u32,
    pub count: u64,
}

/// What comes after a line's segments and its newcomers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tail {
    /// A class before the application's: nobody more.
    Closed,
    /// The application itself (its own class).
    Me,
    /// A class after the application's: its members take their share of the ratio, always.
    Endless,
}

/// One class's line as one run sees it.
#[derive(Debug, Clone)]
pub(super) struct Line {
    initial: Vec<Segment>,
    segments: Vec<Segment>,
    /// Segments before it hold nobody.
    head: usize,
    /// Newcomers of the run (old enough, after the segments); only in classes before the
    /// application's, whose newcomers join ahead of it.
    arrived: u64,
    tail: Tail,
}

impl Line {
    /// `months`: when each application of the line becomes old enough, in queue order.
    pub(super) fn new(months: impl IntoIterator<Item = u32>, tail: Tail) -> Self {
        let mut initial: Vec<Segment> = Vec::new();
        for month in months {
            match initial.last_mut() {
                Some(last) if last.month == month => last.count += 1,
                _ => initial.push(Segment { month, count: 1 }),
            }
        }
        Self { segments: initial.clone(), initial, head: 0, arrived: 0, tail }
    }

    fn reset(&mut self) {
        self.segments.clone_from(&self.initial);
        self.head = 0;
        self.arrived = 0;
    }
}

/// What the month's walk finds next in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spot {
    /// `left` alike applications, old enough this month or not.
    Segment { eligible: bool, left: u64 },
    /// `left` newcomers of the run not yet walked this month.
    Arrived { left: u64 },
    /// The application's own turn.
    Me,
    /// Members without end (a class after the application's, or behind a too-young one).
    Endless,
    /// Nobody more.
    End,
}

impl Spot {
    /// Steps this spot can take at once, and whether each takes a place.
    fn room(self, month: u32, my_month: u32) -> (u64, bool) {
        match self {
            Spot::Segment { eligible, left } => (left, eligible),
            Spot::Arrived { left } => (left, true),
            Spot::Me if month < my_month => (u64::MAX, true),
            Spot::Me | Spot::End => (0, false),
            Spot::Endless => (u64::MAX, true),
        }
    }
}

/// Where this month's walk stands in one line.
#[derive(Debug, Clone, Copy, Default)]
struct Cursor {
    segment: usize,
    /// Walked in the current segment.
    offset: u64,
    /// Offered in the current segment.
    offered: u64,
    arrived_walked: u64,
    arrived_offered: u64,
}

/// A month's walk over the three lines.
struct Month<'a> {
    lines: &'a mut [Line; 3],
    cursors: [Cursor; 3],
    month: u32,
    my_month: u32,
    /// The share of offers taken, for the binomial draws (`None`: none ever taken).
    taken: Option<f64>,
}

impl Month<'_> {
    fn spot(&mut self, class: usize, rng: &mut Seeded) -> Spot {
        let month = self.month;
        loop {
            let (line, cursor) = (&self.lines[class], self.cursors[class]);
            let Some(segment) = line.segments.get(cursor.segment) else { break };
            if cursor.offset < segment.count {
                let eligible = segment.month <= month;
                if eligible {
                    self.absorb_alike(class);
                }
                let (line, cursor) = (&self.lines[class], self.cursors[class]);
                let left = line.segments[cursor.segment].count - cursor.offset;
                return Spot::Segment { eligible, left };
            }
            self.settle(class, rng);
            let cursor = &mut self.cursors[class];
            cursor.segment += 1;
            cursor.offset = 0;
        }
        let (line, cursor) = (&self.lines[class], self.cursors[class]);
        if cursor.arrived_walked < line.arrived {
            return Spot::Arrived { left: line.arrived - cursor.arrived_walked };
        }
        match line.tail {
            Tail::Closed => Spot::End,
            Tail::Me => Spot::Me,
            Tail::Endless => Spot::Endless,
        }
    }

    /// The current segment, old enough, takes in the old-enough segments right after it
    /// (alike from now on): their applications move into the last of them, where the cursor
    /// moves too, and the ones passed hold nobody.
    fn absorb_alike(&mut self, class: usize) {
        let month = self.month;
        let line = &mut self.lines[class];
        let cursor = &mut self.cursors[class];
        let mut last = cursor.segment;
        while line.segments.get(last + 1).is_some_and(|next| next.month <= month) {
            let moved = std::mem::replace(&mut line.segments[last].count, 0);
            last += 1;
            line.segments[last].count += moved;
        }
        cursor.segment = last;
    }

    /// The offers made in the current segment are answered: the taken ones leave the line.
    fn settle(&mut self, class: usize, rng: &mut Seeded) {
        let cursor = &mut self.cursors[class];
        let taken = draw_taken(cursor.offered, self.taken, rng);
        cursor.offered = 0;
        if let Some(segment) = self.lines[class].segments.get_mut(cursor.segment) {
            debug_assert!(taken <= segment.count);
            segment.count -= taken;
        }
    }

    /// `steps` steps in `class`'s line at `spot` (which has room for them).
    fn advance(&mut self, class: usize, spot: Spot, steps: u64) {
        let cursor = &mut self.cursors[class];
        match spot {
            Spot::Segment { eligible, left } => {
                debug_assert!(steps <= left);
                cursor.offset += steps;
                cursor.offered += if eligible { steps } else { 0 };
            }
            Spot::Arrived { left } => {
                debug_assert!(steps <= left);
                cursor.arrived_walked += steps;
                cursor.arrived_offered += steps;
            }
            Spot::Me | Spot::Endless | Spot::End => {}
        }
    }

    /// End of the month: the last offers answered, the walked part of each line merged where
    /// its applications are alike from next month on.
    fn close(mut self, rng: &mut Seeded) {
        for class in 0..3 {
            self.settle(class, rng);
            let cursor = self.cursors[class];
            let line = &mut self.lines[class];
            let taken = draw_taken(cursor.arrived_offered, self.taken, rng);
            line.arrived -= taken.min(line.arrived);
            compact(line, cursor.segment, self.month + 1);
        }
    }
}

/// How many of `offered` alike offers are taken.
fn draw_taken(offered: u64, share: Option<f64>, rng: &mut Seeded) -> u64 {
    match share {
        _ if offered == 0 => 0,
        None => 0,
        Some(share) if share >= 1.0 => offered,
        Some(share) => Binomial::new(offered, share).map_or(0, |binomial| binomial.sample(rng)),
    }
}

/// Merges the segments `head..=last` that are all old enough by `next_month` (they are alike
/// from then on) and drops empty ones, keeping the order; the merged part ends at `last`.
fn compact(line: &mut Line, last: usize, next_month: u32) {
    let last = last.min(line.segments.len().saturating_sub(1));
    if line.segments.is_empty() || line.head > last {
        return;
    }
    let mut write = last + 1;
    for index in (line.head..=last).rev() {
        let segment = line.segments[index];
        if segment.count == 0 {
            continue;
        }
        let mergeable = write <= last
            && segment.month <= next_month
            && line.segments[write].month <= next_month;
        if mergeable {
            line.segments[write].count += segment.count;
        } else {
            write -= 1;
            line.segments[write] = segment;
        }
    }
    line.head = write;
}

/// The pool's share of offers taken over `history` (`None` when none was taken), for the
/// binomial draws: the same for every run.
pub(super) fn taken_share(history: &[MonthHistory]) -> Option<f64> {
    let (offered, taken) = history.iter().fold((0u64, 0u64), |(o, t), month| {
        (o + u64::from(month.offers), t + u64::from(month.taken.min(month.offers)))
    });
    (taken > 0 && offered > 0).then(|| taken as f64 / offered as f64)
}

/// The month (from the start) of this application's first offer in one run, if within the
/// horizon.
pub(super) fn one_run(
    mine: Priority,
    my_month: u32,
    ratio: PriorityRatio,
    history: &[MonthHistory],
    share: Option<f64>,
    lines: &mut [Line; 3],
    rng: &mut Seeded,
) -> Option<u32> {
    lines.iter_mut().for_each(Line::reset);
    for month in 0..HORIZON_MONTHS {
        let sample = history[rng.below(history.len())];
        for (class, line) in lines.iter_mut().enumerate().take(class_index(mine)) {
            line.arrived += u64::from(sample.arrivals[class]);
        }
        let places = u64::from(sample.offers).min(OFFERS_PER_MONTH_MAX);
        let cursors =
            [0, 1, 2].map(|class| Cursor { segment: lines[class].head, ..Cursor::default() });
        let mut walk = Month { lines, cursors, month, my_month, taken: share };
        let found = walk_month(&mut walk, places, ratio, rng);
        walk.close(rng);
        if found {
            return Some(month);
        }
    }
    None
}

/// One month's walk with `places` offers; `true` when the application's own offer came.
fn walk_month(
    walk: &mut Month<'_>,
    mut places: u64,
    ratio: PriorityRatio,
    rng: &mut Seeded,
) -> bool {
    let turn = turn_sizes(ratio);
    let mut walked = ClassCounts::default();
    // Every pass takes a place, walks past a segment's rest, or ends the walk.
    let segments: usize = walk.lines.iter().map(|line| line.segments.len() + 1).sum();
    let passes_max = (places as usize + 2 * segments + 2) * (turn[0] + turn[1]) as usize;
    // Each line's spot, found again only after that line moved.
    let mut spots = [0, 1, 2].map(|class| walk.spot(class, rng));
    for _ in 0..passes_max {
        if places == 0 {
            return false;
        }
        let more = spots.map(|spot| spot != Spot::End);
        let rooms = spots.map(|spot| spot.room(walk.month, walk.my_month));
        if let Some(steps) = bulk_steps(walked, more, rooms, places, turn) {
            for (class, steps) in steps.into_iter().enumerate().filter(|(_, steps)| *steps > 0) {
                walk.advance(class, spots[class], steps);
                places -= if rooms[class].1 { steps } else { 0 };
                spots[class] = walk.spot(class, rng);
            }
            walked.out_of_turn += steps[0];
            walked.first_priority += steps[1];
            walked.general += steps[2];
            continue;
        }
        let Some(priority) = next_class(walked, more, ratio) else { return false };
        let class = class_index(priority);
        match priority {
            Priority::OutOfTurn => walked.out_of_turn += 1,
            Priority::FirstPriority => walked.first_priority += 1,
            Priority::General => walked.general += 1,
        }
        match spots[class] {
            Spot::Me if walk.month >= walk.my_month => return true,
            Spot::End => return false,
            spot => {
                walk.advance(class, spot, 1);
                places -= u64::from(rooms[class].1);
                spots[class] = walk.spot(class, rng);
            }
        }
    }
    debug_assert!(false, "the walk is bounded by its places and segments");
    false
}

/// Steps per class the walk can take at once, as [`next_class`] would take them one by one:
/// while out of turn has members, all of them (it goes first); else, with both other classes
/// open, whole turns of the ratio ([`turn_sizes`]): the order repeats every turn, so any
/// stretch of `n` turns' length holds `n` turns of each class, wherever it starts. Never past
/// a line's current spot or the month's places. `None` when not even one step.
fn bulk_steps(
    walked: ClassCounts,
    more: [bool; 3],
    rooms: [(u64, bool); 3],
    places: u64,
    turn: [u64; 2],
) -> Option<[u64; 3]> {
    let by_places = |per_step: u64| places.checked_div(per_step).unwrap_or(u64::MAX);
    if more[0] {
        debug_assert!(walked.first_priority == 0 && walked.general == 0, "out of turn goes first");
        let steps = rooms[0].0.min(by_places(u64::from(rooms[0].1)));
        return (steps > 0).then_some([steps, 0, 0]);
    }
    if !more[1] || !more[2] {
        return None;
    }
    let places_per_turn = u64::from(rooms[1].1) * turn[0] + u64::from(rooms[2].1) * turn[1];
    let turns = (rooms[1].0 / turn[0]).min(rooms[2].0 / turn[1]).min(by_places(places_per_turn));
    (turns > 0).then_some([0, turns * turn[0], turns * turn[1]])
}
