//! Property tests of transfers between kindergartens (issue 15, item 2): random pools with
//! enrolled children asking for transfers, new children waiting, places published, offers
//! signed, requests withdrawn and offers expiring. After every step DESIGN §1.5's invariants
//! hold (with transfer offers counted among the offered places), no child holds two places,
//! every group's places are conserved, and a transfer never loses the child's current place
//! unless the new one is taken in the same step. A refused step changes nothing. Some pools
//! hold twins among the new children under `together_only` (item 3): they are offered both at
//! once or neither, beside the transfers.

mod common;

use std::collections::BTreeMap;

use chrono::Duration;
use common::{date, local, REGION};
use kezek_rules::application::{
    Application, ApplicationId, ApplicationState, Command, KindergartenId, PlaceSource, Priority,
    Referral, RuleContext, TransferRefusal, TransferRequest, TransferState,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::places::{GroupId, PlaceMove, Pool, PoolKey};
use kezek_rules::policy::{Policy, TransferSharing};
use kezek_rules::siblings::{SiblingPlacement, SiblingSetId};
use kezek_rules::time::{Instant, RegionClock};
use kezek_rules::turn_engine::run_turn_engine;
use kezek_rules::turn_transfers::transfer_offers;
use proptest::prelude::*;

/// Groups g0..g3; g0 and g1 in kindergarten k0, g2 in k1, g3 in k2.
const GROUPS: usize = 4;
const KINDERGARTENS: usize = 3;

fn kindergarten_of_index(group: usize) -> usize {
    [0, 0, 1, 2][group]
}

fn kindergarten_of(group: &GroupId) -> Option<KindergartenId> {
    let index: usize = group.0.strip_prefix('g')?.parse().ok()?;
    (index < GROUPS).then(|| KindergartenId(format!("k{}", kindergarten_of_index(index))))
}

#[derive(Debug, Clone)]
enum Step {
    Publish {
        group: usize,
        count: u32,
    },
    TurnEngine,
    Advance {
        hours: i64,
    },
    Sweep,
    /// Signs a group of one of the request's kindergartens (`pick` chooses which).
    SignRequested {
        child: usize,
        pick: usize,
    },
    /// A new child signs the choice of a group (with its offer, or from free choice).
    Sign {
        child: usize,
        group: usize,
    },
    Request {
        child: usize,
        kindergartens: Vec<usize>,
    },
    SignTransfer {
        child: usize,
        group: usize,
    },
    WithdrawTransfer {
        child: usize,
    },
}

fn step_strategy(enrolled: usize, new_children: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..GROUPS, 1..3u32).prop_map(|(group, count)| Step::Publish { group, count }),
        3 => Just(Step::TurnEngine),
        2 => (1..120i64).prop_map(|hours| Step::Advance { hours }),
        2 => Just(Step::Sweep),
        3 => (0..new_children, 0..GROUPS).prop_map(|(child, group)| Step::Sign { child, group }),
        3 => (0..enrolled, proptest::collection::vec(0..KINDERGARTENS + 1, 0..5))
            .prop_map(|(child, kindergartens)| Step::Request { child, kindergartens }),
        1 => (0..enrolled, 0..GROUPS).prop_map(|(child, group)| Step::SignTransfer { child, group }),
        4 => (0..enrolled, 0..6usize).prop_map(|(child, pick)| Step::SignRequested { child, pick }),
        1 => (0..enrolled).prop_map(|child| Step::WithdrawTransfer { child }),
    ]
}

#[derive(Debug, Clone)]
struct Seed {
    /// The group each enrolled child attends.
    enrolled: Vec<usize>,
    new_children: usize,
    transfers_first: bool,
    /// The first two new children are twins, placed `together_only`.
    twins: bool,
    steps: Vec<Step>,
}

fn seed_strategy() -> impl Strategy<Value = Seed> {
    (1..8usize, 0..8usize, any::<bool>(), any::<bool>()).prop_flat_map(
        |(enrolled, new_children, first, twins)| {
            (
                proptest::collection::vec(0..GROUPS, enrolled),
                proptest::collection::vec(step_strategy(enrolled, new_children.max(1)), 1..90),
            )
                .prop_map(move |(enrolled, steps)| Seed {
                    enrolled,
                    new_children,
                    transfers_first: first,
                    twins: twins && new_children >= 2,
                    steps,
                })
        },
    )
}

