//! Issue 14 item 3 over HTTP: on a stage configured `test`, NCA's test subject
//! (ТЕСТОВ ТЕСТ, IIN123456789011, whose IIN has no valid check digit, GOST key) walks the
//! whole way — login, R2 profile, enqueue, offered by the staff's publish, choose, sign —
//! and reads the referral back; the child's IIN is still checked fully. On a production
//! stage with the same anchors the same key never gets a session (`subject_iin_missing`),
//! so it can never reach enqueue.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_functions::eds::EdsVerifier;
use kezek_identity::{SubjectRules, TrustStore, Unknown, UnknownPolicy, X509Verifier};
use serde_json::{json, Value};

use crate::gost_fixture::{certificate as nca_certificate, fixture, gost_cms_der, gost_now};
use crate::{pki, support, Api};

/// NCA's test subject's IIN (SERIALNUMBER=IIN123456789011: check digit not valid).
const TEST_SUBJECT: &str = "123456789011";
/// A child born 4 April 2022: two on Monday 3 June 2024, group year 2022.
const GROUP_2022: &str = "tk-001-2022-kk";

/// A test stage's anchors: NCA's GOST test intermediate and the RSA test root and
/// intermediate (for the kindergarten's staff key), no revocation data.
fn stage_verifier(subjects: SubjectRules) -> EdsVerifier {
    let gost = der::pem::encode_string(
        "CERTIFICATE",
        der::pem::LineEnding::LF,
        &fixture("nca_gost2022_test.cer"),
    )
    .expect("PEM");
    let bundle = gost + &pki::read("root.pem") + &pki::read("intermediate.pem");
    let trust = TrustStore::from_pem_bundle(&bundle).expect("anchors");
    let revocation =
        UnknownPolicy { check: Arc::new(kezek_identity::NoRevocation), unknown: Unknown::Refuse };
    EdsVerifier::new(
        X509Verifier::with_revocation(trust, Arc::new(revocation)).with_subject_rules(subjects),
    )
}

/// The API's signature object: a detached GOST CMS by NCA's test key over `bytes`.
fn gost(bytes: &[u8]) -> Value {
    let der = gost_cms_der(&nca_certificate("gost_individual_test.cer"), bytes);
    json!({ "signatureBase64": STANDARD.encode(der) })
}

#[tokio::test]
async fn on_a_test_stage_ncas_test_subject_enqueues_is_offered_chooses_and_signs() {
    let now = gost_now();
    let api = Api::with_verifier(stage_verifier(SubjectRules { accept_test_subjects: true })).await;

    // Steps 3–5: login with the GOST key; R2 asks for an e-mail first.
    let challenge = api.challenge(now).await;
    let login = api.login(now, &challenge.nonce, gost(&challenge.bytes)).await.ok(200);
    assert_eq!(login["identity"]["iin"], TEST_SUBJECT, "{login}");
    let mut token = login["token"].as_str().expect("token").to_owned();
    if login["emailRequired"] == true {
        let profile =
            json!({ "email": "test@example.kz", "phone": "+77011234567", "language": "ru" });
        let answer = api.post(now, "/auth/profile", Some(&token), profile).await.ok(200);
        token = answer["token"].as_str().expect("token").to_owned();
    }

    // Steps 6–7: the child's IIN is still checked with the production rule (the test
    // subject's own IIN as a child's is refused).
    let enqueue = |child: &str| json!({ "regionId": support::REGION, "childIin": child, "priority": "general" });
    let bad_child = api.post(now, "/applications", Some(&token), enqueue("123456789011")).await;
    assert_eq!(bad_child.refusal(), (400, "iin_century_digit".to_owned()), "{}", bad_child.body);
    let child = support::child((2022, 4, 4), 1);
    let created = api.post(now, "/applications", Some(&token), enqueue(&child)).await.ok(201);
    let id = created["application"]["id"].as_str().expect("id").to_owned();
    let journal = api.get(now, "/applications", &token).await.ok(200);
    assert_eq!(journal["applications"].as_array().map(Vec::len), Some(1), "{journal}");

    // Step 8: the kindergarten's staff (RSA organisation key) publish a place: offered.
    let staff = api.session(now, "staff_auth").await;
    let publish = json!({ "action": "publish", "groupId": GROUP_2022, "count": 1 });
    api.post(now, "/staff/places", Some(&staff), publish).await.ok(200);
    let details = api.get(now, &format!("/applications/{id}"), &token).await.ok(200);
    assert_eq!(details["application"]["state"]["state"], "offered", "{details}");

    // Steps 11–13: choose, sign the exact bytes with the same GOST key, the referral.
    let choose = json!({ "groupId": GROUP_2022 });
    let choice = api.post(now, &format!("/applications/{id}/choose"), Some(&token), choose).await;
    let choice = choice.ok(200);
    let text = choice["signedText"].as_str().expect("signedText");
    assert!(text.contains(TEST_SUBJECT), "the choice names the applicant: {text}");
    let bytes = STANDARD.decode(choice["signedBase64"].as_str().expect("base64")).expect("b64");
    let nonce = choice["nonce"].as_str().expect("nonce");
    let signed = api.sign(now, &token, &id, nonce, gost(&bytes)).await.ok(200);
    assert_eq!(signed["application"]["state"]["state"], "referred", "{signed}");
    let details = api.get(now, &format!("/applications/{id}"), &token).await.ok(200);
    assert_eq!(details["application"]["state"]["state"], "referred", "{details}");
    assert_eq!(details["documents"].as_array().map(Vec::len), Some(1), "{details}");
}

#[tokio::test]
async fn a_production_stage_with_the_same_anchors_never_gives_the_test_subject_a_session() {
    let now = gost_now();
    let production = SubjectRules { accept_test_subjects: false };
    let api = Api::with_verifier(stage_verifier(production)).await;
    let before = api.snapshot().await;
    let challenge = api.challenge(now).await;
    let login = api.login(now, &challenge.nonce, gost(&challenge.bytes)).await;
    assert_eq!(login.refusal(), (422, "subject_iin_missing".to_owned()), "{}", login.body);
    assert!(login.body["token"].is_null());
    // The challenge is the only item written; the refused login wrote nothing more.
    let after = api.snapshot().await;
    assert!(after.len() <= before.len() + 1, "{after:#?}");
    // Without a session nothing can be put in the queue.
    let body = json!({ "regionId": support::REGION, "childIin": support::child((2022, 4, 4), 1), "priority": "general" });
    let anonymous = api.post(now, "/applications", None, body).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
}
