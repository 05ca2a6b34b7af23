//! Property tests: random sequences of commands over random pools. After every step the
//! invariants of DESIGN §1.5 hold, a refused command changes nothing, and the turn engine
//! never offers a place while an eligible application ahead of it in the queue waits. Some
//! pools hold sibling sets (issue 15 item 3), placed `independent` or `together_only`: then a
//! run offers a set's queued members all at once or none of them, and only a set may be passed
//! over.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use common::{date, local, REGION};
use kezek_rules::age::full_years;
use kezek_rules::application::{
    Application, ApplicationId, ApplicationState, Command, Priority, RuleContext, StateName,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::places::{GroupId, Pool, PoolKey};
use kezek_rules::policy::Policy;
use kezek_rules::queue::{QueueEntry, QueueOrder, Waiting};
use kezek_rules::siblings::{SiblingPlacement, SiblingSetId};
use kezek_rules::time::{Instant, RegionClock};
use kezek_rules::turn_engine::run_turn_engine;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    Publish { group: usize, count: u32 },
    WithdrawPlaces { group: usize, count: u32 },
    TurnEngine,
    Advance { hours: i64 },
    Sweep,
    Sign { application: usize, group: usize },
    Cancel { application: usize },
    Extend { application: usize, days: u16 },
    Enrol { application: usize },
    Withdraw { application: usize },
}

fn step_strategy(applications: usize, groups: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..groups, 1..4u32).prop_map(|(group, count)| Step::Publish { group, count }),
        1 => (0..groups, 1..3u32).prop_map(|(group, count)| Step::WithdrawPlaces { group, count }),
        3 => Just(Step::TurnEngine),
        3 => (1..200i64).prop_map(|hours| Step::Advance { hours }),
        3 => Just(Step::Sweep),
        4 => (0..applications, 0..groups).prop_map(|(application, group)| Step::Sign { application, group }),
        1 => (0..applications).prop_map(|application| Step::Cancel { application }),
        1 => (0..applications, 0..40u16).prop_map(|(application, days)| Step::Extend { application, days }),
        2 => (0..applications).prop_map(|application| Step::Enrol { application }),
        1 => (0..applications).prop_map(|application| Step::Withdraw { application }),
    ]
}

#[derive(Debug, Clone)]
struct Seed {
    applications: Vec<(NaiveDate, Priority, i64)>,
    groups: usize,
    steps: Vec<Step>,
    /// Candidate sibling sets (indices; made disjoint, sets of one dropped).
    sets: Vec<Vec<usize>>,
    together: bool,
}

fn seed_strategy() -> impl Strategy<Value = Seed> {
    (1..25usize, 1..4usize).prop_flat_map(|(applications, groups)| {
        let application = (
            0..900i64,
            prop_oneof![
                Just(Priority::OutOfTurn),
                Just(Priority::FirstPriority),
                Just(Priority::General),
                Just(Priority::General)
            ],
            0..5_000i64,
        )
            .prop_map(|(birth_offset, priority, registered_offset)| {
                (date(2022, 6, 1) + Duration::days(birth_offset), priority, registered_offset)
            });
        (
            proptest::collection::vec(application, applications),
            proptest::collection::vec(step_strategy(applications, groups), 1..80),
            proptest::collection::vec(proptest::collection::vec(0..applications, 2..4), 0..4),
            any::<bool>(),
        )
            .prop_map(move |(applications, steps, sets, together)| Seed {
                applications,
                groups,
                steps,
                sets,
                together,
            })
    })
}

struct World {
    pool: Pool,
    applications: Vec<Application>,
    /// Places published minus places withdrawn, per group: what the group ever had to give.
    net_published: BTreeMap<GroupId, i64>,
    now: Instant,
    policy: Policy,
    clock: RegionClock,
}

impl World {
    fn new(seed: &Seed) -> Self {
        let key = PoolKey { region_id: REGION.into(), group_year: 2023 };
        let mut pool = Pool::new(key.clone());
        for group in 0..seed.groups {
            pool.add_group(GroupId(format!("g{group}"))).expect("room");
        }
        let mut marked = BTreeMap::new();
        for (set, members) in seed.sets.iter().enumerate() {
            let fresh: BTreeSet<usize> =
                members.iter().copied().filter(|m| !marked.contains_key(m)).collect();
            if fresh.len() >= 2 {
                marked.extend(fresh.into_iter().map(|m| (m, SiblingSetId(format!("s{set}")))));
            }
        }
        let applications = seed
            .applications
            .iter()
            .enumerate()
            .map(|(index, (birth_date, priority, offset))| Application {
                id: ApplicationId(format!("a{index:03}")),
                child_iin: format!("child-{index}"),
                child_birth_date: *birth_date,
                pool: key.clone(),
                priority: *priority,
                registered_at: local(2024, 1, 2, 9, 0) + Duration::milliseconds(offset * 37),
                lapses: 0,
                state: ApplicationState::Queued,
                version: 1,
                siblings: marked.get(&index).cloned(),
            })
            .collect();
        let sibling_placement = if seed.together {
            SiblingPlacement::TogetherOnly
        } else {
            SiblingPlacement::Independent
        };
        Self {
            pool,
            applications,
            net_published: BTreeMap::new(),
            now: local(2025, 1, 6, 9, 0),
            policy: Policy { sibling_placement, ..Policy::default() },
            clock: RegionClock::default(),
        }
    }

