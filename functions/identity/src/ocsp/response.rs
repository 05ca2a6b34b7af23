//! The OCSP response (RFC 6960 §4.2): parsed, its signature checked (by the CA itself or a
//! responder the CA authorised, §4.2.2.2), the answer for the asked CertID found, the nonce
//! compared, thisUpdate/nextUpdate checked (§3.2).

use chrono::{DateTime, Duration, Utc};
use der::{Decode, Encode};
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspResponse, OcspResponseStatus, ResponderId,
    SingleResponse,
};

use super::request::{same_certificate, sha1};
use crate::certificate::{check_validity, issued_by};
use crate::error::IdentityError;
use crate::key::PublicKey;

/// Largest OCSP response accepted, in bytes.
pub const RESPONSE_BYTES_MAX: usize = 256 * 1024;
/// How far a responder's clock may run ahead of ours.
pub const CLOCK_SKEW: Duration = Duration::minutes(5);
/// How long a response without nextUpdate counts as current after its thisUpdate.
pub const FRESH_WITHOUT_NEXT_UPDATE: Duration = Duration::minutes(15);

const OCSP_SIGNING: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
const EXTENDED_KEY_USAGE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.37");

/// What the responder says about one certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OcspStatus {
    Good,
    Revoked { at: DateTime<Utc> },
    Unknown,
}

/// A verified answer and the period it is valid for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OcspAnswer {
    pub status: OcspStatus,
    pub this_update: DateTime<Utc>,
    /// Absent when the responder always has newer information (then the answer is not cached).
    pub next_update: Option<DateTime<Utc>>,
}

impl OcspAnswer {
    /// Whether the answer may be used at `now` (from a cache).
    pub fn is_current(&self, now: DateTime<Utc>) -> bool {
        self.next_update.is_some_and(|next| now <= next) && self.this_update <= now + CLOCK_SKEW
    }
}

fn invalid<E>(_: E) -> IdentityError {
    IdentityError::OcspResponseInvalid
}

fn instant(time: &x509_ocsp::OcspGeneralizedTime) -> DateTime<Utc> {
    let seconds = i64::try_from(time.0.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The basic response inside an OCSP response. A responder that cannot answer (tryLater,
/// internalError, ...) gives no revocation information: `revocation_unknown`.
pub fn basic_response(der: &[u8]) -> Result<BasicOcspResponse, IdentityError> {
    if der.len() > RESPONSE_BYTES_MAX {
        return Err(IdentityError::OcspResponseInvalid);
    }
    let response = OcspResponse::from_der(der).map_err(invalid)?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(IdentityError::RevocationUnknown);
    }
    let bytes = response.response_bytes.ok_or(IdentityError::OcspResponseInvalid)?;
    if bytes.response_type != const_oid::db::rfc6960::ID_PKIX_OCSP_BASIC {
        return Err(IdentityError::OcspResponseInvalid);
    }
    BasicOcspResponse::from_der(bytes.response.as_bytes()).map_err(invalid)
}

/// Checks `der` answers about `id` (issued by `issuer`) for the request that sent `nonce`,
/// and is signed by the CA or its authorised responder, current at `now`.
pub fn verified_answer(
    der: &[u8],
    id: &CertId,
    issuer: &Certificate,
    nonce: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<OcspAnswer, IdentityError> {
    let basic = basic_response(der)?;
    check_signature(&basic, issuer, now)?;
    let data = &basic.tbs_response_data;
    if let (Some(sent), Some(echoed)) = (nonce, data.nonce()) {
        if echoed.0.as_bytes() != sent {
            return Err(IdentityError::OcspResponseInvalid);
        }
    }
    let single = data
        .responses
        .iter()
        .find(|single| same_certificate(&single.cert_id, id))
        .ok_or(IdentityError::OcspResponseInvalid)?;
    answer_at(single, now)
}

fn answer_at(single: &SingleResponse, now: DateTime<Utc>) -> Result<OcspAnswer, IdentityError> {
    let this_update = instant(&single.this_update);
    let next_update = single.next_update.as_ref().map(instant);
    if this_update > now + CLOCK_SKEW {
        return Err(IdentityError::OcspResponseInvalid);
    }
    let stale = match next_update {
        Some(next) => next < now,
        None => this_update + FRESH_WITHOUT_NEXT_UPDATE < now,
    };
    if stale {
        return Err(IdentityError::OcspResponseStale);
    }
    let status = match &single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Revoked(info) => OcspStatus::Revoked { at: instant(&info.revocation_time) },
        CertStatus::Unknown(_) => OcspStatus::Unknown,
    };
    Ok(OcspAnswer { status, this_update, next_update })
}

/// Whether `certificate` is the one `id` names (by name, or by the SHA-1 of its key).
fn is_responder(certificate: &Certificate, id: &ResponderId) -> bool {
    let tbs = &certificate.tbs_certificate;
    match id {
        ResponderId::ByName(name) => &tbs.subject == name,
        ResponderId::ByKey(hash) => {
            hash.as_bytes() == sha1(tbs.subject_public_key_info.subject_public_key.raw_bytes())
        }
    }
}

/// The certificate that signed the response: the CA, or a certificate in the response that
/// the CA issued for OCSP signing (extended key usage id-kp-OCSPSigning), valid at `now`.
fn signer<'a>(
    basic: &'a BasicOcspResponse,
    issuer: &'a Certificate,
    now: DateTime<Utc>,
) -> Result<&'a Certificate, IdentityError> {
    let id = &basic.tbs_response_data.responder_id;
    if is_responder(issuer, id) {
        return Ok(issuer);
    }
    let delegate = basic
        .certs
        .iter()
        .flatten()
        .find(|certificate| is_responder(certificate, id))
        .ok_or(IdentityError::OcspResponseInvalid)?;
    let authorised = issued_by(delegate, issuer).unwrap_or(false)
        && may_sign_ocsp(delegate)
        && check_validity(delegate, now).is_ok();
    if authorised {
        Ok(delegate)
    } else {
        Err(IdentityError::OcspResponseInvalid)
    }
}

fn may_sign_ocsp(certificate: &Certificate) -> bool {
    certificate
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .filter(|extension| extension.extn_id == EXTENDED_KEY_USAGE)
        .filter_map(|extension| ExtendedKeyUsage::from_der(extension.extn_value.as_bytes()).ok())
        .any(|usage| usage.0.contains(&OCSP_SIGNING))
}

fn check_signature(
    basic: &BasicOcspResponse,
    issuer: &Certificate,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    let signer = signer(basic, issuer, now)?;
    let key =
        PublicKey::from_spki(&signer.tbs_certificate.subject_public_key_info).map_err(invalid)?;
    let signed = basic.tbs_response_data.to_der().map_err(invalid)?;
    let signature = basic.signature.as_bytes().ok_or(IdentityError::OcspResponseInvalid)?;
    key.verify(basic.signature_algorithm.oid, None, &signed, signature).map_err(invalid)
}
