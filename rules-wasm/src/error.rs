//! Every refusal of the rules, one variant each, with a stable snake_case code.
//!
//! Codes are part of the public contract (HTTP API, WebAssembly `Error.code`): never rename one.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use std::fmt;

use crate::text::Text;

/// A command or an input the rules refuse. Exhaustive: callers match on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    /// An input of the wrong shape (missing field, wrong type) reached the rules.
    InvalidInput {
        detail: String,
    },
    // Identity numbers.
    IinLength {
        length: usize,
    },
    IinNotDigits,
    IinCenturyDigit {
        digit: u8,
    },
    IinBirthDate,
    IinCheckDigit,
    BinLength {
        length: usize,
    },
    BinNotDigits,
    BinCheckDigit,
    // Calendar and time.
    CalendarYearMissing {
        year: i32,
    },
    CalendarDataInvalid {
        year: i32,
        detail: &'static str,
    },
    DateOutOfRange,
    // Policy.
    PolicyInvalid {
        field: &'static str,
    },
    PolicyMissing,
    // Regions.
    RegionNotServed {
        region_id: String,
    },
    // Application state machine.
    CommandNotAllowed {
        command: &'static str,
        state: &'static str,
    },
    VersionConflict {
        expected: u64,
        actual: u64,
    },
    ChildTooYoung,
    ChildTooOld,
    /// The child has reached the policy's enqueue age limit (school age) on `reached_on`.
    ChildTooOldToEnqueue {
        limit_years: u8,
        reached_on: NaiveDate,
    },
    ChildNotBorn,
    AgeOutNotDue,
    TurnNotCome,
    NoFreePlaces,
    GroupNotInPool,
    GroupFull,
    StopListed,
    BlackoutPeriod,
    OfferExpired,
    OfferNotExpired,
    ReferralExpired,
    ReferralNotExpired,
    StopListNotEnded,
    CancelWindowClosed,
    ExtensionAlreadyUsed,
    ExtensionDaysOutOfRange {
        days: u16,
    },
    // Places.
    PlaceCountOutOfRange {
        count: u32,
    },
    NotEnoughUnreservedPlaces,
    CounterUnderflow {
        counter: &'static str,
    },
    // Queue.
    ApplicationNotInQueue,
    QueueTooLarge {
        length: usize,
    },
}

impl RuleError {
    /// The stable code of this refusal.
    pub fn code(&self) -> &'static str {
        use RuleError::*;
        match self {
            InvalidInput { .. } => "invalid_input",
            IinLength { .. } => "iin_length",
            IinNotDigits => "iin_not_digits",
            IinCenturyDigit { .. } => "iin_century_digit",
            IinBirthDate => "iin_birth_date",
            IinCheckDigit => "iin_check_digit",
            BinLength { .. } => "bin_length",
            BinNotDigits => "bin_not_digits",
            BinCheckDigit => "bin_check_digit",
            CalendarYearMissing { .. } => "calendar_year_missing",
            CalendarDataInvalid { .. } => "calendar_data_invalid",
            DateOutOfRange => "date_out_of_range",
            PolicyInvalid { .. } => "policy_invalid",
            PolicyMissing => "policy_missing",
            RegionNotServed { .. } => "region_not_served",
            CommandNotAllowed { .. } => "command_not_allowed",
            VersionConflict { .. } => "version_conflict",
            ChildTooYoung => "child_too_young",
            ChildTooOld => "child_too_old",
            ChildTooOldToEnqueue { .. } => "child_too_old_to_enqueue",
            ChildNotBorn => "child_not_born",
            AgeOutNotDue => "age_out_not_due",
            TurnNotCome => "turn_not_come",
            NoFreePlaces => "no_free_places",
            GroupNotInPool => "group_not_in_pool",
            GroupFull => "group_full",
            StopListed => "stop_listed",
            BlackoutPeriod => "blackout_period",
            OfferExpired => "offer_expired",
            OfferNotExpired => "offer_not_expired",
            ReferralExpired => "referral_expired",
            ReferralNotExpired => "referral_not_expired",
            StopListNotEnded => "stop_list_not_ended",
            CancelWindowClosed => "cancel_window_closed",
            ExtensionAlreadyUsed => "extension_already_used",
            ExtensionDaysOutOfRange { .. } => "extension_days_out_of_range",
            PlaceCountOutOfRange { .. } => "place_count_out_of_range",
            NotEnoughUnreservedPlaces => "not_enough_unreserved_places",
            CounterUnderflow { .. } => "counter_underflow",
            ApplicationNotInQueue => "application_not_in_queue",
            QueueTooLarge { .. } => "queue_too_large",
        }
    }
}

