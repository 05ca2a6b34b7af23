//! The referral PDF (seed step 14) and its public verification: the PDF's text read back by
//! `pdftotext`, its QR code by `zbarimg` (Debian's poppler-utils and zbar-tools, installed by
//! scripts/setup.sh), the verification before and after a cancel, and the refusals.

use std::process::Command;

use chrono::Duration;
use serde_json::{json, Value};

use crate::support::{monday, parent};
use crate::{applicant, child_2023, Api};

const VERIFY_PAGE: &str = "http://127.0.0.1:9/verify.html";

/// The route reads the page's URL from the configuration, as a Lambda does.
fn configure() {
    std::env::set_var("KEZEK_VERIFY_URL", VERIFY_PAGE);
}

/// Bytes and content type of a GET as `who`.
async fn download(
    api: &Api,
    now: kezek_functions::rules::time::Instant,
    path: &str,
    who: &kezek_functions::session::Claims,
) -> (u16, String, Vec<u8>) {
    let headers = vec![("authorization", format!("Bearer {}", crate::token(who)))];
    let response = api.router.at(now).handle(crate::event("GET", path, &headers, None)).await;
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), kind, response.body().as_ref().to_vec())
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (run scripts/setup.sh): {e}"));
    assert!(output.status.success(), "{program}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The PDF's text and the text of its QR code.
fn read_back(pdf: &[u8], name: &str) -> (String, String) {
    let dir = std::env::temp_dir().join(format!("kezek-pdf-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let file = dir.join("referral.pdf");
    std::fs::write(&file, pdf).expect("written");
    let file = file.to_str().expect("path");
    let text = run("pdftotext", &["-layout", file, "-"]);
    let png = dir.join("page");
    run("pdftoppm", &["-png", "-r", "150", "-singlefile", file, png.to_str().expect("path")]);
    let qr = run("zbarimg", &["--quiet", "--raw", &format!("{}.png", png.display())]);
    (text, qr.trim().to_owned())
}

async fn verification(api: &Api, code: &str, at: kezek_functions::rules::time::Instant) -> Value {
    let answer = api.call(at, "GET", &format!("/referrals/{code}"), None, None, None).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.body
}

#[tokio::test]
async fn the_referral_pdf_reads_back_in_kazakh_and_russian_and_its_qr_code_verifies_it() {
    configure();
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let who = applicant(&parent(1));
    let details = api.get(signed_at, &format!("/applications/{id}"), &who).await;
    let number = details.body["documents"][0]["number"].as_str().expect("number").to_owned();

    let path = format!("/applications/{id}/documents/{number}/pdf");
    let (status, kind, pdf) = download(&api, signed_at + Duration::hours(1), &path, &who).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF-"));
    let (text, qr) = read_back(&pdf, "walk");
    for expected in [
        "Мемлекеттік балабақшаға жолдама",
        "Направление в государственный детский сад",
        number.as_str(),
        child_2023(1).as_str(),
        "қазақ тілі / казахский язык",
        "жарамды / действительно",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
    for letter in ['ә', 'ғ', 'қ', 'ң', 'ө', 'ұ', 'ү', 'і'] {
        assert!(text.contains(letter), "{letter} not in the PDF's text");
    }
    let code = qr.strip_prefix(&format!("{VERIFY_PAGE}#")).expect("the verification URL");
    assert!(text.contains(&qr[..40]), "the URL is printed too");

    // The public read: no session, the paper's facts, no IIN or name.
    let valid = verification(&api, code, signed_at + Duration::hours(1)).await;
    assert_eq!(valid["status"], "valid");
    assert_eq!(valid["number"], number.as_str());
    assert_eq!(valid["language"], "kk");
    let shown = valid.to_string();
    assert!(!shown.contains(&child_2023(1)) && !shown.contains(&parent(1)), "{shown}");
    assert!(valid.get("evidence").is_none() && valid.get("childIin").is_none());

    // Cancelled within 24 h (R12): the same code says so.
    let cancel = format!("/applications/{id}/cancel");
    let cancelled =
        api.post(signed_at + Duration::hours(3), &cancel, &who, "c-pdf", json!({})).await;
    assert_eq!(cancelled.status, 200, "{:?}", cancelled.body);
    let after = verification(&api, code, signed_at + Duration::hours(4)).await;
    assert_eq!(after["status"], "cancelled");
}

#[tokio::test]
async fn the_pdf_and_the_verification_refuse_with_stable_codes() {
    configure();
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let waiting = api.enqueue(&parent(2), &child_2023(2)).await;
    let who = applicant(&parent(1));
    let details = api.get(signed_at, &format!("/applications/{id}"), &who).await;
    let number = details.body["documents"][0]["number"].as_str().expect("number").to_owned();
    let path = format!("/applications/{id}/documents/{number}/pdf");

    // Another applicant's application; no referral yet; no session; a wrong method.
    let stranger = api.get(signed_at, &path, &applicant(&parent(7))).await;
    assert_eq!(stranger.refusal(), (403, "forbidden"));
    let none = format!("/applications/{waiting}/documents/KZ-NONE/pdf");
    assert_eq!(
        api.get(signed_at, &none, &applicant(&parent(2))).await.refusal(),
        (404, "not_found")
    );
    let anonymous = api.call(signed_at, "GET", &path, None, None, None).await;
    assert_eq!(anonymous.refusal(), (401, "token_missing"));
    let post = api.post(signed_at, &path, &who, "p-1", json!({})).await;
    assert_eq!(post.refusal(), (405, "method_not_allowed"));

    // Codes: forged, another referral's tag on this id, too short, not a path segment.
    let (_, _, pdf) = download(&api, signed_at, &path, &who).await;
    let (_, qr) = read_back(&pdf, "refusals");
    let code = qr.rsplit('#').next().expect("a code").to_owned();
    let forged = format!("{}{}", "A".repeat(22), id);
    let moved = format!("{}{}", &code[..22], waiting);
    for bad in [forged.as_str(), moved.as_str(), "short", &code[..22]] {
        let answer =
            api.call(signed_at, "GET", &format!("/referrals/{bad}"), None, None, None).await;
        assert_eq!(answer.refusal(), (404, "not_found"), "{bad}");
    }
    let odd = api.call(signed_at, "GET", "/referrals/a.b", None, None, None).await;
    assert_eq!(odd.status, 400, "{:?}", odd.body);
    let post =
        api.call(signed_at, "POST", &format!("/referrals/{code}"), None, Some("k"), None).await;
    assert_eq!(post.refusal(), (405, "method_not_allowed"));
    assert_eq!(verification(&api, &code, signed_at).await["status"], "valid");
}

#[tokio::test]
async fn a_used_referral_verifies_as_used_and_an_expired_one_as_lapsed() {
    configure();
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let who = applicant(&parent(1));
    let details = api.get(signed_at, &format!("/applications/{id}"), &who).await;
    let number = details.body["documents"][0]["number"].as_str().expect("number").to_owned();
    let valid_until: kezek_functions::rules::time::Instant =
        serde_json::from_value(details.body["deadlines"]["referralValidUntilAt"].clone())
            .expect("valid until");
    let path = format!("/applications/{id}/documents/{number}/pdf");
    let (_, _, pdf) = download(&api, signed_at, &path, &who).await;
    let (_, qr) = read_back(&pdf, "lapsed");
    let code = qr.rsplit('#').next().expect("a code").to_owned();
    // Past its valid-until, before the sweep has moved the application on: lapsed already.
    let late = verification(&api, &code, valid_until + Duration::seconds(1)).await;
    assert_eq!(late["status"], "lapsed");
    assert_eq!(
        verification(&api, &code, valid_until - Duration::seconds(1)).await["status"],
        "valid"
    );

    let enrol = format!("/staff/applications/{id}/enrol");
    let enrolled = api
        .post(signed_at + Duration::hours(5), &enrol, &crate::staff("tk-001"), "e-1", json!({}))
        .await;
    assert_eq!(enrolled.status, 200, "{:?}", enrolled.body);
    assert_eq!(verification(&api, &code, signed_at + Duration::hours(6)).await["status"], "used");
}
