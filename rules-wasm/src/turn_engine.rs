//! The turn engine (DESIGN §1.5): walks a pool's queue in order and offers while the pool
//! has unreserved places, to applications that are `queued`, old enough today and outside
//! blackout periods. Children too young are skipped and keep their position. It runs after
//! places are published or released, and in every sweep (children turn 2 every day).
//!
//! [`TurnEngine`] is a *stepping* engine: it never sees the whole queue. It is given the
//! heads of the three class partitions (out of turn, first priority, general; each in
//! registration order) page by page, and at each step says what to do next: read the next
//! page of one class ([`TurnStep::Read`], sized by the places left), offer a place to one
//! application ([`TurnStep::Offer`]), or stop ([`TurnStep::Done`]). The 1:3 ratio state
//! (how many of each class were walked) is inside it; the merge is [`next_class`], the same
//! order as [`crate::queue::queue_slot`]. The backend reads only the pages it asks for and
//! writes the offers it decided; [`select_offers`] drives the same engine over a queue held
//! in memory, for the property tests and the benchmarks.

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::NaiveDate;

use crate::application::{Application, Command, Priority, RuleContext, Transition};
use crate::eligibility::too_young;
use crate::error::{RuleError, RuleResult};
use crate::places::Pool;
use crate::policy::{Policy, PriorityRatio};
use crate::queue::{
    by_registration, class_index, next_class, ClassCounts, QueueEntry, QueueOrder, Waiting,
    QUEUE_LENGTH_MAX,
};
use crate::siblings::{SiblingSetId, SIBLINGS_MAX};
use crate::time::{Instant, RegionClock};

/// Largest page the engine asks for (queue index entries are small: far below 1 MB).
pub const PAGE_MAX: usize = 1_000;
/// Entries asked for beyond the estimate of a page (a few skipped entries cost no second read).
const PAGE_SLACK: usize = 8;
/// Most pages one run of the engine reads before it stops (a bound, never reached in practice:
/// pages double while children are skipped).
pub const READS_MAX: u32 = 10_000;

/// Whom the engine may offer a place to on one local day: queued applications of children
/// old enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRule {
    today: NaiveDate,
    policy: Policy,
}

impl OfferRule {
    /// The rule of the local day of `now`; `None` in a blackout period (no offers at all).
    pub fn on(policy: &Policy, clock: &RegionClock, now: Instant) -> Option<Self> {
        let today = clock.local_date(now);
        policy.blackout_on(today).is_none().then(|| Self { today, policy: policy.clone() })
    }

    /// The part of a sibling set to offer together under `together_only` (issue 15): its
    /// queued members, or `None` when the set waits — one of its waiting `members` is
    /// stop-listed or too young, or none is queued. Members offered already do not hold it back.
    /// The turn engine and the log's replay decide a set by this one rule.
    pub fn together_part(&self, members: Vec<QueueEntry>) -> Option<Vec<QueueEntry>> {
        let blocked = members.iter().any(|member| match member.waiting {
            Waiting::StopListed => true,
            Waiting::Queued => !self.admits(member),
            Waiting::Offered => false,
        });
        let part: Vec<QueueEntry> =
            members.into_iter().filter(|member| member.waiting == Waiting::Queued).collect();
        (!blocked && !part.is_empty()).then_some(part)
    }

    /// Queued (not offered, not stop-listed) and old enough today (the age check of R4); a
    /// child too young is skipped and keeps its position.
    pub fn admits(&self, entry: &QueueEntry) -> bool {
        entry.waiting == Waiting::Queued
            && too_young(entry.birth_date, self.today, &self.policy).is_none()
    }
}

/// What the engine asks for next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnStep {
    /// Read the next page of the class partition of `class` (registration order, then id),
    /// at most `limit` entries, and give it to [`TurnEngine::page`].
    Read { class: Priority, limit: usize },
    /// Offer a place to this application. The place counts as taken; when the offer cannot be
    /// written (the application moved on meanwhile) give it back with [`TurnEngine::not_offered`].
    Offer(QueueEntry),
    /// The walk reached `first`, the first member of sibling set `set` under `together_only`
    /// ([`crate::siblings`]): give the set's members that wait in this pool (their queue
    /// entries as stored now, `first` among them) to [`TurnEngine::siblings`].
    ReadSiblings { set: SiblingSetId, first: QueueEntry },
    /// Offer places to all these applications at once (one transaction: all or none). When they
    /// cannot be written give the places back with [`TurnEngine::not_offered_together`].
    OfferTogether(Vec<QueueEntry>),
    /// No place left, or nobody left to offer one to.
    Done,
}

