//! Writing entries: the [`AuditEntry`] of an enqueue, of a transition of the state machine,
//! of staff's place moves and of the turn engine's offers (with the queue position that is
//! the offer's reason). The store appends these in the transaction of the change itself.

use chrono::NaiveDate;

use super::entry::{AuditEntry, EntryError, EntryKind, Reason, Subject};
use crate::age::date_turning;
use crate::application::{
    Application, ApplicationState, Command, PlaceSource, Priority, RemovalReason, StateName,
    Transition,
};
use crate::error::{RuleError, RuleResult};
use crate::places::{GroupId, PlaceCounters, PlaceMove};
use crate::policy::{Policy, PriorityRatio};
use std::cmp::Ordering;

use crate::queue::{by_registration, ClassCounts, QueueEntry, QueueOrder};
use crate::time::Instant;

/// The first local date on which a child born on `birth_date` has the policy's minimum age:
/// what the log holds about age.
pub fn eligible_from(birth_date: NaiveDate, policy: &Policy) -> RuleResult<NaiveDate> {
    date_turning(birth_date, u32::from(policy.min_age_years)).ok_or(RuleError::DateOutOfRange)
}

fn subject(
    application: &Application,
    from_state: Option<StateName>,
    policy: &Policy,
) -> RuleResult<Subject> {
    Ok(Subject {
        application_id: application.id.0.clone(),
        priority: application.priority,
        registered_at: application.registered_at,
        eligible_from: eligible_from(application.child_birth_date, policy)?,
        from_state,
        to_state: application.state.name(),
    })
}

/// The counters after `moves`; `None` if one would go below zero.
pub fn counters_after(before: PlaceCounters, moves: &[PlaceMove]) -> Option<PlaceCounters> {
    let mut counters = before;
    for place_move in moves {
        let delta = place_move.delta();
        let shift = |value: u32, change: i64| u32::try_from(i64::from(value) + change).ok();
        counters = PlaceCounters {
            unreserved: shift(counters.unreserved, delta.unreserved)?,
            offered: shift(counters.offered, delta.offered)?,
            free_choice: shift(counters.free_choice, delta.free_choice)?,
        };
    }
    Some(counters)
}

fn entry_error(error: EntryError) -> RuleError {
    RuleError::InvalidInput { detail: error.code().to_owned() }
}

/// The entry of a new application (state `queued`).
pub fn enqueue_entry(
    application: &Application,
    counters: PlaceCounters,
    policy: &Policy,
) -> RuleResult<AuditEntry> {
    Ok(AuditEntry {
        kind: EntryKind::Enqueue,
        at: application.registered_at,
        subject: Some(subject(application, None, policy)?),
        counters_before: counters,
        counters_after: counters,
        group_id: None,
        reason: Reason::None,
    })
}

/// The entry of the second parent's link (no state change).
pub fn link_entry(
    application: &Application,
    counters: PlaceCounters,
    at: Instant,
    policy: &Policy,
) -> RuleResult<AuditEntry> {
    Ok(AuditEntry {
        kind: EntryKind::Link,
        at,
        subject: Some(subject(application, Some(application.state.name()), policy)?),
        counters_before: counters,
        counters_after: counters,
        group_id: None,
        reason: Reason::None,
    })
}

/// The entries marking `members` one sibling set (issue 15): one `mark_siblings` entry each,
/// consecutive, member `i` of `members.len()` (no state change, like [`link_entry`]).
pub fn siblings_entries(
    members: &[&Application],
    counters: PlaceCounters,
    at: Instant,
    policy: &Policy,
) -> RuleResult<Vec<AuditEntry>> {
    let size = u8::try_from(members.len())
        .ok()
        .filter(|size| (2..=crate::siblings::SIBLINGS_MAX as u8).contains(size))
        .ok_or(RuleError::InvalidInput { detail: "sibling set size".to_owned() })?;
    members
        .iter()
        .enumerate()
        .map(|(member, application)| {
            Ok(AuditEntry {
                kind: EntryKind::MarkSiblings,
                at,
                subject: Some(subject(application, Some(application.state.name()), policy)?),
                counters_before: counters,
                counters_after: counters,
                group_id: None,
                reason: Reason::Siblings { member: member as u8, size },
            })
        })
        .collect()
}

/// The kind of entry a command makes.
pub fn command_kind(command: &Command) -> EntryKind {
    match command {
        Command::Offer => EntryKind::Offer,
        Command::ExpireOffer => EntryKind::ExpireOffer,
        Command::Sign { .. } => EntryKind::Sign,
        Command::Extend { .. } => EntryKind::Extend,
        Command::Cancel => EntryKind::Cancel,
        Command::Enrol => EntryKind::Enrol,
        Command::Lapse => EntryKind::Lapse,
        Command::EndStopList => EntryKind::EndStopList,
        Command::Withdraw => EntryKind::Withdraw,
        Command::AgeOut => EntryKind::AgeOut,
    }
}

