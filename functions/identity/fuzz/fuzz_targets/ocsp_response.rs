//! Fuzzes the OCSP response parser (issue 14): any bytes as an OCSPResponse, checked for
//! NCA's GOST test certificate under NCA's GOST test CA — a result or a coded error
//! (`ocsp_response_invalid`, `ocsp_response_stale`, `revocation_unknown`), never a panic.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use der::Decode;
use kezek_identity::ocsp::request::cert_id;
use kezek_identity::ocsp::response::{basic_response, verified_answer};
use libfuzzer_sys::fuzz_target;
use x509_cert::Certificate;
use x509_ocsp::CertId;

fn ca() -> &'static Certificate {
    static CA: OnceLock<Certificate> = OnceLock::new();
    CA.get_or_init(|| {
        Certificate::from_der(include_bytes!("../../tests/nca/nca_gost2022_test.cer")).expect("CA")
    })
}

fn id() -> &'static CertId {
    static ID: OnceLock<CertId> = OnceLock::new();
    ID.get_or_init(|| {
        let person =
            Certificate::from_der(include_bytes!("../../tests/nca/gost_individual_test.cer"))
                .expect("person");
        cert_id(&person, ca()).expect("CertID")
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = basic_response(data);
    let now = DateTime::<Utc>::from_timestamp(1_717_390_800, 0).unwrap_or_default();
    let _ = verified_answer(data, id(), ca(), Some(b"0123456789abcdef"), now);
    let _ = verified_answer(data, id(), ca(), None, now);
});
