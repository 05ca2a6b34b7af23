//! OCSP (RFC 6960, issue 14 item 2) against `openssl ocsp` run as a local responder: good,
//! revoked, unknown, stale (nextUpdate passed) and wrongly signed (a responder certificate the
//! CA did not authorise for OCSP) answers, each with its own code; the cache honours
//! nextUpdate; a responder that is down is "revocation unknown"; a real NCA response parses.

mod ocsp_responder;
mod pki;

use std::sync::Arc;
use std::time::Duration as Timeout;

use chrono::{DateTime, Duration, Utc};
use der::DecodePem;
use kezek_identity::ocsp::{OcspCheck, OcspStatus};
use kezek_identity::{
    FirstAnswer, Holder, KeyPurpose, RevocationCheck, SignatureVerifier, TrustStore,
    VerificationRequest, X509Verifier,
};
use ocsp_responder::{Responder, Setup};
use pki::{cms, pki, read, Cms};
use x509_cert::Certificate;

const CHOICE: &[u8] = b"kezek choice v1\napplication: app-1\n";

/// The real time: `openssl ocsp` dates its answers by the system clock.
fn wall() -> DateTime<Utc> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    DateTime::from_timestamp(i64::try_from(seconds).expect("seconds"), 0).expect("instant")
}

fn certificate(name: &str) -> Certificate {
    Certificate::from_pem(read(&format!("{name}.pem")).as_bytes()).expect("certificate")
}

fn anchors() -> TrustStore {
    TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem"))).expect("bundle")
}

fn check(responder: &Responder) -> OcspCheck {
    OcspCheck::http(Some(responder.url.clone()), Timeout::from_secs(5))
}

/// The code a signature by `holder` gets at `now` with `revocation`, or "ok".
fn sign(revocation: Arc<dyn RevocationCheck>, holder: &str, now: DateTime<Utc>) -> &'static str {
    let verifier = X509Verifier::with_revocation(anchors(), revocation);
    let submission = cms(holder, CHOICE, Cms::Detached);
    let request = VerificationRequest {
        purpose: KeyPurpose::Signing,
        holder: Holder::Person,
        issued: CHOICE,
        submission: &submission,
        expected_iin: None,
        now,
    };
    match verifier.verify(&request) {
        Ok(_) => "ok",
        Err(error) => error.code(),
    }
}

#[test]
fn good_and_revoked_answers_decide_and_are_cached_until_their_next_update() {
    let responder = Responder::start(pki(), Setup::intermediate(10));
    let ocsp = check(&responder);
    let now = wall();
    let (sign_certificate, intermediate) = (certificate("sign"), certificate("intermediate"));
    let answer = ocsp.answer(&sign_certificate, &intermediate, now).expect("answer");
    assert_eq!(answer.status, OcspStatus::Good);
    let next = answer.next_update.expect("nextUpdate (-nmin 10)");
    assert!(next > now + Duration::minutes(9) && next <= now + Duration::minutes(11), "{answer:?}");
    let revoked = ocsp.answer(&certificate("revoked_sign"), &intermediate, now).expect("answer");
    assert!(
        matches!(revoked.status, OcspStatus::Revoked { at } if at.to_rfc3339().starts_with("2025-01-01"))
    );

    let ocsp = Arc::new(ocsp);
    assert_eq!(sign(ocsp.clone(), "sign", now), "ok");
    assert_eq!(sign(ocsp.clone(), "revoked_sign", now), "certificate_revoked");
    assert_eq!(ocsp.cache().len(), 2);

    // The responder stops: the cached answers still decide until their nextUpdate...
    drop(responder);
    assert_eq!(sign(ocsp.clone(), "sign", now + Duration::minutes(5)), "ok");
    assert_eq!(
        sign(ocsp.clone(), "revoked_sign", now + Duration::minutes(5)),
        "certificate_revoked"
    );
    // ... and after it the check asks again, gets no answer: revocation unknown.
    assert_eq!(sign(ocsp.clone(), "sign", now + Duration::minutes(12)), "revocation_unknown");
}