struct World {
    pool: Pool,
    /// Enrolled children first (index < enrolled), then the new children.
    applications: Vec<Application>,
    enrolled: usize,
    /// One request slot per enrolled child (the latest request).
    requests: Vec<Option<TransferRequest>>,
    /// Places published per group plus the places the enrolled children held at the start.
    capacity: BTreeMap<GroupId, i64>,
    now: Instant,
    policy: Policy,
    clock: RegionClock,
    /// The twins' indices in `applications`, when the pool has them.
    twins: Option<[usize; 2]>,
}

fn group_id(index: usize) -> GroupId {
    GroupId(format!("g{index}"))
}

impl World {
    fn new(seed: &Seed) -> Self {
        let key = PoolKey { region_id: REGION.into(), group_year: 2022 };
        let mut pool = Pool::new(key.clone());
        for group in 0..GROUPS {
            pool.add_group(group_id(group)).expect("room");
        }
        let start = local(2025, 1, 6, 9, 0);
        let mut capacity: BTreeMap<GroupId, i64> =
            (0..GROUPS).map(|group| (group_id(group), 0)).collect();
        let mut applications = Vec::new();
        for (index, group) in seed.enrolled.iter().enumerate() {
            let referral = Referral {
                group_id: group_id(*group),
                source: PlaceSource::Offer,
                issued_at: start - Duration::days(30),
                valid_until_at: start - Duration::days(20),
                cancel_until_at: start - Duration::days(29),
                extensions_used: 0,
                extended_days: 0,
            };
            *capacity.get_mut(&group_id(*group)).expect("group") += 1;
            applications.push(Application {
                id: ApplicationId(format!("e{index:02}")),
                child_iin: format!("enrolled-{index}"),
                child_birth_date: date(2022, 3, 1),
                pool: key.clone(),
                priority: Priority::General,
                registered_at: local(2024, 1, 2, 9, 0),
                lapses: 0,
                state: ApplicationState::Enrolled {
                    referral,
                    enrolled_at: start - Duration::days(25),
                },
                version: 3,
                siblings: None,
            });
        }
        let twins = seed.twins.then(|| [seed.enrolled.len(), seed.enrolled.len() + 1]);
        for index in 0..seed.new_children {
            // Twins are born the same day.
            let born = if seed.twins && index == 1 { 0 } else { index as i64 * 40 };
            applications.push(Application {
                id: ApplicationId(format!("n{index:02}")),
                child_iin: format!("new-{index}"),
                child_birth_date: date(2022, 1, 1) + Duration::days(born),
                pool: key.clone(),
                priority: Priority::General,
                registered_at: local(2024, 2, 1, 9, 0) + Duration::minutes(index as i64),
                lapses: 0,
                state: ApplicationState::Queued,
                version: 1,
                siblings: (seed.twins && index < 2).then(|| SiblingSetId("twins".into())),
            });
        }
        let policy = Policy {
            transfer_sharing: if seed.transfers_first {
                TransferSharing::TransfersFirst
            } else {
                TransferSharing::NewChildrenFirst
            },
            sibling_placement: if seed.twins {
                SiblingPlacement::TogetherOnly
            } else {
                SiblingPlacement::Independent
            },
            ..Policy::default()
        };
        Self {
            pool,
            applications,
            enrolled: seed.enrolled.len(),
            requests: vec![None; seed.enrolled.len()],
            capacity,
            now: start,
            policy,
            clock: RegionClock::default(),
            twins,
        }
    }

