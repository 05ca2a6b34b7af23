//! What a client sends as its signature: a CMS/CAdES message, or a raw signature (RSA, or
//! GOST R 34.10-2015 for a GOST certificate) with the certificate.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use x509_cert::Certificate;

use crate::certificate::{parse_der, CERTIFICATE_BYTES_MAX};
use crate::cms::{verify_cms, CMS_BYTES_MAX};
use crate::error::IdentityError;
use crate::gost::NCA_GOST_512_SIGNATURE;
use crate::key::PublicKey;
use crate::rsa::RsaScheme;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RawScheme {
    #[default]
    Pkcs1Sha256,
    PssSha256,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "format", rename_all = "snake_case")]
pub enum SignatureSubmission {
    /// Base64 DER of a CMS ContentInfo with SignedData, detached or attached.
    Cms { cms: String },
    /// A raw signature (base64) over the issued bytes, with the signer's certificate (PEM, or
    /// base64 DER).
    Raw {
        signature: String,
        certificate: String,
        #[serde(default)]
        scheme: RawScheme,
    },
}

fn decode_base64(text: &str, limit: usize) -> Result<Vec<u8>, IdentityError> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() > limit * 4 / 3 + 4 {
        return Err(IdentityError::InputTooLarge);
    }
    STANDARD.decode(compact).map_err(|_| IdentityError::EncodingInvalid)
}

fn certificate_from_text(text: &str) -> Result<Certificate, IdentityError> {
    if text.len() > CERTIFICATE_BYTES_MAX * 2 {
        return Err(IdentityError::InputTooLarge);
    }
    if text.trim_start().starts_with("-----BEGIN") {
        use der::DecodePem;
        return Certificate::from_pem(text.as_bytes()).map_err(|_| IdentityError::EncodingInvalid);
    }
    let der = decode_base64(text, CERTIFICATE_BYTES_MAX)?;
    parse_der(&der)
}

/// The signer's certificate and the certificates supplied with the signature, after the
/// signature verified over exactly `issued`.
pub fn verify_submission(
    submission: &SignatureSubmission,
    issued: &[u8],
) -> Result<(Certificate, Vec<Certificate>), IdentityError> {
    match submission {
        SignatureSubmission::Cms { cms } => {
            let der = decode_base64(cms, CMS_BYTES_MAX)?;
            let signer = verify_cms(&der, issued)?;
            Ok((signer.certificate, signer.supplied))
        }
        SignatureSubmission::Raw { signature, certificate, scheme } => {
            let certificate = certificate_from_text(certificate)?;
            let signature = decode_base64(signature, 1024)?;
            match PublicKey::from_spki(&certificate.tbs_certificate.subject_public_key_info)? {
                PublicKey::Rsa(key) => {
                    let scheme = match scheme {
                        RawScheme::Pkcs1Sha256 => RsaScheme::Pkcs1Sha256,
                        RawScheme::PssSha256 => RsaScheme::PssSha256,
                    };
                    key.verify(scheme, issued, &signature)?;
                }
                // A GOST key has one scheme: GOST R 34.10-2015 with Streebog-512, NCA layout.
                key @ PublicKey::Gost(_) => {
                    key.verify(NCA_GOST_512_SIGNATURE, None, issued, &signature)?;
                }
            }
            Ok((certificate, Vec::new()))
        }
    }
}
