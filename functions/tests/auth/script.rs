//! Issue 4 item 6: `scripts/sign-with-p12.sh` turns a PKCS#12 key and the bytes the service
//! issued into the JSON body `POST /auth/login` and `POST /applications/{id}/sign` take.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::support::monday;
use crate::{child, Api, APPLICANT, STAFF_IIN};

/// Runs the script with `p12` (password "test"), the issued bytes on standard input.
fn script(p12: &str, bytes: &[u8], options: &[&str]) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/sign-with-p12.sh");
    let mut child = Command::new("bash")
        .arg(path)
        .arg(crate::pki::directory().join(p12))
        .arg("test")
        .arg("-")
        .args(options)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("bash runs");
    child.stdin.take().expect("stdin").write_all(bytes).expect("write");
    let output = child.wait_with_output().expect("script ends");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("a JSON body")
}

#[tokio::test]
async fn the_pkcs12_script_makes_the_bodies_of_login_and_sign() {
    let api = Api::new().await;
    let now = monday();
    let challenge = api.challenge(now).await;
    let body = script("auth.p12", &challenge.bytes, &["--json", &challenge.nonce]);
    let login = api.post(now, "/auth/login", None, body).await.ok(200);
    assert_eq!(login["identity"]["iin"], APPLICANT);
    let challenge = api.challenge(now).await;
    let body = script("staff_auth.p12", &challenge.bytes, &["--raw", "--json", &challenge.nonce]);
    let staff = api.post(now, "/auth/login", None, body).await.ok(200);
    assert_eq!(staff["identity"]["iin"], STAFF_IIN);

    let applicant = api.session(now, "auth").await;
    let staff = api.session(now, "staff_auth").await;
    let first = api.enqueue(now, &applicant, &child(11)).await;
    let second = api.enqueue(now, &applicant, &child(12)).await;
    api.publish(now, &staff, 2).await;
    for (id, options) in [(&first, &["--attached"][..]), (&second, &["--raw"][..])] {
        let choice = api.choose(now, &applicant, id).await;
        let options: Vec<&str> =
            options.iter().copied().chain(["--json", choice.nonce.as_str()]).collect();
        let body = script("sign.p12", &choice.bytes, &options);
        let path = format!("/applications/{id}/sign");
        let signed = api.post(now, &path, Some(&applicant), body).await.ok(200);
        assert_eq!(signed["application"]["state"]["state"], "referred", "{options:?}");
    }
}
