//! GOST R 34.10-2015 512-bit keys as NCA issues them (issue 14 item 1): known answers from
//! NCA's own GOST test PKI — a person's certificate, the CRL and an OCSP response, each
//! signed by NCA's GOST test CA or its responder — and CMS signatures by NCA's published
//! test key through the verifier, for login and signing (one key, both uses).

mod gost_fixture;

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use der::{Decode, Encode};
use gost_fixture::{
    certificate, fixture, gost_cms, gost_cms_der, gost_now, gost_trust, test_scalar,
};
use kezek_identity::certificate::issued_by;
use kezek_identity::crl::Crl;
use kezek_identity::gost::Curve;
use kezek_identity::key::PublicKey;
use kezek_identity::{
    CrlFile, Holder, KeyPurpose, SignatureSubmission, SignatureVerifier, SubjectRules,
    VerificationRequest, X509Verifier,
};

const CHOICE: &[u8] = b"kezek choice v1\napplication: app-1\ngroup: g-kk\n";
const CHALLENGE: &[u8] = b"kezek login v1\nnonce: 9b1e\nexpires: 2024-06-03T05:05:00Z\n";

fn test_stage() -> X509Verifier {
    X509Verifier::new(gost_trust()).with_subject_rules(SubjectRules { accept_test_subjects: true })
}

fn verify(
    verifier: &X509Verifier,
    purpose: KeyPurpose,
    issued: &[u8],
    submission: &SignatureSubmission,
) -> Result<kezek_identity::VerifiedSigner, &'static str> {
    let request = VerificationRequest {
        purpose,
        holder: Holder::Person,
        issued,
        submission,
        expected_iin: None,
        now: gost_now(),
    };
    verifier.verify(&request).map_err(|error| error.code())
}

#[test]
fn ncas_gost_test_certificate_is_signed_by_ncas_gost_test_ca() {
    let person = certificate("gost_individual_test.cer");
    let ca = certificate("nca_gost2022_test.cer");
    assert_eq!(issued_by(&person, &ca), Ok(true));
    // The CA's certificate does not verify under its own key (it is signed by the root).
    assert_eq!(issued_by(&ca, &ca).ok(), Some(false));
    let key = PublicKey::from_spki(&person.tbs_certificate.subject_public_key_info).expect("key");
    assert_eq!(key.algorithm(), "gost2015-512");
}

#[test]
fn one_changed_bit_of_a_gost_certificate_breaks_its_signature() {
    let mut person = certificate("gost_individual_test.cer");
    let ca = certificate("nca_gost2022_test.cer");
    let mut signature = person.signature.raw_bytes().to_vec();
    signature[10] ^= 0x01;
    person.signature = der::asn1::BitString::from_bytes(&signature).expect("bits");
    assert_eq!(issued_by(&person, &ca), Ok(false));
}

#[test]
fn ncas_gost_crl_verifies_and_a_tampered_one_is_refused() {
    let ca = certificate("nca_gost2022_test.cer");
    let der = fixture("nca_gost2022_test.crl");
    let crl = Crl::verified(&der, std::slice::from_ref(&ca)).expect("NCA's CRL verifies");
    assert!(!crl.revoked.is_empty());
    assert_eq!(crl.number, vec![4]);
    assert!(crl.delta_of.is_none());
    let mut tampered = der.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    assert_eq!(
        Crl::verified(&tampered, std::slice::from_ref(&ca)).map(|_| ()).map_err(|e| e.code()),
        Err("crl_invalid")
    );
    // Loaded as DER into a CRL file, and used until its nextUpdate (23 January 2023).
    let mut crls = CrlFile::new();
    assert_eq!(crls.add(&der, std::slice::from_ref(&ca)), Ok(crl.revoked.len()));
}

/// The BasicOCSPResponse of NCA's GOST test responder (RFC 6960 §4.2.1), read far enough
/// to check its signature: its certificate is issued by the GOST test CA and its key signs
/// the response data.
#[test]
fn ncas_gost_ocsp_response_is_signed_by_its_responder() {
    #[derive(der::Sequence)]
    struct ResponseBytes {
        response_type: const_oid::ObjectIdentifier,
        response: der::asn1::OctetString,
    }
    #[derive(der::Sequence)]
    struct OcspResponse {
        status: der::Any,
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
        bytes: Option<ResponseBytes>,
    }
    #[derive(der::Sequence)]
    struct BasicResponse {
        data: der::Any,
        algorithm: x509_cert::spki::AlgorithmIdentifierOwned,
        signature: der::asn1::BitString,
        #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
        certificates: Option<Vec<x509_cert::Certificate>>,
    }
    let response = OcspResponse::from_der(&fixture("ocsp_response_individual_2015.bin"))
        .expect("OCSPResponse");
    let bytes = response.bytes.expect("response bytes");
    let basic = BasicResponse::from_der(bytes.response.as_bytes()).expect("BasicOCSPResponse");
    let responder = basic.certificates.expect("responder certificate").remove(0);
    assert_eq!(issued_by(&responder, &certificate("nca_gost2022_test.cer")), Ok(true));
    let key = PublicKey::from_spki(&responder.tbs_certificate.subject_public_key_info)
        .expect("responder key");
    let data = basic.data.to_der().expect("data");
    let signature = basic.signature.raw_bytes();
    assert_eq!(key.verify(basic.algorithm.oid, None, &data, signature), Ok(()));
    let mut changed = data.clone();
    let at = changed.len() - 3;
    changed[at] ^= 0x01;
    assert_eq!(
        key.verify(basic.algorithm.oid, None, &changed, signature).map_err(|e| e.code()),
        Err("signature_invalid")
    );
}

