//! Revocation is a pluggable check (issue 4 item 1): the CRL file from configuration is one
//! implementation; any other (OCSP later) goes through the same trait and is asked about
//! every certificate below the anchor, with its issuer.

mod pki;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use kezek_identity::revocation::{NoRevocation, RevocationCheck};
use kezek_identity::CrlFile;
use kezek_identity::{
    Holder, IdentityError, KeyPurpose, RsaVerifier, SignatureSubmission, SignatureVerifier,
    TrustStore, VerificationRequest,
};
use pki::{cms, now, read, Cms};
use x509_cert::Certificate;

const CHOICE: &[u8] = b"kezek choice v1\napplication: app-1\n";

fn anchors() -> TrustStore {
    TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem"))).expect("bundle")
}

fn check(
    verifier: &RsaVerifier,
    submission: &SignatureSubmission,
    at: DateTime<Utc>,
) -> Result<String, &'static str> {
    let request = VerificationRequest {
        purpose: KeyPurpose::Signing,
        holder: Holder::Person,
        issued: CHOICE,
        submission,
        expected_iin: None,
        now: at,
    };
    verifier.verify(&request).map(|signer| signer.iin).map_err(|error| error.code())
}

#[test]
fn a_crl_file_is_one_revocation_check() {
    let mut crls = CrlFile::new();
    assert_eq!(crls.add_pem(&read("intermediate.crl.pem"), anchors().anchors()), Ok(1));
    let verifier = RsaVerifier::with_revocation(anchors(), Arc::new(crls));
    assert_eq!(
        check(&verifier, &cms("revoked_sign", CHOICE, Cms::Detached), now()),
        Err("certificate_revoked")
    );
    assert!(check(&verifier, &cms("sign", CHOICE, Cms::Detached), now()).is_ok());
}

#[test]
fn a_certificate_is_revoked_from_its_revocation_date() {
    // make.sh fixes the revocation date at 1 January 2025.
    let verifier = RsaVerifier::new(pki::trust());
    let before = Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 59).single().expect("instant");
    assert!(check(&verifier, &cms("revoked_sign", CHOICE, Cms::Detached), before).is_ok());
    let from = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).single().expect("instant");
    assert_eq!(
        check(&verifier, &cms("revoked_sign", CHOICE, Cms::Detached), from),
        Err("certificate_revoked")
    );
}

#[test]
fn without_revocation_information_nothing_is_revoked() {
    let verifier = RsaVerifier::with_revocation(pki::trust(), Arc::new(NoRevocation));
    assert!(check(&verifier, &cms("revoked_sign", CHOICE, Cms::Detached), now()).is_ok());
}

/// A stand-in for an OCSP client: records what it is asked, answers from a list of serials,
/// and fails when told its responder is unreachable.
#[derive(Debug, Default)]
struct Responder {
    revoked_serials: Vec<Vec<u8>>,
    unreachable: bool,
    asked: Mutex<Vec<(String, String)>>,
}

impl RevocationCheck for Responder {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        issuer: &Certificate,
        _now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        self.asked.lock().expect("lock").push((
            certificate.tbs_certificate.subject.to_string(),
            issuer.tbs_certificate.subject.to_string(),
        ));
        if self.unreachable {
            return Err(IdentityError::CertificateUntrusted);
        }
        Ok(self.revoked_serials.iter().any(|serial| {
            serial.as_slice() == certificate.tbs_certificate.serial_number.as_bytes()
        }))
    }
}

#[test]
fn another_check_is_asked_with_the_issuer_and_its_answer_decides() {
    use der::DecodePem;
    let sign = Certificate::from_pem(read("sign.pem").as_bytes()).expect("certificate");
    let responder = Arc::new(Responder {
        revoked_serials: vec![sign.tbs_certificate.serial_number.as_bytes().to_vec()],
        ..Responder::default()
    });
    let verifier = RsaVerifier::with_revocation(anchors(), responder.clone());
    assert_eq!(
        check(&verifier, &cms("sign", CHOICE, Cms::Detached), now()),
        Err("certificate_revoked")
    );
    let asked = responder.asked.lock().expect("lock").clone();
    assert_eq!(asked.len(), 1, "only the certificate below the anchor is asked about");
    assert!(asked[0].1.contains("TEST NCA INTERMEDIATE"), "{asked:?}");
    // The CRL loaded into the trust store is not consulted when another check is given.
    let verifier = RsaVerifier::with_revocation(pki::trust(), Arc::new(Responder::default()));
    assert!(check(&verifier, &cms("revoked_sign", CHOICE, Cms::Detached), now()).is_ok());
    // A check that cannot answer refuses.
    let verifier = RsaVerifier::with_revocation(
        anchors(),
        Arc::new(Responder { unreachable: true, ..Responder::default() }),
    );
    assert!(check(&verifier, &cms("sign", CHOICE, Cms::Detached), now()).is_err());
}

#[test]
fn a_bundle_of_crls_loads_and_a_bad_one_loads_nothing() {
    let crl = read("intermediate.crl.pem");
    let mut crls = CrlFile::new();
    assert_eq!(crls.add_pem(&format!("{crl}\n{crl}"), anchors().anchors()), Ok(2));
    assert_eq!(crls.len(), 1, "the same entry twice is one revoked certificate");
    let mut crls = CrlFile::new();
    let root_only = TrustStore::from_pem_bundle(&read("root.pem")).expect("root");
    assert_eq!(
        crls.add_pem(&crl, root_only.anchors()).map_err(|e| e.code()),
        Err("certificate_untrusted")
    );
    assert!(crls.is_empty());
    assert_eq!(
        crls.add_pem("not PEM", anchors().anchors()).map_err(|e| e.code()),
        Err("signature_encoding_invalid")
    );
    assert_eq!(
        crls.add_pem(&read("sign.pem"), anchors().anchors()).map_err(|e| e.code()),
        Err("signature_encoding_invalid")
    );
}
