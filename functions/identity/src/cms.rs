//! CMS/CAdES SignedData (RFC 5652) as NCALayer's `createCAdESFromBase64` produces it:
//! detached (the content is the bytes the server issued) or attached (the content must equal
//! them). With signed attributes, the message-digest attribute must be the digest of the
//! content and the signature covers the DER SET OF the attributes.

use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode};
use x509_cert::Certificate;

use crate::error::IdentityError;
use crate::key::{content_digest, PublicKey};

const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const SUBJECT_KEY_IDENTIFIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");

/// Largest CMS message accepted, in DER bytes.
pub const CMS_BYTES_MAX: usize = 64 * 1024;
/// Most certificates a CMS message may carry.
const CERTIFICATES_MAX: usize = 8;

/// A CMS signature that verified over the issued bytes, and the certificates it carried.
#[derive(Debug, Clone)]
pub struct CmsSigner {
    pub certificate: Certificate,
    pub supplied: Vec<Certificate>,
}

fn signer_matches(certificate: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            certificate.tbs_certificate.issuer == id.issuer
                && certificate.tbs_certificate.serial_number == id.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => {
            certificate.tbs_certificate.extensions.iter().flatten().any(|extension| {
                extension.extn_id == SUBJECT_KEY_IDENTIFIER
                    && OctetString::from_der(extension.extn_value.as_bytes())
                        .is_ok_and(|value| value.as_bytes() == ski.0.as_bytes())
            })
        }
    }
}

/// Verifies a CMS SignedData (DER) over exactly `issued`.
pub fn verify_cms(der: &[u8], issued: &[u8]) -> Result<CmsSigner, IdentityError> {
    let signed = signed_data(der, issued)?;
    let supplied = supplied_certificates(&signed)?;
    let mut signers = signed.signer_infos.0.iter();
    let (Some(signer), None) = (signers.next(), signers.next()) else {
        return Err(IdentityError::CmsUnsupported { detail: "exactly one signer is accepted" });
    };
    let certificate = supplied
        .iter()
        .find(|certificate| signer_matches(certificate, &signer.sid))
        .cloned()
        .ok_or(IdentityError::CmsUnsupported {
            detail: "the signer's certificate is not in the message",
        })?;
    let key = PublicKey::from_spki(&certificate.tbs_certificate.subject_public_key_info)?;
    let signed_message = match &signer.signed_attrs {
        None => issued.to_vec(),
        Some(attributes) => {
            let digest = content_digest(signer.digest_alg.oid, issued)?;
            check_signed_attributes(attributes, &digest)?;
            attributes
                .to_der()
                .map_err(|_| IdentityError::DerInvalid { what: "signed attributes" })?
        }
    };
    key.verify(
        signer.signature_algorithm.oid,
        Some(signer.digest_alg.oid),
        &signed_message,
        signer.signature.as_bytes(),
    )?;
    Ok(CmsSigner { certificate, supplied })
}

/// The SignedData of an id-data ContentInfo whose attached content, if any, is `issued`.
fn signed_data(der: &[u8], issued: &[u8]) -> Result<SignedData, IdentityError> {
    if der.len() > CMS_BYTES_MAX {
        return Err(IdentityError::InputTooLarge);
    }
    let content_info = ContentInfo::from_der(der)
        .map_err(|_| IdentityError::DerInvalid { what: "CMS message" })?;
    if content_info.content_type != SIGNED_DATA {
        return Err(IdentityError::CmsUnsupported { detail: "not SignedData" });
    }
    let signed: SignedData = content_info
        .content
        .decode_as()
        .map_err(|_| IdentityError::DerInvalid { what: "SignedData" })?;
    if signed.encap_content_info.econtent_type != DATA {
        return Err(IdentityError::CmsUnsupported { detail: "content type is not id-data" });
    }
    if let Some(attached) = &signed.encap_content_info.econtent {
        let content: OctetString = attached
            .decode_as()
            .map_err(|_| IdentityError::DerInvalid { what: "attached content" })?;
        if content.as_bytes() != issued {
            return Err(IdentityError::ContentMismatch);
        }
    }
    Ok(signed)
}

fn supplied_certificates(signed: &SignedData) -> Result<Vec<Certificate>, IdentityError> {
    let supplied: Vec<Certificate> = signed
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => Some(certificate.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    if supplied.len() > CERTIFICATES_MAX {
        return Err(IdentityError::InputTooLarge);
    }
    Ok(supplied)
}

/// The message-digest attribute must be `digest`; a content-type attribute must be id-data.
fn check_signed_attributes(
    attributes: &cms::signed_data::SignedAttributes,
    digest: &[u8],
) -> Result<(), IdentityError> {
    let mut digest_seen = false;
    for attribute in attributes.iter() {
        if attribute.oid != MESSAGE_DIGEST && attribute.oid != CONTENT_TYPE {
            continue;
        }
        let mut values = attribute.values.iter();
        let value = match (values.next(), values.next()) {
            (Some(value), None) => value,
            _ => {
                return Err(IdentityError::CmsUnsupported {
                    detail: "a signed attribute must have one value",
                })
            }
        };
        if attribute.oid == MESSAGE_DIGEST {
            let value: OctetString = value
                .decode_as()
                .map_err(|_| IdentityError::DerInvalid { what: "message digest" })?;
            if value.as_bytes() != digest {
                return Err(IdentityError::MessageDigestMismatch);
            }
            digest_seen = true;
        } else {
            let value: ObjectIdentifier = value
                .decode_as()
                .map_err(|_| IdentityError::DerInvalid { what: "content type" })?;
            if value != DATA {
                return Err(IdentityError::CmsUnsupported {
                    detail: "signed content type is not id-data",
                });
            }
        }
    }
    if !digest_seen {
        return Err(IdentityError::CmsUnsupported {
            detail: "signed attributes without a message digest",
        });
    }
    Ok(())
}
