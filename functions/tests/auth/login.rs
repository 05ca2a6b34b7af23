//! Seed steps 3–5: the applicant logs in with the authentication key (AUTH_RSA), staff and
//! operators with their organisations' keys; R2: the first session only gives an e-mail.

use kezek_functions::http::routes::ROUTES;
use kezek_functions::http::{Authentication, Group, Router};
use kezek_functions::session::SessionKey;
use serde_json::json;

use crate::pki::{self, Shape};
use crate::support::monday;
use crate::{Api, APPLICANT, KINDERGARTEN, OPERATOR_BIN, OPERATOR_IIN, STAFF_BIN, STAFF_IIN};

/// Steps 3–5 with a detached CMS (what NCALayer's createCAdESFromBase64 returns), then R2:
/// every route but `/auth/profile` refuses the session until an e-mail address is given.
#[tokio::test]
async fn steps_3_to_5_applicant_logs_in_with_cms_and_r2_asks_for_an_email_first() {
    let api = Api::new().await;
    let now = monday();
    let challenge = api.challenge(now).await;
    let text = String::from_utf8(challenge.bytes.clone()).expect("UTF-8");
    assert!(text.starts_with("kezek login v1\n") && text.contains(&challenge.nonce), "{text}");
    let login = api
        .login(now, &challenge.nonce, pki::cms("auth", &challenge.bytes, Shape::Detached))
        .await
        .ok(200);
    assert_eq!(login["identity"], json!({ "role": "applicant", "iin": APPLICANT }));
    assert_eq!(login["name"], "ТЕСТОВ ТЕСТ");
    assert_eq!(login["emailRequired"], true, "R2: the first login asks for an e-mail address");
    assert!(login["expiresAt"].is_string());
    let first = login["token"].as_str().expect("token").to_owned();

    // R2: every route of a session (applicant, staff, operator) answers 403 email_required.
    for (method, path, group) in ROUTES {
        if matches!(group, Group::Catalog | Group::Auth) {
            continue;
        }
        let concrete = path
            .replace("{region}", crate::support::REGION)
            .replace("{id}", "a1")
            .replace("{number}", "R-1");
        let body = (*method == "POST").then(|| json!({}));
        let answer = api.call(now, method, &concrete, Some(&first), body).await;
        assert_eq!(answer.refusal(), (403, "email_required".to_owned()), "{method} {path}");
    }
    assert_eq!(
        api.get(now, "/auth/profile", &first).await.refusal(),
        (404, "not_found".to_owned())
    );

    // Giving the e-mail address returns a token that works.
    let profile =
        json!({ "email": "parent@example.kz", "phone": "+77011234567", "language": "ru" });
    let answer = api.post(now, "/auth/profile", Some(&first), profile).await.ok(200);
    assert_eq!(answer["profile"]["email"], "parent@example.kz");
    assert_eq!(answer["profile"]["iin"], APPLICANT);
    let token = answer["token"].as_str().expect("token").to_owned();
    assert_eq!(api.get(now, "/applications", &token).await.ok(200)["applications"], json!([]));
    assert_eq!(api.get(now, "/auth/profile", &token).await.ok(200)["language"], "ru");
    // The first token still carries the mark.
    assert_eq!(
        api.get(now, "/applications", &first).await.refusal(),
        (403, "email_required".to_owned())
    );

    // The next login knows the e-mail address; an attached CMS works too.
    let challenge = api.challenge(now).await;
    let again = api
        .login(now, &challenge.nonce, pki::cms("auth", &challenge.bytes, Shape::Attached))
        .await
        .ok(200);
    assert_eq!(again["emailRequired"], false);
    assert_eq!(
        api.get(now, "/applications", again["token"].as_str().expect("token")).await.status,
        200
    );
}

/// A raw PKCS#1 v1.5 SHA-256 signature with the certificate as PEM or as base64 DER.
#[tokio::test]
async fn steps_3_to_5_applicant_logs_in_with_a_raw_signature_and_a_pem_or_der_certificate() {
    let api = Api::new().await;
    for pem in [true, false] {
        let challenge = api.challenge(monday()).await;
        let login = api
            .login(monday(), &challenge.nonce, pki::raw("auth", "auth", &challenge.bytes, pem))
            .await
            .ok(200);
        assert_eq!(login["identity"]["iin"], APPLICANT, "pem: {pem}");
    }
}