/// One class partition as far as it was read.
#[derive(Debug, Clone, Default)]
struct ClassHead {
    /// Read and not yet walked.
    read: VecDeque<QueueEntry>,
    /// The last entry read: the next page must start after it.
    last: Option<QueueEntry>,
    /// The partition was read to its end.
    exhausted: bool,
    last_page: usize,
}

impl ClassHead {
    fn has_more(&self) -> bool {
        !self.read.is_empty() || !self.exhausted
    }
}

/// The stepping turn engine of one pool for one run (see the module documentation).
#[derive(Debug, Clone)]
pub struct TurnEngine {
    rule: Option<OfferRule>,
    ratio: PriorityRatio,
    /// Places still to offer.
    places: u32,
    classes: [ClassHead; 3],
    /// Entries of each class walked so far (the ratio state).
    walked: ClassCounts,
    reads: u32,
    /// Sibling sets are offered only together (policy `together_only`).
    together: bool,
    /// Sibling sets decided in this run: `true` offered together, `false` passed over.
    sets: BTreeMap<SiblingSetId, bool>,
    /// The set whose members were asked for by [`TurnStep::ReadSiblings`].
    awaiting: Option<(SiblingSetId, QueueEntry)>,
    /// Members to offer together at the next step.
    group: Option<Vec<QueueEntry>>,
}

fn walked_mut(walked: &mut ClassCounts, class: usize) -> &mut u64 {
    match class {
        0 => &mut walked.out_of_turn,
        1 => &mut walked.first_priority,
        _ => &mut walked.general,
    }
}

impl TurnEngine {
    /// An engine for a pool with `unreserved` places, on the local day of `now` under `policy`.
    pub fn new(policy: &Policy, clock: &RegionClock, now: Instant, unreserved: u32) -> Self {
        Self {
            rule: OfferRule::on(policy, clock, now),
            ratio: policy.priority_ratio,
            places: unreserved,
            classes: Default::default(),
            walked: ClassCounts::default(),
            reads: 0,
            together: policy.siblings_together(),
            sets: BTreeMap::new(),
            awaiting: None,
            group: None,
        }
    }

    /// Places the engine still has to offer.
    pub fn places_left(&self) -> u32 {
        self.places
    }

    /// Entries of each class walked so far.
    pub fn walked(&self) -> ClassCounts {
        self.walked
    }

    /// The next step of the walk.
    pub fn step(&mut self) -> TurnStep {
        if self.rule.is_none() {
            return TurnStep::Done;
        }
        if let Some((set, first)) = &self.awaiting {
            return TurnStep::ReadSiblings { set: set.clone(), first: first.clone() };
        }
        if let Some(group) = self.group.take() {
            return TurnStep::OfferTogether(group);
        }
        loop {
            if self.places == 0 || self.reads >= READS_MAX {
                return TurnStep::Done;
            }
            let more = [0, 1, 2].map(|class| self.classes[class].has_more());
            let Some(priority) = next_class(self.walked, more, self.ratio) else {
                return TurnStep::Done;
            };
            let class = class_index(priority);
            let Some(entry) = self.classes[class].read.pop_front() else {
                return TurnStep::Read { class: priority, limit: self.page_size(class) };
            };
            *walked_mut(&mut self.walked, class) += 1;
            if !self.rule.as_ref().is_some_and(|rule| rule.admits(&entry)) {
                continue;
            }
            match entry.sibling_set().cloned().filter(|_| self.together) {
                // Decided earlier in this run: offered with its set, or passed over with it.
                Some(set) if self.sets.contains_key(&set) => continue,
                Some(set) => {
                    self.awaiting = Some((set.clone(), entry.clone()));
                    return TurnStep::ReadSiblings { set, first: entry };
                }
                None => {
                    self.places -= 1;
                    return TurnStep::Offer(entry);
                }
            }
        }
    }

    /// The next page of `class`, as asked for by [`TurnStep::Read`] (it may be shorter than
    /// the limit); `last` when the partition has no more entries. Refused when it is not the
    /// continuation of that class in registration order.
    pub fn page(
        &mut self,
        class: Priority,
        entries: Vec<QueueEntry>,
        last: bool,
    ) -> RuleResult<()> {
        let refused =
            |detail: &str| RuleError::InvalidInput { detail: format!("queue page: {detail}") };
        if entries.len() > PAGE_MAX {
            return Err(refused("longer than the largest page"));
        }
        let head = &mut self.classes[class_index(class)];
        if head.exhausted {
            return Err(refused("the class was read to its end"));
        }
        let mut previous = head.last.clone();
        for entry in &entries {
            if entry.priority != class {
                return Err(refused("an entry of another class"));
            }
            if previous.as_ref().is_some_and(|before| by_registration(before, entry).is_ge()) {
                return Err(refused("entries out of registration order"));
            }
            previous = Some(entry.clone());
        }
        self.reads += 1;
        head.last = previous;
        head.exhausted = last;
        head.read.extend(entries);
        Ok(())
    }

