//! The attack table of `identity/tests/attacks.rs` through HTTP: every row that applies to
//! logging in (seed steps 3–5) or signing the choice (seed steps 11–13) is refused with its
//! own stable code and status, and NOTHING is written (every item of the table compared
//! before and after; the challenge and the choice stay unused). Then the happy paths of
//! step 13 in both formats, and the single-use and expiry of nonces.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use serde_json::{json, Value};

use crate::pki::{self, cms_der, tamper_signing_time, Shape};
use crate::support::monday;
use crate::{child, Api, Issued, APPLICANT};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// `POST /auth/login` with the login challenge.
    Login,
    /// `POST /applications/{a}/sign` with application a's choice.
    Sign,
}

/// One attack: name, where, the signature object sent, the expected status and code.
struct Row {
    name: &'static str,
    target: Target,
    signature: Value,
    status: u16,
    code: &'static str,
}

fn row(
    name: &'static str,
    target: Target,
    signature: Value,
    status: u16,
    code: &'static str,
) -> Row {
    Row { name, target, signature, status, code }
}

fn cms_value(der: &[u8]) -> Value {
    json!({ "signatureBase64": STANDARD.encode(der) })
}

fn with_x(bytes: &[u8]) -> Vec<u8> {
    [bytes, b"x"].concat()
}

/// The refusal rows over `login` (a challenge), `choice` (application a's) and `other`
/// (application b's choice, issued to the same applicant).
fn rows(login: &Issued, choice: &Issued, other: &Issued, other_login: &Issued) -> Vec<Row> {
    use Target::{Login, Sign};
    let (l, c) = (&login.bytes[..], &choice.bytes[..]);
    let truncated_login = cms_der("auth", l, Shape::Detached, "sha256");
    let truncated_choice = cms_der("sign", c, Shape::Detached, "sha256");
    vec![
        // Login (steps 3–5).
        row(
            "wrong key (login)",
            Login,
            pki::raw("other_sign", "auth", l, true),
            422,
            "signature_invalid",
        ),
        row(
            "tampered bytes (login, CMS)",
            Login,
            pki::cms("auth", &with_x(l), Shape::Detached),
            422,
            "message_digest_mismatch",
        ),
        row(
            "tampered signed attributes (login)",
            Login,
            cms_value(&tamper_signing_time(&cms_der("auth", l, Shape::Detached, "sha256"))),
            422,
            "signature_invalid",
        ),
        row(
            "signing certificate used to log in",
            Login,
            pki::cms("sign", l, Shape::Detached),
            422,
            "wrong_key_purpose",
        ),
        row(
            "organisation signing certificate used to log in",
            Login,
            pki::cms("org_sign", l, Shape::Detached),
            422,
            "wrong_key_purpose",
        ),
        row(
            "SHA-1 (login)",
            Login,
            cms_value(&cms_der("auth", l, Shape::Detached, "sha1")),
            422,
            "algorithm_not_allowed",
        ),
        row(
            "garbage base64 (login)",
            Login,
            json!({ "signatureBase64": "%%%not base64%%%" }),
            400,
            "signature_encoding_invalid",
        ),
        row(
            "truncated DER (login)",
            Login,
            cms_value(&truncated_login[..truncated_login.len() / 2]),
            400,
            "signature_der_invalid",
        ),
        row(
            "garbage certificate (login, raw)",
            Login,
            json!({ "signatureBase64": "AAAA", "certificateBase64": "%%%" }),
            400,
            "signature_encoding_invalid",
        ),
        row(
            "another challenge's bytes (login)",
            Login,
            pki::cms("auth", &other_login.bytes, Shape::Detached),
            422,
            "message_digest_mismatch",
        ),
        // Sign (steps 11–13).
        row("wrong key", Sign, pki::raw("other_sign", "sign", c, true), 422, "signature_invalid"),
        row(
            "tampered bytes (raw)",
            Sign,
            pki::raw("sign", "sign", &with_x(c), false),
            422,
            "signature_invalid",
        ),
        row(
            "tampered bytes (CMS)",
            Sign,
            pki::cms("sign", &with_x(c), Shape::Detached),
            422,
            "message_digest_mismatch",
        ),
        row(
            "tampered signed attributes",
            Sign,
            cms_value(&tamper_signing_time(&cms_der("sign", c, Shape::Detached, "sha256"))),
            422,
            "signature_invalid",
        ),
        row(
            "expired",
            Sign,
            pki::cms("expired_sign", c, Shape::Detached),
            422,
            "certificate_expired",
        ),
        row(
            "not yet valid",
            Sign,
            pki::cms("future_sign", c, Shape::Detached),
            422,
            "certificate_not_yet_valid",
        ),
        row(
            "untrusted issuer",
            Sign,
            pki::cms("untrusted_sign", c, Shape::Detached),
            422,
            "certificate_untrusted",
        ),
        row(
            "revoked",
            Sign,
            pki::cms("revoked_sign", c, Shape::Detached),
            422,
            "certificate_revoked",
        ),
        row(
            "authentication certificate used to sign",
            Sign,
            pki::cms("auth", c, Shape::Detached),
            422,
            "wrong_key_purpose",
        ),
        row(
            "another person's IIN",
            Sign,
            pki::cms("other_sign", c, Shape::Detached),
            422,
            "signer_mismatch",
        ),
        row(
            "organisation certificate for an applicant action",
            Sign,
            pki::cms("org_sign", c, Shape::Detached),
            422,
            "organisation_certificate",
        ),
        row("RSA 1024", Sign, pki::cms("weak_sign", c, Shape::Detached), 422, "key_too_weak"),
        row(
            "SHA-1",
            Sign,
            cms_value(&cms_der("sign", c, Shape::Detached, "sha1")),
            422,
            "algorithm_not_allowed",
        ),
        row(
            "garbage base64",
            Sign,
            json!({ "signatureBase64": "%%%not base64%%%" }),
            400,
            "signature_encoding_invalid",
        ),
        row(
            "truncated DER",
            Sign,
            cms_value(&truncated_choice[..truncated_choice.len() / 2]),
            400,
            "signature_der_invalid",
        ),
        row(
            "another application's choice (detached)",
            Sign,
            pki::cms("sign", &other.bytes, Shape::Detached),
            422,
            "message_digest_mismatch",
        ),
        row(
            "another application's choice (attached)",
            Sign,
            pki::cms("sign", &other.bytes, Shape::Attached),
            422,
            "content_mismatch",
        ),
        row(
            "another application's choice (raw)",
            Sign,
            pki::raw("sign", "sign", &other.bytes, true),
            422,
            "signature_invalid",
        ),
    ]
}

