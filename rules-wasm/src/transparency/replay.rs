//! The auditor's replay: a pool's entries, in log order, through the rules crate's own
//! state machine ([`Application::apply`]), places accounting ([`Pool`]) and queue order
//! ([`QueueView::next_offer`] over [`crate::queue::next_class`] and [`OfferRule`]). Every
//! entry that does not follow from the state before it is reported with a typed
//! [`Finding`]. After a finding the replay goes on with the rules' counters, but the logged
//! state of the application (and, when an entry's counters before differ, the logged
//! counters), so that one rewritten entry is reported once and the rest is still checked.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};

use super::entry::{AuditEntry, EntryKind, Reason, Subject};
use super::queue_view::{NextOffer, QueueView};
use super::record::{move_group, transition_reason};
use crate::application::{
    Application, ApplicationId, ApplicationState, Command, PlaceSource, Referral, RemovalReason,
    RuleContext, StateName,
};
use crate::calendar::WorkingCalendar;
use crate::error::RuleError;
use crate::places::{GroupId, PlaceCounters, PlaceMove, Pool, PoolKey};
use crate::policy::{Policy, PolicyHistory, PriorityRatio};
use crate::siblings::{SiblingPlacement, SiblingSetId};
use crate::time::{Instant, RegionClock};
use crate::turn_engine::OfferRule;

/// Largest log one replay reads.
pub const REPLAY_ENTRIES_MAX: u64 = 50_000_000;

/// What an auditor knows besides the log: the public configuration of the pool's region.
#[derive(Debug, Clone, Copy)]
pub struct ReplayContext<'a> {
    pub pool: &'a PoolKey,
    pub policies: &'a PolicyHistory,
    pub calendar: &'a WorkingCalendar,
    pub clock: &'a RegionClock,
}

/// Why an entry does not follow from the state before it. Exhaustive; `code` is stable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The bytes are not a canonical entry.
    EntryMalformed { code: &'static str },
    /// No policy is in force on the entry's date.
    PolicyMissing,
    /// The entry's counters before are not the pool's counters after the entry before it.
    CountersBeforeMismatch { replayed: PlaceCounters, logged: PlaceCounters },
    /// The entry's counters after are not its counters before moved as the rules move them.
    CountersDoNotAddUp { expected: PlaceCounters, logged: PlaceCounters },
    /// Staff's place move the rules refuse (e.g. withdrawing reserved places).
    PlaceMoveRefused { code: &'static str },
    /// An event of an application the log never enqueued.
    UnknownApplication,
    /// A second enqueue of one application.
    DuplicateApplication,
    /// The class, registration time or eligibility date differ from the enqueue's.
    SubjectMismatch,
    /// The state before or after is not the one the rules give.
    StateMismatch { expected: StateName, logged: StateName },
    /// The rules refuse this command in the application's state at that moment.
    TransitionNotAllowed { code: &'static str },
    /// A referral the rules refuse for want of a place (no offer, no free choice, group full).
    ReferralWithoutPlace { code: &'static str },
    /// An offer to another application than the first one in queue order the turn engine
    /// may offer to (`expected`: none when nobody could be offered).
    OfferOutOfOrder { expected: Option<String> },
    /// The reason logged is not the reason the rules give (queue position, source, ...).
    ReasonMismatch { expected: Reason },
    /// The group logged is not the group the place moved in.
    GroupMismatch { expected: Option<GroupId> },
    /// Sibling entries that do not make a set (issue 15): a mark out of its run of
    /// consecutive members, a member marked twice or of another state than queued, or a
    /// together offer whose members do not follow one another as its size says.
    SiblingSetBroken,
}

impl Finding {
    pub fn code(&self) -> &'static str {
        match self {
            Finding::EntryMalformed { .. } => "entry_malformed",
            Finding::PolicyMissing => "policy_missing",
            Finding::CountersBeforeMismatch { .. } => "counters_before_mismatch",
            Finding::CountersDoNotAddUp { .. } => "counters_do_not_add_up",
            Finding::PlaceMoveRefused { .. } => "place_move_refused",
            Finding::UnknownApplication => "unknown_application",
            Finding::DuplicateApplication => "duplicate_application",
            Finding::SubjectMismatch => "subject_mismatch",
            Finding::StateMismatch { .. } => "state_mismatch",
            Finding::TransitionNotAllowed { .. } => "transition_not_allowed",
            Finding::ReferralWithoutPlace { .. } => "referral_without_place",
            Finding::OfferOutOfOrder { .. } => "offer_out_of_order",
            Finding::ReasonMismatch { .. } => "reason_mismatch",
            Finding::GroupMismatch { .. } => "group_mismatch",
            Finding::SiblingSetBroken => "sibling_set_broken",
        }
    }
}

/// One finding: at which log index, about which application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayFinding {
    pub index: u64,
    pub application_id: Option<String>,
    pub finding: Finding,
}

/// What one entry did, for readers that follow the replay (fairness, daily lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub index: u64,
    pub entry: AuditEntry,
    /// For an offer: where the turn engine's next offer stood (whoever got it).
    pub next_offer: Option<NextOffer>,
}

