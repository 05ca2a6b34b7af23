//! The waiting applications of a pool during a replay, kept class by class in registration
//! order, so the next offer in queue order is found by reading the classes head first
//! ([`crate::queue::next_class`]) instead of sorting the whole pool at every offer.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use crate::application::Priority;
use crate::policy::PriorityRatio;
use crate::queue::{by_registration, next_class, queue_slot, ClassCounts, QueueEntry};
use crate::siblings::SiblingSetId;
use crate::turn_engine::OfferRule;

/// A queue entry ordered within its class by [`by_registration`], the rules' own order.
#[derive(Debug, Clone)]
struct Ranked(QueueEntry);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        by_registration(&self.0, &other.0)
    }
}

fn class_of(priority: Priority) -> usize {
    match priority {
        Priority::OutOfTurn => 0,
        Priority::FirstPriority => 1,
        Priority::General => 2,
    }
}

/// Where the walk found the next application to offer a place to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextOffer {
    pub entry: QueueEntry,
    /// Applications ahead of it in queue order.
    pub position: u64,
    /// Applications of its class ahead of it.
    pub class_rank: u64,
}

/// The pool's waiting applications (queued, offered, stop-listed).
#[derive(Debug, Clone, Default)]
pub struct QueueView {
    classes: [BTreeSet<Ranked>; 3],
}

impl QueueView {
    pub fn insert(&mut self, entry: QueueEntry) {
        self.classes[class_of(entry.priority)].replace(Ranked(entry));
    }

    pub fn remove(&mut self, entry: &QueueEntry) {
        self.classes[class_of(entry.priority)].remove(&Ranked(entry.clone()));
    }

    /// The waiting applications of `priority`'s class, in queue order.
    pub fn class(&self, priority: Priority) -> impl Iterator<Item = &QueueEntry> {
        self.classes[class_of(priority)].iter().map(|ranked| &ranked.0)
    }

    pub fn counts(&self) -> ClassCounts {
        ClassCounts {
            out_of_turn: self.classes[0].len() as u64,
            first_priority: self.classes[1].len() as u64,
            general: self.classes[2].len() as u64,
        }
    }

    /// Applications of `entry`'s class ahead of it (costs its rank).
    pub fn class_rank(&self, entry: &QueueEntry) -> u64 {
        self.classes[class_of(entry.priority)].range(..Ranked(entry.clone())).count() as u64
    }

    /// The position (applications ahead) of `entry`, with [`queue_slot`].
    pub fn position(&self, entry: &QueueEntry, ratio: PriorityRatio) -> u64 {
        queue_slot(entry.priority, self.class_rank(entry), self.counts(), ratio)
    }

    /// The first application in queue order that `rule` admits: the one the turn engine
    /// offers the next place to. Costs the number of applications ahead of it.
    pub fn next_offer(&self, rule: &OfferRule, ratio: PriorityRatio) -> Option<NextOffer> {
        self.next_offer_passing(rule, ratio, &BTreeSet::new())
    }

    /// [`QueueView::next_offer`] passing over the members of the sibling sets `passed` (the
    /// turn engine passes a set over when its places are not there: issue 15).
    pub fn next_offer_passing(
        &self,
        rule: &OfferRule,
        ratio: PriorityRatio,
        passed: &BTreeSet<SiblingSetId>,
    ) -> Option<NextOffer> {
        let mut heads = self.classes.each_ref().map(|class| class.iter().peekable());
        let mut placed = ClassCounts::default();
        loop {
            let more =
                [heads[0].peek().is_some(), heads[1].peek().is_some(), heads[2].peek().is_some()];
            let priority = next_class(placed, more, ratio)?;
            let class = class_of(priority);
            let Ranked(entry) = heads[class].next().expect("next_class picks a class with more");
            let rank = match priority {
                Priority::OutOfTurn => &mut placed.out_of_turn,
                Priority::FirstPriority => &mut placed.first_priority,
                Priority::General => &mut placed.general,
            };
            let passed_over = entry.together.as_ref().is_some_and(|set| passed.contains(set));
            if rule.admits(entry) && !passed_over {
                let class_rank = *rank;
                return Some(NextOffer {
                    entry: entry.clone(),
                    position: placed.total(),
                    class_rank,
                });
            }
            *rank += 1;
        }
    }
}
