//! Fuzzes the parsers issue 14 added: CRLs (DER or PEM, base or delta) checked against NCA's
//! GOST test CA and an RSA-free path, GOST public keys (SPKI and raw points) and GOST
//! signatures of any length. Any input must give a result or a coded error, never a panic.
#![no_main]

use std::sync::OnceLock;

use der::Decode;
use kezek_identity::crl::Crl;
use kezek_identity::gost::{Curve, GostKey, Layout};
use kezek_identity::key::PublicKey;
use kezek_identity::CrlFile;
use libfuzzer_sys::fuzz_target;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;

fn ca() -> &'static Certificate {
    static CA: OnceLock<Certificate> = OnceLock::new();
    CA.get_or_init(|| {
        Certificate::from_der(include_bytes!("../../tests/nca/nca_gost2022_test.cer")).expect("CA")
    })
}

fn curve() -> &'static Curve {
    static CURVE: OnceLock<Curve> = OnceLock::new();
    CURVE.get_or_init(Curve::tc26_512_a)
}

fuzz_target!(|data: &[u8]| {
    let issuers = std::slice::from_ref(ca());
    let _ = Crl::verified(data, issuers);
    let _ = CrlFile::new().add(data, issuers);
    if let Ok(spki) = SubjectPublicKeyInfoOwned::from_der(data) {
        if let Ok(key) = PublicKey::from_spki(&spki) {
            let _ = key.verify(kezek_identity::gost::NCA_GOST_512_SIGNATURE, None, data, data);
        }
    }
    let _ = GostKey::from_encoded_point(curve(), Layout::Nca, data);
    if let Ok(key) = PublicKey::from_spki(&ca().tbs_certificate.subject_public_key_info) {
        let (message, signature) = data.split_at(data.len() / 2);
        let _ = key.verify(kezek_identity::gost::NCA_GOST_512_SIGNATURE, None, message, signature);
    }
});