#[test]
fn a_certificate_the_responder_does_not_know_is_revocation_unknown_and_the_crl_may_decide() {
    let setup = Setup { index: "index-empty.txt", ..Setup::intermediate(10) };
    let responder = Responder::start(pki(), setup);
    let ocsp = check(&responder);
    let now = wall();
    let answer =
        ocsp.answer(&certificate("sign"), &certificate("intermediate"), now).expect("answer");
    assert_eq!(answer.status, OcspStatus::Unknown);
    let ocsp = Arc::new(ocsp);
    assert_eq!(sign(ocsp.clone(), "sign", now), "revocation_unknown");
    // OCSP first, then the CRL (KEZEK_REVOCATION_CHECKS=ocsp,crl): the CRL knows.
    let crls = Arc::new(pki::trust().crl_file().clone());
    let both = Arc::new(FirstAnswer(vec![ocsp, crls]));
    assert_eq!(sign(both.clone(), "sign", now), "ok");
    assert_eq!(sign(both, "revoked_sign", now), "certificate_revoked");
}

#[test]
fn an_answer_past_its_next_update_is_stale() {
    let responder = Responder::start(pki(), Setup::intermediate(1));
    let ocsp = Arc::new(check(&responder));
    // The responder's answers are valid one minute; five minutes on they are stale.
    let later = wall() + Duration::minutes(5);
    assert_eq!(sign(ocsp.clone(), "sign", later), "ocsp_response_stale");
    assert!(ocsp.cache().is_empty(), "a refused answer is not kept");
    // Without a nextUpdate an answer is current for 15 minutes after its thisUpdate.
    let setup = Setup { valid_minutes: None, ..Setup::intermediate(1) };
    let responder = Responder::start(pki(), setup);
    let ocsp = Arc::new(check(&responder));
    assert_eq!(sign(ocsp.clone(), "sign", wall()), "ok");
    assert!(ocsp.cache().is_empty(), "without nextUpdate nothing is cached");
    assert_eq!(sign(ocsp, "sign", wall() + Duration::minutes(20)), "ocsp_response_stale");
}

#[test]
fn a_responder_the_ca_did_not_authorise_is_refused() {
    // other_sign is issued by the intermediate, but for e-mail protection, not OCSP signing.
    let setup = Setup { signer: "other_sign", ..Setup::intermediate(10) };
    let responder = Responder::start(pki(), setup);
    assert_eq!(sign(Arc::new(check(&responder)), "sign", wall()), "ocsp_response_invalid");
    // A responder certificate of another CA (the rogue one signs for itself).
    let setup = Setup { signer: "rogue", ..Setup::intermediate(10) };
    let responder = Responder::start(pki(), setup);
    assert_eq!(sign(Arc::new(check(&responder)), "sign", wall()), "ocsp_response_invalid");
    // The CA itself may answer.
    let setup = Setup { signer: "intermediate", ..Setup::intermediate(10) };
    let responder = Responder::start(pki(), setup);
    assert_eq!(sign(Arc::new(check(&responder)), "sign", wall()), "ok");
}

#[test]
fn no_responder_is_revocation_unknown() {
    // A port nobody listens on, and a certificate naming no responder.
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("a").port();
    let ocsp = OcspCheck::http(Some(format!("http://127.0.0.1:{port}/")), Timeout::from_secs(2));
    assert_eq!(sign(Arc::new(ocsp), "sign", wall()), "revocation_unknown");
    let ocsp = OcspCheck::http(None, Timeout::from_secs(2));
    assert_eq!(sign(Arc::new(ocsp), "sign", wall()), "revocation_unknown");
}

#[test]
fn a_real_nca_gost_response_parses_and_a_tampered_one_is_refused() {
    let der = include_bytes!("nca/ocsp_response_individual_2015.bin");
    let basic = kezek_identity::ocsp::response::basic_response(der).expect("NCA basic response");
    assert_eq!(basic.tbs_response_data.responses.len(), 1);
    assert!(basic.certs.as_ref().is_some_and(|certs| !certs.is_empty()), "responder certificate");
    let mut tampered = der.to_vec();
    tampered.truncate(der.len() / 2);
    assert_eq!(
        kezek_identity::ocsp::response::basic_response(&tampered).map(|_| ()),
        Err(kezek_identity::IdentityError::OcspResponseInvalid)
    );
}
