//! A pool driven the way the store drives it — every change through the rules crate, each
//! one appending its audit entry — so the replay tests and the benchmark have real logs.
//! `bypass_*` write an entry the way a rogue item written straight to the table would.
#![allow(dead_code)]

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use kezek_rules::application::{
    Application, ApplicationId, ApplicationState, Command, Priority, RuleContext,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::places::{GroupId, Pool, PoolKey};
use kezek_rules::policy::{Policy, PolicyHistory, PolicyVersion};
use kezek_rules::queue::QueueEntry;
use kezek_rules::siblings::{SiblingPlacement, SiblingSetId};
use kezek_rules::time::{Instant, RegionClock};
use kezek_rules::transparency::record::{
    enqueue_entry, link_entry, offer_reasons, places_entry, siblings_entries, transition_entry,
};
use kezek_rules::transparency::replay::ReplayContext;
use kezek_rules::transparency::AuditEntry;
use kezek_rules::transparency::Reason;
use kezek_rules::turn_engine::select_offers;

pub struct Sim {
    pub key: PoolKey,
    pub pool: Pool,
    pub apps: Vec<Application>,
    pub entries: Vec<AuditEntry>,
    pub now: Instant,
    pub policies: PolicyHistory,
    pub clock: RegionClock,
}

pub fn group(name: &str) -> GroupId {
    GroupId(name.to_owned())
}

impl Sim {
    /// An empty pool of 2024-born children, the clock at 2026-03-02 10:00 local.
    pub fn new() -> Self {
        let key = PoolKey { region_id: "kz-zhetisu-taldykorgan".into(), group_year: 2024 };
        let mut pool = Pool::new(key.clone());
        for name in ["tk-001-2024-kk", "tk-002-2024-ru"] {
            pool.add_group(group(name)).expect("room");
        }
        Self {
            key,
            pool,
            apps: Vec::new(),
            entries: Vec::new(),
            now: Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("valid"),
            policies: PolicyHistory::seed_defaults(),
            clock: RegionClock::default(),
        }
    }

    pub fn replay_context(&self) -> ReplayContext<'_> {
        ReplayContext {
            pool: &self.key,
            policies: &self.policies,
            calendar: WorkingCalendar::kazakhstan(),
            clock: &self.clock,
        }
    }

    fn context(&self) -> RuleContext<'_> {
        let today = self.clock.local_date(self.now);
        RuleContext {
            policy: self.policies.policy_on(today).expect("a policy"),
            calendar: WorkingCalendar::kazakhstan(),
            clock: &self.clock,
            now: self.now,
        }
    }

    fn tick(&mut self) {
        self.now += Duration::milliseconds(7);
    }

    pub fn advance_days(&mut self, days: i64) {
        self.now += Duration::days(days);
    }

    pub fn index_of(&self, id: &str) -> usize {
        self.apps.iter().position(|a| a.id.0 == id).expect("known application")
    }

    pub fn state_of(&self, id: &str) -> &ApplicationState {
        &self.apps[self.index_of(id)].state
    }

    pub fn enqueue(&mut self, id: &str, priority: Priority, birth_date: NaiveDate) {
        self.tick();
        let application = Application {
            id: ApplicationId(id.to_owned()),
            child_iin: String::new(),
            child_birth_date: birth_date,
            pool: self.key.clone(),
            priority,
            registered_at: self.now,
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        };
        let entry = enqueue_entry(&application, self.pool.counters, self.context().policy)
            .expect("an entry");
        self.apps.push(application);
        self.entries.push(entry);
    }

    pub fn link(&mut self, id: &str) {
        self.tick();
        let application = &self.apps[self.index_of(id)];
        let entry = link_entry(application, self.pool.counters, self.now, self.context().policy)
            .expect("an entry");
        self.entries.push(entry);
    }

    /// From now on sibling sets are offered only together (issue 15).
    pub fn together_only(&mut self) {
        let mut versions = self.policies.versions().to_vec();
        let effective_from = self.clock.local_date(self.now);
        let policy =
            Policy { sibling_placement: SiblingPlacement::TogetherOnly, ..Policy::default() };
        versions.retain(|version| version.effective_from < effective_from);
        versions.push(PolicyVersion { effective_from, policy });
        self.policies = PolicyHistory::new(versions).expect("valid");
    }

    /// The applicant marks `ids` one sibling set (named by its first member, as the log does).
    pub fn mark_siblings(&mut self, ids: &[&str]) {
        self.tick();
        let set = SiblingSetId(ids[0].to_owned());
        for id in ids {
            let index = self.index_of(id);
            self.apps[index].siblings = Some(set.clone());
        }
        let members: Vec<&Application> =
            ids.iter().map(|id| &self.apps[self.index_of(id)]).collect();
        let entries =
            siblings_entries(&members, self.pool.counters, self.now, self.context().policy)
                .expect("entries");
        self.entries.extend(entries);
    }

    pub fn publish(&mut self, group_name: &str, count: u32) {
        self.publish_without_engine(group_name, count);
        self.run_turn_engine();
    }

    /// Staff's publish, the turn engine not run after it (a rogue writer's offer follows).
    pub fn publish_without_engine(&mut self, group_name: &str, count: u32) {
        self.tick();
        let place_move = self.pool.publish(&group(group_name), count).expect("allowed");
        let entry = places_entry(&place_move, self.pool.counters, self.now).expect("staff move");
        self.pool.apply(&place_move).expect("applies");
        self.entries.push(entry);
    }

    pub fn withdraw_places(&mut self, group_name: &str, count: u32) {
        self.tick();
        let place_move = self.pool.withdraw(&group(group_name), count).expect("allowed");
        let entry = places_entry(&place_move, self.pool.counters, self.now).expect("staff move");
        self.pool.apply(&place_move).expect("applies");
        self.entries.push(entry);
    }

    fn waiting(&self) -> (Vec<QueueEntry>, Vec<usize>) {
        self.apps.iter().enumerate().filter_map(|(i, a)| a.queue_entry().map(|e| (e, i))).unzip()
    }

    /// The turn engine: offers in queue order while places are unreserved.
    pub fn run_turn_engine(&mut self) {
        self.tick();
        let (queue, owners) = self.waiting();
        let context = self.context();
        let selected = select_offers(
            &queue,
            self.pool.counters.unreserved,
            context.policy,
            context.clock,
            context.now,
        )
        .expect("a queue");
        let mut reasons =
            offer_reasons(&queue, &selected, context.policy.priority_ratio).expect("reasons");
        if context.policy.sibling_placement == SiblingPlacement::TogetherOnly {
            // A set's offers say where the set's turn came: its first member's position.
            let set_of = |k: usize| queue[selected[k]].together.clone();
            let position_of = |reason: &Reason| match reason {
                Reason::Offer { position, .. } => *position,
                _ => unreachable!("offer_reasons gives offers"),
            };
            let original = reasons.clone();
            for (k, reason) in reasons.iter_mut().enumerate() {
                let Some(set) = set_of(k) else { continue };
                let members: Vec<usize> =
                    (0..selected.len()).filter(|j| set_of(*j).as_ref() == Some(&set)).collect();
                let position = members.iter().map(|j| position_of(&original[*j])).min();
                *reason = Reason::Together {
                    position: position.expect("a member"),
                    size: members.len() as u8,
                };
            }
        }
        for (entry_index, reason) in selected.into_iter().zip(reasons) {
            self.apply_at(owners[entry_index], Command::Offer, Some(reason));
        }
    }

    fn apply_at(
        &mut self,
        index: usize,
        command: Command,
        reason: Option<kezek_rules::transparency::Reason>,
    ) {
        let context = self.context();
        let before = self.apps[index].clone();
        let transition = before
            .apply(&command, &self.pool, &context)
            .unwrap_or_else(|error| panic!("{} {command:?}: {error:?}", before.id.0));
        let entry = transition_entry(
            &before,
            &command,
            &transition,
            self.pool.counters,
            context.policy,
            reason,
        )
        .expect("an entry");
        for place_move in &transition.effects.places {
            self.pool.apply(place_move).expect("applies");
        }
        let run = transition.effects.run_turn_engine;
        self.apps[index] = transition.application;
        self.entries.push(entry);
        if run {
            self.run_turn_engine();
        }
    }

    /// An applicant's or staff's command, through the rules.
    pub fn command(&mut self, id: &str, command: Command) {
        self.tick();
        let index = self.index_of(id);
        self.apply_at(index, command, None);
    }

    /// Signs a choice of the group with the most free places.
    pub fn sign_anywhere(&mut self, id: &str) {
        let group_id =
            self.pool.groups.iter().max_by_key(|g| g.free).expect("groups").group_id.clone();
        self.command(id, Command::Sign { group_id });
    }

    /// The sweep: expiries, lapses, stop-list ends that are due, then the turn engine.
    pub fn sweep(&mut self) {
        for index in 0..self.apps.len() {
            let due = self.apps[index].state.due_at().is_some_and(|due| due <= self.now);
            let command = match &self.apps[index].state {
                ApplicationState::Offered { .. } if due => Command::ExpireOffer,
                ApplicationState::Referred { .. } if due => Command::Lapse,
                ApplicationState::StopListed { .. } if due => Command::EndStopList,
                _ => continue,
            };
            self.tick();
            self.apply_at(index, command, None);
        }
        self.run_turn_engine();
    }

    /// A rogue offer: the state machine's offer to `id`, logged with its true position, but
    /// not chosen by the turn engine.
    pub fn bypass_offer(&mut self, id: &str) {
        self.tick();
        let (queue, owners) = self.waiting();
        let index = self.index_of(id);
        let queue_index = owners.iter().position(|owner| *owner == index).expect("waiting");
        let ratio = self.context().policy.priority_ratio;
        let reason = offer_reasons(&queue, &[queue_index], ratio).expect("reason").pop();
        self.apply_at(index, Command::Offer, reason);
    }

    /// A change of a transfer request of `id` (issue 15) as the store logs it: `change` from
    /// the rules' `TransferRequest` methods (or a rogue one), its moves on the pool.
    pub fn transfer(
        &mut self,
        id: &str,
        kind: kezek_rules::transparency::entry::EntryKind,
        change: &kezek_rules::application::TransferChange,
    ) {
        self.tick();
        let index = self.index_of(id);
        let application = change.application.clone().unwrap_or_else(|| self.apps[index].clone());
        let entry = kezek_rules::transparency::record::transfer_entry(
            &application,
            kind,
            &change.places,
            self.pool.counters,
            self.now,
            self.context().policy,
        )
        .expect("an entry");
        for place_move in &change.places {
            self.pool.apply(place_move).expect("applies");
        }
        self.apps[index] = application;
        self.entries.push(entry);
    }

    pub fn context_now(&self) -> RuleContext<'_> {
        self.context()
    }

    pub fn bytes(&self) -> Vec<Vec<u8>> {
        self.entries.iter().map(|entry| entry.encode().expect("canonical")).collect()
    }
}

