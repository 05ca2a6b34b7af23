//! The one error type of the service. Every failure is a variant; [`Error::code`] gives its
//! stable snake_case code and [`Error::status`] — the only place a status is decided — its
//! HTTP status. Answers are `{code, message}`: a message never carries SDK text, keys or
//! request ids; those stay in [`Error::detail`], which is only logged.
//!
//! Rule refusals (`kezek_rules::RuleError`) and identity refusals
//! (`kezek_identity::IdentityError`) are wrapped whole and keep their own codes and messages:
//! a new variant there flows through, with its status decided in [`Error::status`].

use std::fmt;

use kezek_identity::IdentityError;
use kezek_rules::siblings::SiblingRefusal;
use kezek_rules::RuleError;
use serde::{Serialize, Serializer};

pub use crate::store::Role;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A refusal of the rules crate.
    Rule(RuleError),
    /// A sibling set the rules refuse to mark (issue 15).
    Siblings(SiblingRefusal),
    /// A refusal of the rules of data an operator loads (a policy, a calendar year): the
    /// caller's input, whatever the refusal.
    RuleInput(RuleError),
    /// A refused login or signature (crate `kezek-identity`).
    Identity(IdentityError),
    /// A refusal of a transfer between kindergartens (issue 15); its own stable codes.
    Transfer(kezek_rules::application::TransferRefusal),
    /// The condition of a transaction's item failed; the item's role names the refusal.
    Condition(Role),
    /// Another transaction on the same items was in flight; nothing was written. Retryable.
    TransactionConflict,
    /// DynamoDB throttled the request. Retryable.
    Throttled {
        detail: String,
    },
    /// DynamoDB did not answer in time, or the connection failed. Retryable.
    StoreTimeout {
        detail: String,
    },
    /// Any other failure of DynamoDB (a 5xx, an unexpected answer). Retryable.
    StoreUnavailable {
        detail: String,
    },
    /// Bad input: a body, a path parameter or a value; `field` named when known.
    InvalidInput {
        field: Option<String>,
        message: String,
    },
    IdempotencyKeyMissing,
    EmailInvalid,
    PhoneInvalid,
    LanguageInvalid,
    /// The signature is not base64 (test verifier).
    SignatureMalformed,
    TokenMissing,
    TokenInvalid,
    TokenExpired,
    /// R2: the session has no e-mail address yet.
    EmailRequired,
    /// The caller's role or ownership does not allow this.
    Forbidden(String),
    OrganisationNotRegistered,
    NotFound(&'static str),
    RouteNotFound,
    MethodNotAllowed,
    /// A login challenge: unknown, used, expired (401: log in again).
    ChallengeUnknown,
    ChallengeUsed,
    ChallengeExpired,
    /// A choice's nonce at sign.
    NonceUnknown,
    NonceUsed,
    NonceExpired,
    NonceApplicationMismatch,
    SecondParentLinked,
    IdempotencyKeyReused,
    /// A notice cannot be sent: the applicant has no profile with an e-mail address.
    ContactMissing,
    /// SNS refused or failed a notice (notify only, never an HTTP answer).
    DeliveryFailed {
        detail: String,
    },
    /// A defect or a missing configuration (logged; never a user's fault).
    Internal {
        detail: String,
    },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn not_found(what: &'static str) -> Self {
        Self::NotFound(what)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden(message.into())
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::InvalidInput { field: None, message: message.into() }
    }
    /// Bad input in the field `field` (a JSON body's field, a path parameter).
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput { field: Some(field.to_owned()), message: message.into() }
    }
    pub fn internal(detail: impl Into<String>) -> Self {
        Self::Internal { detail: detail.into() }
    }

    /// Worth trying again as it is: nothing was decided, the store failed for a while.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Error::TransactionConflict
                | Error::Throttled { .. }
                | Error::StoreTimeout { .. }
                | Error::StoreUnavailable { .. }
        )
    }

    /// The stable code of the answer.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Rule(error) | Error::RuleInput(error) => error.code(),
            Error::Siblings(refusal) => refusal.code(),
            Error::Identity(error) => error.code(),
            Error::Transfer(refusal) => refusal.code(),
            Error::Condition(role) => role.code(),
            Error::TransactionConflict => "transaction_conflict",
            Error::Throttled { .. }
            | Error::StoreTimeout { .. }
            | Error::StoreUnavailable { .. } => "store_unavailable",
            Error::InvalidInput { .. } => "invalid_input",
            Error::IdempotencyKeyMissing => "idempotency_key_missing",
            Error::EmailInvalid => "email_invalid",
            Error::PhoneInvalid => "phone_invalid",
            Error::LanguageInvalid => "language_invalid",
            Error::SignatureMalformed => "signature_malformed",
            Error::TokenMissing => "token_missing",
            Error::TokenInvalid => "token_invalid",
            Error::TokenExpired => "token_expired",
            Error::EmailRequired => "email_required",
            Error::Forbidden(_) => "forbidden",
            Error::OrganisationNotRegistered => "organisation_not_registered",
            Error::NotFound(_) => "not_found",
            Error::RouteNotFound => "route_not_found",
            Error::MethodNotAllowed => "method_not_allowed",
            Error::ChallengeUnknown | Error::NonceUnknown => "nonce_unknown",
            Error::ChallengeUsed | Error::NonceUsed => "nonce_used",
            Error::ChallengeExpired | Error::NonceExpired => "nonce_expired",
            Error::NonceApplicationMismatch => "nonce_application_mismatch",
            Error::SecondParentLinked => "second_parent_linked",
            Error::IdempotencyKeyReused => "idempotency_key_reused",
            Error::ContactMissing => "contact_missing",
            Error::DeliveryFailed { .. } => "delivery_failed",
            Error::Internal { .. } => "internal",
        }
    }

    /// The HTTP status of the answer: decided here and nowhere else.
    pub fn status(&self) -> u16 {
        match self {
            Error::Rule(error) => rule_status(error),
            Error::RuleInput(_) => 400,
            Error::Siblings(SiblingRefusal::SiblingNotOwn) => 403,
            Error::Siblings(
                SiblingRefusal::SiblingNotQueued | SiblingRefusal::SiblingAlreadyMarked,
            ) => 409,
            Error::Siblings(_) => 422,
            Error::Identity(
                IdentityError::EncodingInvalid
                | IdentityError::DerInvalid { .. }
                | IdentityError::InputTooLarge,
            ) => 400,
            Error::Identity(_) => 422,
            Error::Transfer(refusal) => refusal.status(),
            Error::InvalidInput { .. }
            | Error::IdempotencyKeyMissing
            | Error::EmailInvalid
            | Error::PhoneInvalid
            | Error::LanguageInvalid
            | Error::SignatureMalformed => 400,
            Error::TokenMissing
            | Error::TokenInvalid
            | Error::TokenExpired
            | Error::ChallengeUnknown
            | Error::ChallengeUsed
            | Error::ChallengeExpired => 401,
            Error::EmailRequired | Error::Forbidden(_) | Error::OrganisationNotRegistered => 403,
            Error::NotFound(_) | Error::RouteNotFound | Error::NonceUnknown => 404,
            Error::MethodNotAllowed => 405,
            Error::Condition(_)
            | Error::TransactionConflict
            | Error::NonceUsed
            | Error::NonceApplicationMismatch
            | Error::SecondParentLinked
            | Error::ContactMissing => 409,
            Error::NonceExpired | Error::IdempotencyKeyReused => 422,
            Error::Internal { .. } => 500,
            Error::DeliveryFailed { .. } => 502,
            Error::Throttled { .. }
            | Error::StoreTimeout { .. }
            | Error::StoreUnavailable { .. } => 503,
        }
    }

    /// What the caller reads: never SDK text, keys or request ids.
    pub fn message(&self) -> String {
        match self {
            Error::Rule(error) | Error::RuleInput(error) => error.to_string(),
            Error::Siblings(refusal) => refusal.message(),
            Error::Identity(error) => error.to_string(),
            Error::Transfer(refusal) => refusal.message(),
            Error::Condition(role) => role.message().to_owned(),
            Error::InvalidInput { message, .. } | Error::Forbidden(message) => message.clone(),
            Error::NotFound(what) => format!("{what} not found"),
            other => other.fixed_message().to_owned(),
        }
    }

    fn fixed_message(&self) -> &'static str {
        match self {
            Error::TransactionConflict => "another change of the same items was in flight; retry",
            Error::Throttled { .. } => "the service is busy; try again in a moment",
            Error::StoreTimeout { .. } | Error::StoreUnavailable { .. } => {
                "the data store is unavailable; try again in a moment"
            }
            Error::IdempotencyKeyMissing => "every POST needs an Idempotency-Key header",
            Error::EmailInvalid => "give a valid e-mail address",
            Error::PhoneInvalid => "give the phone in international form, e.g. +77011234567",
            Error::LanguageInvalid => "language is kk, ru or en",
            Error::SignatureMalformed => "the signature is not base64",
            Error::TokenMissing => "a session token is required (Authorization: Bearer ...)",
            Error::TokenInvalid => "the session token is not valid; log in again",
            Error::TokenExpired => "the session has expired; log in again",
            Error::EmailRequired => "give your e-mail address first (POST /auth/profile)",
            Error::OrganisationNotRegistered => {
                "this organisation is not registered with the service"
            }
            Error::RouteNotFound => "no such route",
            Error::MethodNotAllowed => "this route does not take this method",
            Error::ChallengeUnknown => "no login challenge was issued with this nonce",
            Error::ChallengeUsed => "this challenge was used already; ask for a new one",
            Error::ChallengeExpired => "the challenge expired; ask for a new one",
            Error::NonceUnknown => "no choice was issued with this nonce",
            Error::NonceUsed => "this choice was signed already",
            Error::NonceExpired => "the choice expired; choose again",
            Error::NonceApplicationMismatch => "this choice was issued for another application",
            Error::SecondParentLinked => {
                "another second parent has linked this application already"
            }
            Error::IdempotencyKeyReused => "this idempotency key was used for a different request",
            Error::ContactMissing => "the applicant has no profile with an e-mail address yet",
            Error::DeliveryFailed { .. } => "a notice could not be delivered",
            _ => "the service failed; the failure was logged",
        }
    }

    /// What is logged: the message, and for failures of the store, SNS or the service itself
    /// the underlying detail (SDK text, keys).
    pub fn detail(&self) -> String {
        match self {
            Error::Throttled { detail }
            | Error::StoreTimeout { detail }
            | Error::StoreUnavailable { detail }
            | Error::DeliveryFailed { detail }
            | Error::Internal { detail } => detail.clone(),
            other => other.message(),
        }
    }
}

