//! The test PKI (tests/pki/make.sh, run once per test binary) and signatures made with
//! openssl exactly as a client's tool would make them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use kezek_identity::{SignatureSubmission, TrustStore};

/// Monday 2 March 2026, 10:00 in Kazakhstan.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("valid")
}

pub fn pki() -> &'static Path {
    static DIRECTORY: OnceLock<PathBuf> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        let directory = std::env::temp_dir().join(format!("kezek-test-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/make.sh");
        let status = Command::new("bash").arg(script).arg(&directory).status().expect("bash runs");
        assert!(
            status.success(),
            "test PKI generation failed; see {}/openssl.log",
            directory.display()
        );
        directory
    })
}

pub fn read(name: &str) -> String {
    std::fs::read_to_string(pki().join(name)).expect("PKI file")
}

/// Trust: the test root and intermediate, and the intermediate's CRL.
pub fn trust() -> TrustStore {
    let mut trust = TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem")))
        .expect("bundle");
    trust.add_crl_pem(&read("intermediate.crl.pem")).expect("CRL signed by an anchor");
    trust
}

fn openssl(arguments: &[&str], input: &[u8]) -> Vec<u8> {
    let directory = pki();
    let payload = directory.join(format!(
        "payload-{}",
        std::thread::current().name().unwrap_or("main").replace("::", "-")
    ));
    std::fs::write(&payload, input).expect("write payload");
    // `dgst` takes its input as the last argument, `cms` after `-in`.
    let mut command = Command::new("openssl");
    command.args(arguments);
    if arguments.first() == Some(&"cms") {
        command.arg("-in");
    }
    let output = command.arg(&payload).current_dir(directory).output().expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cms {
    Detached,
    Attached,
    DetachedNoAttributes,
}

/// A CMS SignedData by `holder` (a PKI file stem) over `payload`, base64 DER.
pub fn cms_der(holder: &str, payload: &[u8], shape: Cms, digest: &str) -> Vec<u8> {
    let certificate = format!("{holder}.pem");
    let key = format!("{holder}.key");
    let mut arguments = vec![
        "cms",
        "-sign",
        "-binary",
        "-outform",
        "DER",
        "-nosmimecap",
        "-md",
        digest,
        "-signer",
        &certificate,
        "-inkey",
        &key,
    ];
    match shape {
        Cms::Detached => {}
        Cms::Attached => arguments.push("-nodetach"),
        Cms::DetachedNoAttributes => arguments.push("-noattr"),
    }
    openssl(&arguments, payload)
}

pub fn cms(holder: &str, payload: &[u8], shape: Cms) -> SignatureSubmission {
    SignatureSubmission::Cms { cms: STANDARD.encode(cms_der(holder, payload, shape, "sha256")) }
}

/// A raw RSA signature by `key_holder`'s key, presented with `certificate_holder`'s certificate.
pub fn raw(
    key_holder: &str,
    certificate_holder: &str,
    payload: &[u8],
    pss: bool,
) -> SignatureSubmission {
    let key = format!("{key_holder}.key");
    let mut arguments = vec!["dgst", "-sha256", "-sign", &key];
    if pss {
        arguments.extend(["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"]);
    }
    let signature = openssl(&arguments, payload);
    SignatureSubmission::Raw {
        signature: STANDARD.encode(signature),
        certificate: read(&format!("{certificate_holder}.pem")),
        scheme: if pss {
            kezek_identity::submission::RawScheme::PssSha256
        } else {
            kezek_identity::submission::RawScheme::Pkcs1Sha256
        },
    }
}
