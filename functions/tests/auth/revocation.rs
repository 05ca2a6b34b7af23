//! Issue 14's refusals through HTTP (`POST /auth/login`), each with its own code and nothing
//! written: a stale CRL, a certificate revoked by a delta CRL, OCSP revoked, stale and
//! wrongly signed answers of `openssl ocsp` run here as the responder, a tampered GOST
//! signature and a GOST key of another curve. Then the test stage: NCA's test subject
//! (IIN123456789011, GOST) logs in and signs on a stage configured `test`, never on a
//! production stage.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use der::{Decode, DecodePem, Encode};
use kezek_functions::config::EdsOptions;
use kezek_functions::crl_fetch::refresh::verifier_of;
use kezek_functions::eds::EdsVerifier;
use kezek_functions::signature::{SignatureVerifier as _, SignedChoice};
use kezek_identity::{SubjectRules, TrustStore, Unknown, UnknownPolicy, X509Verifier};
use serde_json::{json, Value};

use crate::crl_builder::{build, CrlSpec};
use crate::gost_fixture::{certificate as nca_certificate, gost_cms_der, gost_now, gost_trust};
use crate::ocsp_responder::{Responder, Setup};
use crate::pki::{self, Shape};
use crate::support::monday;
use crate::Api;

/// The real time: `openssl ocsp` dates its answers by the system clock.
fn wall() -> DateTime<Utc> {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    DateTime::from_timestamp(i64::try_from(seconds).expect("seconds"), 0).expect("instant")
}

fn anchors_pem() -> String {
    pki::read("root.pem") + &pki::read("intermediate.pem")
}

fn serial_of(name: &str) -> Vec<u8> {
    x509_cert::Certificate::from_pem(pki::read(&format!("{name}.pem")).as_bytes())
        .expect("certificate")
        .tbs_certificate
        .serial_number
        .as_bytes()
        .to_vec()
}

/// A CRL of the intermediate from `this_update` for a week: number, base of a delta, serials.
fn crl(
    this_update: DateTime<Utc>,
    number: u8,
    delta_of: Option<u8>,
    revoked: Vec<Vec<u8>>,
) -> Vec<u8> {
    build(&CrlSpec {
        pki: pki::directory(),
        issuer_pem: "intermediate.pem",
        signer_key: "intermediate.key",
        this_update,
        next_update: this_update + Duration::days(7),
        number,
        delta_of,
        revoked,
    })
}

fn pem_of(der: &[u8]) -> String {
    der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, der).expect("PEM")
}

/// The EDS verifier over the test anchors with `crls` (PEM), production options.
fn crl_verifier(crls: &[Vec<u8>]) -> EdsVerifier {
    let pem: String = crls.iter().map(|der| pem_of(der)).collect();
    let options = EdsOptions::from_values(None, None, None).expect("options");
    verifier_of(&anchors_pem(), Some(&pem), &options).expect("verifier")
}

/// The EDS verifier asking `responder` (KEZEK_REVOCATION_CHECKS=ocsp).
fn ocsp_verifier(responder: &Responder) -> EdsVerifier {
    let options = EdsOptions::from_values(None, None, None)
        .and_then(|options| {
            options.with_revocation(Some("ocsp"), Some(responder.url.clone()), None)
        })
        .expect("options");
    verifier_of(&anchors_pem(), None, &options).expect("verifier")
}

/// The intermediate's index with the applicant's authentication certificate revoked too.
fn index_with_auth_revoked() -> &'static str {
    let serial: String = serial_of("auth").iter().map(|byte| format!("{byte:02X}")).collect();
    let index = pki::read("index-intermediate.txt")
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() == 6 && fields[3] == serial {
                format!(
                    "R\t{}\t250101000000Z\t{}\t{}\t{}",
                    fields[1], fields[3], fields[4], fields[5]
                )
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(pki::directory().join("index-auth-revoked.txt"), index + "\n").expect("index");
    // Several certificates share a subject (openssl's default wants them unique).
    std::fs::write(pki::directory().join("index-auth-revoked.txt.attr"), "unique_subject = no\n")
        .expect("index attributes");
    "index-auth-revoked.txt"
}

