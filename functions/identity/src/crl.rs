//! Certificate revocation lists as NCA publishes them (RFC 5280 §5): DER (or PEM), one base
//! CRL per CA and a delta CRL (extension deltaCRLIndicator) on top, renewed often. Each CRL is
//! checked before it is believed: signed by the CA it names (one of the issuers given), with a
//! nextUpdate. At check time a CRL past its nextUpdate plus the configured grace is no answer:
//! the check says "revocation unknown" ([`IdentityError::RevocationUnknown`]).
//!
//! A CA with no CRL loaded is not checked by a [`CrlFile`] (its certificates count as not
//! revoked): load the CRL of every CA whose certificates must be checked.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use der::{Decode, Encode};
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::{BaseCrlNumber, CrlNumber, CrlReason};
use x509_cert::Certificate;

use crate::error::IdentityError;
use crate::key::PublicKey;
use crate::pem::pem_blocks;
use crate::revocation::RevocationCheck;

/// Most revoked serials held by one [`CrlFile`].
pub const REVOKED_MAX: usize = 2_000_000;
/// Largest CRL accepted, in DER bytes (NCA's largest CRLs are a few megabytes).
pub const CRL_BYTES_MAX: usize = 64 * 1024 * 1024;

const CRL_NUMBER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.20");
const DELTA_CRL_INDICATOR: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.27");
const REASON_CODE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.21");

/// One verified CRL, base or delta.
#[derive(Debug, Clone)]
pub struct Crl {
    /// The issuer's name, DER.
    pub issuer: Vec<u8>,
    pub this_update: DateTime<Utc>,
    pub next_update: DateTime<Utc>,
    /// The CRL number, big-endian magnitude (empty when the CRL has none).
    pub number: Vec<u8>,
    /// For a delta CRL, the number of the base it completes.
    pub delta_of: Option<Vec<u8>>,
    /// Serial → revocation date.
    pub revoked: HashMap<Vec<u8>, DateTime<Utc>>,
    /// Serials a delta CRL takes off the base (reason removeFromCRL).
    pub removed: HashSet<Vec<u8>>,
}

fn instant(time: &x509_cert::time::Time) -> DateTime<Utc> {
    let seconds = i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A big-endian magnitude without leading zeros, comparable by (length, bytes).
fn magnitude(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|byte| *byte != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn number_at_least(number: &[u8], minimum: &[u8]) -> bool {
    (number.len(), number) >= (minimum.len(), minimum)
}

impl Crl {
    /// Parses one DER CRL and checks it is signed by the issuer it names, one of `issuers`.
    pub fn verified(der: &[u8], issuers: &[Certificate]) -> Result<Self, IdentityError> {
        if der.len() > CRL_BYTES_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        let crl = CertificateList::from_der(der)
            .map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
        let tbs = &crl.tbs_cert_list;
        let issuer = issuers
            .iter()
            .find(|issuer| issuer.tbs_certificate.subject == tbs.issuer)
            .ok_or(IdentityError::CertificateUntrusted)?;
        let key = PublicKey::from_spki(&issuer.tbs_certificate.subject_public_key_info)?;
        let signed = tbs.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?;
        let signature =
            crl.signature.as_bytes().ok_or(IdentityError::DerInvalid { what: "CRL signature" })?;
        key.verify(crl.signature_algorithm.oid, None, &signed, signature).map_err(|error| {
            match error {
                IdentityError::SignatureInvalid => IdentityError::CrlInvalid,
                other => other,
            }
        })?;
        Self::from_verified(crl)
    }

    fn from_verified(crl: CertificateList) -> Result<Self, IdentityError> {
        let tbs = crl.tbs_cert_list;
        let next_update = tbs.next_update.as_ref().ok_or(IdentityError::CrlInvalid)?;
        let mut number = Vec::new();
        let mut delta_of = None;
        for extension in tbs.crl_extensions.iter().flatten() {
            let value = extension.extn_value.as_bytes();
            let invalid = |_| IdentityError::DerInvalid { what: "CRL extension" };
            if extension.extn_id == CRL_NUMBER {
                number = magnitude(CrlNumber::from_der(value).map_err(invalid)?.0.as_bytes());
            } else if extension.extn_id == DELTA_CRL_INDICATOR {
                let base = BaseCrlNumber::from_der(value).map_err(invalid)?;
                delta_of = Some(magnitude(base.0.as_bytes()));
            }
        }
        let entries = tbs.revoked_certificates.unwrap_or_default();
        if entries.len() > REVOKED_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        let mut revoked = HashMap::with_capacity(entries.len());
        let mut removed = HashSet::new();
        for entry in entries {
            let serial = entry.serial_number.as_bytes().to_vec();
            if entry_reason(&entry)? == Some(CrlReason::RemoveFromCRL) {
                removed.insert(serial);
            } else {
                revoked.insert(serial, instant(&entry.revocation_date));
            }
        }
        Ok(Self {
            issuer: tbs.issuer.to_der().map_err(|_| IdentityError::DerInvalid { what: "CRL" })?,
            this_update: instant(&tbs.this_update),
            next_update: instant(next_update),
            number,
            delta_of,
            revoked,
            removed,
        })
    }

    /// Whether this CRL is current at `now`, allowing `grace` past its nextUpdate.
    pub fn is_current(&self, now: DateTime<Utc>, grace: Duration) -> bool {
        now <= self.next_update + grace
    }

    /// Whether this CRL is a delta CRL.
    pub fn is_delta(&self) -> bool {
        self.delta_of.is_some()
    }

    /// Whether this (verified) CRL may replace `held`, the stored CRL of the same CA and kind:
    /// it is current at `now` (no grace: a fetch stores only current CRLs) and newer — a
    /// later thisUpdate, and a CRL number not below the held one's.
    pub fn replaces(&self, held: Option<&Crl>, now: DateTime<Utc>) -> Result<(), CrlRefusal> {
        if !self.is_current(now, Duration::zero()) || self.this_update > now + Duration::hours(1) {
            return Err(CrlRefusal::NotCurrent);
        }
        match held {
            Some(held) if held.issuer != self.issuer || held.is_delta() != self.is_delta() => {
                Err(CrlRefusal::OtherSlot)
            }
            Some(held)
                if held.this_update >= self.this_update
                    || !number_at_least(&self.number, &held.number) =>
            {
                Err(CrlRefusal::NotNewer)
            }
            _ => Ok(()),
        }
    }
}

/// Why a fetched CRL does not replace the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrlRefusal {
    /// Past its nextUpdate (or dated in the future).
    NotCurrent,
    /// Not newer than the held CRL (thisUpdate, CRL number).
    NotNewer,
    /// Of another CA or kind (base/delta) than the held one.
    OtherSlot,
}

impl CrlRefusal {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotCurrent => "crl_not_current",
            Self::NotNewer => "crl_not_newer",
            Self::OtherSlot => "crl_other_slot",
        }
    }
}