    fn context(&self) -> RuleContext<'_> {
        RuleContext {
            policy: &self.policy,
            calendar: WorkingCalendar::kazakhstan(),
            clock: &self.clock,
            now: self.now,
        }
    }

    fn snapshot(&self) -> (Pool, Vec<Application>, Vec<Option<TransferRequest>>) {
        (self.pool.clone(), self.applications.clone(), self.requests.clone())
    }

    fn apply_moves(&mut self, moves: &[PlaceMove]) {
        let mut pool = self.pool.clone();
        for place_move in moves {
            pool.apply(place_move).expect("a change's moves apply to its pool");
        }
        self.pool = pool;
    }

    fn held_group(application: &Application) -> Option<&GroupId> {
        match &application.state {
            ApplicationState::Referred { referral }
            | ApplicationState::Enrolled { referral, .. } => Some(&referral.group_id),
            _ => None,
        }
    }

    fn check(&self) {
        let offered_applications = self
            .applications
            .iter()
            .filter(|a| matches!(a.state, ApplicationState::Offered { .. }))
            .count();
        let offered_transfers = self
            .requests
            .iter()
            .flatten()
            .filter(|r| matches!(r.state, TransferState::Offered { .. }))
            .count();
        self.pool
            .check_invariants((offered_applications + offered_transfers) as u64)
            .expect("§1.5 holds with transfer offers counted");
        // Every group's places are conserved: free + held == capacity.
        for (group, capacity) in &self.capacity {
            let free = i64::from(self.pool.group(group).expect("group").free);
            let held =
                self.applications.iter().filter(|a| Self::held_group(a) == Some(group)).count()
                    as i64;
            assert_eq!(free + held, *capacity, "places of {group:?} conserved");
        }
        // Every enrolled child still holds exactly one place (the old or the new).
        for application in &self.applications[..self.enrolled] {
            assert!(Self::held_group(application).is_some(), "{:?} lost its place", application.id);
        }
        // At most one open request per child, and an open request's current group is held.
        for (index, request) in self.requests.iter().enumerate() {
            if let Some(request) = request.as_ref().filter(|r| !r.state.is_final()) {
                assert_eq!(
                    Self::held_group(&self.applications[index]),
                    Some(&request.current_group)
                );
            }
        }
    }

    fn publish(&mut self, group: usize, count: u32) {
        let place_move = self.pool.publish(&group_id(group), count).expect("in range");
        self.apply_moves(&[place_move]);
        *self.capacity.get_mut(&group_id(group)).expect("group") += i64::from(count);
    }

    fn new_children_engine(&mut self) {
        let queued_before = self.twins.map(|pair| {
            pair.map(|index| self.applications[index].state == ApplicationState::Queued)
        });
        let mut pool = self.pool.clone();
        let transitions =
            run_turn_engine(&mut pool, &self.applications, &self.context()).expect("engine runs");
        self.pool = pool;
        for transition in transitions {
            let index = self
                .applications
                .iter()
                .position(|a| a.id == transition.application.id)
                .expect("known");
            self.applications[index] = transition.application;
        }
        // Twins both waiting are offered together or not at all.
        if let (Some(pair), Some([true, true])) = (self.twins, queued_before) {
            let states = pair.map(|index| self.applications[index].state.name());
            assert_eq!(states[0], states[1], "twins offered apart");
        }
    }

    fn transfer_engine(&mut self) {
        let open: Vec<TransferRequest> = self.requests.iter().flatten().cloned().collect();
        let chosen =
            transfer_offers(&open, &self.pool, self.pool.counters.unreserved, &kindergarten_of);
        assert!(chosen.len() as u32 <= self.pool.counters.unreserved);
        for index in chosen {
            let request = &open[index];
            let change =
                request.offer(&self.pool, &self.context()).expect("a chosen request is offered");
            self.apply_moves(&change.places);
            let slot = self.slot_of(&request.application_id);
            self.requests[slot] = Some(change.request);
        }
    }

    fn slot_of(&self, id: &ApplicationId) -> usize {
        self.applications[..self.enrolled].iter().position(|a| &a.id == id).expect("enrolled child")
    }

    fn turn_engine(&mut self) {
        if self.policy.transfer_sharing.transfers_before_new_children() {
            self.transfer_engine();
            self.new_children_engine();
        } else {
            self.new_children_engine();
            // New children first: a transfer is offered a place only when no eligible new
            // child waits for it.
            if self.pool.counters.unreserved > 0 {
                let rule_today = self.clock.local_date(self.now);
                // A set the pool has too few places for is passed over (item 3).
                let waiting_eligible = self.applications[self.enrolled..].iter().any(|a| {
                    a.siblings.is_none()
                        && a.state == ApplicationState::Queued
                        && kezek_rules::age::full_years(a.child_birth_date, rule_today) >= 2
                        && self.policy.blackout_on(rule_today).is_none()
                });
                assert!(!waiting_eligible, "the engine left an eligible new child waiting");
            }
            self.transfer_engine();
        }
    }

    fn sweep(&mut self) {
        for index in 0..self.applications.len() {
            if let Some(command) = self.applications[index].due_command(&self.context()) {
                self.command(index, command);
            }
        }
        for slot in 0..self.requests.len() {
            let Some(request) = self.requests[slot].clone() else { continue };
            if request.due_at().is_some_and(|due| self.now >= due) {
                let held_before = Self::held_group(&self.applications[slot]).cloned();
                let change = request.expire(self.now).expect("due offers expire");
                assert_eq!(change.places, vec![PlaceMove::ReturnOffer]);
                self.apply_moves(&change.places);
                self.requests[slot] = Some(change.request);
                assert_eq!(Self::held_group(&self.applications[slot]).cloned(), held_before);
            }
        }
    }

    fn command(&mut self, index: usize, command: Command) {
        let before = self.snapshot();
        match self.applications[index].apply(&command, &self.pool, &self.context()) {
            Ok(transition) => {
                self.apply_moves(&transition.effects.places);
                self.applications[index] = transition.application;
            }
            Err(_) => assert_eq!(self.snapshot(), before),
        }
    }

    fn request(&mut self, child: usize, kindergartens: &[usize]) {
        let application = &self.applications[child];
        let Some(current) = Self::held_group(application) else { return };
        let current_index: usize = current.0[1..].parse().expect("g<n>");
        let current_kindergarten =
            KindergartenId(format!("k{}", kindergarten_of_index(current_index)));
        // Kindergarten index KINDERGARTENS stands for one of another region.
        let named: Vec<KindergartenId> =
            kindergartens.iter().map(|k| KindergartenId(format!("k{k}"))).collect();
        let in_region =
            |k: &KindergartenId| k.0[1..].parse::<usize>().is_ok_and(|index| index < KINDERGARTENS);
        let result = TransferRequest::new(
            application,
            &current_kindergarten,
            &named,
            &in_region,
            self.requests[child].as_ref(),
            self.now,
        );
        let open = self.requests[child].as_ref().is_some_and(|r| !r.state.is_final());
        match result {
            Ok(request) => {
                assert!(!open && (1..=3).contains(&named.len()));
                assert!(!named.contains(&current_kindergarten));
                assert!(named.iter().all(in_region));
                self.requests[child] = Some(request);
            }
            Err(refusal) => {
                let expected_reason = open
                    || !(1..=3).contains(&named.len())
                    || named.contains(&current_kindergarten)
                    || !named.iter().all(in_region)
                    || (1..named.len()).any(|i| named[..i].contains(&named[i]))
                    || !matches!(application.state, ApplicationState::Enrolled { .. });
                assert!(expected_reason, "refused without reason: {refusal:?}");
                assert!(!refusal.code().is_empty());
            }
        }
    }

    fn sign_transfer(&mut self, child: usize, group: usize) {
        let Some(request) = self.requests[child].clone() else { return };
        let before = self.snapshot();
        let held_before = Self::held_group(&self.applications[child]).cloned();
        let kindergarten = KindergartenId(format!("k{}", kindergarten_of_index(group)));
        let free_before = self.pool.group(&group_id(group)).expect("group").free;
        match request.sign(
            &self.applications[child],
            &group_id(group),
            &kindergarten,
            &self.pool,
            &self.context(),
        ) {
            Ok(change) => {
                let moved = change.application.clone().expect("a signed transfer moves the child");
                assert_eq!(
                    change.places,
                    vec![
                        PlaceMove::TakeOffered { group_id: group_id(group) },
                        PlaceMove::Release { group_id: request.current_group.clone() },
                    ],
                    "the new place is taken in the same step the old one is released"
                );
                self.apply_moves(&change.places);
                assert_eq!(Self::held_group(&moved), Some(&group_id(group)));
                assert!(matches!(change.request.state, TransferState::Done { .. }));
                self.applications[child] = moved;
                self.requests[child] = Some(change.request);
            }
            Err(refusal) => {
                assert_eq!(self.snapshot(), before, "a refused transfer changes nothing");
                assert_eq!(Self::held_group(&self.applications[child]).cloned(), held_before);
                if refusal == TransferRefusal::TransferPlaceTaken {
                    assert_eq!(free_before, 0);
                }
            }
        }
    }

    fn withdraw(&mut self, child: usize) {
        let Some(request) = self.requests[child].clone() else { return };
        let before = self.snapshot();
        match request.withdraw(self.now) {
            Ok(change) => {
                let was_offered = matches!(request.state, TransferState::Offered { .. });
                assert_eq!(change.places.len(), usize::from(was_offered));
                self.apply_moves(&change.places);
                self.requests[child] = Some(change.request);
            }
            Err(_) => {
                assert!(request.state.is_final());
                assert_eq!(self.snapshot(), before);
            }
        }
    }

    fn run(&mut self, step: &Step) {
        match step {
            Step::Publish { group, count } => self.publish(*group, *count),
            Step::TurnEngine => self.turn_engine(),
            Step::Advance { hours } => self.now += Duration::hours(*hours),
            Step::Sweep => self.sweep(),
            Step::Sign { child, group } => {
                let index = self.enrolled + child;
                if index < self.applications.len() {
                    self.command(index, Command::Sign { group_id: group_id(*group) });
                }
            }
            Step::Request { child, kindergartens } => self.request(*child, kindergartens),
            Step::SignTransfer { child, group } => self.sign_transfer(*child, *group),
            Step::SignRequested { child, pick } => {
                let Some(request) = self.requests[*child].as_ref() else { return self.check() };
                let groups: Vec<usize> = (0..GROUPS)
                    .filter(|g| {
                        request
                            .kindergartens
                            .contains(&KindergartenId(format!("k{}", kindergarten_of_index(*g))))
                    })
                    .collect();
                if let Some(group) = groups.get(pick % groups.len().max(1)).copied() {
                    self.sign_transfer(*child, group);
                }
            }
            Step::WithdrawTransfer { child } => self.withdraw(*child),
        }
        self.check();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn transfers_keep_every_place_counted(seed in seed_strategy()) {
        let mut world = World::new(&seed);
        world.check();
        for step in &seed.steps {
            world.run(step);
        }
    }
}