/// Staff and operators log in with organisation certificates (OU=BIN..., clientAuth); the
/// Directory maps the BIN to a kindergarten or a region, and the session has that role.
#[tokio::test]
async fn staff_and_operators_log_in_with_organisation_certificates_mapped_by_the_directory() {
    let api = Api::new().await;
    let now = monday();
    let challenge = api.challenge(now).await;
    let staff = api
        .login(now, &challenge.nonce, pki::cms("staff_auth", &challenge.bytes, Shape::Detached))
        .await
        .ok(200);
    assert_eq!(
        staff["identity"],
        json!({ "role": "staff", "iin": STAFF_IIN, "bin": STAFF_BIN, "kindergartenId": KINDERGARTEN })
    );
    assert_eq!(staff["name"], "САПАРОВА АЙГУЛЬ");
    assert_eq!(staff["emailRequired"], true);
    let challenge = api.challenge(now).await;
    let operator = api
        .login(
            now,
            &challenge.nonce,
            pki::raw("operator_auth", "operator_auth", &challenge.bytes, false),
        )
        .await
        .ok(200);
    assert_eq!(
        operator["identity"],
        json!({ "role": "operator", "iin": OPERATOR_IIN, "bin": OPERATOR_BIN, "regionId": crate::support::REGION })
    );

    // With their e-mail given, staff publish places of their kindergarten; an applicant
    // route refuses them, and the operator's session cannot act as staff.
    let staff = api.session(now, "staff_auth").await;
    let body = json!({ "action": "publish", "groupId": crate::GROUP, "count": 1 });
    assert_eq!(api.post(now, "/staff/places", Some(&staff), body.clone()).await.status, 200);
    assert_eq!(
        api.get(now, "/applications", &staff).await.refusal(),
        (403, "forbidden".to_owned())
    );
    let operator = api.session(now, "operator_auth").await;
    assert_eq!(
        api.post(now, "/staff/places", Some(&operator), body).await.refusal(),
        (403, "forbidden".to_owned())
    );

    // An organisation the Directory does not know cannot log in.
    let only_staff = kezek_functions::commands::login::Directory(
        [(
            STAFF_BIN.to_owned(),
            kezek_functions::commands::login::OrganisationRole::Staff {
                kindergarten_id: KINDERGARTEN.into(),
            },
        )]
        .into(),
    );
    let verifier = pki::verifier();
    let router = Router::new(api.store.clone(), SessionKey::new(&[9; 32]).expect("key"))
        .with_authentication(Authentication { verifier, directory: only_staff });
    let other = Api { router, store: api.store.clone() };
    let challenge = other.challenge(now).await;
    let before = other.snapshot().await;
    let refused = other
        .login(now, &challenge.nonce, pki::cms("operator_auth", &challenge.bytes, Shape::Detached))
        .await;
    assert_eq!(refused.refusal(), (403, "organisation_not_registered".to_owned()));
    crate::assert_unchanged(
        &before,
        &other.snapshot().await,
        "nothing written, the challenge not used",
    );
}

/// Seed step 5 / R2: the profile is checked; a refused profile writes nothing and the
/// session stays marked.
#[tokio::test]
async fn profile_validation_errors() {
    let api = Api::new().await;
    let now = monday();
    let challenge = api.challenge(now).await;
    let login = api
        .login(now, &challenge.nonce, pki::cms("auth", &challenge.bytes, Shape::Detached))
        .await
        .ok(200);
    let token = login["token"].as_str().expect("token").to_owned();
    let before = api.snapshot().await;
    let cases = [
        (json!({ "email": "no-at-sign" }), 400, "email_invalid"),
        (json!({ "email": "a@b" }), 400, "email_invalid"),
        (json!({ "email": "a b@example.kz" }), 400, "email_invalid"),
        (json!({ "email": "a@example.kz", "phone": "87011234567" }), 400, "phone_invalid"),
        (json!({ "email": "a@example.kz", "phone": "+7701" }), 400, "phone_invalid"),
        (json!({ "email": "a@example.kz", "language": "de" }), 400, "language_invalid"),
        (json!({ "phone": "+77011234567" }), 400, "invalid_input"),
    ];
    for (body, status, code) in cases {
        let answer = api.post(now, "/auth/profile", Some(&token), body.clone()).await;
        assert_eq!(answer.refusal(), (status, code.to_owned()), "{body}");
    }
    let answer = api.post(now, "/auth/profile", None, json!({ "email": "a@example.kz" })).await;
    assert_eq!(answer.refusal(), (401, "token_missing".to_owned()));
    let answer = api
        .post(now, "/auth/profile", Some("forged.token"), json!({ "email": "a@example.kz" }))
        .await;
    assert_eq!(answer.status, 401);
    crate::assert_unchanged(&before, &api.snapshot().await, "a refused profile writes nothing");
    assert_eq!(
        api.get(now, "/applications", &token).await.refusal(),
        (403, "email_required".to_owned())
    );
}
