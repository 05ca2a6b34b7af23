//! Verifying the applicant's signature over the exact bytes `choose` issued (DESIGN §3).
//!
//! One trait, so the X.509/CMS verifier (RSA and GOST keys, `crate::eds`) and the test one
//! are interchangeable. The test verifier — only with the cargo feature `test-verifier`,
//! which the tests and benchmarks enable and the Lambda binaries never do — is a real
//! check: HMAC-SHA256 under a key derived per signer IIN from a configured secret, so a
//! signature by one person never verifies for another, and any change of the bytes is
//! refused.

#[cfg(feature = "test-verifier")]
use base64::engine::general_purpose::STANDARD;
#[cfg(feature = "test-verifier")]
use base64::Engine;
use kezek_rules::time::Instant;
#[cfg(feature = "test-verifier")]
use ring::hmac;
use serde::{Deserialize, Serialize};

#[cfg(feature = "test-verifier")]
use crate::error::Error;
use crate::error::Result;
use crate::store::items::SignatureEvidence;

/// What the client sends back with `sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedChoice {
    pub signature_base64: String,
    #[serde(default)]
    pub certificate_base64: Option<String>,
}

pub trait SignatureVerifier: Send + Sync + std::fmt::Debug {
    /// Checks that `signature` is `expected_iin`'s signature over exactly `signed`, valid at `now`.
    fn verify(
        &self,
        signed: &[u8],
        signature: &SignedChoice,
        expected_iin: &str,
        now: Instant,
    ) -> Result<SignatureEvidence>;
}

/// HMAC-SHA256 test verifier (feature `test-verifier`: tests and benchmarks only).
#[cfg(feature = "test-verifier")]
pub struct HmacTestVerifier {
    master: hmac::Key,
}

#[cfg(feature = "test-verifier")]
impl std::fmt::Debug for HmacTestVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HmacTestVerifier")
    }
}

#[cfg(feature = "test-verifier")]
impl HmacTestVerifier {
    pub const NAME: &'static str = "hmac-sha256-test";

    pub fn new(secret: &[u8]) -> Self {
        Self { master: hmac::Key::new(hmac::HMAC_SHA256, secret) }
    }

    fn signer_key(&self, iin: &str) -> hmac::Key {
        let derived = hmac::sign(&self.master, format!("kezek-test-signer:{iin}").as_bytes());
        hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref())
    }

    /// What a test client holding `iin`'s key sends: the base64 signature of `bytes`.
    pub fn sign_as(&self, iin: &str, bytes: &[u8]) -> String {
        STANDARD.encode(hmac::sign(&self.signer_key(iin), bytes).as_ref())
    }
}

#[cfg(feature = "test-verifier")]
impl SignatureVerifier for HmacTestVerifier {
    fn verify(
        &self,
        signed: &[u8],
        signature: &SignedChoice,
        expected_iin: &str,
        _now: Instant,
    ) -> Result<SignatureEvidence> {
        let raw = STANDARD
            .decode(signature.signature_base64.as_bytes())
            .map_err(|_| Error::SignatureMalformed)?;
        hmac::verify(&self.signer_key(expected_iin), signed, &raw)
            .map_err(|_| Error::Identity(kezek_identity::IdentityError::SignatureInvalid))?;
        Ok(SignatureEvidence {
            signed_text: String::from_utf8_lossy(signed).into_owned(),
            signature_base64: signature.signature_base64.clone(),
            signer_iin: expected_iin.to_owned(),
            verifier: Self::NAME.to_owned(),
            certificate_base64: signature.certificate_base64.clone(),
            signer_name: None,
            certificate_serial: None,
            certificate_issuer: None,
        })
    }
}

#[cfg(all(test, feature = "test-verifier"))]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn verifies_only_the_signer_over_the_same_bytes() {
        let now = Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("instant");
        let verifier = HmacTestVerifier::new(b"secret");
        let signed = SignedChoice {
            signature_base64: verifier.sign_as("111", b"bytes"),
            certificate_base64: None,
        };
        assert!(verifier.verify(b"bytes", &signed, "111", now).is_ok());
        assert_eq!(
            verifier.verify(b"bytez", &signed, "111", now).map_err(|e| e.code()),
            Err("signature_invalid")
        );
        assert_eq!(
            verifier.verify(b"bytes", &signed, "222", now).map_err(|e| e.code()),
            Err("signature_invalid")
        );
        let garbage = SignedChoice { signature_base64: "***".into(), certificate_base64: None };
        assert_eq!(
            verifier.verify(b"bytes", &garbage, "111", now).map_err(|e| e.code()),
            Err("signature_malformed")
        );
    }
}
