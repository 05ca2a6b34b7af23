//! Fuzzes every path untrusted signature bytes take: CMS DER, certificate DER, and the
//! base64/PEM submission forms. Any input must give a result or a coded error, never a panic.
#![no_main]

use kezek_identity::certificate::{parse_der, purposes_of, subject_of};
use kezek_identity::cms::verify_cms;
use kezek_identity::submission::{verify_submission, RawScheme};
use kezek_identity::SignatureSubmission;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let issued = b"kezek choice v1\n";
    let _ = verify_cms(data, issued);
    if let Ok(certificate) = parse_der(data) {
        let _ = purposes_of(&certificate);
        let _ = subject_of(&certificate.tbs_certificate.subject);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify_submission(&SignatureSubmission::Cms { cms: text.to_owned() }, issued);
        let middle = (0..=text.len() / 2).rev().find(|at| text.is_char_boundary(*at)).unwrap_or(0);
        let (signature, certificate) = text.split_at(middle);
        let raw = SignatureSubmission::Raw { signature: signature.to_owned(), certificate: certificate.to_owned(), scheme: RawScheme::Pkcs1Sha256 };
        let _ = verify_submission(&raw, issued);
    }
});
