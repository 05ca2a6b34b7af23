//! The functions JavaScript and the server call: one input struct in, one output struct (or a
//! [`RuleError`]) out. With the feature `json` (default) the structs are JSON-shaped (serde);
//! the WebAssembly module calls the same functions through [`super::compact`] instead, so the
//! browser build links no serde. The native parity runner (`examples/api_json.rs`) and the
//! server use the JSON shapes.

use std::borrow::Cow;

use chrono::{Datelike, NaiveDate};
#[cfg(feature = "json")]
use serde::{Deserialize, Serialize};

use crate::age::{date_turning, full_years};
use crate::application::{
    ApplicationId, ApplicationState, PlaceSource, Referral, RemovalReason, RuleContext, StateName,
};
use crate::calendar::{CalendarYear, WorkingCalendar};
use crate::deadline::{explain_deadline as explain, DeadlineExplanation};
use crate::eligibility::{evaluate_choice, ChoiceSituation, Eligibility};
use crate::error::{RuleError, RuleResult};
use crate::iin::Iin;
use crate::places::GroupId;
use crate::policy::{Policy, PriorityRatio, Span};
use crate::queue::{queue_position as position_in_queue, QueueEntry, QueuePosition};
use crate::text::Text;
use crate::time::{Instant, RegionClock};

/// Most calendar years a caller may add to one call.
const EXTRA_CALENDAR_YEARS_MAX: usize = 8;

/// The names of the exported functions, as JavaScript sees them.
pub const FUNCTIONS: [&str; 8] = [
    "checkIin",
    "previewEligibility",
    "explainDeadline",
    "applicationDeadlines",
    "stateFromEvent",
    "queuePosition",
    "defaultPolicy",
    "calendarYears",
];

fn calendar_with(
    extra_years: &Option<Vec<CalendarYear>>,
) -> RuleResult<Cow<'static, WorkingCalendar>> {
    match extra_years {
        None => Ok(Cow::Borrowed(WorkingCalendar::kazakhstan())),
        Some(years) if years.len() > EXTRA_CALENDAR_YEARS_MAX => Err(RuleError::InvalidInput {
            detail: Text::default()
                .s("at most ")
                .n(EXTRA_CALENDAR_YEARS_MAX)
                .s(" calendar years per call")
                .into_string(),
        }),
        Some(years) => {
            let (calendar, refused) = crate::context::calendar_with_years(years.iter().cloned());
            match refused.into_iter().next() {
                Some((_, error)) => Err(error),
                None => Ok(Cow::Owned(calendar)),
            }
        }
    }
}

fn checked_policy(policy: Option<Policy>) -> RuleResult<Policy> {
    let policy = policy.unwrap_or_default();
    policy.validate()?;
    Ok(policy)
}