fn entry_reason(entry: &x509_cert::crl::RevokedCert) -> Result<Option<CrlReason>, IdentityError> {
    for extension in entry.crl_entry_extensions.iter().flatten() {
        if extension.extn_id == REASON_CODE {
            return CrlReason::from_der(extension.extn_value.as_bytes())
                .map(Some)
                .map_err(|_| IdentityError::DerInvalid { what: "CRL reason" });
        }
    }
    Ok(None)
}

/// The base and delta CRL of one CA.
#[derive(Debug, Clone, Default)]
struct CaCrls {
    base: Option<Crl>,
    delta: Option<Crl>,
}

impl CaCrls {
    /// Keeps the newer of what is held and `crl` (by thisUpdate).
    fn offer(&mut self, crl: Crl) {
        let slot = if crl.delta_of.is_some() { &mut self.delta } else { &mut self.base };
        if slot.as_ref().is_none_or(|held| held.this_update <= crl.this_update) {
            *slot = Some(crl);
        }
    }

    fn revoked_at(
        &self,
        serial: &[u8],
        now: DateTime<Utc>,
        grace: Duration,
    ) -> Result<Option<DateTime<Utc>>, IdentityError> {
        let base = self.base.as_ref().ok_or(IdentityError::RevocationUnknown)?;
        if !base.is_current(now, grace) {
            return Err(IdentityError::RevocationUnknown);
        }
        if let Some(delta) = &self.delta {
            let delta_of = delta.delta_of.as_deref().unwrap_or_default();
            if !delta.is_current(now, grace) || !number_at_least(&base.number, delta_of) {
                return Err(IdentityError::RevocationUnknown);
            }
            if delta.removed.contains(serial) {
                return Ok(None);
            }
            if let Some(at) = delta.revoked.get(serial) {
                return Ok(Some(*at));
            }
        }
        Ok(base.revoked.get(serial).copied())
    }

    fn entries(&self) -> usize {
        self.base.iter().chain(&self.delta).map(|crl| crl.revoked.len()).sum()
    }
}

/// The CRLs of the CAs, checked when loaded; see the module documentation.
#[derive(Debug, Clone, Default)]
pub struct CrlFile {
    cas: HashMap<Vec<u8>, CaCrls>,
    /// How long past its nextUpdate a CRL is still used.
    grace: Duration,
}

