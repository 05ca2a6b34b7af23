//! The deadlines of an application and what is due at an instant: shown on the application's
//! page (explained day by day) and applied by the sweep. The stored deadlines are
//! authoritative; each explanation recounts it with the policy in force at its event.

use serde::{Deserialize, Serialize};

use super::{Application, ApplicationState, Command, Referral, RuleContext};
use crate::age::aged_out;
use crate::calendar::WorkingCalendar;
use crate::deadline::{explain_deadline, DeadlineExplanation};
use crate::error::{RuleError, RuleResult};
use crate::policy::Policy;
use crate::time::{add_days, Instant, RegionClock};

/// The deadlines of an application's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDeadlines {
    /// R6: sign before this or the place becomes free choice.
    pub offer_expires_at: Option<Instant>,
    pub offer_window: Option<DeadlineExplanation>,
    /// R9 (+R11): enrol before this or the referral lapses.
    pub referral_valid_until_at: Option<Instant>,
    pub referral_validity: Option<DeadlineExplanation>,
    /// R12: cancelling is refused from this instant on.
    pub cancel_until_at: Option<Instant>,
    /// R11: the latest `valid_until_at` an extension can reach, while one is left.
    pub extension_limit_at: Option<Instant>,
    /// R9: stop-listed until this instant.
    pub stop_list_until_at: Option<Instant>,
    pub stop_list: Option<DeadlineExplanation>,
}

impl ApplicationDeadlines {
    /// The deadlines of `state`; `policy_of(event_at)` is the policy in force at an event,
    /// `policy_now` the one an extension would be asked under.
    pub fn of<'p>(
        state: &ApplicationState,
        policy_of: &dyn Fn(Instant) -> &'p Policy,
        policy_now: &Policy,
        calendar: &WorkingCalendar,
        clock: &RegionClock,
    ) -> RuleResult<Self> {
        let mut deadlines = Self {
            offer_expires_at: None,
            offer_window: None,
            referral_valid_until_at: None,
            referral_validity: None,
            cancel_until_at: None,
            extension_limit_at: None,
            stop_list_until_at: None,
            stop_list: None,
        };
        match state {
            ApplicationState::Offered { offered_at, expires_at } => {
                let span = policy_of(*offered_at).offer_window;
                deadlines.offer_expires_at = Some(*expires_at);
                deadlines.offer_window =
                    Some(explain_deadline(span, *offered_at, calendar, clock)?);
            }
            ApplicationState::Referred { referral } => {
                let span = policy_of(referral.issued_at).referral_validity;
                deadlines.referral_valid_until_at = Some(referral.valid_until_at);
                deadlines.referral_validity =
                    Some(explain_deadline(span, referral.issued_at, calendar, clock)?);
                deadlines.cancel_until_at = Some(referral.cancel_until_at);
                deadlines.extension_limit_at = referral.extension_limit(policy_now, clock)?;
            }
            ApplicationState::StopListed { since_at, until_at } => {
                let span = policy_of(*since_at).stop_list;
                deadlines.stop_list_until_at = Some(*until_at);
                deadlines.stop_list = Some(explain_deadline(span, *since_at, calendar, clock)?);
            }
            ApplicationState::Queued
            | ApplicationState::Enrolled { .. }
            | ApplicationState::Removed { .. } => {}
        }
        Ok(deadlines)
    }
}

impl Referral {
    /// R11: this referral extended by `days` calendar days under `policy`: allowed while an
    /// extension is left and for 1..=`extension_max_days` days; `valid_until_at` moves by whole
    /// calendar days and stays at 00:00 local. The one extension computation: the command
    /// and the limit shown on the page both use it.
    pub fn extended(&self, days: u16, policy: &Policy, clock: &RegionClock) -> RuleResult<Self> {
        if self.extensions_used >= policy.extensions_allowed {
            return Err(RuleError::ExtensionAlreadyUsed);
        }
        if !(1..=policy.extension_max_days).contains(&days) {
            return Err(RuleError::ExtensionDaysOutOfRange { days });
        }
        let end_date = add_days(clock.local_date(self.valid_until_at), i64::from(days))?;
        Ok(Self {
            valid_until_at: clock.start_of_local_day(end_date),
            extensions_used: self
                .extensions_used
                .checked_add(1)
                .ok_or(RuleError::ExtensionAlreadyUsed)?,
            extended_days: self
                .extended_days
                .checked_add(days)
                .ok_or(RuleError::ExtensionDaysOutOfRange { days })?,
            ..self.clone()
        })
    }

    /// R11: the latest `valid_until_at` an extension under `policy` can reach, while one is left.
    pub fn extension_limit(
        &self,
        policy: &Policy,
        clock: &RegionClock,
    ) -> RuleResult<Option<Instant>> {
        match self.extended(policy.extension_max_days, policy, clock) {
            Ok(extended) => Ok(Some(extended.valid_until_at)),
            Err(RuleError::ExtensionAlreadyUsed) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

impl Application {
    /// The command the sweep applies at `context.now`, if one is due: a deadline reached
    /// (offer window, referral validity, stop-list), else the policy's age-out age reached.
    pub fn due_command(&self, context: &RuleContext<'_>) -> Option<Command> {
        let now = context.now;
        match &self.state {
            ApplicationState::Offered { expires_at, .. } if now >= *expires_at => {
                Some(Command::ExpireOffer)
            }
            ApplicationState::Referred { referral } if now >= referral.valid_until_at => {
                Some(Command::Lapse)
            }
            ApplicationState::StopListed { until_at, .. } if now >= *until_at => {
                Some(Command::EndStopList)
            }
            ApplicationState::Queued | ApplicationState::StopListed { .. }
                if aged_out(
                    self.child_birth_date,
                    context.today(),
                    context.policy.age_out_years,
                ) =>
            {
                Some(Command::AgeOut)
            }
            _ => None,
        }
    }
}