    /// The last offer could not be written (the application was no longer queued): its place
    /// goes back to the engine, which offers it further down the queue.
    pub fn not_offered(&mut self) {
        self.places += 1;
    }

    /// The members of the set asked for by [`TurnStep::ReadSiblings`]: their queue entries as
    /// stored now, each of the set, in this pool, `first` among them. The engine decides the
    /// set: all its queued members at once when none waits stop-listed or too young and the
    /// places are there (then the next step is [`TurnStep::OfferTogether`]), else none in this
    /// run (they keep their positions; the places go on down the queue).
    pub fn siblings(&mut self, members: Vec<QueueEntry>) -> RuleResult<()> {
        let refused =
            |detail: &str| RuleError::InvalidInput { detail: format!("sibling set: {detail}") };
        let Some((set, first)) = self.awaiting.take() else {
            return Err(refused("not asked for"));
        };
        let distinct: std::collections::BTreeSet<_> = members.iter().map(|m| &m.id).collect();
        let checks = [
            (members.len() <= SIBLINGS_MAX, "more members than a set holds"),
            (distinct.len() == members.len(), "a member twice"),
            (members.iter().all(|m| m.sibling_set() == Some(&set)), "a member of another set"),
            (distinct.contains(&first.id), "without the member whose turn came"),
        ];
        if let Some((_, detail)) = checks.iter().find(|(ok, _)| !ok) {
            self.awaiting = Some((set, first));
            return Err(refused(detail));
        }
        let rule = self.rule.as_ref().expect("the engine asks for siblings only outside blackouts");
        let part = rule.together_part(members).filter(|part| part.len() as u32 <= self.places);
        self.sets.insert(set, part.is_some());
        if let Some(part) = part {
            self.places -= part.len() as u32;
            self.group = Some(part);
        }
        Ok(())
    }

    /// The last together offer could not be written (a member moved on meanwhile): its places
    /// go back to the engine, which offers them further down the queue; the set is passed over
    /// in this run.
    pub fn not_offered_together(&mut self, count: u32) {
        self.places += count;
    }

    /// Another writer took places meanwhile: the engine offers at most `unreserved` more.
    pub fn at_most(&mut self, unreserved: u32) {
        self.places = self.places.min(unreserved);
    }

    /// The members of `class` among the next places of the queue, were every class not yet
    /// read to its end unbounded; plus slack; at least twice the last page (children skipped).
    fn page_size(&mut self, class: usize) -> usize {
        let mut walked = self.walked;
        let more = [0, 1, 2].map(|other| !self.classes[other].exhausted);
        let mut ours = 0;
        for _ in 0..(self.places as usize).min(PAGE_MAX) {
            let Some(priority) = next_class(walked, more, self.ratio) else { break };
            let next = class_index(priority);
            ours += usize::from(next == class);
            *walked_mut(&mut walked, next) += 1;
        }
        let head = &mut self.classes[class];
        let size = (ours + PAGE_SLACK).max(head.last_page * 2).min(PAGE_MAX);
        head.last_page = size;
        size
    }
}

/// Indices into `entries` of the applications to offer a place to, in queue order, at most
/// `unreserved` of them: the stepping engine driven over `entries` held in memory.
pub fn select_offers(
    entries: &[QueueEntry],
    unreserved: u32,
    policy: &Policy,
    clock: &RegionClock,
    now: Instant,
) -> RuleResult<Vec<usize>> {
    select_offers_paged(entries, unreserved, policy, clock, now, &mut |_, limit| limit)
}