impl CrlFile {
    pub fn new() -> Self {
        Self::default()
    }

    /// A CRL stays usable `grace` past its nextUpdate (NCA renews before nextUpdate; the
    /// grace covers a late fetch).
    pub fn with_grace(grace: Duration) -> Self {
        Self { cas: HashMap::new(), grace }
    }

    /// Loads CRLs given as DER or as PEM (one or several `X509 CRL` blocks), each checked to
    /// be signed by one of `issuers`. Returns the number of entries the loaded CRLs hold. On
    /// an error nothing is loaded.
    pub fn add(&mut self, bytes: &[u8], issuers: &[Certificate]) -> Result<usize, IdentityError> {
        match std::str::from_utf8(bytes) {
            Ok(text) if text.trim_start().starts_with("-----BEGIN") => self.add_pem(text, issuers),
            _ => self.add_der(bytes, issuers),
        }
    }

    /// Loads one DER CRL; see [`CrlFile::add`].
    pub fn add_der(&mut self, der: &[u8], issuers: &[Certificate]) -> Result<usize, IdentityError> {
        let crl = Crl::verified(der, issuers)?;
        self.insert(vec![crl])
    }

    /// Loads the CRLs of a PEM text; see [`CrlFile::add`].
    pub fn add_pem(&mut self, pem: &str, issuers: &[Certificate]) -> Result<usize, IdentityError> {
        let mut crls = Vec::new();
        for block in pem_blocks(pem)? {
            let (label, der) = der::pem::decode_vec(block.as_bytes())
                .map_err(|_| IdentityError::EncodingInvalid)?;
            if label != "X509 CRL" {
                return Err(IdentityError::EncodingInvalid);
            }
            crls.push(Crl::verified(&der, issuers)?);
        }
        self.insert(crls)
    }

    fn insert(&mut self, crls: Vec<Crl>) -> Result<usize, IdentityError> {
        let count: usize = crls.iter().map(|crl| crl.revoked.len()).sum();
        if self.len() + count > REVOKED_MAX {
            return Err(IdentityError::InputTooLarge);
        }
        for crl in crls {
            self.cas.entry(crl.issuer.clone()).or_default().offer(crl);
        }
        Ok(count)
    }

    /// How many revoked certificates the held CRLs list.
    pub fn len(&self) -> usize {
        self.cas.values().map(CaCrls::entries).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl RevocationCheck for CrlFile {
    fn is_revoked(
        &self,
        certificate: &Certificate,
        _issuer: &Certificate,
        now: DateTime<Utc>,
    ) -> Result<bool, IdentityError> {
        let issuer = certificate
            .tbs_certificate
            .issuer
            .to_der()
            .map_err(|_| IdentityError::DerInvalid { what: "certificate" })?;
        let Some(crls) = self.cas.get(&issuer) else { return Ok(false) };
        let serial = certificate.tbs_certificate.serial_number.as_bytes();
        Ok(crls.revoked_at(serial, now, self.grace)?.is_some_and(|at| at <= now))
    }
}

const CRL_DISTRIBUTION_POINTS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.31");

/// The http(s) URLs of a certificate's CRL distribution points (where the CRL of its issuer
/// is published).
pub fn distribution_points(certificate: &Certificate) -> Vec<String> {
    use x509_cert::ext::pkix::crl::dp::DistributionPoint;
    use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
    let mut urls = Vec::new();
    for extension in certificate.tbs_certificate.extensions.iter().flatten() {
        if extension.extn_id != CRL_DISTRIBUTION_POINTS {
            continue;
        }
        let Ok(points) = Vec::<DistributionPoint>::from_der(extension.extn_value.as_bytes()) else {
            continue;
        };
        for point in points {
            if let Some(DistributionPointName::FullName(names)) = point.distribution_point {
                for name in names {
                    if let GeneralName::UniformResourceIdentifier(uri) = name {
                        urls.push(uri.to_string());
                    }
                }
            }
        }
    }
    urls
}

/// The DER of a CRL given as DER or as PEM (its first `X509 CRL` block).
pub fn crl_der(bytes: &[u8]) -> Result<Vec<u8>, IdentityError> {
    match std::str::from_utf8(bytes) {
        Ok(text) if text.trim_start().starts_with("-----BEGIN") => {
            let block =
                pem_blocks(text)?.into_iter().next().ok_or(IdentityError::EncodingInvalid)?;
            let (label, der) = der::pem::decode_vec(block.as_bytes())
                .map_err(|_| IdentityError::EncodingInvalid)?;
            if label != "X509 CRL" {
                return Err(IdentityError::EncodingInvalid);
            }
            Ok(der)
        }
        _ => Ok(bytes.to_vec()),
    }
}
