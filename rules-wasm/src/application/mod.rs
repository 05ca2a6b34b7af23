//! The application (a child's place in the queue) and its state machine (DESIGN §1.1–1.2).
//!
//! Every transition is a pure function `(application, command, pool, context) ->
//! Result<Transition, RuleError>`: the new application and its effects (place moves,
//! notices, an audit event), or a typed refusal. Storage applies a transition atomically.

mod command;
mod deadlines;
mod effects;
mod enqueue;
mod state;
mod transfer;
mod transitions;

pub use command::Command;
pub use deadlines::ApplicationDeadlines;
pub use effects::{AuditEvent, Effects, Notice, NoticeKind, Transition};
pub use enqueue::{enqueue, EnqueueRequest, Region};
pub use state::{ApplicationState, PlaceSource, Referral, RemovalReason, StateName};
pub use transfer::{
    KindergartenId, TransferChange, TransferRefusal, TransferRequest, TransferResult,
    TransferState, KINDERGARTEN_ID_LENGTH_MAX, TRANSFER_CHOICES_MAX,
};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::error::{RuleError, RuleResult};
use crate::places::PoolKey;
use crate::policy::Policy;
use crate::siblings::SiblingSetId;
use crate::time::{Instant, RegionClock};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApplicationId(pub String);

/// Queue category (§1.4). Which benefits map to which category is configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    OutOfTurn,
    FirstPriority,
    General,
}

/// A child's application: its place in one pool's queue and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: ApplicationId,
    pub child_iin: String,
    pub child_birth_date: NaiveDate,
    pub pool: PoolKey,
    pub priority: Priority,
    /// Sub-second precision; with `id`, orders the queue.
    pub registered_at: Instant,
    /// Referrals that lapsed so far (R9, R10).
    pub lapses: u8,
    pub state: ApplicationState,
    /// Incremented by every transition; storage writes only over the expected version.
    pub version: u64,
    /// The sibling set this application is marked in ([`crate::siblings`]), if any.
    #[cfg(feature = "siblings")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub siblings: Option<SiblingSetId>,
}

/// Everything a transition may consult besides the application and the pool.
#[derive(Debug, Clone, Copy)]
pub struct RuleContext<'a> {
    /// The policy in force on the local date of `now`.
    pub policy: &'a Policy,
    pub calendar: &'a WorkingCalendar,
    pub clock: &'a RegionClock,
    pub now: Instant,
}

impl RuleContext<'_> {
    pub fn today(&self) -> NaiveDate {
        self.clock.local_date(self.now)
    }
}

impl Application {
    /// The sibling set this application is marked in (never without feature `siblings`).
    pub fn sibling_set(&self) -> Option<&SiblingSetId> {
        #[cfg(feature = "siblings")]
        return self.siblings.as_ref();
        #[cfg(not(feature = "siblings"))]
        None
    }

    /// Refuses a command written against an older version of the application.
    pub fn check_version(&self, expected: u64) -> RuleResult<()> {
        if self.version == expected {
            Ok(())
        } else {
            Err(RuleError::VersionConflict { expected, actual: self.version })
        }
    }
}
