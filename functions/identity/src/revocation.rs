//! Revocation as a pluggable check: "is this certificate revoked at `now`?".
//!
//! The verifier asks a [`RevocationCheck`] about every certificate on the path from the
//! signer to a trust anchor, giving it the certificate and the issuer that signed it (what
//! an OCSP request needs: the issuer's name and key hashes and the serial number). Two
//! implementations here:
//!
//! - [`CrlFile`]: certificate revocation lists loaded from configuration (PEM, one or many),
//!   each checked to be signed by a trust anchor. A certificate is revoked from the
//!   revocation date its entry gives.
//! - [`NoRevocation`]: checks nothing (tests, or a deployment that relies on another check).
//!
//! An OCSP check is another implementation of the same trait; a check that cannot answer
//! (responder unreachable) returns an error, which refuses the signature.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use x509_cert::crl::CertificateList;
use x509_cert::Certificate;

use crate::error::IdentityError;
use crate::rsa::{RsaKey, RsaScheme};
use crate::trust::TrustStore;

/// Most revoked serials held by one [`CrlFile`].
const REVOKED_MAX: usize = 1_000_000;
/// Most CRLs in one PEM bundle.
const CRLS_PER_BUNDLE_MAX: usize = 64;

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

/// Revocation lists loaded from files (configuration), each signed by a trust anchor.
/// A revoked certificate: (issuer name DER, serial number bytes).
type Entry = (Vec<u8>, Vec<u8>);

#[derive(Debug, Clone, Default)]
pub struct CrlFile {
    /// Revoked certificate → revocation date.
    revoked: HashMap<Entry, DateTime<Utc>>,
}

impl CrlFile {
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads every CRL of a PEM text (one or several `X509 CRL` blocks), after checking each
    /// is signed by one of `trust`'s anchors. Returns how many entries were loaded. On an
    /// error nothing is loaded.
    pub fn add_pem(&mut self, pem: &str, trust: &TrustStore) -> Result<usize, IdentityError> {
        let blocks = pem_blocks(pem)?;
        let mut loaded = Vec::new();
        for block in blocks {
            let (label, der) = der::pem::decode_vec(block.as_bytes())
                .map_err(|_| IdentityError::EncodingInvalid)?;
            if label != "X509 CRL" {
                return Err(IdentityError::EncodingInvalid);
            }
            loaded.extend(verified_entries(&der, trust)?);
            if self.revoked.len() + loaded.len() > REVOKED_MAX {
                return Err(IdentityError::InputTooLarge);
            }
        }
        let count = loaded.len();
        self.revoked.extend(loaded);
        Ok(count)
    }

    /// How many revoked certificates are known.
    pub fn len(&self) -> usize {
        self.revoked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.revoked.is_empty()
    }
}

impl RevocationCheck for CrlFile {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        _issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        let issuer = certificate
            .tbs_certificate
            .issuer
            .to_der()
            .map_err(|_| IdentityError::DerInvalid { what: "certificate" })?;
        let serial = certificate.tbs_certificate.serial_number.as_bytes().to_vec();
        Ok(self.revoked.get(&(issuer, serial)).is_some_and(|revoked_at| *revoked_at <= now))
    }
}

/// The `-----BEGIN ...-----` ... `-----END ...-----` blocks of a PEM text.
fn pem_blocks(pem: &str) -> Result<Vec<String>, IdentityError> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in pem.lines() {
        let line = line.trim();
        if line.starts_with("-----BEGIN ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
        if line.starts_with("-----END ") {
            blocks.extend(current.take());
            if blocks.len() > CRLS_PER_BUNDLE_MAX {
                return Err(IdentityError::InputTooLarge);
            }
        }
    }
    if blocks.is_empty() || current.is_some() {
        return Err(IdentityError::EncodingInvalid);
    }
    Ok(blocks)
}

/// The entries of one DER CRL signed by an anchor of `trust`.
fn verified_entries(
    der: &[u8],
    trust: &TrustStore,
) -> Result<Vec<(Entry, DateTime<Utc>)>, IdentityError> {
    let crl =
        CertificateList::from_der(der).map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
    let issuer = trust
        .anchors()
        .iter()
        .find(|anchor| anchor.tbs_certificate.subject == crl.tbs_cert_list.issuer)
        .ok_or(IdentityError::CertificateUntrusted)?;
    let key = RsaKey::from_spki(&issuer.tbs_certificate.subject_public_key_info)?;
    let scheme = RsaScheme::from_oids(crl.signature_algorithm.oid, None)?;
    let tbs = crl.tbs_cert_list.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
    let signature =
        crl.signature.as_bytes().ok_or(IdentityError::DerInvalid { what: "CRL signature" })?;
    key.verify(scheme, &tbs, signature).map_err(|_| IdentityError::CertificateUntrusted)?;
    let issuer_name =
        crl.tbs_cert_list.issuer.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
    let revoked = crl.tbs_cert_list.revoked_certificates.unwrap_or_default();
    if revoked.len() > REVOKED_MAX {
        return Err(IdentityError::InputTooLarge);
    }
    Ok(revoked
        .into_iter()
        .map(|entry| {
            let seconds = i64::try_from(entry.revocation_date.to_unix_duration().as_secs())
                .unwrap_or(i64::MAX);
            let revoked_at =
                DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
            ((issuer_name.clone(), entry.serial_number.as_bytes().to_vec()), revoked_at)
        })
        .collect())
}
