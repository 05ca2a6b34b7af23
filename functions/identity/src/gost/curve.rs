//! Short Weierstrass curves `y² = x³ + ax + b` over a prime field, and the one operation
//! GOST R 34.10 verification needs: `z1·P + z2·Q`. Public values only (no secret ever passes
//! here), so the arithmetic need not be constant-time. Points are kept in Jacobian
//! coordinates (`x = X/Z²`, `y = Y/Z³`) so that a scalar multiplication costs one inversion.

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// A curve of GOST R 34.10-2012/2015: field prime `p`, coefficients `a`, `b`, the prime
/// order `q` of the base point `(x, y)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    pub name: &'static str,
    pub p: BigUint,
    pub a: BigUint,
    pub b: BigUint,
    pub q: BigUint,
    pub x: BigUint,
    pub y: BigUint,
    /// Bytes of one coordinate (64 for the 512-bit curves).
    pub coordinate_bytes: usize,
}

fn hex(digits: &str) -> BigUint {
    BigUint::parse_bytes(digits.as_bytes(), 16).expect("curve constants are hex")
}

impl Curve {
    /// id-tc26-gost-3410-12-512-paramSetA (RFC 7836 / R 50.1.114-2016), the curve of NCA's
    /// GOST R 34.10-2015 512-bit keys (NCA's OID 1.2.398.3.10.1.1.2.2.1 names the same one).
    pub fn tc26_512_a() -> Self {
        Self {
            name: "id-tc26-gost-3410-12-512-paramSetA",
            p: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC7"),
            a: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFDC4"),
            b: hex("E8C2505DEDFC86DDC1BD0B2B6667F1DA34B82574761CB0E879BD081CFD0B6265EE3CB090F30D27614CB4574010DA90DD862EF9D4EBEE4761503190785A71C760"),
            q: hex("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF27E69532F48D89116FF22B8D4E0560609B4B38ABFAD2B85DCACDB1411F10B275"),
            x: hex("3"),
            y: hex("7503CFE87A836AE3A61B8816E25450E6CE5E1C93ACF1ABC1778064FDCBEFA921DF1626BE4FD036E93D75E6A50E3A41E98028FE5FC235F5B889A589CB5215F2A4"),
            coordinate_bytes: 64,
        }
    }

    /// The 512-bit example curve of GOST R 34.10-2012 appendix A.2 (RFC 7091 §7.2,
    /// id-tc26-gost-3410-2012-512-paramSetTest): known-answer tests only, never trusted.
    pub fn example_512() -> Self {
        Self {
            name: "GOST R 34.10-2012 A.2 example",
            p: hex("4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DF1D852741AF4704A0458047E80E4546D35B8336FAC224DD81664BBF528BE6373"),
            a: hex("7"),
            b: hex("1CFF0806A31116DA29D8CFA54E57EB748BC5F377E49400FDD788B649ECA1AC4361834013B2AD7322480A89CA58E0CF74BC9E540C2ADD6897FAD0A3084F302ADC"),
            q: hex("4531ACD1FE0023C7550D267B6B2FEE80922B14B2FFB90F04D4EB7C09B5D2D15DA82F2D7ECB1DBAC719905C5EECC423F1D86E25EDBE23C595D644AAF187E6E6DF"),
            x: hex("24D19CC64572EE30F396BF6EBBFD7A6C5213B3B3D7057CC825F91093A68CD762FD60611262CD838DC6B60AA7EEE804E28BC849977FAC33B4B530F1B120248A9A"),
            y: hex("2BB312A43BD2CE6E0D020613C857ACDDCFBF061E91E5F2C3F32447C259F39B2C83AB156D77F1496BF7EB3351E1EE4E43DC1A18B91B24640B6DBB92CB1ADD371E"),
            coordinate_bytes: 64,
        }
    }

    /// Whether the affine point `(x, y)` is on the curve, both coordinates below `p`.
    pub fn contains(&self, x: &BigUint, y: &BigUint) -> bool {
        if x >= &self.p || y >= &self.p {
            return false;
        }
        let left = (y * y) % &self.p;
        let right = (x * x * x + &self.a * x + &self.b) % &self.p;
        left == right
    }

    /// `z1·G + z2·(qx, qy)` as an affine x coordinate; `None` for the point at infinity.
    pub fn combine_x(
        &self,
        z1: &BigUint,
        z2: &BigUint,
        qx: &BigUint,
        qy: &BigUint,
    ) -> Option<BigUint> {
        let field = Field { p: &self.p, a: &self.a };
        let base = Jacobian::affine(self.x.clone(), self.y.clone());
        let key = Jacobian::affine(qx.clone(), qy.clone());
        field.affine_x(&field.combine(&base, z1, &key, z2))
    }
}

/// `(X, Y, Z)`; `Z = 0` is the point at infinity.
#[derive(Debug, Clone)]
struct Jacobian {
    x: BigUint,
    y: BigUint,
    z: BigUint,
}

impl Jacobian {
    fn affine(x: BigUint, y: BigUint) -> Self {
        Self { x, y, z: BigUint::one() }
    }

    fn infinity() -> Self {
        Self { x: BigUint::one(), y: BigUint::one(), z: BigUint::zero() }
    }

    fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }
}

