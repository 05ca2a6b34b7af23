//! The OCSP request (RFC 6960 §4.1): one certificate's CertID (SHA-1, what every responder
//! answers) and a nonce (§4.4.1).

use der::asn1::{Null, OctetString};
use der::Encode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_ocsp::ext::Nonce;
use x509_ocsp::{CertId, OcspRequest, Request, TbsRequest, Version};

use crate::error::IdentityError;

/// id-sha1, the CertID hash of the requests.
const SHA1: const_oid::ObjectIdentifier = const_oid::ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const AUTHORITY_INFO_ACCESS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
const ACCESS_OCSP: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");

fn invalid<E>(_: E) -> IdentityError {
    IdentityError::DerInvalid { what: "OCSP request" }
}

/// SHA-1 of `bytes` (a CertID's hashes; not a signature).
pub fn sha1(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes).as_ref().to_vec()
}

/// The CertID of `certificate` issued by `issuer`: hashes of the issuer's name and key.
pub fn cert_id(certificate: &Certificate, issuer: &Certificate) -> Result<CertId, IdentityError> {
    let name = issuer.tbs_certificate.subject.to_der().map_err(invalid)?;
    let key = issuer.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    let parameters = der::Any::encode_from(&Null).map_err(invalid)?;
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned { oid: SHA1, parameters: Some(parameters) },
        issuer_name_hash: OctetString::new(sha1(&name)).map_err(invalid)?,
        issuer_key_hash: OctetString::new(sha1(key)).map_err(invalid)?,
        serial_number: certificate.tbs_certificate.serial_number.clone(),
    })
}

/// Whether two CertIDs name the same certificate (hash algorithm by OID only: responders
/// differ on writing its NULL parameters).
pub fn same_certificate(a: &CertId, b: &CertId) -> bool {
    a.hash_algorithm.oid == b.hash_algorithm.oid
        && a.issuer_name_hash == b.issuer_name_hash
        && a.issuer_key_hash == b.issuer_key_hash
        && a.serial_number == b.serial_number
}

/// The DER of an unsigned request for `id` carrying `nonce`.
pub fn request_der(id: &CertId, nonce: &[u8]) -> Result<Vec<u8>, IdentityError> {
    let nonce = Nonce::new(nonce.to_vec()).map_err(invalid)?;
    let extension = x509_cert::ext::Extension {
        extn_id: const_oid::db::rfc6960::ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(nonce.to_der().map_err(invalid)?).map_err(invalid)?,
    };
    let request = OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request { req_cert: id.clone(), single_request_extensions: None }],
            request_extensions: Some(vec![extension]),
        },
        optional_signature: None,
    };
    request.to_der().map_err(invalid)
}

/// The OCSP responder a certificate names (authority information access, id-ad-ocsp).
pub fn responder_of(certificate: &Certificate) -> Option<String> {
    let extension = certificate
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|extension| extension.extn_id == AUTHORITY_INFO_ACCESS)?;
    let access =
        <AuthorityInfoAccessSyntax as der::Decode>::from_der(extension.extn_value.as_bytes())
            .ok()?;
    access.0.into_iter().find(|access| access.access_method == ACCESS_OCSP).and_then(|access| {
        match access.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        }
    })
}
