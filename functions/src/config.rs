//! Configuration of the Lambda binaries, read once per cold start (DESIGN §5, §7).
//!
//! A *setting* `NAME` (e.g. `SESSION_KEY`) comes from, in this order:
//!
//! 1. the environment variable `KEZEK_<NAME>`, holding the value itself — local runs
//!    (`npm start`, tests), where there is no SSM;
//! 2. the environment variable `KEZEK_<NAME>_PARAMETER`, holding the *name* of an SSM
//!    parameter whose value is read through the AWS Parameters and Secrets Lambda Extension
//!    (GetParameter with decryption, so SecureString works; [`crate::parameters_extension`])
//!    — AWS, where the SAM template passes parameter names only: secrets such as the session
//!    key never appear in the template, the stack or the function configuration. The
//!    extension answers during invocations only, so the binaries read their settings on
//!    their first event.
//!
//! An empty variable counts as unset (the template passes an empty name for an optional
//! parameter it was not given). `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` (the extension's
//! own variable) moves the extension's port; the tests point it at a stand-in.

use crate::error::{Error, Result};

/// The settings the binaries read through [`setting`] (the template↔code test checks that
/// the SAM template passes each one to the functions that need it).
pub const SETTINGS: [&str; 5] = [SESSION_KEY, TRUST_ANCHORS, CRL, ORGANISATIONS, LOG_KEY];
/// The HMAC key of session tokens, base64 (every HTTP binary).
pub const SESSION_KEY: &str = "SESSION_KEY";
/// PEM bundle of the NCA root and intermediate certificates (sign, auth).
pub const TRUST_ANCHORS: &str = "TRUST_ANCHORS";
/// Optional PEM revocation lists of those CAs (sign, auth).
pub const CRL: &str = "CRL";
/// JSON directory of organisation BINs: staff and operators (auth).
pub const ORGANISATIONS: &str = "ORGANISATIONS";
/// The transparency logs' signing key (Go note signer-key text): the sweep.
pub const LOG_KEY: &str = "LOG_KEY";

/// `KEZEK_<NAME>`: the variable holding the value itself.
pub fn value_variable(name: &str) -> String {
    format!("KEZEK_{name}")
}

/// `KEZEK_<NAME>_PARAMETER`: the variable holding the SSM parameter name.
pub fn parameter_variable(name: &str) -> String {
    format!("KEZEK_{name}_PARAMETER")
}

fn variable(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

/// The setting `name`, or `None` when neither variable is set. A named SSM parameter that
/// cannot be read is an error, never `None`: a missing secret must stop the cold start
/// rather than run with a default.
pub async fn setting(name: &str) -> Result<Option<String>> {
    if let Some(value) = variable(&value_variable(name)) {
        return Ok(Some(value));
    }
    match variable(&parameter_variable(name)) {
        Some(parameter) => parameter_value(&parameter).await.map(Some),
        None => Ok(None),
    }
}

/// [`setting`] for a setting the binary cannot run without.
pub async fn required_setting(name: &str) -> Result<String> {
    setting(name).await?.ok_or_else(|| {
        Error::internal(format!(
            "set {} (or {}, the SSM parameter holding it)",
            value_variable(name),
            parameter_variable(name)
        ))
    })
}

/// The value of the SSM parameter `parameter` (decrypted when it is a SecureString), read
/// through the AWS Parameters and Secrets Lambda Extension ([`crate::parameters_extension`]).
pub async fn parameter_value(parameter: &str) -> Result<String> {
    crate::parameters_extension::parameter_value(parameter).await
}

/// How the EDS verifier treats revocation and test subjects (plain variables: none is a
/// secret, and each is small):
///
/// | variable | values | default |
/// |---|---|---|
/// | `KEZEK_STAGE_KIND` | `production`, or `test`: a test stage accepts NCA's test subjects (IIN/BIN without a valid check digit) | `production` |
/// | `KEZEK_CRL_GRACE_HOURS` | hours a CRL is still used past its nextUpdate, 0–168 | 0 |
/// | `KEZEK_REVOCATION_UNKNOWN` | `refuse` (`revocation_unknown`) or `accept` (and log) | `refuse` |
/// | `KEZEK_REVOCATION_CHECKS` | `crl`, `ocsp`, or `ocsp,crl` (OCSP first; the CRLs when OCSP does not know) | `crl` |
/// | `KEZEK_OCSP_URL` | the OCSP responder asked for every certificate (else each certificate's own, AIA) | — |
/// | `KEZEK_EDS_REFRESH_SECONDS` | how old the anchors and CRLs read from the EDS bucket may get before they are read again, 10–3600 | 300 |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdsOptions {
    pub subjects: kezek_identity::SubjectRules,
    pub crl_grace: chrono::Duration,
    pub unknown: kezek_identity::Unknown,
    pub checks: RevocationChecks,
    pub ocsp_responder: Option<String>,
    pub refresh: std::time::Duration,
}