struct Field<'a> {
    p: &'a BigUint,
    a: &'a BigUint,
}

impl Field<'_> {
    fn mul(&self, left: &BigUint, right: &BigUint) -> BigUint {
        (left * right) % self.p
    }

    fn add_mod(&self, left: &BigUint, right: &BigUint) -> BigUint {
        (left + right) % self.p
    }

    fn sub(&self, left: &BigUint, right: &BigUint) -> BigUint {
        (left + self.p - right) % self.p
    }

    fn small(&self, factor: u32, value: &BigUint) -> BigUint {
        (value * factor) % self.p
    }

    fn double(&self, point: &Jacobian) -> Jacobian {
        if point.is_infinity() || point.y.is_zero() {
            return Jacobian::infinity();
        }
        let xx = self.mul(&point.x, &point.x);
        let yy = self.mul(&point.y, &point.y);
        let yyyy = self.mul(&yy, &yy);
        let zz = self.mul(&point.z, &point.z);
        let s = self.small(4, &self.mul(&point.x, &yy));
        let m = self.add_mod(&self.small(3, &xx), &self.mul(self.a, &self.mul(&zz, &zz)));
        let x = self.sub(&self.mul(&m, &m), &self.small(2, &s));
        let y = self.sub(&self.mul(&m, &self.sub(&s, &x)), &self.small(8, &yyyy));
        let z = self.small(2, &self.mul(&point.y, &point.z));
        Jacobian { x, y, z }
    }

    fn add(&self, left: &Jacobian, right: &Jacobian) -> Jacobian {
        if left.is_infinity() {
            return right.clone();
        }
        if right.is_infinity() {
            return left.clone();
        }
        let z1z1 = self.mul(&left.z, &left.z);
        let z2z2 = self.mul(&right.z, &right.z);
        let u1 = self.mul(&left.x, &z2z2);
        let u2 = self.mul(&right.x, &z1z1);
        let s1 = self.mul(&left.y, &self.mul(&right.z, &z2z2));
        let s2 = self.mul(&right.y, &self.mul(&left.z, &z1z1));
        if u1 == u2 {
            return if s1 == s2 { self.double(left) } else { Jacobian::infinity() };
        }
        let h = self.sub(&u2, &u1);
        let r = self.sub(&s2, &s1);
        let hh = self.mul(&h, &h);
        let hhh = self.mul(&h, &hh);
        let u1hh = self.mul(&u1, &hh);
        let x = self.sub(&self.sub(&self.mul(&r, &r), &hhh), &self.small(2, &u1hh));
        let y = self.sub(&self.mul(&r, &self.sub(&u1hh, &x)), &self.mul(&s1, &hhh));
        let z = self.mul(&h, &self.mul(&left.z, &right.z));
        Jacobian { x, y, z }
    }

    /// Left-to-right double-and-add (the tests' check of the base points' order).
    #[cfg(test)]
    fn multiply(&self, point: &Jacobian, scalar: &BigUint) -> Jacobian {
        let mut result = Jacobian::infinity();
        for bit in (0..scalar.bits()).rev() {
            result = self.double(&result);
            if scalar.bit(bit) {
                result = self.add(&result, point);
            }
        }
        result
    }

    /// `z1·p + z2·q` in one pass (Shamir's trick): one doubling per bit, not two.
    fn combine(&self, p: &Jacobian, z1: &BigUint, q: &Jacobian, z2: &BigUint) -> Jacobian {
        let both = self.add(p, q);
        let mut result = Jacobian::infinity();
        for bit in (0..z1.bits().max(z2.bits())).rev() {
            result = self.double(&result);
            let addend = match (z1.bit(bit), z2.bit(bit)) {
                (true, true) => &both,
                (true, false) => p,
                (false, true) => q,
                (false, false) => continue,
            };
            result = self.add(&result, addend);
        }
        result
    }

    fn affine_x(&self, point: &Jacobian) -> Option<BigUint> {
        if point.is_infinity() {
            return None;
        }
        // p is prime: Z⁻¹ = Z^(p−2).
        let exponent = self.p - BigUint::from(2u32);
        let z_inverse = point.z.modpow(&exponent, self.p);
        let zz_inverse = self.mul(&z_inverse, &z_inverse);
        Some(self.mul(&point.x, &zz_inverse))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_points_are_on_their_curves_and_have_order_q() {
        for curve in [Curve::tc26_512_a(), Curve::example_512()] {
            assert!(curve.contains(&curve.x, &curve.y), "{}", curve.name);
            // q·G = ∞, (q−1)·G = −G (same x).
            let field = Field { p: &curve.p, a: &curve.a };
            let base = Jacobian::affine(curve.x.clone(), curve.y.clone());
            assert!(field.multiply(&base, &curve.q).is_infinity(), "{}", curve.name);
            let minus = field.multiply(&base, &(&curve.q - 1u32));
            assert_eq!(field.affine_x(&minus), Some(curve.x.clone()), "{}", curve.name);
        }
    }

    #[test]
    fn a_point_off_the_curve_is_refused() {
        let curve = Curve::tc26_512_a();
        assert!(!curve.contains(&curve.x, &(&curve.y + 1u32)));
        assert!(!curve.contains(&(&curve.p + 3u32), &curve.y));
    }
}
