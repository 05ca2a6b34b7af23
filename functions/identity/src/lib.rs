//! kezek-identity: who signed what, checked as DESIGN §3 requires.
//!
//! - [`trust`]: the configured trust anchors (NCA root and intermediate certificates);
//! - [`revocation`]: the pluggable [`RevocationCheck`] (CRL files now, OCSP later);
//! - [`certificate`]: what a certificate says (IIN, BIN, name, purpose) and whether it chains
//!   to an anchor and is valid now;
//! - [`rsa`]: RSA signature arithmetic, done by ring;
//! - [`cms`]: CMS/CAdES SignedData as NCALayer's `createCAdESFromBase64` produces it;
//! - [`submission`]: what a client sends (CMS, or a raw RSA signature with its certificate);
//! - [`verifier`]: the [`SignatureVerifier`] trait and its RSA implementation (GOST R
//!   34.10-2015 can be added later as another implementation).
//!
//! Every refusal is an [`IdentityError`] with a stable code.

pub mod certificate;
pub mod cms;
pub mod error;
pub mod revocation;
pub mod rsa;
pub mod submission;
pub mod trust;
pub mod verifier;

pub use error::IdentityError;
pub use revocation::{CrlFile, NoRevocation, RevocationCheck};
pub use submission::SignatureSubmission;
pub use trust::TrustStore;
pub use verifier::{
    Holder, KeyPurpose, RsaVerifier, SignatureVerifier, VerificationRequest, VerifiedSigner,
};
