//! Issue 14: the CRL fetch (`crl_fetch`) against a local HTTP server started here and S3 on
//! moto: a CRL too large for SSM (> 8 KB) is downloaded, checked and stored; a stale one, a
//! wrongly signed one and an older one are refused and the stored copy kept; a newer one and
//! a delta CRL are stored; an unreachable point is reported. Then `sign`'s verifier reads the
//! anchors and CRLs from the bucket and, refreshed, sees a CRL stored after its cold start.

#[path = "../identity/tests/support/crl_builder.rs"]
mod crl_builder;
#[allow(dead_code)]
#[path = "notify/moto.rs"]
mod moto;
#[allow(dead_code)]
#[path = "auth/pki.rs"]
mod pki;
#[path = "common/request_head.rs"]
mod request_head;
#[path = "common/serve.rs"]
mod serve;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crl_builder::{build, CrlSpec};
use der::DecodePem;
use kezek_functions::crl_fetch::bucket::{local_s3_client, EdsBucket, ANCHORS_KEY};
use kezek_functions::crl_fetch::handler::{crl_key, points};
use kezek_functions::crl_fetch::{fetch_all, FetchOutcome};
use kezek_identity::submission::RawScheme;
use kezek_identity::{Holder, KeyPurpose, SignatureSubmission};

const CHOICE: &[u8] = b"kezek choice v1\napplication: app-1\n";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("instant")
}

fn serial_of(name: &str) -> Vec<u8> {
    x509_cert::Certificate::from_pem(pki::read(&format!("{name}.pem")).as_bytes())
        .expect("certificate")
        .tbs_certificate
        .serial_number
        .as_bytes()
        .to_vec()
}

/// A CRL of the intermediate: signed by `key`, thisUpdate `days` from now, valid a week.
fn crl(key: &str, days: i64, number: u8, delta_of: Option<u8>, revoked: Vec<Vec<u8>>) -> Vec<u8> {
    let this_update = now() + Duration::days(days);
    build(&CrlSpec {
        pki: pki::directory(),
        issuer_pem: "intermediate.pem",
        signer_key: key,
        this_update,
        next_update: this_update + Duration::days(7),
        number,
        delta_of,
        revoked,
    })
}

/// The revoked signing certificate and `extra` made-up serials.
fn revoked_with(extra: u16) -> Vec<Vec<u8>> {
    let mut serials = vec![serial_of("revoked_sign")];
    serials.extend((0..extra).map(|n| [0x7A, 0x00, (n >> 8) as u8, n as u8, 0x42, 0x17].to_vec()));
    serials
}

async fn new_bucket() -> EdsBucket {
    let client = local_s3_client(moto::endpoint());
    let name = format!("kezek-eds-{}", std::process::id());
    client.create_bucket().bucket(&name).send().await.expect("bucket");
    let anchors = pki::read("root.pem") + &pki::read("intermediate.pem");
    client
        .put_object()
        .bucket(&name)
        .key(ANCHORS_KEY)
        .body(anchors.into_bytes().into())
        .send()
        .await
        .expect("anchors");
    EdsBucket::new(client, name)
}

fn anchors() -> Vec<x509_cert::Certificate> {
    let bundle = pki::read("root.pem") + &pki::read("intermediate.pem");
    kezek_identity::TrustStore::from_pem_bundle(&bundle).expect("anchors").anchors().to_vec()
}

fn submission(holder: &str) -> SignatureSubmission {
    let value = pki::raw(holder, holder, CHOICE, true);
    SignatureSubmission::Raw {
        signature: value["signatureBase64"].as_str().expect("signature").to_owned(),
        certificate: value["certificateBase64"].as_str().expect("certificate").to_owned(),
        scheme: RawScheme::Pkcs1Sha256,
    }
}

/// The code `verifier` gives a signature by `holder`, or "ok".
fn code(verifier: &kezek_functions::eds::EdsVerifier, holder: &str) -> String {
    let submission = submission(holder);
    match verifier.check(KeyPurpose::Signing, Holder::Person, CHOICE, &submission, None, now()) {
        Ok(_) => "ok".to_owned(),
        Err(error) => error.code().to_owned(),
    }
}

