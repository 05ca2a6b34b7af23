//! The one error shape of the service: `{code, message}` with a stable snake_case code and
//! the HTTP status it maps to. Rule refusals keep the rules crate's codes.

use std::borrow::Cow;
use std::fmt;

use kezek_rules::RuleError;
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: Cow<'static, str>,
    pub message: String,
    pub status: u16,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self { code: Cow::Borrowed(code), message: message.into(), status }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new("not_found", 404, format!("{what} not found"))
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new("forbidden", 403, message)
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid_input", 400, message)
    }
    /// A defect or an unexpected answer of a dependency (logged; never a user's fault).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", 500, message)
    }
    pub fn store(message: impl Into<String>) -> Self {
        Self::new("store_unavailable", 503, message)
    }
    pub fn is(&self, code: &str) -> bool {
        self.code == code
    }
}

impl From<RuleError> for Error {
    fn from(error: RuleError) -> Self {
        let status = match &error {
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
            // Data an operator has to load (a calendar year, a policy): the service cannot
            // answer until then, and a retry after the load succeeds.
            RuleError::CalendarYearMissing { .. } | RuleError::PolicyMissing => 503,
            RuleError::QueueTooLarge { .. } => 500,
            _ => 422,
        };
        Self { code: Cow::Borrowed(error.code()), message: error.to_string(), status }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("Error", 2)?;
        state.serialize_field("code", &self.code)?;
        state.serialize_field("message", &self.message)?;
        state.end()
    }
}
