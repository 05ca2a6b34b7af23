//! CRLs as NCA publishes them (issue 14 item 2): DER or PEM, a base and a delta CRL, and
//! thisUpdate/nextUpdate enforced — a CRL past its nextUpdate plus the grace is
//! `revocation_unknown` unless the policy accepts the unknown.

mod pki;

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use kezek_identity::{
    CrlFile, Holder, KeyPurpose, SignatureVerifier, TrustStore, Unknown, UnknownPolicy,
    VerificationRequest, X509Verifier,
};
use pki::{cms, intermediate_crl, now, read, serial_of, Cms};

const CHOICE: &[u8] = b"kezek choice v1\napplication: app-1\n";
const REMOVE_FROM_CRL: Option<u32> = Some(8);

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, day, 0, 0, 0).single().expect("instant")
}

fn anchors() -> TrustStore {
    TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem"))).expect("bundle")
}

fn crl_file(grace: Duration, crls: &[Vec<u8>]) -> CrlFile {
    let mut file = CrlFile::with_grace(grace);
    for crl in crls {
        file.add(crl, anchors().anchors()).expect("CRL of the intermediate");
    }
    file
}

fn sign(
    revocation: Arc<dyn kezek_identity::RevocationCheck>,
    holder: &str,
) -> Result<(), &'static str> {
    let verifier = X509Verifier::with_revocation(anchors(), revocation);
    let submission = cms(holder, CHOICE, Cms::Detached);
    let request = VerificationRequest {
        purpose: KeyPurpose::Signing,
        holder: Holder::Person,
        issued: CHOICE,
        submission: &submission,
        expected_iin: None,
        now: now(),
    };
    verifier.verify(&request).map(|_| ()).map_err(|error| error.code())
}

/// A base CRL of 1–27 February 2026 (current at `now`, 2 March 2026, only with a grace).
fn base(revoked: &[(&[u8], Option<u32>)]) -> Vec<u8> {
    intermediate_crl(at(1), at(27), 10, None, revoked)
}

#[test]
fn a_crl_past_its_next_update_is_revocation_unknown_unless_within_the_grace() {
    let crl = base(&[]);
    assert_eq!(
        sign(Arc::new(crl_file(Duration::zero(), std::slice::from_ref(&crl))), "sign"),
        Err("revocation_unknown")
    );
    assert_eq!(
        sign(Arc::new(crl_file(Duration::days(3), std::slice::from_ref(&crl))), "sign"),
        Err("revocation_unknown")
    );
    assert_eq!(sign(Arc::new(crl_file(Duration::days(4), &[crl])), "sign"), Ok(()));
}

#[test]
fn the_policy_for_unknown_refuses_by_default_or_accepts() {
    let stale = Arc::new(crl_file(Duration::zero(), &[base(&[])]));
    let refuse = UnknownPolicy { check: stale.clone(), unknown: Unknown::default() };
    assert_eq!(sign(Arc::new(refuse), "sign"), Err("revocation_unknown"));
    let accept = UnknownPolicy { check: stale, unknown: Unknown::AcceptAndLog };
    assert_eq!(sign(Arc::new(accept), "sign"), Ok(()));
    assert_eq!(Unknown::parse("accept"), Some(Unknown::AcceptAndLog));
    assert_eq!(Unknown::parse("refuse"), Some(Unknown::Refuse));
    assert_eq!(Unknown::parse("maybe"), None);
}

#[test]
fn a_delta_crl_revokes_a_certificate_the_base_does_not_list() {
    let grace = Duration::days(10);
    let signer = serial_of("sign");
    assert_eq!(sign(Arc::new(crl_file(grace, &[base(&[])])), "sign"), Ok(()));
    let delta = intermediate_crl(at(20), at(27), 11, Some(10), &[(&signer, None)]);
    assert_eq!(
        sign(Arc::new(crl_file(grace, &[base(&[]), delta])), "sign"),
        Err("certificate_revoked")
    );
}

#[test]
fn a_delta_crl_can_take_a_held_certificate_off_the_base() {
    let grace = Duration::days(10);
    let held = serial_of("sign");
    let base = base(&[(&held, Some(6))]);
    assert_eq!(
        sign(Arc::new(crl_file(grace, std::slice::from_ref(&base))), "sign"),
        Err("certificate_revoked")
    );
    let release = intermediate_crl(at(20), at(27), 11, Some(10), &[(&held, REMOVE_FROM_CRL)]);
    assert_eq!(sign(Arc::new(crl_file(grace, &[base, release])), "sign"), Ok(()));
}

#[test]
fn a_delta_of_a_newer_base_or_a_stale_delta_is_revocation_unknown() {
    let grace = Duration::days(10);
    let newer_base_delta = intermediate_crl(at(20), at(27), 13, Some(12), &[]);
    assert_eq!(
        sign(Arc::new(crl_file(grace, &[base(&[]), newer_base_delta])), "sign"),
        Err("revocation_unknown")
    );
    let stale_delta = intermediate_crl(at(2), at(3), 11, Some(10), &[]);
    assert_eq!(
        sign(Arc::new(crl_file(grace, &[base(&[]), stale_delta])), "sign"),
        Err("revocation_unknown")
    );
}

#[test]
fn a_newer_crl_replaces_an_older_one_and_never_the_reverse() {
    let grace = Duration::days(10);
    let revoked = serial_of("sign");
    let old = intermediate_crl(at(1), at(27), 9, None, &[(&revoked, None)]);
    let new = intermediate_crl(at(10), at(27), 10, None, &[]);
    assert_eq!(sign(Arc::new(crl_file(grace, &[old.clone(), new.clone()])), "sign"), Ok(()));
    assert_eq!(sign(Arc::new(crl_file(grace, &[new, old])), "sign"), Ok(()));
}

#[test]
fn crls_load_as_der_or_pem_and_a_tampered_one_is_refused() {
    let der = base(&[]);
    let pem = der::pem::encode_string("X509 CRL", der::pem::LineEnding::LF, &der).expect("PEM");
    let mut file = CrlFile::new();
    assert_eq!(file.add(&der, anchors().anchors()), Ok(0));
    assert_eq!(file.add(pem.as_bytes(), anchors().anchors()), Ok(0));
    let mut tampered = der.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    assert_eq!(file.add(&tampered, anchors().anchors()).map_err(|e| e.code()), Err("crl_invalid"));
    assert_eq!(
        file.add(&der[..der.len() / 2], anchors().anchors()).map_err(|e| e.code()),
        Err("signature_der_invalid")
    );
}

/// A CRL far larger than an SSM parameter (8 KB in the advanced tier): 20,000 entries.
#[test]
fn a_crl_of_twenty_thousand_entries_loads_and_answers() {
    let serials: Vec<Vec<u8>> =
        (0u32..20_000).map(|n| [&[0x7F][..], &n.to_be_bytes()[..]].concat()).collect();
    let mut entries: Vec<(&[u8], Option<u32>)> =
        serials.iter().map(|serial| (serial.as_slice(), None)).collect();
    let signer = serial_of("sign");
    entries.push((&signer, None));
    let der = intermediate_crl(at(1), at(27), 10, None, &entries);
    assert!(der.len() > 8 * 1024 * 40, "{} bytes", der.len());
    let file = crl_file(Duration::days(10), &[der]);
    assert_eq!(file.len(), 20_001);
    assert_eq!(sign(Arc::new(file), "sign"), Err("certificate_revoked"));
}