fn refused(reason: &str) -> FetchOutcome {
    FetchOutcome::Refused { reason: reason.to_owned() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crls_are_fetched_checked_and_stored_and_never_replaced_by_a_bad_or_older_one() {
    let server = serve::Server::start();
    let bucket = new_bucket().await;
    let url = server.url("/nca_rsa.crl");
    let urls = points(&format!("{url}, {}", server.url("/nca_d_rsa.crl")), &anchors());
    assert_eq!(urls.len(), 2, "{urls:?}");

    // A base CRL of 400 entries: over SSM's 8 KB advanced tier.
    let big = crl("intermediate.key", -1, 10, None, revoked_with(400));
    assert!(big.len() > 8 * 1024, "{} bytes", big.len());
    server.put("/nca_rsa.crl", big.clone());
    let report = fetch_all(&bucket, &urls[..1], &anchors(), now()).await.expect("run");
    let key = match &report.points[0].1 {
        FetchOutcome::Stored { key, entries } => {
            assert_eq!(*entries, 401);
            key.clone()
        }
        other => panic!("{other:?}"),
    };
    let stored = || async { bucket.get(&key).await.expect("get").expect("stored").bytes };
    assert_eq!(stored().await, big);

    // Stale (nextUpdate a week ago), wrongly signed, older: refused, the stored copy kept.
    for (what, bytes, reason) in [
        ("stale", crl("intermediate.key", -9, 11, None, revoked_with(1)), "crl_not_current"),
        ("wrongly signed", crl("rogue.key", 0, 12, None, vec![]), "crl_invalid"),
        ("older", crl("intermediate.key", -2, 9, None, vec![]), "crl_not_newer"),
        ("not a CRL", b"<html>maintenance</html>".to_vec(), "signature_der_invalid"),
    ] {
        server.put("/nca_rsa.crl", bytes);
        let report = fetch_all(&bucket, &urls[..1], &anchors(), now()).await.expect("run");
        assert_eq!(report.points[0].1, refused(reason), "{what}");
        assert_eq!(stored().await, big, "{what}: the good CRL stays");
    }

    // A newer base and a delta CRL (revoking the applicant's signing certificate) are stored;
    // the missing point is reported.
    let newer = crl("intermediate.key", 0, 13, None, revoked_with(2));
    server.put("/nca_rsa.crl", newer.clone());
    let delta = crl("intermediate.key", 0, 14, Some(13), vec![serial_of("sign")]);
    server.put("/nca_d_rsa.crl", delta.clone());
    let mut urls_and_missing = urls.clone();
    urls_and_missing.push(server.url("/missing.crl"));
    let report = fetch_all(&bucket, &urls_and_missing, &anchors(), now()).await.expect("run");
    assert!(matches!(&report.points[0].1, FetchOutcome::Stored { key: k, .. } if *k == key));
    let delta_key = key.replace("-base.crl", "-delta.crl");
    assert!(matches!(&report.points[1].1, FetchOutcome::Stored { key: k, .. } if *k == delta_key));
    assert!(
        matches!(&report.points[2].1, FetchOutcome::Unreachable { why } if why.contains("404"))
    );
    assert_eq!(stored().await, newer);
    let parsed = kezek_identity::crl::Crl::verified(&delta, &anchors()).expect("delta");
    assert_eq!(crl_key(&parsed), delta_key);

    // The verifier of sign/auth over the bucket: the base revokes revoked_sign, the delta sign.
    let inputs =
        kezek_functions::crl_fetch::refresh::read_inputs(Some(&bucket)).await.expect("read");
    assert_eq!(inputs.stored_crls.len(), 2);
    let options =
        kezek_functions::config::EdsOptions::from_values(None, None, None).expect("options");
    let ocsp = kezek_functions::crl_fetch::refresh::ocsp_check(&options);
    let verifier = kezek_functions::eds::EdsVerifier::new(
        kezek_functions::crl_fetch::refresh::build(&inputs, &options, &ocsp).expect("verifier"),
    );
    assert_eq!(code(&verifier, "revoked_sign"), "certificate_revoked");
    assert_eq!(code(&verifier, "sign"), "certificate_revoked", "revoked by the delta CRL");
    assert_eq!(code(&verifier, "other_sign"), "ok");
}

/// `KEZEK_REVOCATION_CHECKS`, `KEZEK_OCSP_URL`, `KEZEK_EDS_REFRESH_SECONDS`: defaults and
/// every bad value refused.
#[test]
fn revocation_options_default_to_crl_and_refuse_bad_values() {
    use kezek_functions::config::{EdsOptions, RevocationChecks};
    let base = || EdsOptions::from_values(None, None, None).expect("defaults");
    let defaults = base().with_revocation(None, None, None).expect("defaults");
    assert_eq!(defaults.checks, RevocationChecks::Crl);
    assert_eq!(defaults.ocsp_responder, None);
    assert_eq!(defaults.refresh, std::time::Duration::from_secs(300));
    let both = base()
        .with_revocation(Some("ocsp,crl"), Some("http://ocsp.pki.gov.kz".into()), Some("60"))
        .expect("both");
    assert_eq!(both.checks, RevocationChecks::OcspThenCrl);
    assert_eq!(both.refresh, std::time::Duration::from_secs(60));
    assert_eq!(
        base().with_revocation(Some("ocsp"), None, None).expect("ocsp").checks,
        RevocationChecks::Ocsp
    );
    for (checks, url, seconds) in [
        (Some("none"), None, None),
        (None, Some("ftp://x".to_owned()), None),
        (None, None, Some("5")),
        (None, None, Some("3601")),
        (None, None, Some("soon")),
    ] {
        assert!(
            base().with_revocation(checks, url.clone(), seconds).is_err(),
            "{checks:?} {url:?} {seconds:?}"
        );
    }
}