fn checked_clock(clock: Option<RegionClock>) -> RuleResult<RegionClock> {
    let clock = clock.unwrap_or_default();
    clock.validate()?;
    Ok(clock)
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct CheckIinInput {
    pub iin: String,
}

/// Validates an IIN and tells what it encodes.
pub fn check_iin(input: CheckIinInput) -> RuleResult<Iin> {
    Iin::parse(&input.iin)
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct PreviewInput {
    /// The child's IIN, or else `birth_date`.
    #[cfg_attr(feature = "json", serde(default))]
    pub child_iin: Option<String>,
    #[cfg_attr(feature = "json", serde(default))]
    pub birth_date: Option<NaiveDate>,
    /// The application's state; a child not yet in the queue previews as `queued`.
    #[cfg_attr(feature = "json", serde(default = "queued"))]
    pub state: ApplicationState,
    #[cfg_attr(feature = "json", serde(default))]
    pub free_choice_places: u32,
    #[cfg_attr(feature = "json", serde(default))]
    pub groups_with_free_places: u32,
    #[cfg_attr(feature = "json", serde(default))]
    pub policy: Option<Policy>,
    #[cfg_attr(feature = "json", serde(default))]
    pub clock: Option<RegionClock>,
    pub now: Instant,
}

#[cfg(feature = "json")]
fn queued() -> ApplicationState {
    ApplicationState::Queued
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase"))]
pub struct PreviewOutput {
    pub birth_date: NaiveDate,
    /// The pool's group year: the child's birth year.
    pub group_year: i32,
    pub today: NaiveDate,
    pub age_years: u32,
    /// The date the child is `min_age` full years old.
    pub turns_min_age_on: Option<NaiveDate>,
    pub eligibility: Eligibility,
}

/// R4 as the browser previews it: the decision, every blocking reason and its end date.
pub fn preview_eligibility(input: PreviewInput) -> RuleResult<PreviewOutput> {
    let birth_date = match (&input.child_iin, input.birth_date) {
        (Some(iin), _) => Iin::parse(iin)?.birth_date,
        (None, Some(birth_date)) => birth_date,
        (None, None) => {
            return Err(RuleError::InvalidInput { detail: "give childIin or birthDate".to_owned() })
        }
    };
    let policy = checked_policy(input.policy)?;
    let clock = checked_clock(input.clock)?;
    let today = clock.local_date(input.now);
    if birth_date > today {
        return Err(RuleError::ChildNotBorn);
    }
    let situation = ChoiceSituation {
        birth_date,
        state: &input.state,
        free_choice_places: input.free_choice_places,
        groups_with_free_places: input.groups_with_free_places,
    };
    Ok(PreviewOutput {
        birth_date,
        group_year: birth_date.year(),
        today,
        age_years: full_years(birth_date, today),
        turns_min_age_on: date_turning(birth_date, u32::from(policy.min_age_years)),
        eligibility: evaluate_choice(situation, &policy, &clock, input.now),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct DeadlineInput {
    pub span: Span,
    pub event_at: Instant,
    #[cfg_attr(feature = "json", serde(default))]
    pub clock: Option<RegionClock>,
    #[cfg_attr(feature = "json", serde(default))]
    pub calendar_years: Option<Vec<CalendarYear>>,
}

/// One deadline with the days it counted and skipped.
pub fn explain_deadline(input: DeadlineInput) -> RuleResult<DeadlineExplanation> {
    let clock = checked_clock(input.clock)?;
    let calendar = calendar_with(&input.calendar_years)?;
    explain(input.span, input.event_at, &calendar, &clock)
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct ApplicationDeadlinesInput {
    pub state: ApplicationState,
    #[cfg_attr(feature = "json", serde(default))]
    pub policy: Option<Policy>,
    #[cfg_attr(feature = "json", serde(default))]
    pub clock: Option<RegionClock>,
    #[cfg_attr(feature = "json", serde(default))]
    pub calendar_years: Option<Vec<CalendarYear>>,
}

/// The deadlines of an application's current state (the rules' own type).
pub use crate::application::ApplicationDeadlines;

/// The deadlines of an application in the given state.
pub fn application_deadlines(input: ApplicationDeadlinesInput) -> RuleResult<ApplicationDeadlines> {
    let policy = checked_policy(input.policy)?;
    let clock = checked_clock(input.clock)?;
    let calendar = calendar_with(&input.calendar_years)?;
    let policy_of = |_: Instant| &policy;
    ApplicationDeadlines::of(&input.state, &policy_of, &policy, &calendar, &clock)
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct StateFromEventInput {
    /// The state the application entered at `event_at`.
    pub state: StateName,
    pub event_at: Instant,
    #[cfg_attr(feature = "json", serde(default))]
    pub group_id: Option<GroupId>,
    #[cfg_attr(feature = "json", serde(default))]
    pub policy: Option<Policy>,
    #[cfg_attr(feature = "json", serde(default))]
    pub clock: Option<RegionClock>,
    #[cfg_attr(feature = "json", serde(default))]
    pub calendar_years: Option<Vec<CalendarYear>>,
}

/// The state an application is in when it entered `state` at `event_at`, with the deadlines
/// the transitions themselves would set (the same constructors build both).
pub fn state_from_event(input: StateFromEventInput) -> RuleResult<ApplicationState> {
    let policy = checked_policy(input.policy)?;
    let clock = checked_clock(input.clock)?;
    let calendar = calendar_with(&input.calendar_years)?;
    let context =
        RuleContext { policy: &policy, calendar: &calendar, clock: &clock, now: input.event_at };
    let referral = || {
        Referral::issue(
            input.group_id.clone().unwrap_or_else(|| GroupId("preview".to_owned())),
            PlaceSource::Offer,
            &context,
        )
    };
    match input.state {
        StateName::Queued => Ok(ApplicationState::Queued),
        StateName::Offered => ApplicationState::offered_now(&context),
        StateName::Referred => Ok(ApplicationState::Referred { referral: referral()? }),
        StateName::StopListed => ApplicationState::stop_listed_from(input.event_at, &context),
        StateName::Enrolled => {
            Ok(ApplicationState::Enrolled { referral: referral()?, enrolled_at: input.event_at })
        }
        StateName::Removed => Ok(ApplicationState::Removed {
            reason: RemovalReason::Withdrawn,
            removed_at: input.event_at,
        }),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize, Deserialize))]
#[cfg_attr(feature = "json", serde(rename_all = "camelCase", deny_unknown_fields))]
pub struct QueuePositionInput {
    pub entries: Vec<QueueEntry>,
    pub application_id: ApplicationId,
    #[cfg_attr(feature = "json", serde(default))]
    pub priority_ratio: Option<PriorityRatio>,
}

/// The position of one application among the waiting applications of its pool.
pub fn queue_position(input: QueuePositionInput) -> RuleResult<QueuePosition> {
    let ratio = input.priority_ratio.unwrap_or(Policy::default().priority_ratio);
    if ratio.first_priority == 0 || ratio.general == 0 {
        return Err(RuleError::PolicyInvalid { field: "priorityRatio" });
    }
    position_in_queue(&input.entries, &input.application_id, ratio)
}

/// The seed's policy.
pub fn default_policy() -> Policy {
    Policy::default()
}

/// The years the built-in calendar covers.
pub fn calendar_years() -> Vec<i32> {
    WorkingCalendar::kazakhstan().years()
}
