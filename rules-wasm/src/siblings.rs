//! Siblings and twins (issue 15 item 3).
//!
//! An applicant marks two to [`SIBLINGS_MAX`] of their waiting applications as one sibling set.
//! The members must be the applicant's own, of distinct children, in one region, queued, in no
//! other set, and born — by the birth dates their IINs carry — in one group year or in two
//! adjacent ones (a pool is a region's group year, so the members are in one pool or in two
//! neighbouring pools).
//!
//! The region's policy ([`SiblingPlacement`]) says what the mark does:
//! - `independent` (the default): each member is offered a place in its own turn, as without
//!   the mark; the pages show the set.
//! - `together_only` (Astana's rule for twins): a pool offers places to the set's members in it
//!   only all at once — when every such member that still waits is queued and old enough and
//!   the pool has an unreserved place for each of them. The set's turn is its first member's turn in queue order; when it comes
//!   and the places are not there, the set keeps its members' positions and the places go on
//!   down the queue (holding them would stop everyone behind the set). Members already offered,
//!   referred or enrolled no longer wait and do not hold the others back; a member stop-listed
//!   or too young does.
//!
//! An offer is the pool's (R5: the family chooses a group with a free place when it signs), so
//! "in one kindergarten" is the family's choice at signing, while that kindergarten has the
//! places; the turn engine's condition is the pool's counters only, which the public log's
//! replay can check (a kindergarten's free places are not in the log).
//!
//! After a together offer each member's part follows its own deadlines: one part's expiry,
//! lapse or cancellation leaves the other parts' offers and referrals standing, and the set
//! stays marked, so the members who are back in the queue are offered together again (with
//! each other). Members in two neighbouring pools are placed together per pool: the two
//! pools' places are offered by two runs of the turn engine and are not coordinated.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::application::{Application, ApplicationId, ApplicationState};
use crate::iin::Iin;

/// Most applications one sibling set holds (quadruplets).
pub const SIBLINGS_MAX: usize = 4;

/// A sibling set's identifier (assigned by storage).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SiblingSetId(pub String);

/// What a sibling mark does in the region's turn engine (policy `siblingPlacement`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiblingPlacement {
    #[default]
    Independent,
    TogetherOnly,
}

/// Why a sibling set cannot be marked; each with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SiblingRefusal {
    /// Fewer than two or more than [`SIBLINGS_MAX`] applications.
    SiblingCount { count: usize },
    /// The same application twice, or two applications of one child.
    SiblingDuplicate,
    /// An application of another applicant.
    SiblingNotOwn,
    /// Applications of two regions.
    SiblingOtherRegion,
    /// A member that is not queued (offered, referred, enrolled, stop-listed or removed).
    SiblingNotQueued,
    /// A member already in a sibling set.
    SiblingAlreadyMarked,
    /// Birth years more than one group year apart (or a child's IIN does not carry its birth date).
    SiblingYearsApart,
}

impl SiblingRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            SiblingRefusal::SiblingCount { .. } => "sibling_count",
            SiblingRefusal::SiblingDuplicate => "sibling_duplicate",
            SiblingRefusal::SiblingNotOwn => "sibling_not_own",
            SiblingRefusal::SiblingOtherRegion => "sibling_other_region",
            SiblingRefusal::SiblingNotQueued => "sibling_not_queued",
            SiblingRefusal::SiblingAlreadyMarked => "sibling_already_marked",
            SiblingRefusal::SiblingYearsApart => "sibling_years_apart",
        }
    }

    pub fn message(&self) -> String {
        match self {
            SiblingRefusal::SiblingCount { count } => {
                format!("a sibling set holds 2 to {SIBLINGS_MAX} applications, not {count}")
            }
            SiblingRefusal::SiblingDuplicate => {
                "the same application or child appears twice".to_owned()
            }
            SiblingRefusal::SiblingNotOwn => "an application of another applicant".to_owned(),
            SiblingRefusal::SiblingOtherRegion => "applications of different regions".to_owned(),
            SiblingRefusal::SiblingNotQueued => "every member must be queued".to_owned(),
            SiblingRefusal::SiblingAlreadyMarked => {
                "an application is already in a sibling set".to_owned()
            }
            SiblingRefusal::SiblingYearsApart => {
                "the children must be born in one group year or in two adjacent ones".to_owned()
            }
        }
    }
}

/// One application offered for a sibling set, with its applicant's IIN (from storage).
#[derive(Debug, Clone, Copy)]
pub struct SiblingCandidate<'a> {
    pub application: &'a Application,
    pub applicant_iin: &'a str,
}

/// Checks that `members` may become one sibling set of the applicant `applicant_iin`.
pub fn check_set(
    applicant_iin: &str,
    members: &[SiblingCandidate<'_>],
) -> Result<(), SiblingRefusal> {
    if !(2..=SIBLINGS_MAX).contains(&members.len()) {
        return Err(SiblingRefusal::SiblingCount { count: members.len() });
    }
    let ids: BTreeSet<&ApplicationId> = members.iter().map(|m| &m.application.id).collect();
    let children: BTreeSet<&str> =
        members.iter().map(|m| m.application.child_iin.as_str()).collect();
    if ids.len() != members.len() || children.len() != members.len() {
        return Err(SiblingRefusal::SiblingDuplicate);
    }
    if members.iter().any(|m| m.applicant_iin != applicant_iin) {
        return Err(SiblingRefusal::SiblingNotOwn);
    }
    let region = &members[0].application.pool.region_id;
    if members.iter().any(|m| &m.application.pool.region_id != region) {
        return Err(SiblingRefusal::SiblingOtherRegion);
    }
    if members.iter().any(|m| m.application.sibling_set().is_some()) {
        return Err(SiblingRefusal::SiblingAlreadyMarked);
    }
    if members.iter().any(|m| m.application.state != ApplicationState::Queued) {
        return Err(SiblingRefusal::SiblingNotQueued);
    }
    let mut years = Vec::with_capacity(members.len());
    for member in members {
        let birth = Iin::parse(&member.application.child_iin)
            .map(|iin| iin.birth_date)
            .map_err(|_| SiblingRefusal::SiblingYearsApart)?;
        if birth != member.application.child_birth_date {
            return Err(SiblingRefusal::SiblingYearsApart);
        }
        years.push(member.application.pool.group_year);
    }
    let (first, last) = (years.iter().min(), years.iter().max());
    match (first, last) {
        (Some(first), Some(last)) if last - first <= 1 => Ok(()),
        _ => Err(SiblingRefusal::SiblingYearsApart),
    }
}

impl SiblingPlacement {
    pub fn is_independent(&self) -> bool {
        *self == SiblingPlacement::Independent
    }
}
