//! GOST R 34.10-2015 (identical to GOST R 34.10-2012) signatures with 512-bit keys, as NCA
//! issues them since 2024, hashed with GOST R 34.11-2015 "Streebog-512" (RustCrypto's
//! `streebog`). Verification only: public-key operations over [`curve`]'s arithmetic.
//!
//! NCA's encodings, checked against NCA's own certificates and CRLs (tests/gost.rs):
//! - the key: `SubjectPublicKeyInfo` with algorithm 1.2.398.3.10.1.1.2.2 and parameters
//!   `SEQUENCE { curve 1.2.398.3.10.1.1.2.2.1, digest 1.2.398.3.10.1.3.3 }`; the BIT STRING
//!   holds an OCTET STRING of `x ‖ y`, each 64 bytes little-endian (as RFC 4491 §2.3.2);
//! - the digest `e`: the Streebog output read as a little-endian integer (as RFC 4491);
//! - the signature: 128 bytes `r ‖ s`, each little-endian — the byte reversal of the
//!   `s ‖ r` big-endian layout of RFC 4491 §2.2.2, which the TC26 OIDs
//!   (1.2.643.7.1.1.3.3) use.

pub mod curve;

use std::sync::OnceLock;

use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Sequence};
use num_bigint::BigUint;
use num_traits::Zero;
use streebog::{Digest, Streebog512};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use crate::error::IdentityError;
pub use curve::Curve;

/// NCA: GOST R 34.10-2015 512-bit public key.
pub const NCA_GOST_512_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.398.3.10.1.1.2.2");
/// NCA: the 512-bit parameter set A (TC26 paramSetA).
pub const NCA_GOST_512_CURVE_A: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.398.3.10.1.1.2.2.1");
/// NCA: GOST R 34.10-2015 512-bit signature with GOST R 34.11-2015 512-bit.
pub const NCA_GOST_512_SIGNATURE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.398.3.10.1.1.2.3.2");
/// NCA: GOST R 34.11-2015 512-bit (Streebog-512).
pub const NCA_STREEBOG_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.398.3.10.1.3.3");
/// TC26 (RFC 9215): GOST R 34.10-2012 512-bit public key.
pub const TC26_GOST_512_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.1.2");
/// TC26: id-tc26-gost-3410-12-512-paramSetA.
pub const TC26_GOST_512_CURVE_A: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.643.7.1.2.1.2.1");
/// TC26: GOST R 34.10-2012 512-bit signature with Streebog-512.
pub const TC26_GOST_512_SIGNATURE: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.643.7.1.1.3.3");
/// TC26: Streebog-512.
pub const TC26_STREEBOG_512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.643.7.1.1.2.3");

/// Largest encoded public key accepted (an OCTET STRING of 128 bytes plus its header).
const PUBLIC_KEY_BYTES_MAX: usize = 160;

/// Whose byte layout a key and its signatures follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// NCA's OIDs (1.2.398.3.10...): signatures `r ‖ s`, each little-endian.
    Nca,
    /// TC26 OIDs (RFC 9215): signatures `s ‖ r`, each big-endian.
    Tc26,
}

fn paramset_a() -> &'static Curve {
    static CURVE: OnceLock<Curve> = OnceLock::new();
    CURVE.get_or_init(Curve::tc26_512_a)
}

#[derive(Sequence)]
struct KeyParameters {
    curve: ObjectIdentifier,
    digest: Option<ObjectIdentifier>,
}

/// A GOST R 34.10 512-bit public key on an accepted curve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GostKey {
    curve: &'static Curve,
    layout: Layout,
    x: BigUint,
    y: BigUint,
}

/// Whether an SPKI algorithm OID names a GOST 512-bit key (NCA's or TC26's).
pub fn is_gost_key(oid: ObjectIdentifier) -> bool {
    oid == NCA_GOST_512_KEY || oid == TC26_GOST_512_KEY
}