/// The group a move takes a place of or gives one back to.
pub fn move_group(moves: &[PlaceMove]) -> Option<GroupId> {
    moves.iter().find_map(|place_move| place_move.delta().group.map(|(group_id, _)| group_id))
}

/// Why a transition happened, as far as the transition itself says (an offer's queue
/// position comes from the walk of the queue: [`offer_reason`]).
pub fn transition_reason(command: &Command, state: &ApplicationState) -> Reason {
    match (command, state) {
        (Command::Sign { .. }, ApplicationState::Referred { referral }) => {
            Reason::Referral { source: referral.source }
        }
        (Command::Extend { days }, _) => Reason::Extension { days: *days },
        (_, ApplicationState::Removed { reason, .. }) => Reason::Removal { reason: *reason },
        _ => Reason::None,
    }
}

/// The entry of an allowed transition of `before`: `offer` is the reason of an offer
/// ([`offer_reason`]), required for [`Command::Offer`].
pub fn transition_entry(
    before: &Application,
    command: &Command,
    transition: &Transition,
    counters_before: PlaceCounters,
    policy: &Policy,
    offer: Option<Reason>,
) -> RuleResult<AuditEntry> {
    let places = &transition.effects.places;
    let counters_after = counters_after(counters_before, places)
        .ok_or(RuleError::CounterUnderflow { counter: "pool" })?;
    let reason = match (command, offer) {
        (Command::Offer, Some(reason @ (Reason::Offer { .. } | Reason::Together { .. }))) => reason,
        (Command::Offer, _) => {
            return Err(RuleError::InvalidInput { detail: "an offer needs its reason".into() })
        }
        _ => transition_reason(command, &transition.application.state),
    };
    let entry = AuditEntry {
        kind: command_kind(command),
        at: transition.effects.audit.at,
        subject: Some(subject(&transition.application, Some(before.state.name()), policy)?),
        counters_before,
        counters_after,
        group_id: move_group(places),
        reason,
    };
    entry.encode().map_err(entry_error)?;
    Ok(entry)
}

/// The entry of staff's place move ([`PlaceMove::Publish`] or [`PlaceMove::Withdraw`]).
pub fn places_entry(
    place_move: &PlaceMove,
    counters_before: PlaceCounters,
    at: Instant,
) -> RuleResult<AuditEntry> {
    let (kind, group_id, count) = match place_move {
        PlaceMove::Publish { group_id, count } => (EntryKind::PublishPlaces, group_id, count),
        PlaceMove::Withdraw { group_id, count } => (EntryKind::WithdrawPlaces, group_id, count),
        _ => return Err(RuleError::InvalidInput { detail: "not a staff place move".into() }),
    };
    let counters_after = counters_after(counters_before, std::slice::from_ref(place_move))
        .ok_or(RuleError::CounterUnderflow { counter: "unreserved" })?;
    Ok(AuditEntry {
        kind,
        at,
        subject: None,
        counters_before,
        counters_after,
        group_id: Some(group_id.clone()),
        reason: Reason::Places { count: *count },
    })
}

/// Where an application stands in the ratio's cycle: its rank within its class modulo the
/// class's share of a turn (0 for out-of-turn children, who come first).
pub fn ratio_step(priority: Priority, class_rank: u64, ratio: PriorityRatio) -> u8 {
    let per_turn = match priority {
        Priority::OutOfTurn => return 0,
        Priority::FirstPriority => ratio.first_priority.max(1),
        Priority::General => ratio.general.max(1),
    };
    (class_rank % u64::from(per_turn)) as u8
}

/// The reason of an offer to `queue[index]`: its position among the waiting applications
/// of the pool (the same order the turn engine walks), its rank in its class and its step
/// of the ratio.
pub fn offer_reason(
    queue: &[QueueEntry],
    index: usize,
    ratio: PriorityRatio,
) -> RuleResult<Reason> {
    offer_reasons(queue, &[index], ratio)?.pop().ok_or(RuleError::ApplicationNotInQueue)
}

