//! The test PKI of kezek-identity (`identity/tests/pki/make.sh`, generated once per test
//! binary) and signatures made with openssl exactly as a client's tool makes them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_functions::eds::EdsVerifier;
use kezek_identity::{RsaVerifier, TrustStore};
use serde_json::{json, Value};

pub fn directory() -> &'static Path {
    static DIRECTORY: OnceLock<PathBuf> = OnceLock::new();
    DIRECTORY.get_or_init(|| {
        let directory = std::env::temp_dir().join(format!("kezek-auth-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("identity/tests/pki/make.sh");
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
    std::fs::read_to_string(directory().join(name)).expect("PKI file")
}

/// The EDS verifier over the test root and intermediate, with the intermediate's CRL.
pub fn verifier() -> EdsVerifier {
    let mut trust = TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem")))
        .expect("anchors");
    trust.add_crl_pem(&read("intermediate.crl.pem")).expect("CRL signed by an anchor");
    EdsVerifier::new(RsaVerifier::new(trust))
}

/// Writes `bytes` to a file of its own in the PKI folder; its path.
pub fn payload(bytes: &[u8]) -> PathBuf {
    static FILES: AtomicU64 = AtomicU64::new(0);
    let path = directory().join(format!("payload-{}", FILES.fetch_add(1, Ordering::SeqCst)));
    std::fs::write(&path, bytes).expect("payload");
    path
}

fn openssl(arguments: &[&str], input: &[u8]) -> Vec<u8> {
    let payload = payload(input);
    let mut command = Command::new("openssl");
    command.args(arguments);
    if arguments.first() == Some(&"cms") {
        command.arg("-in");
    }
    let output = command.arg(&payload).current_dir(directory()).output().expect("openssl runs");
    assert!(
        output.status.success(),
        "openssl {arguments:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Detached,
    Attached,
}

/// DER of a CMS SignedData by `holder` (a PKI file stem) over `bytes`.
pub fn cms_der(holder: &str, bytes: &[u8], shape: Shape, digest: &str) -> Vec<u8> {
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
    if shape == Shape::Attached {
        arguments.push("-nodetach");
    }
    openssl(&arguments, bytes)
}

/// The API's signature object for a CMS message: `{"signatureBase64": ...}`.
pub fn cms(holder: &str, bytes: &[u8], shape: Shape) -> Value {
    json!({ "signatureBase64": STANDARD.encode(cms_der(holder, bytes, shape, "sha256")) })
}

/// The API's signature object for a raw PKCS#1 v1.5 SHA-256 signature by `key_holder`'s key
/// with `certificate_holder`'s certificate, as PEM or as base64 DER.
pub fn raw(key_holder: &str, certificate_holder: &str, bytes: &[u8], pem: bool) -> Value {
    let key = format!("{key_holder}.key");
    let signature = openssl(&["dgst", "-sha256", "-sign", &key], bytes);
    let certificate = read(&format!("{certificate_holder}.pem"));
    let certificate = if pem {
        certificate
    } else {
        let (_, der) = der_of_pem(&certificate);
        STANDARD.encode(der)
    };
    json!({ "signatureBase64": STANDARD.encode(signature), "certificateBase64": certificate })
}

fn der_of_pem(pem: &str) -> (String, Vec<u8>) {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    ("CERTIFICATE".to_owned(), STANDARD.decode(body).expect("PEM body"))
}

/// Changes the last seconds digit of the signing time inside a CMS message's signed
/// attributes (the signature over them then no longer verifies).
pub fn tamper_signing_time(der: &[u8]) -> Vec<u8> {
    let signing_time_oid = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05];
    let at = der
        .windows(signing_time_oid.len())
        .position(|window| window == signing_time_oid)
        .expect("signing time attribute");
    let time_at =
        at + der[at..].windows(2).position(|window| window == [0x17, 0x0D]).expect("UTCTime") + 2;
    let mut tampered = der.to_vec();
    let digit = time_at + 11;
    tampered[digit] = if tampered[digit] == b'0' { b'1' } else { b'0' };
    tampered
}