#[tokio::test]
async fn attack_table_through_http_every_row_refused_with_its_code_and_nothing_written() {
    let api = Api::new().await;
    let now = monday();
    // Steps 3–5 for the applicant and staff; two children queued; two places published, so
    // both applications are offered (step 8); two choices issued (steps 9–11).
    let applicant = api.session(now, "auth").await;
    let staff = api.session(now, "staff_auth").await;
    let a = api.enqueue(now, &applicant, &child(1)).await;
    let b = api.enqueue(now, &applicant, &child(2)).await;
    api.publish(now, &staff, 2).await;
    let choice_a = api.choose(now, &applicant, &a).await;
    let choice_b = api.choose(now, &applicant, &b).await;
    let login = api.challenge(now).await;
    let other_login = api.challenge(now).await;

    let table = rows(&login, &choice_a, &choice_b, &other_login);
    let before = api.snapshot().await;
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for row in &table {
        let answer = match row.target {
            Target::Login => api.login(now, &login.nonce, row.signature.clone()).await,
            Target::Sign => {
                api.sign(now, &applicant, &a, &choice_a.nonce, row.signature.clone()).await
            }
        };
        report.push(format!(
            "| {} | {:?} | {} | {} |",
            row.name,
            row.target,
            answer.status,
            answer.code()
        ));
        if answer.refusal() != (row.status, row.code.to_owned()) {
            failures.push(format!(
                "{}: expected {} {}, got {} {}",
                row.name, row.status, row.code, answer.status, answer.body
            ));
        }
        if api.snapshot().await != before {
            failures.push(format!("{}: something was written", row.name));
        }
    }
    // An organisation's session (staff) cannot sign an applicant's choice.
    let answer = api
        .sign(
            now,
            &staff,
            &a,
            &choice_a.nonce,
            pki::cms("org_sign", &choice_a.bytes, Shape::Detached),
        )
        .await;
    report.push(format!(
        "| staff session signing an applicant's choice | Sign | {} | {} |",
        answer.status,
        answer.code()
    ));
    assert_eq!(answer.refusal(), (403, "forbidden".to_owned()));
    crate::assert_unchanged(&before, &api.snapshot().await, "staff session signing");
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The challenge and the choice survived every attack: step 5 and step 13 succeed.
    let session =
        api.login(now, &login.nonce, pki::cms("auth", &login.bytes, Shape::Detached)).await.ok(200);
    assert_eq!(session["identity"]["iin"], APPLICANT);
    let signed = api
        .sign(
            now,
            &applicant,
            &a,
            &choice_a.nonce,
            pki::cms("sign", &choice_a.bytes, Shape::Detached),
        )
        .await
        .ok(200);
    assert_eq!(signed["application"]["state"]["state"], "referred");
    let evidence = &signed["referral"]["evidence"];
    assert_eq!(evidence["signerIin"], APPLICANT);
    assert_eq!(evidence["verifier"], "x509-rsa");
    assert_eq!(evidence["signerName"], "ТЕСТОВ ТЕСТ");
    assert!(
        evidence["certificateIssuer"]
            .as_str()
            .unwrap_or_default()
            .contains("TEST NCA INTERMEDIATE"),
        "{evidence}"
    );
    assert_eq!(evidence["signedText"].as_str().map(str::as_bytes), Some(choice_a.bytes.as_slice()));

    // Replayed nonces: refused, nothing written.
    let before = api.snapshot().await;
    let replay =
        api.login(now, &login.nonce, pki::cms("auth", &login.bytes, Shape::Detached)).await;
    assert_eq!(replay.refusal(), (401, "nonce_used".to_owned()), "replayed login nonce");
    let replay = api
        .sign(
            now,
            &applicant,
            &a,
            &choice_a.nonce,
            pki::cms("sign", &choice_a.bytes, Shape::Detached),
        )
        .await;
    assert_eq!(replay.refusal(), (409, "nonce_used".to_owned()), "replayed choice nonce");
    let unknown =
        api.login(now, &"0".repeat(64), pki::cms("auth", &login.bytes, Shape::Detached)).await;
    assert_eq!(unknown.refusal(), (401, "nonce_unknown".to_owned()));
    crate::assert_unchanged(&before, &api.snapshot().await, "replays write nothing");

    // Expired nonces: the challenge after 5 minutes, the choice after 15.
    let late_login = now + Duration::minutes(6);
    let late_sign = now + Duration::minutes(16);
    let applicant_late = api.session(late_sign, "auth").await;
    let expired_challenge = api.challenge(now).await;
    let before = api.snapshot().await;
    let expired = api
        .login(
            late_login,
            &expired_challenge.nonce,
            pki::cms("auth", &expired_challenge.bytes, Shape::Detached),
        )
        .await;
    assert_eq!(expired.refusal(), (401, "nonce_expired".to_owned()), "expired login nonce");
    let expired = api
        .sign(
            late_sign,
            &applicant_late,
            &b,
            &choice_b.nonce,
            pki::raw("sign", "sign", &choice_b.bytes, false),
        )
        .await;
    assert_eq!(expired.refusal(), (422, "nonce_expired".to_owned()), "expired choice nonce");
    crate::assert_unchanged(&before, &api.snapshot().await, "expired nonces write nothing");

    // Step 13 with a raw PKCS#1 signature and a DER certificate, on a new choice.
    let again = api.choose(late_sign, &applicant_late, &b).await;
    let signed = api
        .sign(
            late_sign,
            &applicant_late,
            &b,
            &again.nonce,
            pki::raw("sign", "sign", &again.bytes, false),
        )
        .await
        .ok(200);
    assert_eq!(signed["application"]["state"]["state"], "referred");
    assert!(signed["referral"]["evidence"]["certificateSerial"].is_string());
}
