//! Login and signed-choice verification (issue 4): the happy paths of both formats, and the
//! attack table — every row refused with its stable code. Seed steps 3–5 (login with the
//! AUTH_RSA key) and 11–13 (signing the choice with the RSA signing key).

mod pki;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_identity::{
    Holder, KeyPurpose, RsaVerifier, SignatureSubmission, SignatureVerifier, VerificationRequest,
};
use pki::{cms, cms_der, now, raw, read, trust, Cms};

const APPLICANT: &str = "880102300702";
const CHOICE: &[u8] = b"kezek choice v1\napplication=app-1\ngroup=g-kk\napplicant=880102300702\nnonce=3f9a\nexpires=2026-03-02T05:10:00Z\n";
const OTHER_CHOICE: &[u8] = b"kezek choice v1\napplication=app-2\ngroup=g-kk\napplicant=880102300702\nnonce=77c1\nexpires=2026-03-02T05:10:00Z\n";
const CHALLENGE: &[u8] = b"kezek login v1\nnonce=9b1e\nexpires=2026-03-02T05:05:00Z\n";

fn verify(
    purpose: KeyPurpose,
    holder: Holder,
    issued: &[u8],
    submission: &SignatureSubmission,
) -> Result<kezek_identity::VerifiedSigner, &'static str> {
    let verifier = RsaVerifier::new(trust());
    let request = VerificationRequest {
        purpose,
        holder,
        issued,
        submission,
        expected_iin: Some(APPLICANT),
        now: now(),
    };
    verifier.verify(&request).map_err(|error| error.code())
}

fn sign_choice(
    submission: &SignatureSubmission,
) -> Result<kezek_identity::VerifiedSigner, &'static str> {
    verify(KeyPurpose::Signing, Holder::Person, CHOICE, submission)
}

#[test]
fn steps_11_to_13_cms_detached_attached_and_without_attributes_verify() {
    for shape in [Cms::Detached, Cms::Attached, Cms::DetachedNoAttributes] {
        let signer = sign_choice(&cms("sign", CHOICE, shape))
            .unwrap_or_else(|code| panic!("{shape:?}: {code}"));
        assert_eq!(signer.iin, APPLICANT);
        assert_eq!(signer.name, "ТЕСТОВ ТЕСТ");
        assert!(signer.issuer.contains("TEST NCA INTERMEDIATE"), "{}", signer.issuer);
        assert!(!signer.certificate_serial.is_empty());
        assert!(signer.bin.is_none());
    }
}

#[test]
fn raw_pkcs1_and_pss_signatures_with_pem_or_der_certificates_verify() {
    assert!(sign_choice(&raw("sign", "sign", CHOICE, false)).is_ok());
    let SignatureSubmission::Raw { signature, certificate, scheme } =
        raw("sign", "sign", CHOICE, true)
    else {
        unreachable!()
    };
    let (_, der) = der::pem::decode_vec(certificate.as_bytes()).expect("PEM");
    let with_der =
        SignatureSubmission::Raw { signature, certificate: STANDARD.encode(der), scheme };
    assert!(sign_choice(&with_der).is_ok());
}

#[test]
fn steps_3_to_5_login_with_the_authentication_key() {
    let signer = verify(
        KeyPurpose::Authentication,
        Holder::Person,
        CHALLENGE,
        &cms("auth", CHALLENGE, Cms::Detached),
    )
    .expect("login");
    assert_eq!(signer.iin, APPLICANT);
}

#[test]
fn staff_log_in_with_organisation_certificates() {
    let signer = verify(
        KeyPurpose::Signing,
        Holder::Organisation,
        CHOICE,
        &cms("org_sign", CHOICE, Cms::Detached),
    )
    .expect("organisation");
    assert_eq!(signer.bin.as_deref(), Some("150440012344"));
    let personal = verify(
        KeyPurpose::Signing,
        Holder::Organisation,
        CHOICE,
        &cms("sign", CHOICE, Cms::Detached),
    );
    assert_eq!(personal.map(|_| ()), Err("not_organisation_certificate"));
}

/// Changes one digit of the signing time inside the signed attributes of a CMS message.
fn tamper_signing_time(der: &[u8]) -> Vec<u8> {
    let signing_time_oid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05];
    let at = der
        .windows(signing_time_oid.len())
        .position(|window| window == signing_time_oid)
        .expect("signing time attribute");
    let time_at =
        at + der[at..].windows(2).position(|window| window == [0x17, 0x0D]).expect("UTCTime") + 2;
    let mut tampered = der.to_vec();
    // The last seconds digit, before the closing 'Z'.
    let digit = time_at + 11;
    tampered[digit] = if tampered[digit] == b'0' { b'1' } else { b'0' };
    tampered
}

