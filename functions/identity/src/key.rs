//! A certificate's public key, RSA ([`crate::rsa`], ring) or GOST R 34.10-2015 512-bit
//! ([`crate::gost`]), and the one place that says which signature algorithm and digest go
//! with which key.

use const_oid::ObjectIdentifier;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::error::IdentityError;
use crate::gost::{self, GostKey};
use crate::rsa::{RsaKey, RsaScheme, RSA_ENCRYPTION};

#[derive(Debug, Clone)]
pub enum PublicKey {
    Rsa(RsaKey),
    Gost(GostKey),
}

impl PublicKey {
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, IdentityError> {
        match spki.algorithm.oid {
            RSA_ENCRYPTION => Ok(Self::Rsa(RsaKey::from_spki(spki)?)),
            oid if gost::is_gost_key(oid) => Ok(Self::Gost(GostKey::from_spki(spki)?)),
            _ => Err(IdentityError::KeyTypeNotSupported),
        }
    }

    /// What the evidence records as the key's algorithm.
    pub fn algorithm(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "rsa",
            Self::Gost(_) => "gost2015-512",
        }
    }

    /// Verifies `signature` over `message` with the algorithm `signature_algorithm` names
    /// (for CMS, with the SignerInfo's `digest`), refusing an algorithm that does not go with
    /// this key.
    pub fn verify(
        &self,
        signature_algorithm: ObjectIdentifier,
        digest: Option<ObjectIdentifier>,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), IdentityError> {
        match self {
            Self::Rsa(key) => {
                let scheme = RsaScheme::from_oids(signature_algorithm, digest)?;
                key.verify(scheme, message, signature)
            }
            Self::Gost(key) => {
                if !gost::is_gost_signature(signature_algorithm)
                    || digest.is_some_and(|digest| !gost::is_streebog_512(digest))
                {
                    return Err(IdentityError::AlgorithmNotAllowed);
                }
                key.verify(message, signature)
            }
        }
    }
}

/// The digest of `content` by the algorithm a CMS SignerInfo names (what its messageDigest
/// attribute must equal).
pub fn content_digest(digest: ObjectIdentifier, content: &[u8]) -> Result<Vec<u8>, IdentityError> {
    if gost::is_streebog_512(digest) {
        return Ok(gost::streebog_512(content));
    }
    let algorithm = RsaScheme::check_digest(digest)?;
    Ok(ring::digest::digest(algorithm, content).as_ref().to_vec())
}
