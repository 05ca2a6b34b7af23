//! The one verification interface of the service: logins (authentication key) and signed
//! choices (signing key) both go through a [`SignatureVerifier`]. [`RsaVerifier`] is the RSA
//! implementation; GOST R 34.10-2015 can be another.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use der::Encode;

use crate::certificate::{purposes_of, serial_hex, subject_of};
use crate::error::IdentityError;
use crate::revocation::RevocationCheck;
use crate::submission::{verify_submission, SignatureSubmission};
use crate::trust::TrustStore;

/// Which key the action needs (DESIGN §3, NCA conventions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPurpose {
    /// Login: the authentication key (extended key usage clientAuth).
    Authentication,
    /// Signing a choice: the signing key (emailProtection; digitalSignature/nonRepudiation).
    Signing,
}

/// Whose certificate the action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// A person acting for themselves: an organisation's certificate is refused.
    Person,
    /// Staff or an operator: the certificate must name an organisation (OU=BIN...).
    Organisation,
}

/// One signature to check.
#[derive(Debug, Clone, Copy)]
pub struct VerificationRequest<'a> {
    pub purpose: KeyPurpose,
    pub holder: Holder,
    /// The exact bytes the server issued for signing.
    pub issued: &'a [u8],
    pub submission: &'a SignatureSubmission,
    /// When the action is for a known person (e.g. the applicant of the application).
    pub expected_iin: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Who signed: kept with the referral as evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSigner {
    pub iin: String,
    pub bin: Option<String>,
    pub name: String,
    pub certificate_serial: String,
    pub issuer: String,
    pub certificate_der: Vec<u8>,
}

pub trait SignatureVerifier: Send + Sync {
    fn verify(&self, request: &VerificationRequest<'_>) -> Result<VerifiedSigner, IdentityError>;
}

/// RSA (2048+) signatures, CMS or raw, chained to the configured trust anchors, checked
/// against a pluggable [`RevocationCheck`].
#[derive(Debug, Clone)]
pub struct RsaVerifier {
    trust: TrustStore,
    revocation: Arc<dyn RevocationCheck>,
}

impl RsaVerifier {
    /// Revocation by the CRL files loaded into `trust` ([`TrustStore::add_crl_pem`]).
    pub fn new(trust: TrustStore) -> Self {
        let revocation = Arc::new(trust.crl_file().clone());
        Self { trust, revocation }
    }

    /// Revocation by `revocation` (a [`crate::revocation::CrlFile`], an OCSP client, ...);
    /// CRLs loaded into `trust` are then not consulted.
    pub fn with_revocation(trust: TrustStore, revocation: Arc<dyn RevocationCheck>) -> Self {
        Self { trust, revocation }
    }
}

impl SignatureVerifier for RsaVerifier {
    fn verify(&self, request: &VerificationRequest<'_>) -> Result<VerifiedSigner, IdentityError> {
        let (certificate, supplied) = verify_submission(request.submission, request.issued)?;
        self.trust.verify_chain(&certificate, &supplied, self.revocation.as_ref(), request.now)?;
        let purposes = purposes_of(&certificate)?;
        match request.purpose {
            KeyPurpose::Authentication if !purposes.is_authentication() => {
                return Err(IdentityError::WrongKeyPurpose { expected: "authentication" })
            }
            KeyPurpose::Signing if !purposes.is_signing() => {
                return Err(IdentityError::WrongKeyPurpose { expected: "signing" })
            }
            _ => {}
        }
        let subject = subject_of(&certificate.tbs_certificate.subject);
        let iin = subject.iin.clone().ok_or(IdentityError::SubjectIinMissing)?;
        match (request.holder, &subject.bin) {
            (Holder::Person, Some(_)) => return Err(IdentityError::OrganisationCertificate),
            (Holder::Organisation, None) => return Err(IdentityError::NotOrganisationCertificate),
            _ => {}
        }
        if request.expected_iin.is_some_and(|expected| expected != iin) {
            return Err(IdentityError::SignerMismatch);
        }
        let name =
            subject.common_name.clone().or_else(|| subject.surname.clone()).unwrap_or_default();
        Ok(VerifiedSigner {
            iin,
            bin: subject.bin,
            name,
            certificate_serial: serial_hex(&certificate),
            issuer: certificate.tbs_certificate.issuer.to_string(),
            certificate_der: certificate
                .to_der()
                .map_err(|_| IdentityError::DerInvalid { what: "certificate" })?,
        })
    }
}
