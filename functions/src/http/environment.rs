//! Building a Lambda's router from its configuration, once per execution environment (on its
//! first event: [`super::lambda`]).
//!
//! The settings are read through [`crate::config::setting`]: each `KEZEK_<NAME>` below may
//! instead be given as `KEZEK_<NAME>_PARAMETER`, the name of an SSM parameter holding it, read
//! through the Parameters and Secrets Lambda Extension ([`crate::parameters_extension`]) —
//! how the SAM template (`infra/template.yaml`) configures the functions in AWS.
//!
//! | setting / variable | what | who reads it |
//! |---|---|---|
//! | `KEZEK_TABLE` (variable only) | the table name | every binary |
//! | `KEZEK_SESSION_KEY` | the HMAC key of session tokens, base64 (≥ 32 bytes) | HTTP binaries |
//! | `KEZEK_TRUST_ANCHORS` | PEM bundle of NCA root and intermediate certificates | sign, auth |
//! | `KEZEK_CRL` | optional CRLs of those CAs, DER or PEM | sign, auth |
//! | `KEZEK_EDS_BUCKET`, `KEZEK_EDS_REFRESH_SECONDS` (variables only) | the S3 bucket of the anchors (`trust/anchors.pem`, preferred to `KEZEK_TRUST_ANCHORS`) and the CRLs `crl_fetch` keeps, read again every so many seconds ([`crate::crl_fetch`]) | sign, auth, crl_fetch |
//! | `KEZEK_REVOCATION_CHECKS`, `KEZEK_OCSP_URL` (variables only) | `crl`, `ocsp` or `ocsp,crl`; the OCSP responder ([`config::EdsOptions`]) | sign, auth |
//! | `KEZEK_CRL_URLS` (variable only) | the CRL distribution points fetched (with those the anchors name) | crl_fetch |
//! | `KEZEK_S3_ENDPOINT` (variable only) | local runs only: an S3 server (moto) | sign, auth, crl_fetch |
//! | `KEZEK_STAGE_KIND`, `KEZEK_CRL_GRACE_HOURS`, `KEZEK_REVOCATION_UNKNOWN` (variables only) | test stage or production, CRL grace, policy for unknown revocation ([`config::EdsOptions`]) | sign, auth |
//! | `KEZEK_ORGANISATIONS` | JSON directory of organisation BINs (staff, operators) | auth |
//! | `KEZEK_LOG_KEY` | the transparency logs' Ed25519 signing key, Go note signer-key text (`commands::transparency`) | sweep |
//! | `KEZEK_TEST_SIGNING_SECRET` (variable only) | builds with the `test-verifier` feature only (never a Lambda): the HMAC test verifier for `sign` | sign |
//! | `KEZEK_DYNAMODB_ENDPOINT` (variable only) | local runs only: DynamoDB Local | every binary |
//! | `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` (variable only, the extension's own) | the extension's port, default 2773 (the tests' stand-in) | binaries reading a `_PARAMETER` |

use std::sync::Arc;

use super::services::{self, Extras, Service};
use super::{Authentication, Group, Router};
use crate::commands::login::Directory;
use crate::config::{self, setting};
use crate::eds::EdsVerifier;
use crate::error::{Error, Result};
use crate::session::SessionKey;
use crate::signature::SignatureVerifier;
use crate::store::Store;

impl Router {
    /// A router serving `groups` from the configuration (the local server, tests): links
    /// every group; a Lambda binary uses [`Router::from_env_serving`] with its own service.
    pub async fn from_env(groups: &[Group]) -> Result<Self> {
        Self::from_env_serving(&services::of(groups)).await
    }

    /// A Lambda's router serving `services`: table `KEZEK_TABLE`, the session key, and what
    /// each service prepares (`sign`: the signature verifier, [`verifier_from_env`]; `auth`:
    /// the EDS login, [`authentication_from_env`]).
    pub async fn from_env_serving(services: &[&'static Service]) -> Result<Self> {
        let table =
            std::env::var("KEZEK_TABLE").map_err(|_| Error::internal("KEZEK_TABLE is not set"))?;
        // The store's AWS configuration and the SSM reads are independent round trips of the
        // cold start: run them side by side rather than one after the other. Each is boxed:
        // the SDK futures are large, and joined on the stack they overflow a 2 MiB thread in
        // debug builds (the test threads).
        let (store, key, extras) = tokio::join!(
            Box::pin(Store::from_env(table)),
            Box::pin(SessionKey::from_settings()),
            Box::pin(async {
                let mut all = Extras::default();
                for prepare in services.iter().filter_map(|service| service.prepare) {
                    let extras = prepare().await?;
                    all.verifier = all.verifier.or(extras.verifier);
                    all.authentication = all.authentication.or(extras.authentication);
                }
                Ok::<_, Error>(all)
            }),
        );
        let extras = extras?;
        let mut router = Self::with_services(store, key?, services.to_vec());
        if let Some(verifier) = extras.verifier {
            router = router.with_verifier(verifier);
        }
        if let Some(authentication) = extras.authentication {
            router = router.with_authentication(authentication);
        }
        Ok(router)
    }
}

/// The EDS verifier over the trust anchors and the CRLs of the EDS bucket (`KEZEK_EDS_BUCKET`,
/// refreshed every `KEZEK_EDS_REFRESH_SECONDS`) or of the settings `TRUST_ANCHORS` and `CRL`
/// ([`crate::crl_fetch::refresh`]).
pub async fn eds_verifier_from_env() -> Result<EdsVerifier> {
    crate::crl_fetch::refresh::verifier_from_env().await
}

/// The signature verifier of the `sign` binary: the EDS verifier ([`eds_verifier_from_env`]).
/// Only in builds with the `test-verifier` feature (tests, never a Lambda), without trust
/// anchors, `KEZEK_TEST_SIGNING_SECRET` selects the HMAC test verifier instead.
pub async fn verifier_from_env() -> Result<Arc<dyn SignatureVerifier>> {
    let pem = setting(config::TRUST_ANCHORS).await?;
    if pem.is_some() || crate::crl_fetch::EdsBucket::from_env().is_some() {
        return Ok(Arc::new(eds_verifier_from_env().await?));
    }
    #[cfg(feature = "test-verifier")]
    if let Ok(secret) = std::env::var("KEZEK_TEST_SIGNING_SECRET") {
        return Ok(Arc::new(crate::signature::HmacTestVerifier::new(secret.as_bytes())));
    }
    Err(Error::internal(
        "set KEZEK_TRUST_ANCHORS, KEZEK_TRUST_ANCHORS_PARAMETER or KEZEK_EDS_BUCKET",
    ))
}

/// The EDS login: the verifier and the organisations of `ORGANISATIONS` (JSON, may be
/// absent: then only applicants can log in).
pub async fn authentication_from_env() -> Result<Authentication> {
    let (verifier, organisations) =
        tokio::join!(Box::pin(eds_verifier_from_env()), Box::pin(setting(config::ORGANISATIONS)));
    let directory = match organisations? {
        Some(json) => serde_json::from_str::<Directory>(&json)
            .map_err(|e| Error::internal(format!("KEZEK_ORGANISATIONS: {e}")))?,
        None => Directory::default(),
    };
    Ok(Authentication { verifier: verifier?, directory })
}
