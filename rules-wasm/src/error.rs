//! Every refusal of the rules, one variant each, with a stable snake_case code.
//!
//! Codes are part of the public contract (HTTP API, WebAssembly `Error.code`): never rename one.

use chrono::NaiveDate;
use serde::{Serialize, Serializer};
use std::fmt;

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

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use RuleError::*;
        match self {
            InvalidInput { detail } => write!(f, "invalid input: {detail}"),
            IinLength { length } => write!(f, "an IIN has 12 digits, this one has {length} characters"),
            IinNotDigits => write!(f, "an IIN consists of digits only"),
            IinCenturyDigit { digit } => write!(f, "the 7th IIN digit must be 1-6, not {digit}"),
            IinBirthDate => write!(f, "the IIN's first six digits are not a real date"),
            IinCheckDigit => write!(f, "the IIN's check digit does not match"),
            BinLength { length } => write!(f, "a BIN has 12 digits, this one has {length} characters"),
            BinNotDigits => write!(f, "a BIN consists of digits only"),
            BinCheckDigit => write!(f, "the BIN's check digit does not match"),
            CalendarYearMissing { year } => write!(f, "the working-day calendar has no data for {year}; an operator must load it"),
            CalendarDataInvalid { year, detail } => write!(f, "calendar data for {year} is invalid: {detail}"),
            DateOutOfRange => write!(f, "the date is out of the supported range"),
            PolicyInvalid { field } => write!(f, "policy field `{field}` is out of its allowed range"),
            PolicyMissing => write!(f, "no policy is in force on that date"),
            RegionNotServed { region_id } => write!(f, "region {region_id} is served by its own system and does not accept applications here"),
            CommandNotAllowed { command, state } => write!(f, "`{command}` is not allowed while the application is {state}"),
            VersionConflict { expected, actual } => write!(f, "the application changed meanwhile (expected version {expected}, found {actual})"),
            ChildTooYoung => write!(f, "the child is younger than the minimum age"),
            ChildTooOld => write!(f, "the child is older than the age served by the queue"),
            ChildTooOldToEnqueue { limit_years, reached_on } => write!(f, "the child reached {limit_years} full years, the age at which school starts and the queue stops taking children, on {reached_on}"),
            ChildNotBorn => write!(f, "the child's birth date is after today"),
            AgeOutNotDue => write!(f, "the child has not reached the age at which the queue removes children"),
            TurnNotCome => write!(f, "the turn has not come and there are no free-choice places"),
            NoFreePlaces => write!(f, "no group of the pool has a free place"),
            GroupNotInPool => write!(f, "the group does not belong to the application's pool"),
            GroupFull => write!(f, "the chosen group has no free place"),
            StopListed => write!(f, "the application is on the stop-list"),
            BlackoutPeriod => write!(f, "no referrals are issued in this period"),
            OfferExpired => write!(f, "the offer window has passed"),
            OfferNotExpired => write!(f, "the offer window has not passed yet"),
            ReferralExpired => write!(f, "the referral is no longer valid"),
            ReferralNotExpired => write!(f, "the referral is still valid"),
            StopListNotEnded => write!(f, "the stop-list period has not ended yet"),
            CancelWindowClosed => write!(f, "a referral can be cancelled only within its cancel window after issue"),
            ExtensionAlreadyUsed => write!(f, "the referral has already been extended once"),
            ExtensionDaysOutOfRange { days } => write!(f, "an extension is 1 to the policy's maximum of calendar days, not {days}"),
            PlaceCountOutOfRange { count } => write!(f, "a place count must be 1..=10000, not {count}"),
            NotEnoughUnreservedPlaces => write!(f, "only unreserved free places of the group can be withdrawn"),
            CounterUnderflow { counter } => write!(f, "place counter `{counter}` would become negative"),
            ApplicationNotInQueue => write!(f, "the application is not waiting in this queue"),
            QueueTooLarge { length } => write!(f, "a queue of {length} applications exceeds the limit"),
        }
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