    /// Sets are offered only together (and may be passed over).
    fn together(&self) -> bool {
        self.policy.sibling_placement == SiblingPlacement::TogetherOnly
    }

    fn context(&self) -> RuleContext<'_> {
        RuleContext {
            policy: &self.policy,
            calendar: WorkingCalendar::kazakhstan(),
            clock: &self.clock,
            now: self.now,
        }
    }

    fn group(&self, index: usize) -> GroupId {
        GroupId(format!("g{index}"))
    }

    /// Applies a command to one application; a refusal must leave everything unchanged.
    fn command(&mut self, index: usize, command: Command) {
        let before = (self.pool.clone(), self.applications[index].clone());
        match self.applications[index].apply(&command, &self.pool, &self.context()) {
            Ok(transition) => {
                for place_move in &transition.effects.places {
                    self.pool.apply(place_move).expect("a transition's moves apply to its pool");
                }
                assert_eq!(transition.application.version, before.1.version + 1);
                assert_eq!(transition.effects.audit.to_state, transition.application.state.name());
                self.applications[index] = transition.application;
            }
            Err(_) => assert_eq!((self.pool.clone(), self.applications[index].clone()), before),
        }
    }

    fn turn_engine(&mut self) {
        let queued_before: Vec<bool> =
            self.applications.iter().map(|a| a.state == ApplicationState::Queued).collect();
        let mut pool = self.pool.clone();
        let transitions =
            run_turn_engine(&mut pool, &self.applications, &self.context()).expect("engine runs");
        self.pool = pool;
        let offered: Vec<ApplicationId> =
            transitions.iter().map(|t| t.application.id.clone()).collect();
        for transition in transitions {
            let index = self
                .applications
                .iter()
                .position(|a| a.id == transition.application.id)
                .expect("known");
            self.applications[index] = transition.application;
        }
        self.check_fairness(&offered);
        if self.together() {
            for (index, application) in self.applications.iter().enumerate() {
                let Some(set) = &application.siblings else { continue };
                let set_offered = self.applications.iter().any(|other| {
                    other.siblings.as_ref() == Some(set) && offered.contains(&other.id)
                });
                if set_offered && queued_before[index] {
                    assert!(offered.contains(&application.id), "{set:?} offered in part");
                }
            }
        }
    }

    /// No application offered in this run has an eligible, still queued application ahead.
    fn check_fairness(&self, offered: &[ApplicationId]) {
        let entries: Vec<QueueEntry> =
            self.applications.iter().filter_map(QueueEntry::of).collect();
        // Under `together_only` a set may be passed over: the fairness below is the others'.
        let passable = |entry: &QueueEntry| self.together() && entry.together.is_some();
        let offered: Vec<&ApplicationId> = offered
            .iter()
            .filter(|id| entries.iter().any(|e| &e.id == *id && !passable(e)))
            .collect();
        let order = QueueOrder::new(&entries, self.policy.priority_ratio).expect("small");
        let today = self.clock.local_date(self.now);
        let eligible_waiting: Vec<u64> = (0..entries.len())
            .filter(|i| {
                entries[*i].waiting == Waiting::Queued
                    && full_years(entries[*i].birth_date, today) >= 2
                    && !passable(&entries[*i])
            })
            .map(|i| order.position_of(&entries, i))
            .collect();
        for id in offered {
            let index = entries
                .iter()
                .position(|e| &e.id == id)
                .expect("offered applications wait in the queue");
            let position = order.position_of(&entries, index);
            assert!(
                eligible_waiting.iter().all(|p| *p > position),
                "{id:?} offered while an eligible application ahead waits"
            );
            let same_class_earlier = entries.iter().any(|e| {
                e.priority == entries[index].priority
                    && !passable(e)
                    && e.waiting == Waiting::Queued
                    && full_years(e.birth_date, today) >= 2
                    && (e.registered_at, &e.id) < (entries[index].registered_at, &entries[index].id)
            });
            assert!(!same_class_earlier, "an earlier eligible child of the same priority waits");
        }
        if self.pool.counters.unreserved > 0 {
            assert!(
                eligible_waiting.is_empty(),
                "places left unreserved while eligible children wait"
            );
        }
    }

    fn sweep(&mut self) {
        // What is due comes from the rules, as in the production sweep.
        for index in 0..self.applications.len() {
            let Some(command) = self.applications[index].due_command(&self.context()) else {
                continue;
            };
            self.command(index, command);
        }
        self.turn_engine();
    }

    fn run(&mut self, step: &Step) {
        match *step {
            Step::Publish { group, count } => {
                let group_id = self.group(group);
                if let Ok(place_move) = self.pool.publish(&group_id, count) {
                    self.pool.apply(&place_move).expect("publish applies");
                    *self.net_published.entry(group_id).or_default() += i64::from(count);
                    self.turn_engine();
                }
            }
            Step::WithdrawPlaces { group, count } => {
                let group_id = self.group(group);
                let before = self.pool.clone();
                match self.pool.withdraw(&group_id, count) {
                    Ok(place_move) => {
                        self.pool.apply(&place_move).expect("withdraw applies");
                        *self.net_published.entry(group_id).or_default() -= i64::from(count);
                    }
                    Err(_) => assert_eq!(self.pool, before),
                }
            }
            Step::TurnEngine => self.turn_engine(),
            Step::Advance { hours } => self.now += Duration::hours(hours),
            Step::Sweep => self.sweep(),
            Step::Sign { application, group } => {
                self.command(application, Command::Sign { group_id: self.group(group) })
            }
            Step::Cancel { application } => self.command(application, Command::Cancel),
            Step::Extend { application, days } => {
                self.command(application, Command::Extend { days })
            }
            Step::Enrol { application } => self.command(application, Command::Enrol),
            Step::Withdraw { application } => self.command(application, Command::Withdraw),
        }
    }

    fn check_invariants(&self) {
        let offered =
            self.applications.iter().filter(|a| a.state.name() == StateName::Offered).count()
                as u64;
        if let Err(violation) = self.pool.check_invariants(offered) {
            panic!("{violation:?}");
        }
        // No place given twice, no referral without a place: every group's places held by
        // referrals and enrolments are exactly what it had minus what is still free.
        for (index, group) in self.pool.groups.iter().enumerate() {
            let holding = self
                .applications
                .iter()
                .filter(|a| match &a.state {
                    ApplicationState::Referred { referral }
                    | ApplicationState::Enrolled { referral, .. } => {
                        referral.group_id == self.group(index)
                    }
                    _ => false,
                })
                .count() as i64;
            let had = self.net_published.get(&group.group_id).copied().unwrap_or(0);
            assert_eq!(
                had - i64::from(group.free),
                holding,
                "group {} places held",
                group.group_id.0
            );
        }
        for application in &self.applications {
            assert!(application.lapses <= self.policy.max_lapses);
            if application.lapses >= self.policy.max_lapses {
                assert_eq!(application.state.name(), StateName::Removed);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn places_invariants_hold_after_every_step(seed in seed_strategy()) {
        let mut world = World::new(&seed);
        world.check_invariants();
        for step in &seed.steps {
            world.run(step);
            world.check_invariants();
        }
    }

    /// `queue_slot` orders the whole queue: every position 0..n is taken exactly once, and
    /// the walk equals a plain merge: out-of-turn, then turns of p first-priority and g general.
    #[test]
    fn queue_order_is_the_ratio_merge(
        classes in proptest::collection::vec(0..3u8, 0..200),
        first in 1..4u8, general in 1..5u8,
    ) {
        let entries: Vec<QueueEntry> = classes.iter().enumerate().map(|(i, class)| QueueEntry {
            id: ApplicationId(format!("a{i:04}")),
            priority: [Priority::OutOfTurn, Priority::FirstPriority, Priority::General][usize::from(*class)],
            registered_at: local(2024, 1, 1, 0, 0) + Duration::milliseconds(((i * 7919) % 1000) as i64),
            birth_date: date(2023, 1, 1),
            waiting: Waiting::Queued,
            together: None,
        }).collect();
        let ratio = kezek_rules::policy::PriorityRatio { first_priority: first, general };
        let order = QueueOrder::new(&entries, ratio).expect("small");
        let walked: Vec<usize> = order.iter().collect();
        let sorted_class = |priority| {
            let mut members: Vec<usize> = (0..entries.len()).filter(|i| entries[*i].priority == priority).collect();
            members.sort_by(|a, b| kezek_rules::queue::by_registration(&entries[*a], &entries[*b]));
            members.into_iter()
        };
        let mut expected: Vec<usize> = sorted_class(Priority::OutOfTurn).collect();
        let (mut firsts, mut generals) = (sorted_class(Priority::FirstPriority).peekable(), sorted_class(Priority::General).peekable());
        while firsts.peek().is_some() || generals.peek().is_some() {
            expected.extend(firsts.by_ref().take(usize::from(first)));
            expected.extend(generals.by_ref().take(usize::from(general)));
        }
        prop_assert_eq!(&walked, &expected);
        for (position, index) in walked.iter().enumerate() {
            prop_assert_eq!(order.position_of(&entries, *index), position as u64);
        }
    }
}