impl RuleError {
    /// The message of this refusal (its `Display` text), written without `core::fmt`: the
    /// browser's WebAssembly module sends messages and links no formatting machinery.
    pub fn message(&self) -> String {
        use RuleError::*;
        let m = Text::default();
        match self {
            InvalidInput { detail } => m.s("invalid input: ").s(detail),
            IinLength { length } => m.s("an IIN has 12 digits, this one has ").n(*length).s(" characters"),
            IinNotDigits => m.s("an IIN consists of digits only"),
            IinCenturyDigit { digit } => m.s("the 7th IIN digit must be 1-6, not ").n(*digit),
            IinBirthDate => m.s("the IIN's first six digits are not a real date"),
            IinCheckDigit => m.s("the IIN's check digit does not match"),
            BinLength { length } => m.s("a BIN has 12 digits, this one has ").n(*length).s(" characters"),
            BinNotDigits => m.s("a BIN consists of digits only"),
            BinCheckDigit => m.s("the BIN's check digit does not match"),
            CalendarYearMissing { year } => m.s("the working-day calendar has no data for ").n(*year).s("; an operator must load it"),
            CalendarDataInvalid { year, detail } => m.s("calendar data for ").n(*year).s(" is invalid: ").s(detail),
            DateOutOfRange => m.s("the date is out of the supported range"),
            PolicyInvalid { field } => m.s("policy field `").s(field).s("` is out of its allowed range"),
            PolicyMissing => m.s("no policy is in force on that date"),
            RegionNotServed { region_id } => m.s("region ").s(region_id).s(" is served by its own system and does not accept applications here"),
            CommandNotAllowed { command, state } => m.s("`").s(command).s("` is not allowed while the application is ").s(state),
            VersionConflict { expected, actual } => m.s("the application changed meanwhile (expected version ").n(*expected).s(", found ").n(*actual).s(")"),
            ChildTooYoung => m.s("the child is younger than the minimum age"),
            ChildTooOld => m.s("the child is older than the age served by the queue"),
            ChildTooOldToEnqueue { limit_years, reached_on } => m.s("the child reached ").n(*limit_years).s(" full years, the age at which school starts and the queue stops taking children, on ").d(*reached_on),
            ChildNotBorn => m.s("the child's birth date is after today"),
            AgeOutNotDue => m.s("the child has not reached the age at which the queue removes children"),
            TurnNotCome => m.s("the turn has not come and there are no free-choice places"),
            NoFreePlaces => m.s("no group of the pool has a free place"),
            GroupNotInPool => m.s("the group does not belong to the application's pool"),
            GroupFull => m.s("the chosen group has no free place"),
            StopListed => m.s("the application is on the stop-list"),
            BlackoutPeriod => m.s("no referrals are issued in this period"),
            OfferExpired => m.s("the offer window has passed"),
            OfferNotExpired => m.s("the offer window has not passed yet"),
            ReferralExpired => m.s("the referral is no longer valid"),
            ReferralNotExpired => m.s("the referral is still valid"),
            StopListNotEnded => m.s("the stop-list period has not ended yet"),
            CancelWindowClosed => m.s("a referral can be cancelled only within its cancel window after issue"),
            ExtensionAlreadyUsed => m.s("the referral has already been extended once"),
            ExtensionDaysOutOfRange { days } => m.s("an extension is 1 to the policy's maximum of calendar days, not ").n(*days),
            PlaceCountOutOfRange { count } => m.s("a place count must be 1..=10000, not ").n(*count),
            NotEnoughUnreservedPlaces => m.s("only unreserved free places of the group can be withdrawn"),
            CounterUnderflow { counter } => m.s("place counter `").s(counter).s("` would become negative"),
            ApplicationNotInQueue => m.s("the application is not waiting in this queue"),
            QueueTooLarge { length } => m.s("a queue of ").n(*length).s(" applications exceeds the limit"),
        }
        .into_string()
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RuleError {}

/// Serialized as `{ "code": ..., "message": ... }`, the shape of every error of the service.
impl Serialize for RuleError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("RuleError", 2)?;
        state.serialize_field("code", self.code())?;
        state.serialize_field("message", &self.to_string())?;
        state.end()
    }
}

pub type RuleResult<T> = Result<T, RuleError>;
