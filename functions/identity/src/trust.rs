//! The configured trust: NCA root and intermediate certificates (anchors). A certificate is
//! believed only if it chains to an anchor, every certificate on the way is valid now, and
//! the [`RevocationCheck`] says none is revoked.
//!
//! For convenience a trust store also carries the CRL files loaded with
//! [`TrustStore::add_crl_pem`]: they are the revocation check of
//! [`crate::RsaVerifier::new`]; another check (e.g. OCSP) is given with
//! [`crate::RsaVerifier::with_revocation`].

use chrono::{DateTime, Utc};
use x509_cert::Certificate;

use crate::certificate::{check_validity, issued_by, purposes_of};
use crate::crl::CrlFile;
use crate::error::IdentityError;
use crate::revocation::RevocationCheck;

/// Longest chain walked from a certificate to an anchor.
const CHAIN_DEPTH_MAX: usize = 5;
/// Most anchors held.
const ANCHORS_MAX: usize = 64;

#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    /// The CRLs loaded with [`TrustStore::add_crl_pem`].
    crls: CrlFile,
}

impl TrustStore {
    /// Trust every certificate of a PEM bundle (roots and the intermediates NCA publishes).
    pub fn from_pem_bundle(pem: &str) -> Result<Self, IdentityError> {
        let anchors = Certificate::load_pem_chain(pem.as_bytes())
            .map_err(|_| IdentityError::EncodingInvalid)?;
        if anchors.is_empty() || anchors.len() > ANCHORS_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        Ok(Self { anchors, crls: CrlFile::new() })
    }

    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// Loads CRLs (PEM, one or several) into this store's [`CrlFile`], after checking each
    /// is signed by one of the anchors; returns the number of entries the CRLs hold.
    pub fn add_crl_pem(&mut self, pem: &str) -> Result<usize, IdentityError> {
        self.crls.add_pem(pem, &self.anchors)
    }

    /// Loads CRLs, DER or PEM, into this store's [`CrlFile`] (see [`CrlFile::add`]).
    pub fn add_crl(&mut self, bytes: &[u8]) -> Result<usize, IdentityError> {
        self.crls.add(bytes, &self.anchors)
    }

    /// Replaces this store's [`CrlFile`] (e.g. one with a grace period).
    pub fn set_crl_file(&mut self, crls: CrlFile) {
        self.crls = crls;
    }

    /// The CRLs loaded with [`TrustStore::add_crl_pem`].
    pub fn crl_file(&self) -> &CrlFile {
        &self.crls
    }

    /// Checks `leaf` chains to an anchor through anchors or `supplied` certificates (e.g.
    /// those a CMS message carries), each valid at `now` and, below the anchor, not revoked
    /// at `now` by `revocation`.
    pub fn verify_chain(
        &self,
        leaf: &Certificate,
        supplied: &[Certificate],
        revocation: &dyn RevocationCheck,
        now: DateTime<Utc>,
    ) -> Result<(), IdentityError> {
        check_validity(leaf, now)?;
        let mut current = leaf.clone();
        for _ in 0..CHAIN_DEPTH_MAX {
            if let Some(anchor) = self.anchor_of(&current)? {
                check_validity(anchor, now).map_err(|_| IdentityError::CertificateUntrusted)?;
                return not_revoked(revocation, &current, anchor, now);
            }
            let mut next = None;
            for candidate in supplied {
                if purposes_of(candidate)?.certificate_authority && issued_by(&current, candidate)?
                {
                    next = Some(candidate.clone());
                    break;
                }
            }
            let issuer = next.ok_or(IdentityError::CertificateUntrusted)?;
            check_validity(&issuer, now).map_err(|_| IdentityError::CertificateUntrusted)?;
            not_revoked(revocation, &current, &issuer, now)?;
            current = issuer;
        }
        Err(IdentityError::CertificateUntrusted)
    }

    fn anchor_of(&self, certificate: &Certificate) -> Result<Option<&Certificate>, IdentityError> {
        for anchor in &self.anchors {
            if issued_by(certificate, anchor)? {
                return Ok(Some(anchor));
            }
        }
        Ok(None)
    }
}

fn not_revoked(
    revocation: &dyn RevocationCheck,
    certificate: &Certificate,
    issuer: &Certificate,
    now: DateTime<Utc>,
) -> Result<(), IdentityError> {
    if revocation.is_revoked(certificate, issuer, now)? {
        Err(IdentityError::CertificateRevoked)
    } else {
        Ok(())
    }
}
