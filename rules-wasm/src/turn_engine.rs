//! The turn engine (DESIGN §1.5): walks a pool's queue in order and offers while the pool
//! has unreserved places, to applications that are `queued`, old enough today and outside
//! blackout periods. Children too young are skipped and keep their position. It runs after
//! places are published or released, and in every sweep (children turn 2 every day).

use chrono::NaiveDate;

use crate::age::full_years;
use crate::application::{Application, Command, RuleContext, Transition};
use crate::error::RuleResult;
use crate::places::Pool;
use crate::policy::{Policy, PriorityRatio};
use crate::queue::{QueueEntry, QueueOrder, Waiting};
use crate::time::{Instant, RegionClock};

/// Whom the engine may offer a place to on one local day: queued applications of children
/// old enough. Walk the queue in order (e.g. [`crate::queue::next_class`] over class heads)
/// and offer to the entries it admits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfferRule {
    today: NaiveDate,
    min_age_years: u32,
}

impl OfferRule {
    /// The rule of the local day of `now`; `None` in a blackout period (no offers at all).
    pub fn on(policy: &Policy, clock: &RegionClock, now: Instant) -> Option<Self> {
        let today = clock.local_date(now);
        policy
            .blackout_on(today)
            .is_none()
            .then_some(Self { today, min_age_years: u32::from(policy.min_age_years) })
    }

    /// Queued (not offered, not stop-listed) and old enough today; a child too young is
    /// skipped and keeps its position.
    pub fn admits(&self, entry: &QueueEntry) -> bool {
        entry.waiting == Waiting::Queued
            && full_years(entry.birth_date, self.today) >= self.min_age_years
    }
}

/// Indices into `entries` of the applications to offer a place to, in queue order, at most
/// `unreserved` of them.
pub fn select_offers(
    entries: &[QueueEntry],
    unreserved: u32,
    policy: &Policy,
    clock: &RegionClock,
    now: Instant,
) -> RuleResult<Vec<usize>> {
    let Some(rule) = OfferRule::on(policy, clock, now).filter(|_| unreserved > 0) else {
        return Ok(Vec::new());
    };
    let ratio: PriorityRatio = policy.priority_ratio;
    let order = QueueOrder::new(entries, ratio)?;
    let offers: Vec<usize> = order
        .iter()
        .filter(|index| rule.admits(&entries[*index]))
        .take(unreserved as usize)
        .collect();
    debug_assert!(offers.len() <= unreserved as usize);
    Ok(offers)
}

/// Runs the engine over whole applications and returns one `offer` transition each, in
/// queue order. `pool` is updated with the moves, so it can be checked or persisted.
pub fn run_turn_engine(
    pool: &mut Pool,
    applications: &[Application],
    context: &RuleContext<'_>,
) -> RuleResult<Vec<Transition>> {
    let (entries, owners): (Vec<QueueEntry>, Vec<usize>) = applications
        .iter()
        .enumerate()
        .filter(|(_, application)| application.pool == pool.key)
        .filter_map(|(index, application)| application.queue_entry().map(|entry| (entry, index)))
        .unzip();
    let selected = select_offers(
        &entries,
        pool.counters.unreserved,
        context.policy,
        context.clock,
        context.now,
    )?;
    let mut transitions = Vec::with_capacity(selected.len());
    for entry_index in selected {
        let transition = applications[owners[entry_index]].apply(&Command::Offer, pool, context)?;
        for place_move in &transition.effects.places {
            pool.apply(place_move)?;
        }
        transitions.push(transition);
    }
    Ok(transitions)
}
