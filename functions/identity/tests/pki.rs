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

/// A CRL of the test intermediate built here (openssl cannot make delta CRLs or choose
/// thisUpdate): `revoked` serial → reason (8 = removeFromCRL), CRL number `number`, a delta
/// of base `delta_of` if given; signed with the intermediate's key by `openssl dgst`. DER.
pub fn intermediate_crl(
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
    number: u8,
    delta_of: Option<u8>,
    revoked: &[(&[u8], Option<u32>)],
) -> Vec<u8> {
    use der::{Decode, DecodePem, Encode};
    use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
    use x509_cert::ext::Extension;
    let time = |at: DateTime<Utc>| {
        let seconds = u64::try_from(at.timestamp()).expect("after 1970");
        x509_cert::time::Time::UtcTime(
            der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(seconds))
                .expect("UTCTime"),
        )
    };
    let extension = |oid: &str, critical: bool, value: Vec<u8>| Extension {
        extn_id: const_oid::ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: der::asn1::OctetString::new(value).expect("value"),
    };
    let integer = |n: u8| der::asn1::Uint::new(&[n]).expect("uint").to_der().expect("DER");
    let entries = revoked
        .iter()
        .map(|(serial, reason)| RevokedCert {
            serial_number: x509_cert::serial_number::SerialNumber::new(serial).expect("serial"),
            revocation_date: time(this_update - chrono::Duration::days(1)),
            crl_entry_extensions: reason.map(|code| {
                vec![extension(
                    "2.5.29.21",
                    false,
                    vec![0x0A, 0x01, u8::try_from(code).expect("reason")],
                )]
            }),
        })
        .collect::<Vec<_>>();
    let mut extensions = vec![extension("2.5.29.20", false, integer(number))];
    if let Some(base) = delta_of {
        extensions.push(extension("2.5.29.27", true, integer(base)));
    }
    let issuer = x509_cert::Certificate::from_pem(read("intermediate.pem").as_bytes())
        .expect("intermediate")
        .tbs_certificate
        .subject;
    let algorithm = x509_cert::spki::AlgorithmIdentifierOwned {
        oid: const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11"),
        parameters: Some(der::Any::null()),
    };
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: algorithm.clone(),
        issuer,
        this_update: time(this_update),
        next_update: Some(time(next_update)),
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().expect("TBS");
    let signature = openssl(&["dgst", "-sha256", "-sign", "intermediate.key"], &tbs_der);
    let crl = CertificateList {
        tbs_cert_list: TbsCertList::from_der(&tbs_der).expect("TBS"),
        signature_algorithm: algorithm,
        signature: der::asn1::BitString::from_bytes(&signature).expect("bits"),
    };
    crl.to_der().expect("CRL DER")
}

/// The serial number bytes of a PKI certificate.
pub fn serial_of(name: &str) -> Vec<u8> {
    use der::DecodePem;
    x509_cert::Certificate::from_pem(read(&format!("{name}.pem")).as_bytes())
        .expect("certificate")
        .tbs_certificate
        .serial_number
        .as_bytes()
        .to_vec()
}
