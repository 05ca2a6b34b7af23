//! RSA signature arithmetic, done by ring. Only RSA keys of 2048 bits or more, and SHA-256 or
//! stronger digests, are accepted; SHA-1 and MD5 are refused by name.

use const_oid::ObjectIdentifier;
use der::asn1::UintRef;
use der::{Decode, Sequence};
use ring::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::error::IdentityError;

pub const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const MD5_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
const SHA1_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.5");
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
pub const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const MD5: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.2.5");
pub const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// The smallest RSA modulus accepted.
pub const RSA_BITS_MIN: usize = 2048;

/// An accepted RSA signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RsaScheme {
    Pkcs1Sha256,
    Pkcs1Sha384,
    Pkcs1Sha512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    PssSha256,
}

impl RsaScheme {
    fn algorithm(self) -> &'static dyn VerificationAlgorithm {
        match self {
            RsaScheme::Pkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            RsaScheme::Pkcs1Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
            RsaScheme::Pkcs1Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
            RsaScheme::PssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        }
    }

    /// The scheme named by a signature algorithm OID. In CMS the signature algorithm may be
    /// plain `rsaEncryption`; then `digest` (the SignerInfo's digest algorithm) decides.
    pub fn from_oids(
        signature_algorithm: ObjectIdentifier,
        digest: Option<ObjectIdentifier>,
    ) -> Result<Self, IdentityError> {
        match signature_algorithm {
            SHA256_WITH_RSA => Ok(RsaScheme::Pkcs1Sha256),
            SHA384_WITH_RSA => Ok(RsaScheme::Pkcs1Sha384),
            SHA512_WITH_RSA => Ok(RsaScheme::Pkcs1Sha512),
            RSASSA_PSS => match digest {
                None | Some(SHA256) => Ok(RsaScheme::PssSha256),
                Some(_) => Err(IdentityError::AlgorithmNotAllowed),
            },
            RSA_ENCRYPTION => match digest {
                Some(SHA256) => Ok(RsaScheme::Pkcs1Sha256),
                Some(SHA384) => Ok(RsaScheme::Pkcs1Sha384),
                Some(SHA512) => Ok(RsaScheme::Pkcs1Sha512),
                _ => Err(IdentityError::AlgorithmNotAllowed),
            },
            SHA1_WITH_RSA | MD5_WITH_RSA => Err(IdentityError::AlgorithmNotAllowed),
            _ => Err(IdentityError::AlgorithmNotAllowed),
        }
    }

    /// Whether a digest algorithm OID is acceptable at all.
    pub fn check_digest(
        digest: ObjectIdentifier,
    ) -> Result<&'static ring::digest::Algorithm, IdentityError> {
        match digest {
            SHA256 => Ok(&ring::digest::SHA256),
            SHA384 => Ok(&ring::digest::SHA384),
            SHA512 => Ok(&ring::digest::SHA512),
            SHA1 | MD5 => Err(IdentityError::AlgorithmNotAllowed),
            _ => Err(IdentityError::AlgorithmNotAllowed),
        }
    }
}

#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    #[allow(dead_code)]
    public_exponent: UintRef<'a>,
}

/// An RSA public key of at least [`RSA_BITS_MIN`] bits.
#[derive(Debug, Clone)]
pub struct RsaKey {
    /// The PKCS#1 RSAPublicKey DER, as ring takes it.
    public_key_der: Vec<u8>,
    pub bits: usize,
}

impl RsaKey {
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, IdentityError> {
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(IdentityError::KeyTypeNotSupported);
        }
        let public_key_der = spki
            .subject_public_key
            .as_bytes()
            .ok_or(IdentityError::DerInvalid { what: "public key" })?
            .to_vec();
        let key = RsaPublicKey::from_der(&public_key_der)
            .map_err(|_| IdentityError::DerInvalid { what: "public key" })?;
        let modulus = key.modulus.as_bytes();
        let bits =
            modulus.first().map_or(0, |first| modulus.len() * 8 - first.leading_zeros() as usize);
        if bits < RSA_BITS_MIN {
            return Err(IdentityError::KeyTooWeak { bits });
        }
        Ok(Self { public_key_der, bits })
    }

    /// Verifies `signature` over `message` (ring hashes the message itself).
    pub fn verify(
        &self,
        scheme: RsaScheme,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), IdentityError> {
        UnparsedPublicKey::new(scheme.algorithm(), &self.public_key_der)
            .verify(message, signature)
            .map_err(|_| IdentityError::SignatureInvalid)
    }
}