fn cms_value(der: &[u8]) -> Value {
    json!({ "signatureBase64": STANDARD.encode(der) })
}

/// A GOST CMS by NCA's test key over `bytes` with its last byte (the signature's) changed.
fn gost_tampered(bytes: &[u8]) -> Value {
    let mut der = gost_cms_der(&nca_certificate("gost_individual_test.cer"), bytes);
    let last = der.len() - 1;
    der[last] ^= 0x01;
    cms_value(&der)
}

/// A GOST CMS over `bytes` whose certificate names another parameter set (…2.2.2).
fn gost_wrong_curve(bytes: &[u8]) -> Value {
    let mut other = nca_certificate("gost_individual_test.cer");
    let parameters = other.tbs_certificate.subject_public_key_info.algorithm.parameters.take();
    let mut encoded = parameters.expect("parameters").to_der().expect("DER");
    let at = encoded.windows(3).position(|w| w == [0x02, 0x02, 0x01]).expect("curve OID");
    encoded[at + 2] = 0x02;
    other.tbs_certificate.subject_public_key_info.algorithm.parameters =
        Some(der::Any::from_der(&encoded).expect("parameters"));
    cms_value(&gost_cms_der(&other, bytes))
}

/// Logs in at `now` with `signature(challenge bytes)` on `api`; checks the refusal and that
/// nothing was written. The report line.
async fn refused_login(
    name: &str,
    api: &Api,
    now: DateTime<Utc>,
    signature: impl Fn(&[u8]) -> Value,
    expected: (u16, &str),
) -> Result<String, String> {
    let challenge = api.challenge(now).await;
    let before = api.snapshot().await;
    let answer = api.login(now, &challenge.nonce, signature(&challenge.bytes)).await;
    let line = format!("| {name} | Login | {} | {} |", answer.status, answer.code());
    if answer.refusal() != (expected.0, expected.1.to_owned()) {
        return Err(format!(
            "{name}: expected {expected:?}, got {} {}",
            answer.status, answer.body
        ));
    }
    if api.snapshot().await != before {
        return Err(format!("{name}: something was written"));
    }
    Ok(line)
}

fn auth_cms(bytes: &[u8]) -> Value {
    pki::cms("auth", bytes, Shape::Detached)
}

#[tokio::test]
async fn revocation_and_gost_refusals_through_http_each_with_its_code_and_nothing_written() {
    let monday = monday();
    let mut results = Vec::new();

    // CRLs: a base past its nextUpdate; a current base with a delta revoking `auth`.
    let stale = crl(monday - Duration::days(10), 10, None, vec![]);
    let api = Api::with_verifier(crl_verifier(&[stale])).await;
    results.push(
        refused_login("stale CRL", &api, monday, auth_cms, (422, "revocation_unknown")).await,
    );
    let base = crl(monday - Duration::days(1), 20, None, vec![serial_of("revoked_sign")]);
    let delta = crl(monday - Duration::hours(2), 21, Some(20), vec![serial_of("auth")]);
    let api = Api::with_verifier(crl_verifier(&[base, delta])).await;
    results.push(
        refused_login("revoked by delta CRL", &api, monday, auth_cms, (422, "certificate_revoked"))
            .await,
    );

    // OCSP: revoked, stale (answers valid one minute, asked three minutes on), wrongly signed.
    let revoked = Responder::start(
        pki::directory(),
        Setup { index: index_with_auth_revoked(), ..Setup::intermediate(10) },
    );
    let api = Api::with_verifier(ocsp_verifier(&revoked)).await;
    results.push(
        refused_login("OCSP revoked", &api, wall(), auth_cms, (422, "certificate_revoked")).await,
    );
    let short = Responder::start(pki::directory(), Setup::intermediate(1));
    let api = Api::with_verifier(ocsp_verifier(&short)).await;
    let later = wall() + Duration::minutes(3);
    results.push(
        refused_login("OCSP answer stale", &api, later, auth_cms, (422, "ocsp_response_stale"))
            .await,
    );
    let forged = Responder::start(
        pki::directory(),
        Setup { signer: "other_sign", ..Setup::intermediate(10) },
    );
    let api = Api::with_verifier(ocsp_verifier(&forged)).await;
    results.push(
        refused_login(
            "OCSP responder signature invalid",
            &api,
            wall(),
            auth_cms,
            (422, "ocsp_response_invalid"),
        )
        .await,
    );

    // GOST (NCA's test key), on the RSA stage's verifier: the signature is checked first.
    let api = Api::new().await;
    results.push(
        refused_login(
            "GOST signature tampered",
            &api,
            monday,
            gost_tampered,
            (422, "signature_invalid"),
        )
        .await,
    );
    results.push(
        refused_login(
            "GOST key of the wrong curve",
            &api,
            monday,
            gost_wrong_curve,
            (422, "gost_curve_not_supported"),
        )
        .await,
    );

    let (lines, failures): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    let lines: Vec<String> = lines.into_iter().map(Result::unwrap_or_default).collect();
    println!("{}", lines.join("\n"));
    let failures: Vec<String> = failures.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The same responders answer good for a certificate they list as valid: login succeeds.
    let api = Api::with_verifier(ocsp_verifier(&revoked)).await;
    let now = wall();
    let challenge = api.challenge(now).await;
    let staff = api
        .login(now, &challenge.nonce, pki::cms("staff_auth", &challenge.bytes, Shape::Detached))
        .await;
    assert_eq!(staff.status, 200, "{}", staff.body);
}

