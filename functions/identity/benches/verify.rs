//! Verification time of one GOST R 34.10-2015 512-bit signature and one RSA-2048 signature:
//! a certificate checked against its issuer's key (`certificate::issued_by`), NCA's real GOST
//! test certificate under NCA's GOST test CA, and the test PKI's RSA signing certificate
//! under its intermediate (tests/pki/make.sh). `cargo bench -p kezek-identity --bench verify`.

use std::path::Path;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};
use der::{Decode, DecodePem};
use kezek_identity::certificate::issued_by;
use x509_cert::Certificate;

fn nca(name: &str) -> Certificate {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/nca").join(name);
    Certificate::from_der(&std::fs::read(path).expect("fixture")).expect("certificate")
}

fn rsa_pair() -> (Certificate, Certificate) {
    let directory = std::env::temp_dir().join(format!("kezek-bench-pki-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pki/make.sh");
    let status = Command::new("bash").arg(script).arg(&directory).status().expect("bash");
    assert!(status.success(), "test PKI");
    let read = |name: &str| {
        let pem = std::fs::read_to_string(directory.join(name)).expect("PEM");
        Certificate::from_pem(pem.as_bytes()).expect("certificate")
    };
    let pair = (read("sign.pem"), read("intermediate.pem"));
    let _ = std::fs::remove_dir_all(&directory);
    pair
}

fn verification(c: &mut Criterion) {
    let (gost, gost_ca) = (nca("gost_individual_test.cer"), nca("nca_gost2022_test.cer"));
    assert_eq!(issued_by(&gost, &gost_ca), Ok(true));
    let (rsa, rsa_ca) = rsa_pair();
    assert_eq!(issued_by(&rsa, &rsa_ca), Ok(true));
    c.bench_function("gost2015_512_certificate_signature", |b| {
        b.iter(|| issued_by(std::hint::black_box(&gost), &gost_ca))
    });
    c.bench_function("rsa2048_certificate_signature", |b| {
        b.iter(|| issued_by(std::hint::black_box(&rsa), &rsa_ca))
    });
}

criterion_group!(benches, verification);
criterion_main!(benches);
