//! The configured trust: NCA root and intermediate certificates (anchors), and revocation
//! lists. A certificate is believed only if it chains to an anchor, every certificate on the
//! way is valid now, and none is revoked.

use chrono::{DateTime, Utc};
use der::{Decode, Encode};
use x509_cert::crl::CertificateList;
use x509_cert::Certificate;

use crate::certificate::{check_validity, issued_by, purposes_of};
use crate::error::IdentityError;
use crate::rsa::{RsaKey, RsaScheme};

/// Longest chain walked from a certificate to an anchor.
const CHAIN_DEPTH_MAX: usize = 5;
/// Most anchors and most revoked serials held.
const ANCHORS_MAX: usize = 64;
const REVOKED_MAX: usize = 1_000_000;

#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    /// (issuer name DER, serial number bytes) of revoked certificates.
    revoked: Vec<(Vec<u8>, Vec<u8>)>,
}

impl TrustStore {
    /// Trust every certificate of a PEM bundle (roots and the intermediates NCA publishes).
    pub fn from_pem_bundle(pem: &str) -> Result<Self, IdentityError> {
        let anchors = Certificate::load_pem_chain(pem.as_bytes()).map_err(|_| IdentityError::EncodingInvalid)?;
        if anchors.is_empty() || anchors.len() > ANCHORS_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        Ok(Self { anchors, revoked: Vec::new() })
    }

    /// Loads a CRL (PEM) after checking it is signed by one of the anchors.
    pub fn add_crl_pem(&mut self, pem: &str) -> Result<usize, IdentityError> {
        let (label, der) = der::pem::decode_vec(pem.as_bytes()).map_err(|_| IdentityError::EncodingInvalid)?;
        if label != "X509 CRL" {
            return Err(IdentityError::EncodingInvalid);
        }
        let crl = CertificateList::from_der(&der).map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
        let issuer = self
            .anchors
            .iter()
            .find(|anchor| anchor.tbs_certificate.subject == crl.tbs_cert_list.issuer)
            .ok_or(IdentityError::CertificateUntrusted)?;
        let key = RsaKey::from_spki(&issuer.tbs_certificate.subject_public_key_info)?;
        let scheme = RsaScheme::from_oids(crl.signature_algorithm.oid, None)?;
        let tbs = crl.tbs_cert_list.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
        let signature = crl.signature.as_bytes().ok_or(IdentityError::DerInvalid { what: "CRL signature" })?;
        key.verify(scheme, &tbs, signature).map_err(|_| IdentityError::CertificateUntrusted)?;
        let issuer_name = crl.tbs_cert_list.issuer.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
        let revoked = crl.tbs_cert_list.revoked_certificates.unwrap_or_default();
        if self.revoked.len() + revoked.len() > REVOKED_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        let count = revoked.len();
        self.revoked.extend(revoked.into_iter().map(|entry| (issuer_name.clone(), entry.serial_number.as_bytes().to_vec())));
        Ok(count)
    }

    fn is_revoked(&self, certificate: &Certificate) -> bool {
        let Ok(issuer) = certificate.tbs_certificate.issuer.to_der() else { return true };
        let serial = certificate.tbs_certificate.serial_number.as_bytes();
        self.revoked.iter().any(|(name, number)| *name == issuer && number.as_slice() == serial)
    }

    /// Checks `leaf` chains to an anchor through anchors or `supplied` certificates (e.g.
    /// those a CMS message carries), each valid at `now` and not revoked.
    pub fn verify_chain(&self, leaf: &Certificate, supplied: &[Certificate], now: DateTime<Utc>) -> Result<(), IdentityError> {
        check_validity(leaf, now)?;
        if self.is_revoked(leaf) {
            return Err(IdentityError::CertificateRevoked);
        }
        let mut current = leaf.clone();
        for _ in 0..CHAIN_DEPTH_MAX {
            for anchor in &self.anchors {
                if issued_by(&current, anchor)? {
                    check_validity(anchor, now).map_err(|_| IdentityError::CertificateUntrusted)?;
                    return Ok(());
                }
            }
            let mut next = None;
            for candidate in supplied {
                if purposes_of(candidate)?.certificate_authority && issued_by(&current, candidate)? {
                    next = Some(candidate.clone());
                    break;
                }
            }
            let issuer = next.ok_or(IdentityError::CertificateUntrusted)?;
            check_validity(&issuer, now).map_err(|_| IdentityError::CertificateUntrusted)?;
            if self.is_revoked(&issuer) {
                return Err(IdentityError::CertificateRevoked);
            }
            current = issuer;
        }
        Err(IdentityError::CertificateUntrusted)
    }
}