/// Which revocation checks run (`KEZEK_REVOCATION_CHECKS`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RevocationChecks {
    /// The CRLs (of the bucket, or `KEZEK_CRL`).
    #[default]
    Crl,
    /// OCSP only.
    Ocsp,
    /// OCSP, and the CRLs when OCSP does not know (unknown, no answer).
    OcspThenCrl,
}

impl RevocationChecks {
    pub fn parse(text: &str) -> Option<Self> {
        match text.replace(' ', "").as_str() {
            "crl" => Some(Self::Crl),
            "ocsp" => Some(Self::Ocsp),
            "ocsp,crl" | "crl,ocsp" | "both" => Some(Self::OcspThenCrl),
            _ => None,
        }
    }
}

/// Bounds of `KEZEK_EDS_REFRESH_SECONDS`.
pub const EDS_REFRESH_SECONDS: std::ops::RangeInclusive<u64> = 10..=3600;

/// The longest CRL grace accepted, in hours (a week).
pub const CRL_GRACE_HOURS_MAX: i64 = 168;

impl EdsOptions {
    /// From the process environment.
    pub fn from_env() -> Result<Self> {
        Self::from_values(
            variable("KEZEK_STAGE_KIND").as_deref(),
            variable("KEZEK_CRL_GRACE_HOURS").as_deref(),
            variable("KEZEK_REVOCATION_UNKNOWN").as_deref(),
        )?
        .with_revocation(
            variable("KEZEK_REVOCATION_CHECKS").as_deref(),
            variable("KEZEK_OCSP_URL"),
            variable("KEZEK_EDS_REFRESH_SECONDS").as_deref(),
        )
    }

    /// These options with the revocation checks, the OCSP responder and the refresh age
    /// (absent: `crl`, the certificates' own responder, 300 s).
    pub fn with_revocation(
        mut self,
        checks: Option<&str>,
        ocsp_responder: Option<String>,
        refresh_seconds: Option<&str>,
    ) -> Result<Self> {
        if let Some(text) = checks {
            self.checks = RevocationChecks::parse(text).ok_or_else(|| {
                Error::internal(format!(
                    "KEZEK_REVOCATION_CHECKS is {text:?}: crl, ocsp or ocsp,crl"
                ))
            })?;
        }
        if let Some(url) = &ocsp_responder {
            if !url.starts_with("http://") {
                return Err(Error::internal(format!("KEZEK_OCSP_URL is {url:?}: an http:// URL")));
            }
        }
        self.ocsp_responder = ocsp_responder;
        if let Some(text) = refresh_seconds {
            let seconds = text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|seconds| EDS_REFRESH_SECONDS.contains(seconds))
                .ok_or_else(|| {
                    Error::internal(format!("KEZEK_EDS_REFRESH_SECONDS is {text:?}: 10 to 3600"))
                })?;
            self.refresh = std::time::Duration::from_secs(seconds);
        }
        Ok(self)
    }

    /// From the three values (absent: the defaults); anything else is a configuration error.
    pub fn from_values(
        stage_kind: Option<&str>,
        crl_grace_hours: Option<&str>,
        unknown: Option<&str>,
    ) -> Result<Self> {
        let accept_test_subjects = match stage_kind.unwrap_or("production") {
            "production" => false,
            "test" => true,
            other => {
                return Err(Error::internal(format!(
                    "KEZEK_STAGE_KIND is {other:?}: production or test"
                )))
            }
        };
        let hours = match crl_grace_hours {
            None => 0,
            Some(text) => text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|hours| (0..=CRL_GRACE_HOURS_MAX).contains(hours))
                .ok_or_else(|| {
                    Error::internal(format!("KEZEK_CRL_GRACE_HOURS is {text:?}: 0 to 168"))
                })?,
        };
        let unknown = match unknown {
            None => kezek_identity::Unknown::Refuse,
            Some(text) => kezek_identity::Unknown::parse(text).ok_or_else(|| {
                Error::internal(format!("KEZEK_REVOCATION_UNKNOWN is {text:?}: refuse or accept"))
            })?,
        };
        Ok(Self {
            subjects: kezek_identity::SubjectRules { accept_test_subjects },
            crl_grace: chrono::Duration::hours(hours),
            unknown,
            checks: RevocationChecks::Crl,
            ocsp_responder: None,
            refresh: std::time::Duration::from_secs(300),
        })
    }
}