/// One attack: what is tried, for which key and holder, over which issued bytes, and the code.
type Row = (&'static str, KeyPurpose, Holder, &'static [u8], SignatureSubmission, &'static str);

#[test]
fn attack_table_every_row_is_refused_with_its_code() {
    let truncated = cms_der("sign", CHOICE, Cms::Detached, "sha256");
    let rows: Vec<Row> = vec![
        (
            "wrong key",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            raw("other_sign", "sign", CHOICE, false),
            "signature_invalid",
        ),
        (
            "tampered bytes (raw)",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            raw("sign", "sign", OTHER_CHOICE, false),
            "signature_invalid",
        ),
        (
            "tampered bytes (CMS)",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("sign", &[CHOICE, b"x"].concat(), Cms::Detached),
            "message_digest_mismatch",
        ),
        (
            "tampered signed attributes",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            SignatureSubmission::Cms {
                cms: STANDARD.encode(tamper_signing_time(&cms_der(
                    "sign",
                    CHOICE,
                    Cms::Detached,
                    "sha256",
                ))),
            },
            "signature_invalid",
        ),
        (
            "expired",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("expired_sign", CHOICE, Cms::Detached),
            "certificate_expired",
        ),
        (
            "not yet valid",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("future_sign", CHOICE, Cms::Detached),
            "certificate_not_yet_valid",
        ),
        (
            "untrusted issuer",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("untrusted_sign", CHOICE, Cms::Detached),
            "certificate_untrusted",
        ),
        (
            "revoked",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("revoked_sign", CHOICE, Cms::Detached),
            "certificate_revoked",
        ),
        (
            "authentication key used to sign",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("auth", CHOICE, Cms::Detached),
            "wrong_key_purpose",
        ),
        (
            "signing key used to log in",
            KeyPurpose::Authentication,
            Holder::Person,
            CHALLENGE,
            cms("sign", CHALLENGE, Cms::Detached),
            "wrong_key_purpose",
        ),
        (
            "another person's IIN",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("other_sign", CHOICE, Cms::Detached),
            "signer_mismatch",
        ),
        (
            "organisation certificate for an applicant action",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("org_sign", CHOICE, Cms::Detached),
            "organisation_certificate",
        ),
        (
            "RSA 1024",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("weak_sign", CHOICE, Cms::Detached),
            "key_too_weak",
        ),
        (
            "SHA-1",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            SignatureSubmission::Cms {
                cms: STANDARD.encode(cms_der("sign", CHOICE, Cms::Detached, "sha1")),
            },
            "algorithm_not_allowed",
        ),
        (
            "garbage base64",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            SignatureSubmission::Cms { cms: "%%%not base64%%%".into() },
            "signature_encoding_invalid",
        ),
        (
            "truncated DER",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            SignatureSubmission::Cms { cms: STANDARD.encode(&truncated[..truncated.len() / 2]) },
            "signature_der_invalid",
        ),
        (
            "another application's choice (detached)",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("sign", OTHER_CHOICE, Cms::Detached),
            "message_digest_mismatch",
        ),
        (
            "another application's choice (attached)",
            KeyPurpose::Signing,
            Holder::Person,
            CHOICE,
            cms("sign", OTHER_CHOICE, Cms::Attached),
            "content_mismatch",
        ),
    ];
    let mut failures = Vec::new();
    for (name, purpose, holder, issued, submission, expected) in &rows {
        let outcome = verify(*purpose, *holder, issued, submission).map(|signer| signer.iin);
        if outcome != Err(*expected) {
            failures.push(format!("{name}: expected {expected}, got {outcome:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(rows.len(), 18);
}

#[test]
fn a_crl_not_signed_by_an_anchor_is_refused() {
    let mut trust = kezek_identity::TrustStore::from_pem_bundle(&read("root.pem")).expect("bundle");
    assert_eq!(
        trust.add_crl_pem(&read("intermediate.crl.pem")).map_err(|e| e.code()),
        Err("certificate_untrusted")
    );
}

#[test]
fn the_pkcs12_signing_script_produces_what_the_verifier_accepts() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/sign-with-p12.sh");
    let payload = pki::pki().join("choice-for-script");
    std::fs::write(&payload, CHOICE).expect("payload");
    for (p12, purpose, issued) in [
        ("sign.p12", KeyPurpose::Signing, CHOICE),
        ("auth.p12", KeyPurpose::Authentication, CHOICE),
    ] {
        let output = std::process::Command::new("bash")
            .arg(&script)
            .arg(pki::pki().join(p12))
            .arg("test")
            .arg(&payload)
            .output()
            .expect("script runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let cms = String::from_utf8(output.stdout).expect("base64 text").trim().to_owned();
        let signer = verify(purpose, Holder::Person, issued, &SignatureSubmission::Cms { cms })
            .expect("accepted");
        assert_eq!(signer.iin, APPLICANT);
    }
}

#[test]
fn the_pkcs12_signing_script_makes_raw_signatures_and_api_bodies() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/sign-with-p12.sh");
    let payload = pki::pki().join("choice-for-raw-script");
    std::fs::write(&payload, CHOICE).expect("payload");
    let run = |extra: &[&str]| {
        let output = std::process::Command::new("bash")
            .arg(&script)
            .arg(pki::pki().join("sign.p12"))
            .arg("test")
            .arg(&payload)
            .args(extra)
            .output()
            .expect("script runs");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("text")
    };
    let raw = run(&["--raw"]);
    let mut lines = raw.lines();
    let submission = SignatureSubmission::Raw {
        signature: lines.next().expect("signature").to_owned(),
        certificate: lines.next().expect("certificate").to_owned(),
        scheme: kezek_identity::submission::RawScheme::Pkcs1Sha256,
    };
    assert_eq!(sign_choice(&submission).expect("raw accepted").iin, APPLICANT);
    let body: serde_json::Value =
        serde_json::from_str(&run(&["--raw", "--json", "ab12"])).expect("JSON");
    assert_eq!(body["nonce"], "ab12");
    assert!(
        body["signature"]["signatureBase64"].is_string()
            && body["signature"]["certificateBase64"].is_string()
    );
    let body: serde_json::Value =
        serde_json::from_str(&run(&["--attached", "--json", "ab12"])).expect("JSON");
    let cms = body["signature"]["signatureBase64"].as_str().expect("CMS").to_owned();
    assert!(body["signature"].get("certificateBase64").is_none());
    assert!(sign_choice(&SignatureSubmission::Cms { cms }).is_ok());
}

/// The rows issue 14 adds (revocation as NCA publishes it, GOST keys), each with its code.
#[test]
fn attack_table_rows_of_gost_keys_and_real_revocation() {
    use chrono::{Duration, TimeZone, Utc};
    use kezek_identity::{CrlFile, RevocationCheck, X509Verifier};
    use std::sync::Arc;
    let day = |d| Utc.with_ymd_and_hms(2026, 2, d, 0, 0, 0).single().expect("instant");
    let anchors = || {
        kezek_identity::TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem")))
            .expect("bundle")
    };
    let with_crls = |crls: &[Vec<u8>]| -> Arc<dyn RevocationCheck> {
        let mut file = CrlFile::with_grace(Duration::days(10));
        for crl in crls {
            file.add(crl, anchors().anchors()).expect("CRL");
        }
        Arc::new(file)
    };
    let base = pki::intermediate_crl(day(1), day(27), 10, None, &[]);
    let stale = pki::intermediate_crl(day(1), day(2), 10, None, &[]);
    let signer = pki::serial_of("sign");
    let delta = pki::intermediate_crl(day(20), day(27), 11, Some(10), &[(&signer, None)]);
    let rows: [(&str, Arc<dyn RevocationCheck>, &str); 2] = [
        ("stale CRL", with_crls(&[stale]), "revocation_unknown"),
        ("revoked by delta CRL", with_crls(&[base.clone(), delta]), "certificate_revoked"),
    ];
    for (name, revocation, code) in rows {
        let verifier = X509Verifier::with_revocation(anchors(), revocation);
        let submission = cms("sign", CHOICE, Cms::Detached);
        let request = VerificationRequest {
            purpose: KeyPurpose::Signing,
            holder: Holder::Person,
            issued: CHOICE,
            submission: &submission,
            expected_iin: Some(APPLICANT),
            now: now(),
        };
        assert_eq!(
            verifier.verify(&request).map(|s| s.iin).map_err(|e| e.code()),
            Err(code),
            "{name}"
        );
    }
    let mut tampered = base;
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert_eq!(
        CrlFile::new().add(&tampered, anchors().anchors()).map_err(|e| e.code()),
        Err("crl_invalid"),
        "CRL not signed by its CA"
    );
    // GOST rows: tests/gost.rs `gost_attack_rows_are_refused_with_their_codes` (tampered
    // signature → signature_invalid, wrong curve → gost_curve_not_supported), and there the
    // test subjects a production stage refuses (subject_iin_missing).
}
