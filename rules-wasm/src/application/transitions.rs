//! Every command as a pure transition. A command not allowed in the current state is a
//! typed error; nothing is ever partially applied (the caller gets a new value or nothing).

use super::{
    Application, ApplicationState, AuditEvent, Command, Effects, Notice, NoticeKind, PlaceSource,
    Referral, RemovalReason, RuleContext, Transition,
};
use crate::age::aged_out;
use crate::eligibility::{evaluate_choice, in_blackout, too_young, ChoiceSituation};
use crate::error::{RuleError, RuleResult};
use crate::places::{GroupId, PlaceMove, Pool};
use crate::time::Instant;

/// The parts of a transition before the audit event is stamped.
struct Outcome {
    state: ApplicationState,
    lapses: u8,
    places: Vec<PlaceMove>,
    notices: Vec<NoticeKind>,
    run_turn_engine: bool,
}

impl Outcome {
    fn to(state: ApplicationState, lapses: u8) -> Self {
        Self { state, lapses, places: Vec::new(), notices: Vec::new(), run_turn_engine: false }
    }
    fn moving(mut self, place_move: PlaceMove) -> Self {
        self.run_turn_engine |=
            matches!(place_move, PlaceMove::Release { .. } | PlaceMove::ReturnOffer);
        self.places.push(place_move);
        self
    }
    fn noticing(mut self, notice: NoticeKind) -> Self {
        self.notices.push(notice);
        self
    }
}

impl Application {
    /// Applies `command` to this application. `pool` is the application's pool as it is now;
    /// the caller persists the returned moves against it.
    pub fn apply(
        &self,
        command: &Command,
        pool: &Pool,
        context: &RuleContext<'_>,
    ) -> RuleResult<Transition> {
        debug_assert_eq!(pool.key, self.pool, "a transition sees the application's own pool");
        let not_allowed = || RuleError::CommandNotAllowed {
            command: command.name(),
            state: self.state.name().as_str(),
        };
        let now = context.now;
        let outcome = match (command, &self.state) {
            (Command::Offer, ApplicationState::Queued) => self.offer(pool, context)?,
            (Command::ExpireOffer, ApplicationState::Offered { expires_at, .. }) => {
                if now < *expires_at {
                    return Err(RuleError::OfferNotExpired);
                }
                Outcome::to(ApplicationState::Queued, self.lapses).moving(PlaceMove::ExpireOffer)
            }
            (Command::Sign { group_id }, _) => self.sign(group_id, pool, context)?,
            (Command::Extend { days }, ApplicationState::Referred { referral }) => {
                self.extend(referral, *days, context)?
            }
            (Command::Cancel, ApplicationState::Referred { referral }) => {
                if now >= referral.cancel_until_at {
                    return Err(RuleError::CancelWindowClosed);
                }
                Outcome::to(ApplicationState::Queued, self.lapses)
                    .moving(PlaceMove::Release { group_id: referral.group_id.clone() })
                    .noticing(NoticeKind::ReferralCancelled)
            }
            (Command::Enrol, ApplicationState::Referred { referral }) => {
                if now >= referral.valid_until_at {
                    return Err(RuleError::ReferralExpired);
                }
                Outcome::to(
                    ApplicationState::Enrolled { referral: referral.clone(), enrolled_at: now },
                    self.lapses,
                )
            }
            (Command::Lapse, ApplicationState::Referred { referral }) => {
                self.lapse(referral, context)?
            }
            (Command::EndStopList, ApplicationState::StopListed { until_at, .. }) => {
                if now < *until_at {
                    return Err(RuleError::StopListNotEnded);
                }
                let mut outcome = Outcome::to(ApplicationState::Queued, self.lapses);
                outcome.run_turn_engine = true;
                outcome
            }
            (Command::Withdraw, state) => self.withdraw(state, now).ok_or_else(not_allowed)?,
            (Command::AgeOut, ApplicationState::Queued | ApplicationState::StopListed { .. }) => {
                self.age_out(context)?
            }
            _ => return Err(not_allowed()),
        };
        Ok(self.finish(command, outcome, context))
    }

    /// Withdrawing: removed from the queue; a reservation or a referral gives its place back.
    /// `None` where the state is final.
    fn withdraw(&self, state: &ApplicationState, now: Instant) -> Option<Outcome> {
        let removed =
            ApplicationState::Removed { reason: RemovalReason::Withdrawn, removed_at: now };
        let outcome = Outcome::to(removed, self.lapses)
            .noticing(NoticeKind::RemovedFromQueue { reason: RemovalReason::Withdrawn });
        match state {
            ApplicationState::Queued | ApplicationState::StopListed { .. } => Some(outcome),
            ApplicationState::Offered { .. } => Some(outcome.moving(PlaceMove::ReturnOffer)),
            ApplicationState::Referred { referral } => {
                Some(outcome.moving(PlaceMove::Release { group_id: referral.group_id.clone() }))
            }
            ApplicationState::Enrolled { .. } | ApplicationState::Removed { .. } => None,
        }
    }

