//! Building a Lambda's router from its environment, once per cold start.
//!
//! | variable | what | who reads it |
//! |---|---|---|
//! | `KEZEK_TABLE` | the table name | every binary |
//! | `KEZEK_SESSION_KEY` | the HMAC key of session tokens, base64 (≥ 32 bytes) | HTTP binaries |
//! | `KEZEK_TRUST_ANCHORS` | PEM bundle of NCA root and intermediate certificates | sign, auth |
//! | `KEZEK_CRL` | optional PEM CRLs of those CAs | sign, auth |
//! | `KEZEK_ORGANISATIONS` | JSON directory of organisation BINs (staff, operators) | auth |
//! | `KEZEK_TEST_SIGNING_SECRET` | local runs only: the HMAC test verifier for `sign` | sign |
//! | `KEZEK_DYNAMODB_ENDPOINT` | local runs only: DynamoDB Local | every binary |

use std::sync::Arc;

use super::{Authentication, Group, Router};
use crate::commands::login::Directory;
use crate::eds::EdsVerifier;
use crate::error::{Error, Result};
use crate::session::SessionKey;
use crate::signature::SignatureVerifier;
use crate::store::Store;

impl Router {
    /// A Lambda's router serving `groups`: table `KEZEK_TABLE`, session key
    /// `KEZEK_SESSION_KEY`; `Group::Sign` gets the signature verifier ([`verifier_from_env`]),
    /// `Group::Auth` the EDS login ([`authentication_from_env`]).
    pub async fn from_env(groups: &[Group]) -> Result<Self> {
        let table = std::env::var("KEZEK_TABLE").map_err(|_| Error::internal("KEZEK_TABLE is not set"))?;
        let store = Store::from_env(table).await;
        let mut router = Self::new(store, SessionKey::from_env()?).serving(groups);
        if groups.contains(&Group::Sign) {
            router = router.with_verifier(verifier_from_env()?);
        }
        if groups.contains(&Group::Auth) {
            router = router.with_authentication(authentication_from_env()?);
        }
        Ok(router)
    }
}

/// The EDS verifier over `KEZEK_TRUST_ANCHORS` with the CRLs of `KEZEK_CRL`.
pub fn eds_verifier_from_env() -> Result<EdsVerifier> {
    let pem = std::env::var("KEZEK_TRUST_ANCHORS").map_err(|_| Error::internal("KEZEK_TRUST_ANCHORS is not set"))?;
    let mut trust = kezek_identity::TrustStore::from_pem_bundle(&pem).map_err(|e| Error::internal(format!("trust anchors: {e}")))?;
    if let Ok(crl) = std::env::var("KEZEK_CRL") {
        if !crl.trim().is_empty() {
            trust.add_crl_pem(&crl).map_err(|e| Error::internal(format!("revocation list: {e}")))?;
        }
    }
    Ok(EdsVerifier::new(kezek_identity::verifier::RsaVerifier::new(trust)))
}

/// The signature verifier of the `sign` binary: the EDS verifier ([`eds_verifier_from_env`]);
/// for local runs only, without trust anchors, `KEZEK_TEST_SIGNING_SECRET` selects the HMAC
/// test verifier instead.
pub fn verifier_from_env() -> Result<Arc<dyn SignatureVerifier>> {
    if std::env::var("KEZEK_TRUST_ANCHORS").is_ok() {
        return Ok(Arc::new(eds_verifier_from_env()?));
    }
    if let Ok(secret) = std::env::var("KEZEK_TEST_SIGNING_SECRET") {
        return Ok(Arc::new(crate::signature::HmacTestVerifier::new(secret.as_bytes())));
    }
    Err(Error::internal("set KEZEK_TRUST_ANCHORS (or KEZEK_TEST_SIGNING_SECRET locally)"))
}

/// The EDS login: the verifier and the organisations of `KEZEK_ORGANISATIONS` (JSON, may be
/// absent: then only applicants can log in).
pub fn authentication_from_env() -> Result<Authentication> {
    let directory = match std::env::var("KEZEK_ORGANISATIONS") {
        Ok(json) if !json.trim().is_empty() => {
            serde_json::from_str::<Directory>(&json).map_err(|e| Error::internal(format!("KEZEK_ORGANISATIONS: {e}")))?
        }
        _ => Directory::default(),
    };
    Ok(Authentication { verifier: eds_verifier_from_env()?, directory })
}
