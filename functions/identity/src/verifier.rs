//! The one verification interface of the service: logins (authentication key) and signed
//! choices (signing key) both go through a [`SignatureVerifier`]. [`X509Verifier`] is the
//! implementation for NCA's RSA and GOST R 34.10-2015 keys.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use der::Encode;

use crate::certificate::{purposes_of, serial_hex, subject_with, Purposes, SubjectRules};
use crate::error::IdentityError;
use crate::key::PublicKey;
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
    /// The key's algorithm: `rsa` or `gost2015-512`.
    pub key_algorithm: &'static str,
}

pub trait SignatureVerifier: Send + Sync {
    fn verify(&self, request: &VerificationRequest<'_>) -> Result<VerifiedSigner, IdentityError>;
}

/// Signatures by NCA's RSA (2048+) and GOST R 34.10-2015 512-bit keys, CMS or raw, chained
/// to the configured trust anchors, checked against a pluggable [`RevocationCheck`].
#[derive(Debug, Clone)]
pub struct X509Verifier {
    trust: TrustStore,
    revocation: Arc<dyn RevocationCheck>,
    subjects: SubjectRules,
}

/// The name the verifier had when it took RSA keys only.
pub type RsaVerifier = X509Verifier;

impl X509Verifier {
    /// Revocation by the CRL files loaded into `trust` ([`TrustStore::add_crl_pem`]).
    pub fn new(trust: TrustStore) -> Self {
        let revocation = Arc::new(trust.crl_file().clone());
        Self { trust, revocation, subjects: SubjectRules::default() }
    }

    /// Revocation by `revocation` (a [`crate::crl::CrlFile`], an OCSP client, ...);
    /// CRLs loaded into `trust` are then not consulted.
    pub fn with_revocation(trust: TrustStore, revocation: Arc<dyn RevocationCheck>) -> Self {
        Self { trust, revocation, subjects: SubjectRules::default() }
    }

    /// Which subjects are believed (a test stage may accept NCA's test subjects).
    pub fn with_subject_rules(mut self, subjects: SubjectRules) -> Self {
        self.subjects = subjects;
        self
    }
}

fn check_purpose(
    purpose: KeyPurpose,
    purposes: Purposes,
    key: &PublicKey,
) -> Result<(), IdentityError> {
    let allowed = match (key, purpose) {
        (PublicKey::Gost(_), _) => purposes.is_dual_use(),
        (PublicKey::Rsa(_), KeyPurpose::Authentication) => purposes.is_authentication(),
        (PublicKey::Rsa(_), KeyPurpose::Signing) => purposes.is_signing(),
    };
    match (allowed, purpose) {
        (true, _) => Ok(()),
        (false, KeyPurpose::Authentication) => {
            Err(IdentityError::WrongKeyPurpose { expected: "authentication" })
        }
        (false, KeyPurpose::Signing) => Err(IdentityError::WrongKeyPurpose { expected: "signing" }),
    }
}

impl SignatureVerifier for X509Verifier {
    fn verify(&self, request: &VerificationRequest<'_>) -> Result<VerifiedSigner, IdentityError> {
        let (certificate, supplied) = verify_submission(request.submission, request.issued)?;
        self.trust.verify_chain(&certificate, &supplied, self.revocation.as_ref(), request.now)?;
        let key = PublicKey::from_spki(&certificate.tbs_certificate.subject_public_key_info)?;
        check_purpose(request.purpose, purposes_of(&certificate)?, &key)?;
        let subject = subject_with(&certificate.tbs_certificate.subject, self.subjects);
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
            key_algorithm: key.algorithm(),
        })
    }
}