/// A pool's replay, one entry at a time.
#[derive(Debug)]
pub struct Replay<'a> {
    context: ReplayContext<'a>,
    pool: Pool,
    applications: HashMap<String, Application>,
    queue: QueueView,
    next_index: u64,
    findings: Vec<ReplayFinding>,
    /// The members of each sibling set, by the set's name (its first marked member's id).
    sets: HashMap<String, Vec<String>>,
    /// A run of `mark_siblings` entries under way: the set's name, its size.
    marking: Option<(String, u8)>,
    /// A together offer under way: its position and size, and the members still to come.
    together: Option<(u32, u8, Vec<String>)>,
    /// Open transfer requests (issue 15) by application id: `true` while offered.
    transfers: HashMap<String, bool>,
}

/// A birth date for the rules' age checks from the logged eligibility date: the child is
/// old enough on `d` exactly when `d >= eligible_from`.
fn birth_date_for(eligible_from: NaiveDate, policy: &Policy) -> NaiveDate {
    let year = eligible_from.year() - i32::from(policy.min_age_years);
    eligible_from
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .unwrap_or(eligible_from)
}

impl<'a> Replay<'a> {
    pub fn new(context: ReplayContext<'a>) -> Self {
        Self {
            context,
            pool: Pool::new(context.pool.clone()),
            applications: HashMap::new(),
            queue: QueueView::default(),
            next_index: 0,
            findings: Vec::new(),
            sets: HashMap::new(),
            marking: None,
            together: None,
            transfers: HashMap::new(),
        }
    }