    /// The policy's age-out (optional): removed once the child has its age on today's date.
    fn age_out(&self, context: &RuleContext<'_>) -> RuleResult<Outcome> {
        if !aged_out(self.child_birth_date, context.today(), context.policy.age_out_years) {
            return Err(RuleError::AgeOutNotDue);
        }
        let removed =
            ApplicationState::Removed { reason: RemovalReason::AgedOut, removed_at: context.now };
        Ok(Outcome::to(removed, self.lapses)
            .noticing(NoticeKind::RemovedFromQueue { reason: RemovalReason::AgedOut }))
    }

    fn finish(&self, command: &Command, outcome: Outcome, context: &RuleContext<'_>) -> Transition {
        // Storage may read the pool and the application at slightly different moments; the
        // conditions of its transaction, not an assertion here, keep the counters right.
        let version = self.version + 1;
        let application =
            Application { state: outcome.state, lapses: outcome.lapses, version, ..self.clone() };
        let audit = AuditEvent {
            application_id: self.id.clone(),
            command: command.name().to_owned(),
            from_state: Some(self.state.name()),
            to_state: application.state.name(),
            at: context.now,
            version,
        };
        let notices = outcome
            .notices
            .into_iter()
            .map(|kind| Notice { application_id: self.id.clone(), kind })
            .collect();
        Transition {
            application,
            effects: Effects {
                places: outcome.places,
                notices,
                audit,
                run_turn_engine: outcome.run_turn_engine,
            },
        }
    }

    /// R5: reserve a place of the pool; the offer window starts now.
    fn offer(&self, pool: &Pool, context: &RuleContext<'_>) -> RuleResult<Outcome> {
        let today = context.today();
        if let Some(reason) = too_young(self.child_birth_date, today, context.policy)
            .or_else(|| in_blackout(today, context.policy))
        {
            return Err(reason.to_error("offer", &self.state));
        }
        if pool.counters.unreserved == 0 {
            return Err(RuleError::NoFreePlaces);
        }
        let offered = ApplicationState::offered_now(context)?;
        let expires_at = offered.due_at().expect("an offer has a deadline");
        Ok(Outcome::to(offered, self.lapses)
            .moving(PlaceMove::Offer)
            .noticing(NoticeKind::TurnCame { expires_at }))
    }

    /// R4 + R8: the signed choice of a group takes the place and issues the referral.
    fn sign(
        &self,
        group_id: &GroupId,
        pool: &Pool,
        context: &RuleContext<'_>,
    ) -> RuleResult<Outcome> {
        let situation = ChoiceSituation::of(self, pool);
        let eligibility = evaluate_choice(situation, context.policy, context.clock, context.now);
        if let Some(reason) = eligibility.reasons.first() {
            return Err(reason.to_error("sign", &self.state));
        }
        let group = pool.group(group_id).ok_or(RuleError::GroupNotInPool)?;
        if group.free == 0 {
            return Err(RuleError::GroupFull);
        }
        let (source, place_move) = match self.state {
            ApplicationState::Offered { .. } => {
                (PlaceSource::Offer, PlaceMove::TakeOffered { group_id: group_id.clone() })
            }
            _ => {
                (PlaceSource::FreeChoice, PlaceMove::TakeFreeChoice { group_id: group_id.clone() })
            }
        };
        let referral = Referral::issue(group_id.clone(), source, context)?;
        let valid_until_at = referral.valid_until_at;
        Ok(Outcome::to(ApplicationState::Referred { referral }, self.lapses)
            .moving(place_move)
            .noticing(NoticeKind::ReferralIssued { group_id: group_id.clone(), valid_until_at }))
    }

    /// R11: once, by 1..=`extension_max_days` calendar days, while the referral is valid.
    fn extend(
        &self,
        referral: &Referral,
        days: u16,
        context: &RuleContext<'_>,
    ) -> RuleResult<Outcome> {
        let extended = referral.extended(days, context.policy, context.clock)?;
        if context.now >= referral.valid_until_at {
            return Err(RuleError::ReferralExpired);
        }
        let valid_until_at = extended.valid_until_at;
        Ok(Outcome::to(ApplicationState::Referred { referral: extended }, self.lapses)
            .noticing(NoticeKind::ExtensionConfirmed { valid_until_at }))
    }

    /// R9 + R10: the referral's validity passed; the place is released; stop-list or removal.
    /// The stop-list is counted from the lapse itself (`valid_until_at`), not from when the
    /// sweep noticed it, so the outcome does not depend on the sweep's timing.
    fn lapse(&self, referral: &Referral, context: &RuleContext<'_>) -> RuleResult<Outcome> {
        if context.now < referral.valid_until_at {
            return Err(RuleError::ReferralNotExpired);
        }
        let lapses = self.lapses.saturating_add(1);
        let release = PlaceMove::Release { group_id: referral.group_id.clone() };
        if lapses >= context.policy.max_lapses {
            let removed = ApplicationState::Removed {
                reason: RemovalReason::Lapses,
                removed_at: context.now,
            };
            return Ok(Outcome::to(removed, lapses)
                .moving(release)
                .noticing(NoticeKind::RemovedFromQueue { reason: RemovalReason::Lapses }));
        }
        let stop_listed = ApplicationState::stop_listed_from(referral.valid_until_at, context)?;
        let until_at = stop_listed.due_at().expect("a stop-list has an end");
        Ok(Outcome::to(stop_listed, lapses)
            .moving(release)
            .noticing(NoticeKind::ReferralLapsed { stop_list_until_at: until_at }))
    }
}