/// [`offer_reason`] for every index a turn-engine run selected, with one queue order: an
/// offer leaves the application waiting, so the positions do not move during the run.
pub fn offer_reasons(
    queue: &[QueueEntry],
    indices: &[usize],
    ratio: PriorityRatio,
) -> RuleResult<Vec<Reason>> {
    let order = QueueOrder::new(queue, ratio)?;
    let mut classes: [Vec<&QueueEntry>; 3] = Default::default();
    let class_of = |priority: Priority| priority as usize;
    for entry in queue {
        classes[class_of(entry.priority)].push(entry);
    }
    for class in &mut classes {
        class.sort_unstable_by(|a, b| by_registration(a, b));
    }
    indices
        .iter()
        .map(|&index| {
            let entry = queue.get(index).ok_or(RuleError::ApplicationNotInQueue)?;
            let class = &classes[class_of(entry.priority)];
            let class_rank = class
                .partition_point(|other| by_registration(other, entry) == Ordering::Less)
                as u64;
            let position = order.position_of(queue, index);
            let too_large = || RuleError::QueueTooLarge { length: queue.len() };
            Ok(Reason::Offer {
                position: u32::try_from(position).map_err(|_| too_large())?,
                class_rank: u32::try_from(class_rank).map_err(|_| too_large())?,
                ratio_step: ratio_step(entry.priority, class_rank, ratio),
            })
        })
        .collect()
}

/// The reason of the offer the stepping [`crate::turn_engine::TurnEngine`] just made, from
/// its walk: `walked` is [`crate::turn_engine::TurnEngine::walked`] right after it returned
/// [`crate::turn_engine::TurnStep::Offer`] for an application of `priority` (the engine walks
/// the queue in order, so the entries walked before it are the applications ahead of it).
pub fn walked_offer_reason(
    walked: ClassCounts,
    priority: Priority,
    ratio: PriorityRatio,
) -> RuleResult<Reason> {
    let in_class = match priority {
        Priority::OutOfTurn => walked.out_of_turn,
        Priority::FirstPriority => walked.first_priority,
        Priority::General => walked.general,
    };
    let walked_total = walked.total();
    let (Some(class_rank), Some(position)) = (in_class.checked_sub(1), walked_total.checked_sub(1))
    else {
        return Err(RuleError::ApplicationNotInQueue);
    };
    let too_large = || RuleError::QueueTooLarge { length: walked_total as usize };
    Ok(Reason::Offer {
        position: u32::try_from(position).map_err(|_| too_large())?,
        class_rank: u32::try_from(class_rank).map_err(|_| too_large())?,
        ratio_step: ratio_step(priority, class_rank, ratio),
    })
}

/// The reason of each offer of a together offer the stepping engine just made
/// ([`crate::turn_engine::TurnStep::OfferTogether`] of `size` members): where the set's turn
/// came, the entries walked before its first admitted member.
pub fn walked_together_reason(walked: ClassCounts, size: usize) -> RuleResult<Reason> {
    let position = walked.total().checked_sub(1).ok_or(RuleError::ApplicationNotInQueue)?;
    let too_large = || RuleError::QueueTooLarge { length: walked.total() as usize };
    Ok(Reason::Together {
        position: u32::try_from(position).map_err(|_| too_large())?,
        size: u8::try_from(size)
            .ok()
            .filter(|size| (1..=crate::siblings::SIBLINGS_MAX as u8).contains(size))
            .ok_or(RuleError::InvalidInput { detail: "together offer size".to_owned() })?,
    })
}

/// Which source a referral's place came from, for readers of the entry.
pub fn referral_source(reason: &Reason) -> Option<PlaceSource> {
    match reason {
        Reason::Referral { source } => Some(*source),
        _ => None,
    }
}

/// Whether an entry's reason is a removal for `reason`.
pub fn is_removal(entry: &AuditEntry, reason: RemovalReason) -> bool {
    entry.reason == Reason::Removal { reason }
}

/// The entry of a change of a transfer request (issue 15) of `application` (enrolled before
/// and after): `kind` is one of the `Transfer*` kinds, `moves` the change's place moves; a
/// signed transfer names the new group and its referral's source.
pub fn transfer_entry(
    application: &Application,
    kind: EntryKind,
    moves: &[PlaceMove],
    counters_before: PlaceCounters,
    at: Instant,
    policy: &Policy,
) -> RuleResult<AuditEntry> {
    let counters_after = counters_after(counters_before, moves)
        .ok_or(RuleError::CounterUnderflow { counter: "pool" })?;
    let (group_id, reason) = match kind {
        EntryKind::TransferSign => {
            (move_group(moves), Reason::Referral { source: PlaceSource::Offer })
        }
        EntryKind::TransferRequest
        | EntryKind::TransferOffer
        | EntryKind::TransferWithdraw
        | EntryKind::TransferExpire => (None, Reason::None),
        _ => return Err(RuleError::InvalidInput { detail: "not a transfer entry".into() }),
    };
    let entry = AuditEntry {
        kind,
        at,
        subject: Some(subject(application, Some(StateName::Enrolled), policy)?),
        counters_before,
        counters_after,
        group_id,
        reason,
    };
    entry.encode().map_err(entry_error)?;
    Ok(entry)
}
