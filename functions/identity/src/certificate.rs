//! What a certificate says and whether it can be believed: subject IIN/BIN/name (NCA
//! conventions), key purpose, validity period, and the signature of its issuer.

use chrono::{DateTime, Utc};
use const_oid::ObjectIdentifier;
use der::{Decode, Encode, Tag, Tagged};
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages};
use x509_cert::name::Name;
use x509_cert::Certificate;

use crate::error::IdentityError;
use crate::key::PublicKey;

const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");
const SURNAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.4");
const SERIAL_NUMBER: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.5");
const ORGANISATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const ORGANISATIONAL_UNIT: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.11");
const GIVEN_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.42");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37");
const CLIENT_AUTH: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.2");
const EMAIL_PROTECTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.4");

/// Largest certificate accepted, in DER bytes.
pub const CERTIFICATE_BYTES_MAX: usize = 16 * 1024;

/// The person (and organisation) a certificate names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// From SERIALNUMBER `IIN` + 12 digits, checked by the rules crate.
    pub iin: Option<String>,
    /// From OU `BIN` + 12 digits: an organisation's certificate.
    pub bin: Option<String>,
    pub common_name: Option<String>,
    pub surname: Option<String>,
    pub given_name: Option<String>,
    pub organisation: Option<String>,
}

fn attribute_text(value: &der::Any) -> Option<String> {
    match value.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
            std::str::from_utf8(value.value()).ok().map(str::to_owned)
        }
        _ => None,
    }
}

/// Which subjects are believed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubjectRules {
    /// A test stage only: also accept NCA test subjects whose IIN/BIN is 12 digits without a
    /// valid check digit (NCA's test keys carry `IIN123456789011`). Never in production.
    pub accept_test_subjects: bool,
}

fn twelve_digits(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Reads the subject attributes NCA certificates carry (production rules).
pub fn subject_of(name: &Name) -> Subject {
    subject_with(name, SubjectRules::default())
}

/// Reads the subject attributes NCA certificates carry, under `rules`.
pub fn subject_with(name: &Name, rules: SubjectRules) -> Subject {
    let test = |digits: &str| rules.accept_test_subjects && twelve_digits(digits);
    let mut subject = Subject::default();
    for attribute in name.0.iter().flat_map(|rdn| rdn.0.iter()) {
        let Some(text) = attribute_text(&attribute.value) else { continue };
        match attribute.oid {
            SERIAL_NUMBER => {
                if let Some(digits) = text.strip_prefix("IIN") {
                    if kezek_rules::iin::Iin::parse(digits).is_ok() || test(digits) {
                        subject.iin = Some(digits.to_owned());
                    }
                }
            }
            ORGANISATIONAL_UNIT => {
                if let Some(digits) = text.strip_prefix("BIN") {
                    if kezek_rules::iin::validate_bin(digits).is_ok() || test(digits) {
                        subject.bin = Some(digits.to_owned());
                    }
                }
            }
            COMMON_NAME => subject.common_name = Some(text),
            SURNAME => subject.surname = Some(text),
            GIVEN_NAME => subject.given_name = Some(text),
            ORGANISATION => subject.organisation = Some(text),
            _ => {}
        }
    }
    subject
}

/// What the key may be used for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purposes {
    pub client_auth: bool,
    pub email_protection: bool,
    pub digital_signature: bool,
    pub non_repudiation: bool,
    pub certificate_authority: bool,
}

impl Purposes {
    /// NCA convention for RSA: authentication keys carry extended key usage clientAuth.
    pub fn is_authentication(&self) -> bool {
        self.client_auth && self.digital_signature
    }

    /// NCA convention for RSA: signing keys carry emailProtection with digitalSignature or
    /// nonRepudiation, and never clientAuth.
    pub fn is_signing(&self) -> bool {
        self.email_protection
            && !self.client_auth
            && (self.digital_signature || self.non_repudiation)
    }