impl GostKey {
    /// Reads a GOST key from a certificate's `SubjectPublicKeyInfo`: only paramSetA 512
    /// (NCA's curve) is accepted; any other curve is `gost_curve_not_supported`.
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, IdentityError> {
        let layout = match spki.algorithm.oid {
            NCA_GOST_512_KEY => Layout::Nca,
            TC26_GOST_512_KEY => Layout::Tc26,
            _ => return Err(IdentityError::KeyTypeNotSupported),
        };
        let parameters: KeyParameters = spki
            .algorithm
            .parameters
            .as_ref()
            .ok_or(IdentityError::DerInvalid { what: "GOST key parameters" })?
            .decode_as()
            .map_err(|_| IdentityError::DerInvalid { what: "GOST key parameters" })?;
        let curve = match parameters.curve {
            NCA_GOST_512_CURVE_A | TC26_GOST_512_CURVE_A => paramset_a(),
            _ => return Err(IdentityError::GostCurveNotSupported),
        };
        if parameters.digest.is_some_and(|digest| !is_streebog_512(digest)) {
            return Err(IdentityError::AlgorithmNotAllowed);
        }
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(IdentityError::DerInvalid { what: "public key" })?;
        Self::from_encoded_point(curve, layout, bits)
    }

    /// From the DER OCTET STRING of `x ‖ y` little-endian, checked to be on `curve`.
    pub fn from_encoded_point(
        curve: &'static Curve,
        layout: Layout,
        encoded: &[u8],
    ) -> Result<Self, IdentityError> {
        if encoded.len() > PUBLIC_KEY_BYTES_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        let octets = OctetString::from_der(encoded)
            .map_err(|_| IdentityError::DerInvalid { what: "public key" })?;
        Self::from_point_le(curve, layout, octets.as_bytes())
    }

    /// From `x ‖ y`, each little-endian, checked to be on `curve`.
    pub fn from_point_le(
        curve: &'static Curve,
        layout: Layout,
        point: &[u8],
    ) -> Result<Self, IdentityError> {
        let size = curve.coordinate_bytes;
        if point.len() != 2 * size {
            return Err(IdentityError::GostCurveNotSupported);
        }
        let x = BigUint::from_bytes_le(&point[..size]);
        let y = BigUint::from_bytes_le(&point[size..]);
        if !curve.contains(&x, &y) {
            return Err(IdentityError::DerInvalid { what: "public key (not on its curve)" });
        }
        Ok(Self { curve, layout, x, y })
    }

    /// Verifies `signature` (the layout of this key's OIDs) over `message`, hashed with
    /// Streebog-512.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), IdentityError> {
        let (r, s) = self.split(signature)?;
        let digest = Streebog512::digest(message);
        let e = BigUint::from_bytes_le(&digest);
        if verify_e(self.curve, &self.x, &self.y, &e, &r, &s) {
            Ok(())
        } else {
            Err(IdentityError::SignatureInvalid)
        }
    }

    fn split(&self, signature: &[u8]) -> Result<(BigUint, BigUint), IdentityError> {
        let size = self.curve.coordinate_bytes;
        if signature.len() != 2 * size {
            return Err(IdentityError::SignatureInvalid);
        }
        let (first, second) = signature.split_at(size);
        Ok(match self.layout {
            Layout::Nca => (BigUint::from_bytes_le(first), BigUint::from_bytes_le(second)),
            Layout::Tc26 => (BigUint::from_bytes_be(second), BigUint::from_bytes_be(first)),
        })
    }
}

/// Whether a digest OID names Streebog-512.
pub fn is_streebog_512(oid: ObjectIdentifier) -> bool {
    oid == NCA_STREEBOG_512 || oid == TC26_STREEBOG_512
}

/// Whether a signature algorithm OID names GOST R 34.10 512-bit with Streebog-512 (or, as
/// CMS may put it, the key algorithm itself).
pub fn is_gost_signature(oid: ObjectIdentifier) -> bool {
    oid == NCA_GOST_512_SIGNATURE || oid == TC26_GOST_512_SIGNATURE || is_gost_key(oid)
}

