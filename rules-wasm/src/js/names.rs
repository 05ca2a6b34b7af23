//! The names of the rules' enums as JSON spells them, indexed as the compact format sends
//! them. The module hands these tables to the JavaScript wrapper once (function 0), so every
//! name is spelled in exactly one place, here; a test checks each against serde's spelling.

use crate::application::{PlaceSource, Priority, RemovalReason, StateName};
use crate::calendar::DayKind;
use crate::eligibility::BlockingReason;
use crate::iin::Sex;
use crate::policy::Span;
use crate::queue::Waiting;

pub const SPAN_UNITS: [&str; 3] = ["working_days", "calendar_days", "hours"];
pub const STATES: [&str; 6] =
    ["queued", "offered", "referred", "stop_listed", "enrolled", "removed"];
pub const PRIORITIES: [&str; 3] = ["out_of_turn", "first_priority", "general"];
pub const WAITING: [&str; 3] = ["queued", "offered", "stop_listed"];
pub const PLACE_SOURCES: [&str; 2] = ["offer", "free_choice"];
pub const REMOVAL_REASONS: [&str; 3] = ["lapses", "withdrawn", "aged_out"];
pub const BLOCKING_REASONS: [&str; 8] = [
    "application_final",
    "already_referred",
    "stop_listed",
    "child_too_young",
    "blackout_period",
    "offer_expired",
    "turn_not_come",
    "no_free_places",
];
pub const DAY_KINDS: [&str; 6] =
    ["working", "working_by_decree", "weekend", "holiday", "moved_day_off", "swapped_day_off"];
pub const SEXES: [&str; 2] = ["male", "female"];

/// Every table, in the order function 0 writes them.
pub const TABLES: [&[&str]; 10] = [
    &super::api::FUNCTIONS,
    &SPAN_UNITS,
    &STATES,
    &PRIORITIES,
    &WAITING,
    &PLACE_SOURCES,
    &REMOVAL_REASONS,
    &BLOCKING_REASONS,
    &DAY_KINDS,
    &SEXES,
];

pub fn span_unit(span: Span) -> u8 {
    match span {
        Span::WorkingDays(_) => 0,
        Span::CalendarDays(_) => 1,
        Span::Hours(_) => 2,
    }
}

pub fn state(name: StateName) -> u8 {
    match name {
        StateName::Queued => 0,
        StateName::Offered => 1,
        StateName::Referred => 2,
        StateName::StopListed => 3,
        StateName::Enrolled => 4,
        StateName::Removed => 5,
    }
}

pub fn state_named(index: u8) -> Option<StateName> {
    [
        StateName::Queued,
        StateName::Offered,
        StateName::Referred,
        StateName::StopListed,
        StateName::Enrolled,
        StateName::Removed,
    ]
    .into_iter()
    .find(|name| state(*name) == index)
}

pub fn priority_named(index: u8) -> Option<Priority> {
    [Priority::OutOfTurn, Priority::FirstPriority, Priority::General]
        .get(usize::from(index))
        .copied()
}

pub fn waiting_named(index: u8) -> Option<Waiting> {
    [Waiting::Queued, Waiting::Offered, Waiting::StopListed].get(usize::from(index)).copied()
}

pub fn place_source(source: PlaceSource) -> u8 {
    match source {
        PlaceSource::Offer => 0,
        PlaceSource::FreeChoice => 1,
    }
}

pub fn place_source_named(index: u8) -> Option<PlaceSource> {
    [PlaceSource::Offer, PlaceSource::FreeChoice].get(usize::from(index)).copied()
}

pub fn removal_reason(reason: RemovalReason) -> u8 {
    match reason {
        RemovalReason::Lapses => 0,
        RemovalReason::Withdrawn => 1,
        RemovalReason::AgedOut => 2,
    }
}

pub fn removal_reason_named(index: u8) -> Option<RemovalReason> {
    [RemovalReason::Lapses, RemovalReason::Withdrawn, RemovalReason::AgedOut]
        .get(usize::from(index))
        .copied()
}