/// The GOST stage's verifier: NCA's GOST test intermediate as the anchor, no revocation
/// data (revocation of the real NCA test CA is not reachable from the tests).
fn gost_verifier(subjects: SubjectRules) -> EdsVerifier {
    let trust: TrustStore = gost_trust();
    let revocation =
        UnknownPolicy { check: Arc::new(kezek_identity::NoRevocation), unknown: Unknown::Refuse };
    EdsVerifier::new(
        X509Verifier::with_revocation(trust, Arc::new(revocation)).with_subject_rules(subjects),
    )
}

#[tokio::test]
async fn a_test_stage_lets_ncas_test_subject_log_in_and_sign_and_a_production_stage_never_does() {
    let now = gost_now();
    let gost = |bytes: &[u8]| {
        cms_value(&gost_cms_der(&nca_certificate("gost_individual_test.cer"), bytes))
    };
    let test_stage = gost_verifier(SubjectRules { accept_test_subjects: true });
    let production = gost_verifier(SubjectRules { accept_test_subjects: false });

    // Login over HTTP.
    let api = Api::with_verifier(test_stage.clone()).await;
    let challenge = api.challenge(now).await;
    let login = api.login(now, &challenge.nonce, gost(&challenge.bytes)).await.ok(200);
    assert_eq!(login["identity"]["iin"], "123456789011", "{login}");
    let api = Api::with_verifier(production.clone()).await;
    let line = refused_login(
        "NCA test subject on production",
        &api,
        now,
        gost,
        (422, "subject_iin_missing"),
    )
    .await;
    assert!(line.is_ok(), "{line:?}");

    // Signing: the verifier `sign` runs (the SignatureVerifier of the router), for the
    // test subject as the applicant.
    let choice = b"kezek choice v1\napplication: app-1\n";
    let signed = SignedChoice {
        signature_base64: STANDARD
            .encode(gost_cms_der(&nca_certificate("gost_individual_test.cer"), choice)),
        certificate_base64: None,
    };
    let evidence =
        test_stage.verify(choice, &signed, "123456789011", now).expect("test stage signs");
    assert_eq!(evidence.verifier, "x509-gost2015");
    assert_eq!(evidence.signer_iin, "123456789011");
    let refused = production.verify(choice, &signed, "123456789011", now).map(|_| ());
    assert_eq!(refused.map_err(|error| error.code()), Err("subject_iin_missing"));
}