/// Streebog-512 of `message`, as the standard's byte string (what CMS's messageDigest holds).
pub fn streebog_512(message: &[u8]) -> Vec<u8> {
    Streebog512::digest(message).to_vec()
}

/// GOST R 34.10-2012 §6.2: the signature `(r, s)` of the digest integer `e` under the public
/// key `(qx, qy)`.
pub fn verify_e(
    curve: &Curve,
    qx: &BigUint,
    qy: &BigUint,
    e: &BigUint,
    r: &BigUint,
    s: &BigUint,
) -> bool {
    let q = &curve.q;
    if r.is_zero() || s.is_zero() || r >= q || s >= q {
        return false;
    }
    let mut e = e % q;
    if e.is_zero() {
        e = BigUint::from(1u32);
    }
    // q is prime: v = e⁻¹ = e^(q−2) mod q.
    let v = e.modpow(&(q - 2u32), q);
    let z1 = (s * &v) % q;
    let z2 = (q - (r * &v) % q) % q;
    curve.combine_x(&z1, &z2, qx, qy).is_some_and(|x| &(x % q) == r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(digits: &str) -> BigUint {
        BigUint::parse_bytes(digits.as_bytes(), 16).expect("hex")
    }

    /// GOST R 34.10-2012 appendix A.2 = RFC 7091 §7.2: the 512-bit example, verified.
    #[test]
    fn the_standards_512_bit_example_verifies_and_a_changed_one_does_not() {
        let curve = Curve::example_512();
        let qx = hex("115DC5BC96760C7B48598D8AB9E740D4C4A85A65BE33C1815B5C320C854621DD5A515856D13314AF69BC5B924C8B4DDFF75C45415C1D9DD9DD33612CD530EFE1");
        let qy = hex("37C7C90CD40B0F5621DC3AC1B751CFA0E2634FA0503B3D52639F5D7FB72AFD61EA199441D943FFE7F0C70A2759A3CDB84C114E1F9339FDF27F35ECA93677BEEC");
        assert!(curve.contains(&qx, &qy));
        let e = hex("3754F3CFACC9E0615C4F4A7C4D8DAB531B09B6F9C170C533A71D147035B0C5917184EE536593F4414339976C647C5D5A407ADEDB1D560C4FC6777D2972075B8C");
        let r = hex("2F86FA60A081091A23DD795E1E3C689EE512A3C82EE0DCC2643C78EEA8FCACD35492558486B20F1C9EC197C90699850260C93BCBCD9C5C3317E19344E173AE36");
        let s = hex("1081B394696FFE8E6585E7A9362D26B6325F56778AADBC081C0BFBE933D52FF5823CE288E8C4F362526080DF7F70CE406A6EEB1F56919CB92A9853BDE73E5B4A");
        assert!(verify_e(&curve, &qx, &qy, &e, &r, &s));
        assert!(!verify_e(&curve, &qx, &qy, &(&e + 1u32), &r, &s), "another digest");
        assert!(!verify_e(&curve, &qx, &qy, &e, &(&r + 1u32), &s), "another r");
        assert!(!verify_e(&curve, &qx, &qy, &e, &r, &(&s + 1u32)), "another s");
        assert!(!verify_e(&curve, &curve.x, &curve.y, &e, &r, &s), "another key");
        assert!(!verify_e(&curve, &qx, &qy, &e, &curve.q, &s), "r = q is out of range");
        assert!(!verify_e(&curve, &qx, &qy, &e, &BigUint::zero(), &s), "r = 0");
    }

    /// GOST R 34.11-2012 appendix A, example M1 (the standard prints the number
    /// big-endian; the hash's byte string is its reversal).
    #[test]
    fn streebog_512_answers_the_standards_first_example() {
        let m1 = b"012345678901234567890123456789012345678901234567890123456789012";
        let mut expected = hex("486f64c1917879417fef082b3381a4e211c324f074654c38823a7b76f830ad00fa1fbae42b1285c0352f227524bc9ab16254288dd6863dccd5b9f54a1ad0541b").to_bytes_be();
        expected.reverse();
        assert_eq!(streebog_512(m1), expected);
    }
}
