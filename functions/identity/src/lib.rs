//! kezek-identity: who signed what, checked as DESIGN §3 requires.
//!
//! - [`trust`]: the configured trust anchors (NCA root and intermediate certificates);
//! - [`revocation`]: the pluggable [`RevocationCheck`], its policy for "unknown";
//! - [`crl`]: base and delta CRLs, DER or PEM, with thisUpdate/nextUpdate enforced;
//! - [`ocsp`]: OCSP (RFC 6960) with a cache honouring nextUpdate;
//! - [`certificate`]: what a certificate says (IIN, BIN, name, purpose) and whether it chains
//!   to an anchor and is valid now;
//! - [`key`]: a certificate's key, RSA or GOST, and which algorithms go with it;
//! - [`rsa`]: RSA signature arithmetic, done by ring;
//! - [`gost`]: GOST R 34.10-2015 512-bit verification with Streebog-512 (NCA's keys since
//!   2024), over `num-bigint`;
//! - [`cms`]: CMS/CAdES SignedData as NCALayer's `createCAdESFromBase64` produces it;
//! - [`submission`]: what a client sends (CMS, or a raw signature with its certificate);
//! - [`verifier`]: the [`SignatureVerifier`] trait and the X.509 implementation.
//!
//! Every refusal is an [`IdentityError`] with a stable code.

pub mod certificate;
pub mod cms;
pub mod crl;
pub mod error;
pub mod gost;
pub mod key;
pub mod ocsp;
mod pem;
pub mod revocation;
pub mod rsa;
pub mod submission;
pub mod trust;
pub mod verifier;

pub use certificate::SubjectRules;
pub use crl::CrlFile;
pub use error::IdentityError;
pub use ocsp::OcspCheck;
pub use revocation::{FirstAnswer, NoRevocation, RevocationCheck, Unknown, UnknownPolicy};
pub use submission::SignatureSubmission;
pub use trust::TrustStore;
pub use verifier::{
    Holder, KeyPurpose, RsaVerifier, SignatureVerifier, VerificationRequest, VerifiedSigner,
    X509Verifier,
};