pub fn born(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid date")
}

/// A realistic pool: `children` applications of several classes and ages, places published
/// in rounds, offers signed, expired, lapsed, cancelled, enrolled and withdrawn.
pub fn busy_pool(children: usize, rounds: usize) -> Sim {
    let mut sim = Sim::new();
    let priorities = [
        Priority::General,
        Priority::General,
        Priority::FirstPriority,
        Priority::General,
        Priority::OutOfTurn,
    ];
    for i in 0..children {
        // Born across 2024: about a sixth are still too young on 2026-03-02.
        let birth = born(2024, 1, 1) + Duration::days((i * 53 % 366) as i64);
        sim.enqueue(&format!("app-{i:06}"), priorities[i % 5], birth);
    }
    for round in 0..rounds {
        sim.publish(if round % 2 == 0 { "tk-001-2024-kk" } else { "tk-002-2024-ru" }, 40);
        let offered: Vec<String> = sim
            .apps
            .iter()
            .filter(|a| matches!(a.state, ApplicationState::Offered { .. }))
            .map(|a| a.id.0.clone())
            .collect();
        for (k, id) in offered.iter().enumerate() {
            if k % 4 < 2 {
                sim.sign_anywhere(id);
            }
        }
        sim.advance_days(1);
        sim.sweep();
        let referred: Vec<String> = sim
            .apps
            .iter()
            .filter(|a| matches!(a.state, ApplicationState::Referred { .. }))
            .map(|a| a.id.0.clone())
            .collect();
        for (k, id) in referred.iter().enumerate() {
            match k % 5 {
                0 | 1 => sim.command(id, Command::Enrol),
                2 => {
                    let unextended = matches!(sim.state_of(id), ApplicationState::Referred { referral } if referral.extensions_used == 0);
                    if unextended {
                        sim.command(id, Command::Extend { days: 3 });
                    }
                }
                _ => {}
            }
        }
        sim.advance_days(6);
        sim.sweep();
    }
    sim
}