/// The race of issue 15: the place a transfer was offered is taken by a new child before the
/// transfer is signed → `transfer_place_taken`, the child keeps its place, nothing changed.
#[test]
fn a_place_taken_meanwhile_refuses_the_transfer_and_keeps_the_old_place() {
    let seed = Seed {
        enrolled: vec![0],
        new_children: 1,
        transfers_first: true,
        twins: false,
        steps: Vec::new(),
    };
    let mut world = World::new(&seed);
    world.publish(2, 1);
    world.request(0, &[1]);
    world.turn_engine();
    assert!(matches!(
        world.requests[0].as_ref().map(|r| &r.state),
        Some(TransferState::Offered { .. })
    ));
    // Transfers first: the only place is reserved for the transfer. One more place (in g3)
    // is offered to the new child, who chooses g2 with it: g2's free place is gone.
    world.publish(3, 1);
    world.turn_engine();
    world.command(1, Command::Sign { group_id: group_id(2) });
    assert!(matches!(world.applications[1].state, ApplicationState::Referred { .. }));
    world.check();
    let before = world.snapshot();
    let request = world.requests[0].clone().expect("request");
    let refusal = request
        .sign(
            &world.applications[0],
            &group_id(2),
            &KindergartenId("k1".into()),
            &world.pool,
            &world.context(),
        )
        .expect_err("the place is gone");
    assert_eq!(refusal.code(), "transfer_place_taken");
    assert_eq!(world.snapshot(), before);
    assert_eq!(World::held_group(&world.applications[0]), Some(&group_id(0)));
}