    pub fn context(&self) -> ReplayContext<'a> {
        self.context
    }

    /// The log index the next entry will have.
    pub fn next_index(&self) -> u64 {
        self.next_index
    }

    pub fn findings(&self) -> &[ReplayFinding] {
        &self.findings
    }

    /// Every finding, with a run of marks or a together offer the log ends in the middle of
    /// (a transaction writes each whole).
    pub fn into_findings(mut self) -> Vec<ReplayFinding> {
        if self.marking.is_some() || self.together.is_some() {
            let index = self.next_index;
            self.report(index, None, Finding::SiblingSetBroken);
        }
        self.findings
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    pub fn application(&self, id: &str) -> Option<&Application> {
        self.applications.get(id)
    }

    pub fn queue(&self) -> &QueueView {
        &self.queue
    }

    /// The policy in force on the local date of `at`.
    pub fn policy_at(&self, at: Instant) -> Option<&'a Policy> {
        self.context.policies.policy_on(self.context.clock.local_date(at)).ok()
    }

    fn report(&mut self, index: u64, application_id: Option<&str>, finding: Finding) {
        let application_id = application_id.map(str::to_owned);
        self.findings.push(ReplayFinding { index, application_id, finding });
    }

    /// Replays the next entry's bytes; `None` when they are not a canonical entry.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> Option<Applied> {
        assert!(self.next_index < REPLAY_ENTRIES_MAX, "a replay reads at most 50 million entries");
        match AuditEntry::decode(bytes) {
            Ok(entry) => Some(self.push(entry)),
            Err(error) => {
                let index = self.next_index;
                self.next_index += 1;
                self.report(index, None, Finding::EntryMalformed { code: error.code() });
                None
            }
        }
    }

    /// Replays the next entry.
    pub fn push(&mut self, entry: AuditEntry) -> Applied {
        let index = self.next_index;
        self.next_index += 1;
        let id = entry.application_id().map(str::to_owned);
        let id = id.as_deref();
        if self.pool.counters != entry.counters_before {
            let replayed = self.pool.counters;
            let logged = entry.counters_before;
            self.report(index, id, Finding::CountersBeforeMismatch { replayed, logged });
            self.pool.counters = entry.counters_before;
        }
        self.check_runs_end(index, id, &entry);
        let mut next_offer = None;
        match self.policy_at(entry.at) {
            None => self.report(index, id, Finding::PolicyMissing),
            Some(policy) => match &entry.subject {
                None => self.places(index, &entry),
                Some(subject) => {
                    next_offer = self.application_event(index, &entry, subject, policy)
                }
            },
        }
        if self.pool.counters != entry.counters_after {
            // The rules' counters stand; an honest next entry then starts from them.
            let expected = self.pool.counters;
            let logged = entry.counters_after;
            self.report(index, id, Finding::CountersDoNotAddUp { expected, logged });
        }
        Applied { index, entry, next_offer }
    }

    /// R14: staff's publish or withdrawal, checked by the rules' own [`Pool::publish`] /
    /// [`Pool::withdraw`].
    fn places(&mut self, index: u64, entry: &AuditEntry) {
        let (Some(group_id), Reason::Places { count }) = (&entry.group_id, entry.reason) else {
            self.report(index, None, Finding::EntryMalformed { code: "entry_malformed" });
            return;
        };
        if self.pool.group(group_id).is_none() {
            // Groups are configuration; a group appears in the log with its first places.
            if let Err(error) = self.pool.add_group(group_id.clone()) {
                self.report(index, None, Finding::PlaceMoveRefused { code: error.code() });
                return;
            }
        }
        let place_move = match entry.kind {
            EntryKind::PublishPlaces => self.pool.publish(group_id, count),
            _ => self.pool.withdraw(group_id, count),
        };
        if let Err(error) = place_move.and_then(|place_move| self.pool.apply(&place_move)) {
            self.report(index, None, Finding::PlaceMoveRefused { code: error.code() });
        }
    }

    fn application_event(
        &mut self,
        index: u64,
        entry: &AuditEntry,
        subject: &Subject,
        policy: &'a Policy,
    ) -> Option<NextOffer> {
        let id = subject.application_id.as_str();
        match entry.kind {
            EntryKind::Enqueue => {
                self.enqueue(index, subject, policy);
                return None;
            }
            EntryKind::PublishPlaces | EntryKind::WithdrawPlaces => {
                self.report(index, Some(id), Finding::EntryMalformed { code: "entry_malformed" });
                return None;
            }
            _ => {}
        }
        let Some(before) = self.applications.get(id).cloned() else {
            self.report(index, Some(id), Finding::UnknownApplication);
            return None;
        };
        self.check_subject(index, &before, subject, policy);
        let expected_from = before.state.name();
        if subject.from_state != Some(expected_from) {
            let logged = subject.from_state.unwrap_or(subject.to_state);
            self.report(
                index,
                Some(id),
                Finding::StateMismatch { expected: expected_from, logged },
            );
        }
        if entry.kind == EntryKind::MarkSiblings {
            self.mark_siblings(index, entry, before.clone());
        }
        if matches!(entry.kind, EntryKind::Link | EntryKind::MarkSiblings) {
            if subject.to_state != expected_from {
                let logged = subject.to_state;
                self.report(
                    index,
                    Some(id),
                    Finding::StateMismatch { expected: expected_from, logged },
                );
            }
            return None;
        }
        let context = RuleContext {
            policy,
            calendar: self.context.calendar,
            clock: self.context.clock,
            now: entry.at,
        };
        if is_transfer(entry.kind) {
            self.transfer(index, entry, subject, before, &context);
            return None;
        }
        let next_offer = if entry.kind == EntryKind::Offer {
            self.check_offer_order(index, entry, &before, &context)
        } else {
            None
        };
        self.transition(index, entry, subject, before, &context);
        next_offer
    }

    fn enqueue(&mut self, index: u64, subject: &Subject, policy: &Policy) {
        let id = subject.application_id.as_str();
        if self.applications.contains_key(id) {
            self.report(index, Some(id), Finding::DuplicateApplication);
            return;
        }
        if subject.from_state.is_some() || subject.to_state != StateName::Queued {
            let logged = subject.to_state;
            self.report(
                index,
                Some(id),
                Finding::StateMismatch { expected: StateName::Queued, logged },
            );
        }
        let application = Application {
            id: ApplicationId(id.to_owned()),
            child_iin: String::new(),
            child_birth_date: birth_date_for(subject.eligible_from, policy),
            pool: self.context.pool.clone(),
            priority: subject.priority,
            registered_at: subject.registered_at,
            lapses: 0,
            state: ApplicationState::Queued,
            version: 1,
            siblings: None,
        };
        self.store(None, application);
    }

    fn check_subject(
        &mut self,
        index: u64,
        before: &Application,
        subject: &Subject,
        policy: &Policy,
    ) {
        let same = before.priority == subject.priority
            && before.registered_at == subject.registered_at
            && before.child_birth_date == birth_date_for(subject.eligible_from, policy);
        if !same {
            self.report(index, Some(&subject.application_id), Finding::SubjectMismatch);
        }
    }

    /// A run of marks or a together offer ends only with its last member: any other entry
    /// before that breaks it.
    fn check_runs_end(&mut self, index: u64, id: Option<&str>, entry: &AuditEntry) {
        let marking = self.marking.is_some() && entry.kind != EntryKind::MarkSiblings;
        let together = self.together.is_some() && entry.kind != EntryKind::Offer;
        if marking || together {
            self.marking = self.marking.take().filter(|_| !marking);
            self.together = self.together.take().filter(|_| !together);
            self.report(index, id, Finding::SiblingSetBroken);
        }
    }

    /// Member `member` of a set of `size`: the first names the set; the others follow it.
    fn mark_siblings(&mut self, index: u64, entry: &AuditEntry, before: Application) {
        let id = before.id.0.clone();
        let Reason::Siblings { member, size } = entry.reason else {
            self.report(index, Some(&id), Finding::EntryMalformed { code: "entry_malformed" });
            return;
        };
        let set = match (&self.marking, member) {
            (None, 0) => Some(id.clone()),
            (Some((set, expected_size)), member)
                if *expected_size == size
                    && self.sets.get(set).map(Vec::len) == Some(usize::from(member)) =>
            {
                Some(set.clone())
            }
            _ => None,
        };
        let fresh = before.siblings.is_none() && before.state == ApplicationState::Queued;
        let Some(set) = set.filter(|_| fresh) else {
            self.marking = None;
            self.report(index, Some(&id), Finding::SiblingSetBroken);
            return;
        };
        let members = self.sets.entry(set.clone()).or_default();
        members.push(id);
        let complete = members.len() == usize::from(size);
        self.marking = (!complete).then(|| (set.clone(), size));
        let after = Application { siblings: Some(SiblingSetId(set)), ..before.clone() };
        self.store(Some(&before), after);
    }

    /// Under `together_only`: the next decision of the turn engine, sets passed over as it
    /// passes them (a member stop-listed or too young, or fewer unreserved places than the
    /// set's queued members), with the members to offer together when it is a set.
    fn next_decision(
        &self,
        rule: &OfferRule,
        ratio: PriorityRatio,
    ) -> Option<(NextOffer, Vec<String>)> {
        let mut passed = BTreeSet::new();
        loop {
            let next = self.queue.next_offer_passing(rule, ratio, &passed)?;
            let Some(set) = next.entry.together.clone() else {
                return Some((next, Vec::new()));
            };
            let waiting = self.sets[&set.0]
                .iter()
                .filter_map(|member| self.applications.get(member)?.queue_entry())
                .collect();
            let unreserved = self.pool.counters.unreserved as usize;
            match rule.together_part(waiting).filter(|part| part.len() <= unreserved) {
                Some(part) => return Some((next, part.into_iter().map(|m| m.id.0).collect())),
                None => passed.insert(set),
            };
        }
    }

    /// An offer to a member of the together offer under way.
    fn check_together_member(&mut self, index: u64, entry: &AuditEntry, id: &str) {
        let Some((position, size, mut rest)) = self.together.take() else { return };
        let expected = Reason::Together { position, size };
        match rest.iter().position(|member| member == id) {
            Some(at) => {
                rest.remove(at);
                if entry.reason != expected {
                    self.report(index, Some(id), Finding::ReasonMismatch { expected });
                }
                if !rest.is_empty() {
                    self.together = Some((position, size, rest));
                }
            }
            None => self.report(index, Some(id), Finding::SiblingSetBroken),
        }
    }

    /// The turn engine offers to the first application in queue order it admits today.
    fn check_offer_order(
        &mut self,
        index: u64,
        entry: &AuditEntry,
        before: &Application,
        context: &RuleContext<'_>,
    ) -> Option<NextOffer> {
        let ratio = context.policy.priority_ratio;
        let id = before.id.0.as_str();
        if self.together.is_some() {
            self.check_together_member(index, entry, id);
            return None;
        }
        let rule = OfferRule::on(context.policy, context.clock, context.now);
        let together = context.policy.sibling_placement == SiblingPlacement::TogetherOnly;
        let (next, part) = match (&rule, together) {
            (Some(rule), true) => self.next_decision(rule, ratio).unzip(),
            (Some(rule), false) => (self.queue.next_offer(rule, ratio), None),
            (None, _) => (None, None),
        };
        if let (Some(found), Some(part)) = (&next, part.filter(|part| !part.is_empty())) {
            let (position, size) = (found.position as u32, part.len() as u8);
            let expected = Reason::Together { position, size };
            if !part.iter().any(|member| member == id) {
                let expected = Some(part[0].clone());
                self.report(index, Some(id), Finding::OfferOutOfOrder { expected });
                return next;
            }
            if entry.reason != expected {
                self.report(index, Some(id), Finding::ReasonMismatch { expected });
            }
            let rest: Vec<String> = part.into_iter().filter(|member| member != id).collect();
            self.together = (!rest.is_empty()).then_some((position, size, rest));
            return next;
        }
        match &next {
            Some(next) if next.entry.id == before.id => {
                let expected = Reason::Offer {
                    position: next.position as u32,
                    class_rank: next.class_rank as u32,
                    ratio_step: super::record::ratio_step(before.priority, next.class_rank, ratio),
                };
                if entry.reason != expected {
                    self.report(index, Some(id), Finding::ReasonMismatch { expected });
                }
            }
            _ => {
                let expected = next.as_ref().map(|next| next.entry.id.0.clone());
                self.report(index, Some(id), Finding::OfferOutOfOrder { expected });
            }
        }
        next
    }

    fn transition(
        &mut self,
        index: u64,
        entry: &AuditEntry,
        subject: &Subject,
        before: Application,
        context: &RuleContext<'_>,
    ) {
        let id = subject.application_id.as_str();
        let Some(command) = command_of(entry) else {
            self.report(index, Some(id), Finding::EntryMalformed { code: "entry_malformed" });
            return;
        };
        match before.apply(&command, &self.pool, context) {
            Ok(transition) => {
                let after = transition.application.state.name();
                if after != subject.to_state {
                    let logged = subject.to_state;
                    self.report(
                        index,
                        Some(id),
                        Finding::StateMismatch { expected: after, logged },
                    );
                }
                let expected = transition_reason(&command, &transition.application.state);
                if entry.kind != EntryKind::Offer && entry.reason != expected {
                    self.report(index, Some(id), Finding::ReasonMismatch { expected });
                }
                let expected = move_group(&transition.effects.places);
                if entry.group_id != expected {
                    self.report(index, Some(id), Finding::GroupMismatch { expected });
                }
                for place_move in &transition.effects.places {
                    // The rules computed these moves on this very pool: they apply.
                    if let Err(error) = self.pool.apply(place_move) {
                        self.report(
                            index,
                            Some(id),
                            Finding::TransitionNotAllowed { code: error.code() },
                        );
                    }
                }
                self.store(Some(&before), transition.application);
            }
            Err(error) => {
                let finding = refusal_finding(&command, &error);
                self.report(index, Some(id), finding);
                let forced = forced_state(&before, entry, subject.to_state, context);
                let after =
                    Application { state: forced, version: before.version + 1, ..before.clone() };
                self.store(Some(&before), after);
            }
        }
    }

    /// A change of a transfer request (issue 15): the request's own small state machine
    /// (waiting → offered → signed, withdrawn or expired) and its place moves, checked on the
    /// pool by [`Pool::apply`] all or nothing; a signed transfer moves the child's referral
    /// into the logged group and releases the old one in the same entry.
    fn transfer(
        &mut self,
        index: u64,
        entry: &AuditEntry,
        subject: &Subject,
        before: Application,
        context: &RuleContext<'_>,
    ) {
        let id = subject.application_id.as_str();
        let refuse = |code: &'static str| Finding::TransitionNotAllowed { code };
        let ApplicationState::Enrolled { referral, .. } = &before.state else {
            self.report(index, Some(id), refuse("transfer_not_enrolled"));
            return;
        };
        if subject.to_state != StateName::Enrolled {
            let logged = subject.to_state;
            let expected = StateName::Enrolled;
            self.report(index, Some(id), Finding::StateMismatch { expected, logged });
        }
        let open = self.transfers.get(id).copied();
        let (moves, after_open, finding) = match (entry.kind, open) {
            (EntryKind::TransferRequest, None) => (Vec::new(), Some(false), None),
            (EntryKind::TransferRequest, Some(_)) => (Vec::new(), open, Some("transfer_open")),
            (EntryKind::TransferOffer, Some(false)) => (vec![PlaceMove::Offer], Some(true), None),
            (EntryKind::TransferWithdraw, Some(false)) => (Vec::new(), None, None),
            (EntryKind::TransferWithdraw | EntryKind::TransferExpire, Some(true)) => {
                (vec![PlaceMove::ReturnOffer], None, None)
            }
            (EntryKind::TransferSign, Some(true)) => match &entry.group_id {
                Some(group_id) => (
                    vec![
                        PlaceMove::TakeOffered { group_id: group_id.clone() },
                        PlaceMove::Release { group_id: referral.group_id.clone() },
                    ],
                    None,
                    None,
                ),
                None => (Vec::new(), open, Some("entry_malformed")),
            },
            (EntryKind::TransferWithdraw, None) => (Vec::new(), None, Some("transfer_not_open")),
            _ => (Vec::new(), open, Some("transfer_not_offered")),
        };
        if let Some(code) = finding {
            self.report(index, Some(id), refuse(code));
            return;
        }
        let mut pool = self.pool.clone();
        if let Err(error) = moves.iter().try_for_each(|place_move| pool.apply(place_move)) {
            let finding = match entry.kind {
                EntryKind::TransferSign => Finding::ReferralWithoutPlace { code: error.code() },
                _ => refuse(error.code()),
            };
            self.report(index, Some(id), finding);
            return;
        }
        self.pool = pool;
        match after_open {
            Some(offered) => self.transfers.insert(id.to_owned(), offered),
            None => self.transfers.remove(id),
        };
        let expected = match entry.kind {
            EntryKind::TransferSign => Reason::Referral { source: PlaceSource::Offer },
            _ => Reason::None,
        };
        if entry.reason != expected {
            self.report(index, Some(id), Finding::ReasonMismatch { expected });
        }
        if let (EntryKind::TransferSign, Some(group_id)) = (entry.kind, &entry.group_id) {
            let referral = Referral::issue(group_id.clone(), PlaceSource::Offer, context)
                .unwrap_or(Referral { group_id: group_id.clone(), ..referral.clone() });
            let state = ApplicationState::Enrolled { referral, enrolled_at: context.now };
            let after = Application { state, version: before.version + 1, ..before.clone() };
            self.store(Some(&before), after);
        }
    }

    fn store(&mut self, before: Option<&Application>, after: Application) {
        if let Some(entry) = before.and_then(Application::queue_entry) {
            self.queue.remove(&entry);
        }
        if let Some(entry) = after.queue_entry() {
            self.queue.insert(entry);
        }
        self.applications.insert(after.id.0.clone(), after);
    }
}