pub fn blocking_reason(reason: &BlockingReason) -> u8 {
    match reason {
        BlockingReason::ApplicationFinal => 0,
        BlockingReason::AlreadyReferred => 1,
        BlockingReason::StopListed { .. } => 2,
        BlockingReason::ChildTooYoung { .. } => 3,
        BlockingReason::BlackoutPeriod { .. } => 4,
        BlockingReason::OfferExpired => 5,
        BlockingReason::TurnNotCome => 6,
        BlockingReason::NoFreePlaces => 7,
    }
}

pub fn day_kind(day: &DayKind) -> u8 {
    match day {
        DayKind::Working => 0,
        DayKind::WorkingByDecree { .. } => 1,
        DayKind::Weekend => 2,
        DayKind::Holiday { .. } => 3,
        DayKind::MovedDayOff { .. } => 4,
        DayKind::SwappedDayOff { .. } => 5,
    }
}

pub fn sex(sex: Sex) -> u8 {
    match sex {
        Sex::Male => 0,
        Sex::Female => 1,
    }
}

#[cfg(all(test, feature = "json"))]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde::Serialize;
    use serde_json::Value;

    /// The name serde gives a value: the string itself, or the tag of an object.
    fn serde_name(value: impl Serialize, tag: &str) -> String {
        match serde_json::to_value(value).expect("serializes") {
            Value::String(name) => name,
            Value::Object(fields) => fields[tag].as_str().expect("tag").to_owned(),
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn every_name_is_serde_spelling_at_its_index() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        for span in [Span::WorkingDays(1), Span::CalendarDays(1), Span::Hours(1)] {
            assert_eq!(SPAN_UNITS[usize::from(span_unit(span))], serde_name(span, "unit"));
        }
        for index in 0..6 {
            let name = state_named(index).expect("state");
            assert_eq!(STATES[usize::from(state(name))], serde_name(name, ""));
        }
        assert_eq!(state_named(6), None);
        for index in 0..3 {
            let priority = priority_named(index).expect("priority");
            assert_eq!(PRIORITIES[usize::from(index)], serde_name(priority, ""));
            let waiting = waiting_named(index).expect("waiting");
            assert_eq!(WAITING[usize::from(index)], serde_name(waiting, ""));
            let reason = removal_reason_named(index).expect("reason");
            assert_eq!(
                REMOVAL_REASONS[usize::from(removal_reason(reason))],
                serde_name(reason, "")
            );
        }
        for index in 0..2 {
            let source = place_source_named(index).expect("source");
            assert_eq!(PLACE_SOURCES[usize::from(place_source(source))], serde_name(source, ""));
        }
        let reasons = [
            BlockingReason::ApplicationFinal,
            BlockingReason::AlreadyReferred,
            BlockingReason::StopListed { allowed_from: date },
            BlockingReason::ChildTooYoung { allowed_from: date },
            BlockingReason::BlackoutPeriod { allowed_from: date },
            BlockingReason::OfferExpired,
            BlockingReason::TurnNotCome,
            BlockingReason::NoFreePlaces,
        ];
        for reason in &reasons {
            assert_eq!(
                BLOCKING_REASONS[usize::from(blocking_reason(reason))],
                serde_name(reason, "code")
            );
        }
        let holiday = || "nauryz".to_owned();
        let days = [
            DayKind::Working,
            DayKind::WorkingByDecree { instead_of: date },
            DayKind::Weekend,
            DayKind::Holiday { holiday: holiday() },
            DayKind::MovedDayOff { holiday: holiday(), holiday_date: date },
            DayKind::SwappedDayOff { worked_on: date },
        ];
        for day in &days {
            assert_eq!(DAY_KINDS[usize::from(day_kind(day))], serde_name(day, "kind"));
        }
        for value in [Sex::Male, Sex::Female] {
            assert_eq!(SEXES[usize::from(sex(value))], serde_name(value, ""));
        }
    }
}