#[test]
fn bad_requests_are_refused_with_stable_codes() {
    let seed = Seed {
        enrolled: vec![0],
        new_children: 1,
        transfers_first: false,
        twins: false,
        steps: Vec::new(),
    };
    let world = World::new(&seed);
    let k = |name: &str| KindergartenId(name.into());
    let in_region = |k: &KindergartenId| k.0 != "elsewhere";
    let refuse = |application: &Application, choices: &[KindergartenId]| {
        TransferRequest::new(application, &k("k0"), choices, &in_region, None, world.now)
            .expect_err("refused")
            .code()
    };
    let enrolled = &world.applications[0];
    assert_eq!(
        refuse(enrolled, &[k("k1"), k("k2"), k("k3"), k("k4")]),
        "transfer_choices_out_of_range"
    );
    assert_eq!(refuse(enrolled, &[]), "transfer_choices_out_of_range");
    assert_eq!(refuse(enrolled, &[k("k1"), k("k1")]), "transfer_duplicate_kindergarten");
    assert_eq!(refuse(enrolled, &[k("elsewhere")]), "transfer_kindergarten_not_in_region");
    assert_eq!(refuse(enrolled, &[k("k0")]), "transfer_current_kindergarten");
    assert_eq!(refuse(&world.applications[1], &[k("k1")]), "transfer_not_enrolled");
    let request =
        TransferRequest::new(enrolled, &k("k0"), &[k("k2"), k("k1")], &in_region, None, world.now)
            .expect("a good request");
    assert_eq!(
        TransferRequest::new(enrolled, &k("k0"), &[k("k1")], &in_region, Some(&request), world.now)
            .expect_err("one open request")
            .code(),
        "transfer_open"
    );
}