#[test]
fn the_published_test_key_is_the_certificates_key() {
    let person = certificate("gost_individual_test.cer");
    let curve = Curve::tc26_512_a();
    let zero = num_bigint::BigUint::from(0u32);
    let x = curve.combine_x(&test_scalar(), &zero, &curve.x, &curve.y).expect("d·G");
    let encoded = person.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    // OCTET STRING (04 81 80) then x little-endian.
    assert_eq!(num_bigint::BigUint::from_bytes_le(&encoded[3..67]), x);
}

#[test]
fn a_gost_cms_signature_verifies_for_login_and_for_signing_on_a_test_stage() {
    let verifier = test_stage();
    for (purpose, issued) in
        [(KeyPurpose::Signing, CHOICE), (KeyPurpose::Authentication, CHALLENGE)]
    {
        let signer = verify(&verifier, purpose, issued, &gost_cms(issued))
            .unwrap_or_else(|code| panic!("{purpose:?}: {code}"));
        assert_eq!(signer.iin, "123456789011");
        assert_eq!(signer.name, "ТЕСТОВ ТЕСТ");
        assert_eq!(signer.key_algorithm, "gost2015-512");
        assert!(signer.issuer.contains("(GOST) TEST 2022"), "{}", signer.issuer);
    }
}

#[test]
fn production_rules_refuse_ncas_test_subjects() {
    let verifier = X509Verifier::new(gost_trust());
    assert_eq!(
        verify(&verifier, KeyPurpose::Signing, CHOICE, &gost_cms(CHOICE)).map(|s| s.iin),
        Err("subject_iin_missing")
    );
}

/// The refusals GOST adds to the attack table (tests/attacks.rs holds the RSA rows).
#[test]
fn gost_attack_rows_are_refused_with_their_codes() {
    let verifier = test_stage();
    let signer = certificate("gost_individual_test.cer");
    let tampered = {
        let mut der = gost_cms_der(&signer, CHOICE);
        // The signature is the last OCTET STRING: change its last byte.
        let last = der.len() - 1;
        der[last] ^= 0x01;
        SignatureSubmission::Cms { cms: STANDARD.encode(der) }
    };
    let wrong_curve = {
        let mut other = signer.clone();
        let parameters = other.tbs_certificate.subject_public_key_info.algorithm.parameters.take();
        let mut encoded = parameters.expect("parameters").to_der().expect("DER");
        // 1.2.398.3.10.1.1.2.2.1 → .2.2.2 (another parameter set).
        let at = encoded.windows(3).position(|w| w == [0x02, 0x02, 0x01]).expect("curve OID");
        encoded[at + 2] = 0x02;
        other.tbs_certificate.subject_public_key_info.algorithm.parameters =
            Some(der::Any::from_der(&encoded).expect("parameters"));
        SignatureSubmission::Cms { cms: STANDARD.encode(gost_cms_der(&other, CHOICE)) }
    };
    let rows = [
        ("GOST signature tampered", tampered, "signature_invalid"),
        ("GOST key of the wrong curve", wrong_curve, "gost_curve_not_supported"),
        ("GOST CMS over other bytes", gost_cms(b"other bytes"), "message_digest_mismatch"),
    ];
    for (name, submission, code) in rows {
        assert_eq!(
            verify(&verifier, KeyPurpose::Signing, CHOICE, &submission).map(|s| s.iin),
            Err(code),
            "{name}"
        );
    }
}

#[test]
fn under_ncas_gost_crl_past_its_next_update_revocation_is_unknown() {
    // NCA's real test CRL: nextUpdate 23 January 2023, long before the check.
    let ca = certificate("nca_gost2022_test.cer");
    let mut crls = CrlFile::new();
    crls.add(&fixture("nca_gost2022_test.crl"), std::slice::from_ref(&ca)).expect("CRL");
    let verifier = X509Verifier::with_revocation(gost_trust(), Arc::new(crls))
        .with_subject_rules(SubjectRules { accept_test_subjects: true });
    assert_eq!(
        verify(&verifier, KeyPurpose::Signing, CHOICE, &gost_cms(CHOICE)).map(|s| s.iin),
        Err("revocation_unknown")
    );
}
