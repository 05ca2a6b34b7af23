//! OCSP (RFC 6960) as a [`RevocationCheck`]: for each certificate, a verified answer from the
//! cache (until its nextUpdate) or from the responder — the one configured, or the one the
//! certificate names (authority information access).
//!
//! - good → not revoked; revoked → `certificate_revoked`;
//! - unknown, or no answer (responder down, tryLater) → `revocation_unknown` (then the next
//!   check of a [`crate::FirstAnswer`], or the [`crate::UnknownPolicy`], decides);
//! - a response past its nextUpdate → `ocsp_response_stale`;
//! - a response not signed by the CA or a responder the CA authorised, for another
//!   certificate, with another nonce, or malformed → `ocsp_response_invalid`.

mod cache;
pub mod request;
pub mod response;
mod transport;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ring::rand::SecureRandom;
use x509_cert::Certificate;

pub use cache::{AnswerCache, CACHE_ENTRIES_MAX};
pub use response::{OcspAnswer, OcspStatus};
pub use transport::{HttpTransport, OcspTransport};

use crate::certificate::serial_hex;
use crate::error::IdentityError;
use crate::revocation::RevocationCheck;

/// Length of the request nonce, bytes (RFC 8954: 32 at most).
const NONCE_BYTES: usize = 16;

/// The OCSP check; see the module documentation.
#[derive(Debug, Clone)]
pub struct OcspCheck {
    /// The responder asked for every certificate (else the certificate's own).
    responder: Option<String>,
    transport: Arc<dyn OcspTransport>,
    cache: Arc<AnswerCache>,
}

impl OcspCheck {
    /// Over HTTP with `timeout` per exchange; `responder` overrides the certificates' own.
    pub fn http(responder: Option<String>, timeout: std::time::Duration) -> Self {
        Self::with_transport(responder, Arc::new(HttpTransport::new(timeout)))
    }

    pub fn with_transport(responder: Option<String>, transport: Arc<dyn OcspTransport>) -> Self {
        Self { responder, transport, cache: Arc::new(AnswerCache::default()) }
    }

    /// The answers held (tests and logs).
    pub fn cache(&self) -> &AnswerCache {
        &self.cache
    }

    /// The verified answer about `certificate` at `now`, from the cache or the responder.
    pub fn answer(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<OcspAnswer, IdentityError> {
        let id = request::cert_id(certificate, issuer)?;
        if let Some(answer) = self.cache.get(&id, now) {
            return Ok(answer);
        }
        let url = self
            .responder
            .clone()
            .or_else(|| request::responder_of(certificate))
            .ok_or(IdentityError::RevocationUnknown)?;
        let mut nonce = [0u8; NONCE_BYTES];
        ring::rand::SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| IdentityError::RevocationUnknown)?;
        let body = self.transport.post(&url, &request::request_der(&id, &nonce)?).map_err(|why| {
            tracing::warn!(%url, serial = %serial_hex(certificate), %why, "OCSP responder did not answer");
            IdentityError::RevocationUnknown
        })?;
        let answer = response::verified_answer(&body, &id, issuer, Some(&nonce), now)?;
        self.cache.put(&id, answer, now);
        Ok(answer)
    }
}

impl RevocationCheck for OcspCheck {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        match self.answer(certificate, issuer, now)?.status {
            OcspStatus::Good => Ok(false),
            OcspStatus::Revoked { .. } => Ok(true),
            OcspStatus::Unknown => Err(IdentityError::RevocationUnknown),
        }
    }
}
