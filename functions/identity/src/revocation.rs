//! Revocation as a pluggable check: "is this certificate revoked at `now`?".
//!
//! The verifier asks a [`RevocationCheck`] about every certificate on the path from the
//! signer to a trust anchor, giving it the certificate and the issuer that signed it (what
//! an OCSP request needs: the issuer's name and key hashes and the serial number).
//! Implementations:
//!
//! - [`crate::crl::CrlFile`]: base and delta CRLs (DER or PEM), each checked to be signed by
//!   its CA, used until their nextUpdate plus a grace;
//! - [`crate::ocsp::OcspCheck`]: OCSP (RFC 6960), answers cached until their nextUpdate;
//! - [`FirstAnswer`]: several checks in order (CRLs, then OCSP), the first that knows decides;
//! - [`UnknownPolicy`]: what "revocation unknown" does — refuse (`revocation_unknown`, the
//!   default) or accept and log;
//! - [`NoRevocation`]: checks nothing (tests, or a deployment that relies on another check).
//!
//! A check that cannot answer returns [`IdentityError::RevocationUnknown`] (or another error,
//! which refuses the signature).

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use x509_cert::Certificate;

use crate::error::IdentityError;

/// Whether a certificate is revoked at an instant.
pub trait RevocationCheck: Send + Sync + fmt::Debug {
    /// `Ok(true)` if `certificate` (issued by `issuer`) is revoked at `now`, `Ok(false)` if
    /// not, an error if the check cannot tell (which refuses the signature).
    fn is_revoked(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError>;
}

/// No revocation information: every certificate counts as not revoked.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRevocation;

impl RevocationCheck for NoRevocation {
    fn is_revoked(
        &self,
        _certificate: &Certificate,
        _issuer: &Certificate,
        _now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        Ok(false)
    }
}

/// Several checks asked in order; the first that answers (revoked or not) decides, a
/// [`IdentityError::RevocationUnknown`] passes to the next, and if none knows the answer is
/// unknown. Any other error refuses at once.
#[derive(Debug, Clone)]
pub struct FirstAnswer(pub Vec<Arc<dyn RevocationCheck>>);

impl RevocationCheck for FirstAnswer {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        for check in &self.0 {
            match check.is_revoked(certificate, issuer, now) {
                Err(IdentityError::RevocationUnknown) => continue,
                answer => return answer,
            }
        }
        Err(IdentityError::RevocationUnknown)
    }
}

/// What to do when revocation is unknown (a stale CRL, no answer).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unknown {
    /// Refuse with `revocation_unknown` (the default).
    #[default]
    Refuse,
    /// Accept the certificate as not revoked, and log it.
    AcceptAndLog,
}

impl Unknown {
    /// `refuse` or `accept` (configuration).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "refuse" => Some(Self::Refuse),
            "accept" => Some(Self::AcceptAndLog),
            _ => None,
        }
    }
}

/// A check with a policy for its unknown answers.
#[derive(Debug, Clone)]
pub struct UnknownPolicy {
    pub check: Arc<dyn RevocationCheck>,
    pub unknown: Unknown,
}

impl RevocationCheck for UnknownPolicy {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        match (self.check.is_revoked(certificate, issuer, now), self.unknown) {
            (Err(IdentityError::RevocationUnknown), Unknown::AcceptAndLog) => {
                tracing::warn!(
                    serial = %crate::certificate::serial_hex(certificate),
                    issuer = %certificate.tbs_certificate.issuer,
                    "revocation unknown: accepted by policy"
                );
                Ok(false)
            }
            (answer, _) => answer,
        }
    }
}