    /// NCA convention for GOST R 34.10-2015 keys: one key for both uses. It may log in and
    /// sign when its key usage has digitalSignature and its extended key usage names
    /// emailProtection or clientAuth. Login and signing are then told apart by what is
    /// signed: a login signs the server's challenge (`kezek login v1 ...`), a choice the
    /// choice text (`kezek choice v1 ...`), each bound to the route that issued it.
    pub fn is_dual_use(&self) -> bool {
        self.digital_signature && (self.email_protection || self.client_auth)
    }
}

pub fn purposes_of(certificate: &Certificate) -> Result<Purposes, IdentityError> {
    let mut purposes = Purposes::default();
    for extension in certificate.tbs_certificate.extensions.iter().flatten() {
        let bytes = extension.extn_value.as_bytes();
        match extension.extn_id {
            KEY_USAGE => {
                let usage = KeyUsage::from_der(bytes)
                    .map_err(|_| IdentityError::DerInvalid { what: "key usage" })?;
                purposes.digital_signature = usage.0.contains(KeyUsages::DigitalSignature);
                purposes.non_repudiation = usage.0.contains(KeyUsages::NonRepudiation);
            }
            EXTENDED_KEY_USAGE => {
                let usage = ExtendedKeyUsage::from_der(bytes)
                    .map_err(|_| IdentityError::DerInvalid { what: "extended key usage" })?;
                purposes.client_auth = usage.0.contains(&CLIENT_AUTH);
                purposes.email_protection = usage.0.contains(&EMAIL_PROTECTION);
            }
            BASIC_CONSTRAINTS => {
                let constraints = BasicConstraints::from_der(bytes)
                    .map_err(|_| IdentityError::DerInvalid { what: "basic constraints" })?;
                purposes.certificate_authority = constraints.ca;
            }
            _ => {}
        }
    }
    Ok(purposes)
}

/// Whether `now` is within the certificate's validity period.
pub fn check_validity(certificate: &Certificate, now: DateTime<Utc>) -> Result<(), IdentityError> {
    let validity = &certificate.tbs_certificate.validity;
    let seconds = |time: &x509_cert::time::Time| time.to_unix_duration().as_secs() as i64;
    let now_seconds = now.timestamp();
    if now_seconds < seconds(&validity.not_before) {
        return Err(IdentityError::CertificateNotYetValid);
    }
    if now_seconds > seconds(&validity.not_after) {
        return Err(IdentityError::CertificateExpired);
    }
    Ok(())
}

/// Parses one DER certificate, within the size limit.
pub fn parse_der(der: &[u8]) -> Result<Certificate, IdentityError> {
    if der.len() > CERTIFICATE_BYTES_MAX {
        return Err(IdentityError::InputTooLarge);
    }
    Certificate::from_der(der).map_err(|_| IdentityError::DerInvalid { what: "certificate" })
}

/// The certificate's serial number, upper-case hex.
pub fn serial_hex(certificate: &Certificate) -> String {
    certificate
        .tbs_certificate
        .serial_number
        .as_bytes()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect()
}

/// Whether `issuer` issued `certificate`: names match and the issuer's key verifies the
/// certificate's signature.
pub fn issued_by(certificate: &Certificate, issuer: &Certificate) -> Result<bool, IdentityError> {
    if certificate.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Ok(false);
    }
    let key = PublicKey::from_spki(&issuer.tbs_certificate.subject_public_key_info)?;
    let tbs = certificate
        .tbs_certificate
        .to_der()
        .map_err(|_| IdentityError::DerInvalid { what: "certificate" })?;
    let signature = certificate
        .signature
        .as_bytes()
        .ok_or(IdentityError::DerInvalid { what: "certificate signature" })?;
    match key.verify(certificate.signature_algorithm.oid, None, &tbs, signature) {
        Ok(()) => Ok(true),
        Err(IdentityError::SignatureInvalid) => Ok(false),
        Err(other) => Err(other),
    }
}
