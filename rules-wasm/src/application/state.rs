//! The states of an application (DESIGN §1.1). Each carries the deadlines set when it was
//! entered; a later policy change never rewrites them.

use serde::{Deserialize, Serialize};

use crate::places::GroupId;
use crate::time::Instant;

/// Where the place of a referral came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceSource {
    /// The place reserved for this child by the turn engine.
    Offer,
    /// A free-choice place of the pool (an expired offer of someone else).
    FreeChoice,
}

/// The referral (жолдама) as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Referral {
    pub group_id: GroupId,
    pub source: PlaceSource,
    pub issued_at: Instant,
    /// R9 (+ R11): not enrolled by this instant → the referral lapses.
    pub valid_until_at: Instant,
    /// R12: `issued_at` + the cancel window; cancelling is refused from this instant on.
    pub cancel_until_at: Instant,
    /// R11: extensions used and calendar days added.
    pub extensions_used: u8,
    pub extended_days: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// R10: the referral lapsed `max_lapses` times.
    Lapses,
    /// The applicant withdrew the application.
    Withdrawn,
    /// The child reached the policy's age-out age.
    AgedOut,
}

/// Serialized internally tagged: `{"state": "offered", "offeredAt": ..., "expiresAt": ...}`.
/// Deserialized through [`StateFields`], a flat struct, so no deserializer has to buffer the
/// object to find the tag (that buffering tripled the cost of a WebAssembly call).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    tag = "state",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    try_from = "StateFields"
)]
pub enum ApplicationState {
    /// "In queue".
    Queued,
    /// "Notification sent": a place of the pool is reserved until `expires_at`.
    Offered { offered_at: Instant, expires_at: Instant },
    /// "Referral issued".
    Referred { referral: Referral },
    /// "Stop-list until D": no offer or choice before `until_at`.
    StopListed { since_at: Instant, until_at: Instant },
    /// "Enrolled" (final).
    Enrolled { referral: Referral, enrolled_at: Instant },
    /// "Removed from queue" (final).
    Removed { reason: RemovalReason, removed_at: Instant },
}

/// Every field any state may carry: the shape [`ApplicationState`] is read from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StateFields {
    state: StateName,
    offered_at: Option<Instant>,
    expires_at: Option<Instant>,
    referral: Option<Referral>,
    since_at: Option<Instant>,
    until_at: Option<Instant>,
    enrolled_at: Option<Instant>,
    reason: Option<RemovalReason>,
    removed_at: Option<Instant>,
}

impl TryFrom<StateFields> for ApplicationState {
    type Error = String;

    fn try_from(fields: StateFields) -> Result<Self, Self::Error> {
        let missing = |field: &str| format!("state `{}` needs `{field}`", fields.state.as_str());
        let extra = [
            ("offeredAt", fields.offered_at.is_some(), StateName::Offered),
            ("expiresAt", fields.expires_at.is_some(), StateName::Offered),
            ("sinceAt", fields.since_at.is_some(), StateName::StopListed),
            ("untilAt", fields.until_at.is_some(), StateName::StopListed),
            ("enrolledAt", fields.enrolled_at.is_some(), StateName::Enrolled),
            ("reason", fields.reason.is_some(), StateName::Removed),
            ("removedAt", fields.removed_at.is_some(), StateName::Removed),
        ];
        if let Some((field, _, _)) =
            extra.iter().find(|(_, present, owner)| *present && *owner != fields.state)
        {
            return Err(format!("state `{}` has no field `{field}`", fields.state.as_str()));
        }
        let referral_allowed = matches!(fields.state, StateName::Referred | StateName::Enrolled);
        if fields.referral.is_some() && !referral_allowed {
            return Err(format!("state `{}` has no field `referral`", fields.state.as_str()));
        }
        Ok(match fields.state {
            StateName::Queued => ApplicationState::Queued,
            StateName::Offered => ApplicationState::Offered {
                offered_at: fields.offered_at.ok_or_else(|| missing("offeredAt"))?,
                expires_at: fields.expires_at.ok_or_else(|| missing("expiresAt"))?,
            },
            StateName::Referred => ApplicationState::Referred {
                referral: fields.referral.ok_or_else(|| missing("referral"))?,
            },
            StateName::StopListed => ApplicationState::StopListed {
                since_at: fields.since_at.ok_or_else(|| missing("sinceAt"))?,
                until_at: fields.until_at.ok_or_else(|| missing("untilAt"))?,
            },
            StateName::Enrolled => ApplicationState::Enrolled {
                referral: fields.referral.ok_or_else(|| missing("referral"))?,
                enrolled_at: fields.enrolled_at.ok_or_else(|| missing("enrolledAt"))?,
            },
            StateName::Removed => ApplicationState::Removed {
                reason: fields.reason.ok_or_else(|| missing("reason"))?,
                removed_at: fields.removed_at.ok_or_else(|| missing("removedAt"))?,
            },
        })
    }
}