/// The whole path, new children first: the place goes to the waiting new child; the next one
/// to the transfer, which signs: new referral in k1, old place back to `unreserved`.
#[test]
fn new_children_first_then_the_transfer_moves_the_child() {
    let seed = Seed {
        enrolled: vec![0],
        new_children: 1,
        transfers_first: false,
        twins: false,
        steps: Vec::new(),
    };
    let mut world = World::new(&seed);
    world.request(0, &[1, 2]);
    world.publish(2, 1);
    world.turn_engine();
    assert!(matches!(world.applications[1].state, ApplicationState::Offered { .. }));
    assert_eq!(world.requests[0].as_ref().map(|r| r.state.name()), Some("waiting"));
    world.publish(2, 1);
    world.turn_engine();
    assert_eq!(world.requests[0].as_ref().map(|r| r.state.name()), Some("offered"));
    world.check();
    world.sign_transfer(0, 2);
    assert_eq!(world.requests[0].as_ref().map(|r| r.state.name()), Some("done"));
    assert_eq!(World::held_group(&world.applications[0]), Some(&group_id(2)));
    assert!(matches!(world.applications[0].state, ApplicationState::Enrolled { .. }));
    assert_eq!(world.pool.group(&group_id(0)).map(|g| g.free), Some(1));
    assert_eq!(world.pool.group(&group_id(2)).map(|g| g.free), Some(1));
    assert_eq!(world.pool.counters.unreserved, 1, "the old place went back to the pool");
    assert_eq!(world.pool.counters.offered, 1, "the new child's offer is still open");
    world.check();
}

/// An offer not signed within the offer window expires at the sweep: the offered place goes
/// back to `unreserved`, the child keeps its place; withdrawing a waiting request moves nothing.
#[test]
fn an_expired_transfer_offer_gives_the_place_back() {
    let seed = Seed {
        enrolled: vec![3],
        new_children: 0,
        transfers_first: false,
        twins: false,
        steps: Vec::new(),
    };
    let mut world = World::new(&seed);
    world.request(0, &[0]);
    world.publish(1, 1);
    world.turn_engine();
    assert_eq!(world.pool.counters.offered, 1);
    world.now += Duration::days(10);
    world.sweep();
    world.check();
    assert_eq!(world.requests[0].as_ref().map(|r| r.state.name()), Some("expired"));
    assert_eq!(world.pool.counters.unreserved, 1);
    assert_eq!(world.pool.counters.offered, 0);
    assert_eq!(World::held_group(&world.applications[0]), Some(&group_id(3)));
    world.request(0, &[1]);
    world.withdraw(0);
    assert_eq!(world.requests[0].as_ref().map(|r| r.state.name()), Some("withdrawn"));
    assert_eq!(world.pool.counters.unreserved, 1);
    world.check();
}