/// The command an entry records.
fn command_of(entry: &AuditEntry) -> Option<Command> {
    Some(match entry.kind {
        EntryKind::Offer => Command::Offer,
        EntryKind::ExpireOffer => Command::ExpireOffer,
        EntryKind::Sign => Command::Sign { group_id: entry.group_id.clone()? },
        EntryKind::Extend => match entry.reason {
            Reason::Extension { days } => Command::Extend { days },
            _ => return None,
        },
        EntryKind::Cancel => Command::Cancel,
        EntryKind::Enrol => Command::Enrol,
        EntryKind::Lapse => Command::Lapse,
        EntryKind::EndStopList => Command::EndStopList,
        EntryKind::Withdraw => Command::Withdraw,
        EntryKind::AgeOut => Command::AgeOut,
        EntryKind::Enqueue
        | EntryKind::Link
        | EntryKind::MarkSiblings
        | EntryKind::PublishPlaces
        | EntryKind::WithdrawPlaces
        | EntryKind::TransferRequest
        | EntryKind::TransferOffer
        | EntryKind::TransferSign
        | EntryKind::TransferWithdraw
        | EntryKind::TransferExpire => return None,
    })
}

/// Whether an entry is about a transfer request (issue 15).
fn is_transfer(kind: EntryKind) -> bool {
    matches!(
        kind,
        EntryKind::TransferRequest
            | EntryKind::TransferOffer
            | EntryKind::TransferSign
            | EntryKind::TransferWithdraw
            | EntryKind::TransferExpire
    )
}

