//! R4 (seed step 8): may the applicant choose a kindergarten now? All of these must hold:
//! the child is at least `min_age` full years old on today's local date; the application is
//! `offered` (the turn came) or the pool has free-choice places; at least one group of the
//! pool has a free place; the application is not stop-listed or final; and today is outside
//! every blackout period. The answer comes with EVERY blocking reason and, where it can be
//! known, the local date from which that reason no longer blocks.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::age::{date_turning, full_years};
use crate::application::{Application, ApplicationState};
use crate::error::RuleError;
use crate::places::Pool;
use crate::policy::Policy;
use crate::time::{Instant, RegionClock};

/// What is known about the application and its pool when the question is asked.
#[derive(Debug, Clone, Copy)]
pub struct ChoiceSituation<'a> {
    pub birth_date: NaiveDate,
    pub state: &'a ApplicationState,
    pub free_choice_places: u32,
    pub groups_with_free_places: u32,
}

impl<'a> ChoiceSituation<'a> {
    /// `application` in `pool` as it stands.
    pub fn of(application: &'a Application, pool: &Pool) -> Self {
        Self {
            birth_date: application.child_birth_date,
            state: &application.state,
            free_choice_places: pool.counters.free_choice,
            groups_with_free_places: pool.groups_with_free_places(),
        }
    }
}

/// One reason the choice is not allowed now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum BlockingReason {
    /// The application is enrolled or removed.
    ApplicationFinal,
    /// A referral is already issued.
    AlreadyReferred,
    /// R9: stop-listed; allowed again from `allowed_from`.
    StopListed { allowed_from: NaiveDate },
    /// Younger than `min_age`; old enough from `allowed_from`.
    ChildTooYoung { allowed_from: NaiveDate },
    /// No referrals are issued in this period; it ends before `allowed_from`.
    BlackoutPeriod { allowed_from: NaiveDate },
    /// The offer window has passed (the sweep will free the place).
    OfferExpired,
    /// The turn has not come and the pool has no free-choice places.
    TurnNotCome,
    /// No group of the pool has a free place.
    NoFreePlaces,
}

impl BlockingReason {
    /// The refusal a command gets for this reason.
    pub fn to_error(&self, command: &'static str, state: &ApplicationState) -> RuleError {
        match self {
            BlockingReason::ApplicationFinal | BlockingReason::AlreadyReferred => {
                RuleError::CommandNotAllowed { command, state: state.name().as_str() }
            }
            BlockingReason::StopListed { .. } => RuleError::StopListed,
            BlockingReason::ChildTooYoung { .. } => RuleError::ChildTooYoung,
            BlockingReason::BlackoutPeriod { .. } => RuleError::BlackoutPeriod,
            BlockingReason::OfferExpired => RuleError::OfferExpired,
            BlockingReason::TurnNotCome => RuleError::TurnNotCome,
            BlockingReason::NoFreePlaces => RuleError::NoFreePlaces,
        }
    }
}

/// The decision of R4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Eligibility {
    pub allowed: bool,
    /// Empty exactly when `allowed`.
    pub reasons: Vec<BlockingReason>,
}

/// Whether the child is old enough on `today`, and if not, from when.
pub fn too_young(
    birth_date: NaiveDate,
    today: NaiveDate,
    policy: &Policy,
) -> Option<BlockingReason> {
    let min_age_years = u32::from(policy.min_age_years);
    if full_years(birth_date, today) >= min_age_years {
        return None;
    }
    let allowed_from = date_turning(birth_date, min_age_years).unwrap_or(NaiveDate::MAX);
    Some(BlockingReason::ChildTooYoung { allowed_from })
}

/// Whether today is in a blackout period, and if so, from when referrals are issued again.
pub fn in_blackout(today: NaiveDate, policy: &Policy) -> Option<BlockingReason> {
    policy.blackout_on(today).map(|_| BlockingReason::BlackoutPeriod {
        allowed_from: policy.first_day_outside_blackouts(today),
    })
}

/// R4: the decision and every blocking reason.
pub fn evaluate_choice(
    situation: ChoiceSituation<'_>,
    policy: &Policy,
    clock: &RegionClock,
    now: Instant,
) -> Eligibility {
    let today = clock.local_date(now);
    let mut reasons = Vec::new();
    match situation.state {
        ApplicationState::Enrolled { .. } | ApplicationState::Removed { .. } => {
            reasons.push(BlockingReason::ApplicationFinal)
        }
        ApplicationState::Referred { .. } => reasons.push(BlockingReason::AlreadyReferred),
        ApplicationState::Queued
        | ApplicationState::Offered { .. }
        | ApplicationState::StopListed { .. } => {
            // Blocks until the sweep ends the stop-list, even in the minutes after `until_at`,
            // so that the preview and the server always agree.
            if let ApplicationState::StopListed { until_at, .. } = situation.state {
                reasons
                    .push(BlockingReason::StopListed { allowed_from: clock.local_date(*until_at) });
            }
            reasons.extend(too_young(situation.birth_date, today, policy));
            reasons.extend(in_blackout(today, policy));
            match situation.state {
                ApplicationState::Offered { expires_at, .. } if now >= *expires_at => {
                    reasons.push(BlockingReason::OfferExpired)
                }
                ApplicationState::Offered { .. } => {}
                _ if situation.free_choice_places == 0 => reasons.push(BlockingReason::TurnNotCome),
                _ => {}
            }
            if situation.groups_with_free_places == 0 {
                reasons.push(BlockingReason::NoFreePlaces);
            }
        }
    }
    Eligibility { allowed: reasons.is_empty(), reasons }
}