/// [`select_offers`] where `page_length(class, limit)` decides how many entries each page the
/// engine asks for really holds (at least 1 when the class has more; e.g. fewer than asked,
/// as a store may answer): the offers must not depend on it.
pub fn select_offers_paged(
    entries: &[QueueEntry],
    unreserved: u32,
    policy: &Policy,
    clock: &RegionClock,
    now: Instant,
    page_length: &mut dyn FnMut(Priority, usize) -> usize,
) -> RuleResult<Vec<usize>> {
    if entries.len() > QUEUE_LENGTH_MAX {
        return Err(RuleError::QueueTooLarge { length: entries.len() });
    }
    let order = QueueOrder::new(entries, policy.priority_ratio)?;
    let index_of: HashMap<_, usize> =
        entries.iter().enumerate().map(|(index, entry)| (&entry.id, index)).collect();
    let mut engine = TurnEngine::new(policy, clock, now, unreserved);
    let mut cursors = [0usize; 3];
    let mut offers = Vec::new();
    loop {
        match engine.step() {
            TurnStep::Read { class, limit } => {
                let members = order.class_members(class);
                let start = cursors[class_index(class)];
                let length = page_length(class, limit).clamp(1, limit);
                let end = (start + length).min(members.len());
                let page = members[start..end].iter().map(|index| entries[*index].clone());
                engine.page(class, page.collect(), end == members.len())?;
                cursors[class_index(class)] = end;
            }
            TurnStep::Offer(entry) => offers.push(index_of[&entry.id]),
            TurnStep::ReadSiblings { set, .. } => {
                let members = entries.iter().filter(|entry| entry.sibling_set() == Some(&set));
                engine.siblings(members.cloned().collect())?;
            }
            TurnStep::OfferTogether(group) => {
                offers.extend(group.iter().map(|entry| index_of[&entry.id]))
            }
            TurnStep::Done => break,
        }
    }
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
        .filter_map(|(index, application)| QueueEntry::of(application).map(|entry| (entry, index)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::ApplicationId;
    use chrono::{Duration, TimeZone, Utc};

    fn entry(id: &str, priority: Priority, millis: i64) -> QueueEntry {
        QueueEntry {
            id: ApplicationId(id.into()),
            priority,
            registered_at: Utc.with_ymd_and_hms(2025, 1, 10, 9, 0, 0).single().expect("instant")
                + Duration::milliseconds(millis),
            birth_date: NaiveDate::from_ymd_opt(2022, 1, 1).expect("date"),
            waiting: Waiting::Queued,
            together: None,
        }
    }

    fn now() -> Instant {
        Utc.with_ymd_and_hms(2025, 3, 3, 6, 0, 0).single().expect("instant")
    }

    #[test]
    fn pages_out_of_order_or_of_another_class_are_refused() {
        let policy = Policy::default();
        let mut engine = TurnEngine::new(&policy, &RegionClock::default(), now(), 3);
        let TurnStep::Read { class, .. } = engine.step() else { panic!("reads first") };
        assert_eq!(class, Priority::OutOfTurn);
        let wrong_class = vec![entry("g", Priority::General, 0)];
        assert!(engine.page(class, wrong_class, false).is_err());
        let backwards =
            vec![entry("b", Priority::OutOfTurn, 5), entry("a", Priority::OutOfTurn, 1)];
        assert!(engine.page(class, backwards, false).is_err());
        engine.page(class, vec![entry("a", Priority::OutOfTurn, 1)], true).expect("in order");
        assert_eq!(engine.step(), TurnStep::Offer(entry("a", Priority::OutOfTurn, 1)));
        assert!(engine.page(class, Vec::new(), true).is_err(), "read to its end already");
    }

    #[test]
    fn a_place_given_back_goes_to_the_next_in_line() {
        let policy = Policy::default();
        let entries: Vec<QueueEntry> =
            (0..4).map(|i| entry(&format!("g{i}"), Priority::General, i)).collect();
        let mut engine = TurnEngine::new(&policy, &RegionClock::default(), now(), 1);
        let mut offered = Vec::new();
        let mut given_back = false;
        loop {
            match engine.step() {
                TurnStep::Read { class, .. } if class == Priority::General => {
                    engine.page(class, entries.clone(), true).expect("page")
                }
                TurnStep::Read { class, .. } => engine.page(class, Vec::new(), true).expect("page"),
                TurnStep::Offer(entry) if !given_back => {
                    given_back = true;
                    assert_eq!(entry.id.0, "g0");
                    engine.not_offered();
                }
                TurnStep::Offer(entry) => offered.push(entry.id.0),
                step @ (TurnStep::ReadSiblings { .. } | TurnStep::OfferTogether(_)) => {
                    panic!("no sibling sets here: {step:?}")
                }
                TurnStep::Done => break,
            }
        }
        assert_eq!(offered, ["g1"]);
    }

    #[test]
    fn in_a_blackout_nothing_is_read() {
        let policy = Policy::with_august_blackout();
        let august = Utc.with_ymd_and_hms(2025, 8, 4, 6, 0, 0).single().expect("instant");
        let mut engine = TurnEngine::new(&policy, &RegionClock::default(), august, 5);
        assert_eq!(engine.step(), TurnStep::Done);
    }
}