fn refusal_finding(command: &Command, error: &RuleError) -> Finding {
    let code = error.code();
    let for_want_of_a_place = matches!(
        error,
        RuleError::GroupFull
            | RuleError::NoFreePlaces
            | RuleError::TurnNotCome
            | RuleError::GroupNotInPool
            | RuleError::CounterUnderflow { .. }
            | RuleError::OfferExpired
    );
    match command {
        Command::Sign { .. } if for_want_of_a_place => Finding::ReferralWithoutPlace { code },
        _ => Finding::TransitionNotAllowed { code },
    }
}

/// The state the log says an application entered when the rules refused the command, so the
/// replay can go on: deadlines as the rules would have set them at that moment.
fn forced_state(
    before: &Application,
    entry: &AuditEntry,
    logged: StateName,
    context: &RuleContext<'_>,
) -> ApplicationState {
    let now = context.now;
    let referral = || {
        let group_id = entry.group_id.clone().unwrap_or_else(|| GroupId("unknown".into()));
        let source = match entry.reason {
            Reason::Referral { source } => source,
            _ => PlaceSource::FreeChoice,
        };
        Referral::issue(group_id.clone(), source, context).unwrap_or(Referral {
            group_id,
            source,
            issued_at: now,
            valid_until_at: now,
            cancel_until_at: now,
            extensions_used: 0,
            extended_days: 0,
        })
    };
    match logged {
        StateName::Queued => ApplicationState::Queued,
        StateName::Offered => ApplicationState::offered_now(context)
            .unwrap_or(ApplicationState::Offered { offered_at: now, expires_at: now }),
        StateName::Referred => ApplicationState::Referred { referral: referral() },
        StateName::StopListed => ApplicationState::stop_listed_from(now, context)
            .unwrap_or(ApplicationState::StopListed { since_at: now, until_at: now }),
        StateName::Enrolled => {
            let referral = match &before.state {
                ApplicationState::Referred { referral } => referral.clone(),
                _ => referral(),
            };
            ApplicationState::Enrolled { referral, enrolled_at: now }
        }
        StateName::Removed => {
            let reason = match entry.reason {
                Reason::Removal { reason } => reason,
                _ => RemovalReason::Withdrawn,
            };
            ApplicationState::Removed { reason, removed_at: now }
        }
    }
}

/// Replays a whole log (entry bytes in order) and returns every finding; empty when the
/// pool's history follows the rules.
pub fn replay_log<'b>(
    context: ReplayContext<'_>,
    entries: impl IntoIterator<Item = &'b [u8]>,
) -> Vec<ReplayFinding> {
    let mut replay = Replay::new(context);
    for bytes in entries {
        replay.push_bytes(bytes);
    }
    replay.into_findings()
}
