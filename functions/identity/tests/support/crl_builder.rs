//! CRLs of the test PKI built with chosen dates, numbers and entries (openssl cannot make
//! delta CRLs or choose thisUpdate), signed by `openssl dgst` with a chosen key: the CA's own,
//! or another (a wrongly signed CRL). Shared by the HTTP tests (`#[path]`).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

use chrono::{DateTime, Utc};
use der::{Decode, DecodePem, Encode};
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::Extension;

/// One CRL to build.
#[derive(Debug, Clone)]
pub struct CrlSpec<'a> {
    /// The PKI folder (tests/pki/make.sh).
    pub pki: &'a Path,
    /// The CA's certificate (its subject is the CRL's issuer), a file of `pki`.
    pub issuer_pem: &'a str,
    /// The key that signs, a file of `pki` (the CA's, or another for a bad signature).
    pub signer_key: &'a str,
    pub this_update: DateTime<Utc>,
    pub next_update: DateTime<Utc>,
    pub number: u8,
    /// A delta CRL of this base number.
    pub delta_of: Option<u8>,
    /// Serials revoked (the day before thisUpdate).
    pub revoked: Vec<Vec<u8>>,
}

fn time(at: DateTime<Utc>) -> x509_cert::time::Time {
    let seconds = u64::try_from(at.timestamp()).expect("after 1970");
    x509_cert::time::Time::UtcTime(
        der::asn1::UtcTime::from_unix_duration(std::time::Duration::from_secs(seconds))
            .expect("UTCTime"),
    )
}

fn extension(oid: &str, critical: bool, value: Vec<u8>) -> Extension {
    Extension {
        extn_id: const_oid::ObjectIdentifier::new_unwrap(oid),
        critical,
        extn_value: der::asn1::OctetString::new(value).expect("value"),
    }
}

fn integer(n: u8) -> Vec<u8> {
    der::asn1::Uint::new(&[n]).expect("uint").to_der().expect("DER")
}

/// The DER of the CRL `spec` describes.
pub fn build(spec: &CrlSpec<'_>) -> Vec<u8> {
    let entries = spec
        .revoked
        .iter()
        .map(|serial| RevokedCert {
            serial_number: x509_cert::serial_number::SerialNumber::new(serial).expect("serial"),
            revocation_date: time(spec.this_update - chrono::Duration::days(1)),
            crl_entry_extensions: None,
        })
        .collect::<Vec<_>>();
    let mut extensions = vec![extension("2.5.29.20", false, integer(spec.number))];
    if let Some(base) = spec.delta_of {
        extensions.push(extension("2.5.29.27", true, integer(base)));
    }
    let issuer_pem = std::fs::read_to_string(spec.pki.join(spec.issuer_pem)).expect("issuer");
    let issuer = x509_cert::Certificate::from_pem(issuer_pem.as_bytes())
        .expect("issuer certificate")
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
        this_update: time(spec.this_update),
        next_update: Some(time(spec.next_update)),
        revoked_certificates: (!entries.is_empty()).then_some(entries),
        crl_extensions: Some(extensions),
    };
    let tbs_der = tbs.to_der().expect("TBS");
    let input = spec.pki.join(format!("crl-tbs-{}-{}", std::process::id(), spec.number));
    std::fs::write(&input, &tbs_der).expect("TBS file");
    let output = Command::new("openssl")
        .args(["dgst", "-sha256", "-sign", spec.signer_key])
        .arg(&input)
        .current_dir(spec.pki)
        .output()
        .expect("openssl runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let crl = CertificateList {
        tbs_cert_list: TbsCertList::from_der(&tbs_der).expect("TBS"),
        signature_algorithm: algorithm,
        signature: der::asn1::BitString::from_bytes(&output.stdout).expect("bits"),
    };
    crl.to_der().expect("CRL DER")
}
