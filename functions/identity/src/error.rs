//! Every refusal of a login or a signature, one variant each, with a stable code.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityError {
    /// Not base64, or not PEM where PEM was expected.
    EncodingInvalid,
    /// Not well-formed DER of the expected structure (truncated, wrong type).
    DerInvalid {
        what: &'static str,
    },
    /// A CMS structure this service does not accept (not SignedData, several signers, ...).
    CmsUnsupported {
        detail: &'static str,
    },
    /// SHA-1, MD5 or another algorithm this service does not accept.
    AlgorithmNotAllowed,
    /// RSA keys must have at least 2048 bits.
    KeyTooWeak {
        bits: usize,
    },
    /// Neither an RSA key nor a GOST R 34.10-2015 512-bit key.
    KeyTypeNotSupported,
    /// A GOST key on a curve other than NCA's 512-bit paramSetA (or of another size).
    GostCurveNotSupported,
    /// The certificate does not chain to a configured trust anchor.
    CertificateUntrusted,
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    /// An authentication certificate (clientAuth) was used to sign, or a signing one to log in.
    WrongKeyPurpose {
        expected: &'static str,
    },
    /// The certificate subject has no valid `IIN` + 12 digits SERIALNUMBER.
    SubjectIinMissing,
    /// The signer is not the person the action is for.
    SignerMismatch,
    /// An organisation's certificate (OU=BIN...) used for a personal action, or the reverse.
    OrganisationCertificate,
    /// A personal certificate used where an organisation's is required.
    NotOrganisationCertificate,
    /// The signed content is not exactly the bytes the server issued.
    ContentMismatch,
    /// The signed attributes' message digest is not the digest of the issued bytes.
    MessageDigestMismatch,
    /// The signature does not verify with the certificate's key.
    SignatureInvalid,
    /// A limit was exceeded (input too large, chain too long).
    InputTooLarge,
    /// No current revocation information: the CRL is past its nextUpdate (plus the grace),
    /// or no CRL/OCSP answer covers the certificate, and the policy refuses the unknown.
    RevocationUnknown,
    /// The OCSP response is not signed by the issuer or its delegated responder, or is
    /// malformed.
    OcspResponseInvalid,
    /// The OCSP response is past its nextUpdate (or, without one, too old): a replayed or
    /// outdated answer.
    OcspResponseStale,
    /// A CRL is not signed by the CA it names, or is not a CRL of that CA.
    CrlInvalid,
}

impl IdentityError {
    pub fn code(&self) -> &'static str {
        use IdentityError::*;
        match self {
            EncodingInvalid => "signature_encoding_invalid",
            DerInvalid { .. } => "signature_der_invalid",
            CmsUnsupported { .. } => "cms_unsupported",
            AlgorithmNotAllowed => "algorithm_not_allowed",
            KeyTooWeak { .. } => "key_too_weak",
            KeyTypeNotSupported => "key_type_not_supported",
            CertificateUntrusted => "certificate_untrusted",
            CertificateExpired => "certificate_expired",
            CertificateNotYetValid => "certificate_not_yet_valid",
            CertificateRevoked => "certificate_revoked",
            WrongKeyPurpose { .. } => "wrong_key_purpose",
            SubjectIinMissing => "subject_iin_missing",
            SignerMismatch => "signer_mismatch",
            OrganisationCertificate => "organisation_certificate",
            NotOrganisationCertificate => "not_organisation_certificate",
            ContentMismatch => "content_mismatch",
            MessageDigestMismatch => "message_digest_mismatch",
            SignatureInvalid => "signature_invalid",
            InputTooLarge => "signature_input_too_large",
            GostCurveNotSupported => "gost_curve_not_supported",
            RevocationUnknown => "revocation_unknown",
            OcspResponseInvalid => "ocsp_response_invalid",
            OcspResponseStale => "ocsp_response_stale",
            CrlInvalid => "crl_invalid",
        }
    }
}

impl fmt::Display for IdentityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use IdentityError::*;
        match self {
            EncodingInvalid => write!(f, "the signature or certificate is not valid base64/PEM"),
            DerInvalid { what } => write!(f, "the {what} is not well-formed DER"),
            CmsUnsupported { detail } => write!(f, "unsupported CMS: {detail}"),
            AlgorithmNotAllowed => write!(
                f,
                "only RSA with SHA-256 or stronger, or GOST R 34.10-2015 with Streebog-512, is accepted"
            ),
            KeyTooWeak { bits } => {
                write!(f, "RSA keys need at least 2048 bits, this one has {bits}")
            }
            KeyTypeNotSupported => {
                write!(f, "only RSA and GOST R 34.10-2015 512-bit keys are accepted")
            }
            GostCurveNotSupported => {
                write!(f, "only GOST keys on the 512-bit parameter set A are accepted")
            }
            CertificateUntrusted => {
                write!(f, "the certificate is not issued by a trusted authority")
            }
            CertificateExpired => write!(f, "the certificate has expired"),
            CertificateNotYetValid => write!(f, "the certificate is not valid yet"),
            CertificateRevoked => write!(f, "the certificate is revoked"),
            WrongKeyPurpose { expected } => write!(f, "a {expected} key is required for this"),
            SubjectIinMissing => write!(f, "the certificate does not name a valid IIN"),
            SignerMismatch => write!(f, "the signer is not the applicant"),
            OrganisationCertificate => {
                write!(f, "an organisation's certificate cannot be used for a personal action")
            }
            NotOrganisationCertificate => write!(f, "an organisation's certificate is required"),
            ContentMismatch => write!(f, "the signed content is not what was issued for signing"),
            MessageDigestMismatch => {
                write!(f, "the signed digest is not the digest of what was issued")
            }
            SignatureInvalid => write!(f, "the signature does not verify"),
            InputTooLarge => write!(f, "the signature input exceeds its limit"),
            RevocationUnknown => write!(f, "whether the certificate is revoked is not known now"),
            OcspResponseInvalid => write!(f, "the OCSP response is not validly signed"),
            OcspResponseStale => write!(f, "the OCSP response is out of date"),
            CrlInvalid => write!(f, "the revocation list is not validly signed by its CA"),
        }
    }
}

impl std::error::Error for IdentityError {}