/// Rule refusals: 422 unless the input was malformed (400), the caller's copy was stale
/// (409), data an operator has to load is missing (503: a retry after the load succeeds), or
/// a limit of the service was exceeded (500). A new rules error is a 422 refusal.
fn rule_status(error: &RuleError) -> u16 {
    match error {
        RuleError::InvalidInput { .. }
        | RuleError::IinLength { .. }
        | RuleError::IinNotDigits
        | RuleError::IinCenturyDigit { .. }
        | RuleError::IinBirthDate
        | RuleError::IinCheckDigit
        | RuleError::BinLength { .. }
        | RuleError::BinNotDigits
        | RuleError::BinCheckDigit => 400,
        RuleError::VersionConflict { .. } => 409,
        RuleError::CalendarYearMissing { .. } | RuleError::PolicyMissing => 503,
        RuleError::QueueTooLarge { .. } => 500,
        _ => 422,
    }
}

impl From<kezek_rules::application::TransferRefusal> for Error {
    fn from(refusal: kezek_rules::application::TransferRefusal) -> Self {
        Error::Transfer(refusal)
    }
}

impl From<RuleError> for Error {
    fn from(error: RuleError) -> Self {
        Error::Rule(error)
    }
}

impl From<IdentityError> for Error {
    fn from(error: IdentityError) -> Self {
        Error::Identity(error)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for Error {}

/// `{code, message}`, the shape of every error answer.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("Error", 2)?;
        state.serialize_field("code", self.code())?;
        state.serialize_field("message", &self.message())?;
        state.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_failures_answer_a_generic_message_and_keep_the_detail_for_the_log() {
        let error = Error::StoreUnavailable {
            detail: "ValidationException: key PK=REGION#x request id abc".into(),
        };
        let body = serde_json::to_value(&error).expect("json");
        assert_eq!(body["code"], "store_unavailable");
        let message = body["message"].as_str().expect("message");
        assert!(!message.contains("ValidationException") && !message.contains("PK="), "{message}");
        assert!(error.detail().contains("ValidationException"));
        assert_eq!(error.status(), 503);
    }

    #[test]
    fn wrapped_refusals_keep_their_codes() {
        assert_eq!(Error::from(RuleError::ChildTooOld).code(), "child_too_old");
        assert_eq!(Error::from(RuleError::ChildTooOld).status(), 422);
        assert_eq!(Error::from(RuleError::IinCheckDigit).status(), 400);
        assert_eq!(Error::from(IdentityError::InputTooLarge).status(), 400);
        assert_eq!(Error::Condition(Role::Child).code(), "duplicate_application");
    }
}
