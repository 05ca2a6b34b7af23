//! What a transition asks storage to do besides writing the application: move places,
//! send notices (through the outbox), record an audit event.

use serde::{Deserialize, Serialize};

use super::{Application, ApplicationId, RemovalReason, StateName};
use crate::places::{GroupId, PlaceMove};
use crate::time::Instant;

/// A notice to the applicant (DESIGN §6); sent by e-mail and, with a phone, by SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub application_id: ApplicationId,
    pub kind: NoticeKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum NoticeKind {
    /// R5: the turn came; choose and sign before `expires_at`.
    TurnCame { expires_at: Instant },
    /// R8: the referral is issued and valid until `valid_until_at`.
    ReferralIssued { group_id: GroupId, valid_until_at: Instant },
    /// R9: the referral lapsed; stop-listed until `stop_list_until_at`.
    ReferralLapsed { stop_list_until_at: Instant },
    /// R10 and withdrawal.
    RemovedFromQueue { reason: RemovalReason },
    /// R12.
    ReferralCancelled,
    /// R11.
    ExtensionConfirmed { valid_until_at: Instant },
    /// Issue 15: a place for the requested transfer; choose and sign before `expires_at`.
    TransferOffered { expires_at: Instant },
    /// The transfer offer was not signed in time; the child keeps its place, the request ended.
    TransferExpired,
    /// The child moved: the new referral is in `group_id`, the old place was released.
    TransferDone { group_id: GroupId },
}

/// One line of the application's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub application_id: ApplicationId,
    pub command: String,
    pub from_state: Option<StateName>,
    pub to_state: StateName,
    pub at: Instant,
    /// The version the application has after this event.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Effects {
    pub places: Vec<PlaceMove>,
    pub notices: Vec<Notice>,
    pub audit: AuditEvent,
    /// A place went back to `unreserved`: run the turn engine for the pool afterwards.
    pub run_turn_engine: bool,
}

/// The outcome of an allowed command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub application: Application,
    pub effects: Effects,
}
