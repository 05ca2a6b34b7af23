//! Real NCA GOST R 34.10-2015 test material (tests/nca/, sources in tests/nca/SOURCES.md),
//! and CMS messages signed with NCA's published test key, made here because no public
//! repository holds a GOST CMS over bytes of our choosing. The signer below is test code
//! only (the service verifies, never signs); it follows GOST R 34.10-2012 §6.1 with NCA's
//! byte layouts, independently of the verifier's code paths except the curve arithmetic.
#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use kezek_identity::gost::{Curve, NCA_GOST_512_SIGNATURE, NCA_STREEBOG_512};
use kezek_identity::{SignatureSubmission, TrustStore};
use num_bigint::BigUint;
use x509_cert::attr::Attribute;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;

const DATA: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const SIGNED_DATA: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const CONTENT_TYPE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

/// NCA's published test key of ТЕСТОВ ТЕСТ (IIN123456789011), gost1.p12 of the SDK
/// (password Qwerty12): the private scalar, little-endian as the PKCS#8 OCTET STRING holds it.
const TEST_KEY_LE: &str = "f404e51a73554ae0fbd2ff39e616c04e9dfadf44580cd06036cc858a9174acbfc77beb2a80debaa88c447ec54229ef5e50e03246bfcda5b19ad14b46de1294d9";

pub fn fixture(name: &str) -> Vec<u8> {
    // The identity crate's tests, or the HTTP tests of kezek-functions (`#[path]`).
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = [manifest.join("tests/nca"), manifest.join("identity/tests/nca")]
        .into_iter()
        .find(|folder| folder.is_dir())
        .expect("tests/nca");
    let path = folder.join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub fn certificate(name: &str) -> Certificate {
    Certificate::from_der(&fixture(name)).expect("NCA certificate DER")
}

/// NCA's GOST test intermediate "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (GOST) TEST 2022" as the anchor.
pub fn gost_trust() -> TrustStore {
    let pem = der::pem::encode_string(
        "CERTIFICATE",
        der::pem::LineEnding::LF,
        &fixture("nca_gost2022_test.cer"),
    )
    .expect("PEM");
    TrustStore::from_pem_bundle(&pem).expect("anchor")
}

/// Within the test certificate's validity (9 Nov 2023 – 8 Nov 2024).
pub fn gost_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 3, 5, 0, 0).single().expect("instant")
}

pub fn test_scalar() -> BigUint {
    BigUint::from_bytes_le(&hex(TEST_KEY_LE))
}

pub fn hex(digits: &str) -> Vec<u8> {
    (0..digits.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&digits[at..at + 2], 16).expect("hex"))
        .collect()
}

/// GOST R 34.10-2012 §6.1 with a deterministic nonce, NCA layout `r ‖ s` little-endian.
pub fn gost_sign(message: &[u8]) -> Vec<u8> {
    let curve = Curve::tc26_512_a();
    let d = test_scalar();
    let e = BigUint::from_bytes_le(&kezek_identity::gost::streebog_512(message)) % &curve.q;
    let e = if e == BigUint::from(0u32) { BigUint::from(1u32) } else { e };
    let nonce_seed = [d.to_bytes_le(), message.to_vec()].concat();
    let k = BigUint::from_bytes_le(&kezek_identity::gost::streebog_512(&nonce_seed)) % &curve.q;
    let zero = BigUint::from(0u32);
    let x = curve.combine_x(&k, &zero, &curve.x, &curve.y).expect("k·G is finite");
    let r = x % &curve.q;
    let s = (&r * &d + &k * &e) % &curve.q;
    let mut signature = r.to_bytes_le();
    signature.resize(64, 0);
    let mut s_bytes = s.to_bytes_le();
    s_bytes.resize(64, 0);
    signature.extend(s_bytes);
    signature
}

fn algorithm(oid: const_oid::ObjectIdentifier) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid, parameters: None }
}

fn attribute(oid: const_oid::ObjectIdentifier, value: Any) -> Attribute {
    Attribute { oid, values: SetOfVec::try_from(vec![value]).expect("one value") }
}

/// A detached CAdES-BES-like SignedData over `content` by `signer` with the test key.
pub fn gost_cms_der(signer: &Certificate, content: &[u8]) -> Vec<u8> {
    let digest = OctetString::new(kezek_identity::gost::streebog_512(content)).expect("digest");
    let attributes = SetOfVec::try_from(vec![
        attribute(CONTENT_TYPE, Any::encode_from(&DATA).expect("oid")),
        attribute(MESSAGE_DIGEST, Any::encode_from(&digest).expect("digest")),
    ])
    .expect("attributes");
    let signature = gost_sign(&attributes.to_der().expect("attributes DER"));
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(cms::cert::IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: algorithm(NCA_STREEBOG_512),
        signed_attrs: Some(attributes),
        signature_algorithm: algorithm(NCA_GOST_512_SIGNATURE),
        signature: OctetString::new(signature).expect("signature"),
        unsigned_attrs: None,
    };
    let signed = SignedData {
        version: CmsVersion::V1,
        digest_algorithms: SetOfVec::try_from(vec![algorithm(NCA_STREEBOG_512)]).expect("set"),
        encap_content_info: EncapsulatedContentInfo { econtent_type: DATA, econtent: None },
        certificates: Some(CertificateSet(
            SetOfVec::try_from(vec![CertificateChoices::Certificate(signer.clone())]).expect("set"),
        )),
        crls: None,
        signer_infos: SignerInfos(SetOfVec::try_from(vec![signer_info]).expect("set")),
    };
    ContentInfo { content_type: SIGNED_DATA, content: Any::encode_from(&signed).expect("content") }
        .to_der()
        .expect("CMS DER")
}

pub fn gost_cms(content: &[u8]) -> SignatureSubmission {
    let signer = certificate("gost_individual_test.cer");
    SignatureSubmission::Cms { cms: STANDARD.encode(gost_cms_der(&signer, content)) }
}