/// The name of a state, for errors, audit and indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateName {
    Queued,
    Offered,
    Referred,
    StopListed,
    Enrolled,
    Removed,
}

impl StateName {
    pub fn as_str(self) -> &'static str {
        match self {
            StateName::Queued => "queued",
            StateName::Offered => "offered",
            StateName::Referred => "referred",
            StateName::StopListed => "stop_listed",
            StateName::Enrolled => "enrolled",
            StateName::Removed => "removed",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, StateName::Enrolled | StateName::Removed)
    }

    /// Whether the child may be put in a queue again once its application is in this state:
    /// only after removal. An enrolled child holds a kindergarten place; a new application
    /// would let one child hold a place and wait for a second one.
    pub fn frees_child(self) -> bool {
        matches!(self, StateName::Removed)
    }
}

impl ApplicationState {
    pub fn name(&self) -> StateName {
        match self {
            ApplicationState::Queued => StateName::Queued,
            ApplicationState::Offered { .. } => StateName::Offered,
            ApplicationState::Referred { .. } => StateName::Referred,
            ApplicationState::StopListed { .. } => StateName::StopListed,
            ApplicationState::Enrolled { .. } => StateName::Enrolled,
            ApplicationState::Removed { .. } => StateName::Removed,
        }
    }

    /// The instant at which the sweep has work for this state, if any.
    pub fn due_at(&self) -> Option<Instant> {
        match self {
            ApplicationState::Offered { expires_at, .. } => Some(*expires_at),
            ApplicationState::Referred { referral } => Some(referral.valid_until_at),
            ApplicationState::StopListed { until_at, .. } => Some(*until_at),
            ApplicationState::Queued
            | ApplicationState::Enrolled { .. }
            | ApplicationState::Removed { .. } => None,
        }
    }
}

use super::RuleContext;
use crate::deadline::deadline_at;
use crate::error::RuleResult;

impl ApplicationState {
    /// R5/R6: offered now; the offer window of the policy in force starts now.
    pub fn offered_now(context: &RuleContext<'_>) -> RuleResult<Self> {
        let expires_at =
            deadline_at(context.policy.offer_window, context.now, context.calendar, context.clock)?;
        Ok(ApplicationState::Offered { offered_at: context.now, expires_at })
    }

    /// R9: stop-listed from `since_at` (the lapse) for the policy's stop-list span.
    pub fn stop_listed_from(since_at: Instant, context: &RuleContext<'_>) -> RuleResult<Self> {
        let until_at =
            deadline_at(context.policy.stop_list, since_at, context.calendar, context.clock)?;
        Ok(ApplicationState::StopListed { since_at, until_at })
    }
}

impl Referral {
    /// R8/R9/R12: a referral issued now, valid for the policy's validity, cancellable for
    /// exactly the cancel window.
    pub fn issue(
        group_id: GroupId,
        source: PlaceSource,
        context: &RuleContext<'_>,
    ) -> RuleResult<Self> {
        let now = context.now;
        let valid_until_at =
            deadline_at(context.policy.referral_validity, now, context.calendar, context.clock)?;
        let cancel_until_at =
            now + chrono::Duration::hours(i64::from(context.policy.cancel_window_hours));
        Ok(Referral {
            group_id,
            source,
            issued_at: now,
            valid_until_at,
            cancel_until_at,
            extensions_used: 0,
            extended_days: 0,
        })
    }
}
