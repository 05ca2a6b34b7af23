//! Issue 13 item 4, "nobody behind me got a place first": from the pool's log, every offer
//! and free-choice referral made while one application was waiting, whether it went to an
//! application behind it in queue order at that moment, and if so the legitimate reason.
//! The same replay as the auditor's, so the page and the audit cannot disagree.

use serde::Serialize;

use super::entry::{AuditEntry, EntryKind, Reason};
use super::replay::{Replay, ReplayContext, ReplayFinding};
use crate::application::{ApplicationState, PlaceSource};
use crate::queue::QueueEntry;
use crate::siblings::SiblingPlacement;
use crate::time::Instant;

/// What the place was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlacementKind {
    /// The turn engine offered a place.
    Offer,
    /// A referral on a free-choice place (an expired offer of someone else).
    FreeChoiceReferral,
}

/// Why a place could go to an application behind this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Legitimate {
    /// Free-choice places go to whoever signs first among those allowed to choose.
    FreeChoice,
    /// This child was not old enough that day.
    TooYoung,
    /// This application was stop-listed.
    StopListed,
    /// This application already had an open offer.
    AlreadyOffered,
    /// Issue 15, `together_only`: this application's sibling set waits for places for all of
    /// its members.
    SiblingsTogether,
    /// Issue 15: the other application was offered together with its sibling, whose turn came
    /// before this one's.
    WithSibling,
}

/// One offer or free-choice referral made while the application waited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Placement {
    pub index: u64,
    pub at: Instant,
    /// The other application's (random, pseudonymous) id.
    pub application_id: String,
    pub kind: PlacementKind,
    /// Applications ahead of the other one, and of this one, at that moment.
    pub their_position: Option<u64>,
    pub my_position: u64,
    pub behind_me: bool,
    /// When behind: the legitimate reason, or `None` — a place out of order.
    pub reason: Option<Legitimate>,
}

/// The answer for one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WaitingReport {
    pub placements: Vec<Placement>,
    /// True when every place that went to an application behind had a legitimate reason.
    pub nobody_behind_first: bool,
    /// The auditor's findings over the same entries (empty for a clean log).
    #[serde(skip)]
    pub findings: Vec<ReplayFinding>,
}

fn my_reason(
    replay: &Replay<'_>,
    mine: &QueueEntry,
    state: &ApplicationState,
    at: Instant,
) -> Option<Legitimate> {
    let policy = replay.policy_at(at)?;
    match state {
        ApplicationState::Offered { .. } => Some(Legitimate::AlreadyOffered),
        ApplicationState::StopListed { .. } => Some(Legitimate::StopListed),
        _ => {
            let clock = replay_clock(replay);
            // In a blackout nobody may be offered a place: no reason makes it legitimate.
            let rule = crate::turn_engine::OfferRule::on(policy, clock, at)?;
            let together = policy.sibling_placement == SiblingPlacement::TogetherOnly;
            if !rule.admits(mine) {
                Some(Legitimate::TooYoung)
            } else if together && mine.together.is_some() {
                Some(Legitimate::SiblingsTogether)
            } else {
                None
            }
        }
    }
}

fn replay_clock<'r>(replay: &Replay<'r>) -> &'r crate::time::RegionClock {
    replay.context().clock
}

/// Where this entry placed someone else, if it is an offer or a free-choice referral.
fn placement_of(entry: &AuditEntry, mine: &str) -> Option<(String, PlacementKind)> {
    let id = entry.application_id()?;
    if id == mine {
        return None;
    }
    match (entry.kind, entry.reason) {
        (EntryKind::Offer, _) => Some((id.to_owned(), PlacementKind::Offer)),
        (EntryKind::Sign, Reason::Referral { source: PlaceSource::FreeChoice }) => {
            Some((id.to_owned(), PlacementKind::FreeChoiceReferral))
        }
        _ => None,
    }
}

/// The report for `application_id` over the pool's entries in log order.
pub fn waiting_report(
    context: ReplayContext<'_>,
    entries: impl IntoIterator<Item = AuditEntry>,
    application_id: &str,
) -> WaitingReport {
    let mut replay = Replay::new(context);
    let mut placements = Vec::new();
    for entry in entries {
        let mine = replay
            .application(application_id)
            .and_then(|a| Some((a.queue_entry()?, a.state.clone())));
        let seen = placement_of(&entry, application_id);
        if let (Some((mine, state)), Some((other, kind))) = (mine, seen) {
            if let Some(policy) = replay.policy_at(entry.at) {
                let ratio = policy.priority_ratio;
                let my_position = replay.queue().position(&mine, ratio);
                let their_position = replay
                    .application(&other)
                    .and_then(|a| a.queue_entry())
                    .map(|theirs| replay.queue().position(&theirs, ratio));
                let behind_me = their_position.is_none_or(|theirs| theirs > my_position);
                let reason = match kind {
                    _ if !behind_me => None,
                    PlacementKind::FreeChoiceReferral => Some(Legitimate::FreeChoice),
                    PlacementKind::Offer => match entry.reason {
                        Reason::Together { position, .. } if u64::from(position) < my_position => {
                            Some(Legitimate::WithSibling)
                        }
                        _ => my_reason(&replay, &mine, &state, entry.at),
                    },
                };
                placements.push(Placement {
                    index: replay.next_index(),
                    at: entry.at,
                    application_id: other,
                    kind,
                    their_position,
                    my_position,
                    behind_me,
                    reason,
                });
            }
        }
        replay.push(entry);
    }
    let nobody_behind_first = placements.iter().all(|p| !p.behind_me || p.reason.is_some());
    WaitingReport { placements, nobody_behind_first, findings: replay.into_findings() }
}
