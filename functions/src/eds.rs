//! The EDS verifier behind the store's [`SignatureVerifier`]: X.509 chains to the NCA
//! anchors, key purpose, revocation, and CMS/CAdES or raw signatures by RSA or GOST R
//! 34.10-2015 keys over exactly the issued bytes (crate `kezek-identity`). This is what `sign`
//! runs in production; the HMAC verifier (feature `test-verifier`) is kept only for storage
//! tests that are not about signatures.

use std::sync::{Arc, RwLock};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_identity::submission::RawScheme;
use kezek_identity::{
    Holder, KeyPurpose, SignatureSubmission, VerificationRequest, VerifiedSigner, X509Verifier,
};
use kezek_rules::time::Instant;

use crate::error::Result;
use crate::signature::{SignatureVerifier, SignedChoice};
use crate::store::items::SignatureEvidence;

/// What a client sends as its signature, read from the API's `SignedChoice`: a CMS message
/// (no certificate) or a raw PKCS#1 v1.5 SHA-256 signature with its certificate.
pub fn submission_of(signature: &SignedChoice) -> SignatureSubmission {
    match &signature.certificate_base64 {
        None => SignatureSubmission::Cms { cms: signature.signature_base64.clone() },
        Some(certificate) => SignatureSubmission::Raw {
            signature: signature.signature_base64.clone(),
            certificate: certificate.clone(),
            scheme: RawScheme::Pkcs1Sha256,
        },
    }
}

/// The EDS verifier (RSA and GOST keys), configured with the trust anchors and revocation.
/// Clones share one verifier, which [`EdsVerifier::replace`] swaps when the anchors or CRLs
/// are read again (`crate::crl_fetch::refresh`).
#[derive(Debug, Clone)]
pub struct EdsVerifier {
    verifier: Arc<RwLock<Arc<X509Verifier>>>,
}

impl EdsVerifier {
    /// The evidence's verifier name for an RSA signer.
    pub const NAME: &'static str = "x509-rsa";
    /// The evidence's verifier name for a GOST R 34.10-2015 signer.
    pub const NAME_GOST: &'static str = "x509-gost2015";

    pub fn new(verifier: X509Verifier) -> Self {
        Self { verifier: Arc::new(RwLock::new(Arc::new(verifier))) }
    }

    /// From now on, checks with `verifier` (every clone of this one too).
    pub fn replace(&self, verifier: X509Verifier) {
        match self.verifier.write() {
            Ok(mut held) => *held = Arc::new(verifier),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(verifier),
        }
    }

    /// The evidence's verifier name for `signer`'s key.
    pub fn name_for(signer: &VerifiedSigner) -> &'static str {
        match signer.key_algorithm {
            "rsa" => Self::NAME,
            _ => Self::NAME_GOST,
        }
    }

    /// Checks a signature of `purpose` and `holder` over `issued`, by `expected_iin` if given.
    pub fn check(
        &self,
        purpose: KeyPurpose,
        holder: Holder,
        issued: &[u8],
        submission: &SignatureSubmission,
        expected_iin: Option<&str>,
        now: Instant,
    ) -> Result<VerifiedSigner> {
        use kezek_identity::SignatureVerifier as _;
        let request =
            VerificationRequest { purpose, holder, issued, submission, expected_iin, now };
        let verifier = match self.verifier.read() {
            Ok(verifier) => Arc::clone(&verifier),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        };
        Ok(verifier.verify(&request)?)
    }
}

impl SignatureVerifier for EdsVerifier {
    fn verify(
        &self,
        signed: &[u8],
        signature: &SignedChoice,
        expected_iin: &str,
        now: Instant,
    ) -> Result<SignatureEvidence> {
        let submission = submission_of(signature);
        let signer = self.check(
            KeyPurpose::Signing,
            Holder::Person,
            signed,
            &submission,
            Some(expected_iin),
            now,
        )?;
        let verifier = Self::name_for(&signer).to_owned();
        Ok(SignatureEvidence {
            signed_text: String::from_utf8_lossy(signed).into_owned(),
            signature_base64: signature.signature_base64.clone(),
            signer_iin: signer.iin,
            verifier,
            certificate_base64: Some(STANDARD.encode(&signer.certificate_der)),
            signer_name: Some(signer.name),
            certificate_serial: Some(signer.certificate_serial),
            certificate_issuer: Some(signer.issuer),
        })
    }
}
