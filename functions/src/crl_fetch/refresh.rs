//! The verifier of `sign` and `auth` over what the EDS bucket holds: the trust anchors
//! (`trust/anchors.pem`, else the `TRUST_ANCHORS` setting) and the CRLs (the bucket's, and
//! the `CRL` setting's), read at the cold start and again every `KEZEK_EDS_REFRESH_SECONDS`
//! by a task of the instance, which swaps the verifier in place ([`EdsVerifier::replace`]).
//! A read that fails keeps the verifier it had (its CRLs still expire by their nextUpdate).

use std::sync::Arc;

use kezek_identity::{
    CrlFile, FirstAnswer, OcspCheck, RevocationCheck, UnknownPolicy, X509Verifier,
};

use super::bucket::EdsBucket;
use crate::config::{self, EdsOptions, RevocationChecks};
use crate::eds::EdsVerifier;
use crate::error::{Error, Result};

/// How long an OCSP exchange may take.
pub const OCSP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// What the verifier is built from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EdsInputs {
    /// PEM bundle of the anchors.
    pub anchors_pem: String,
    /// The configured CRLs (the `CRL` setting: DER or PEM), refused whole when one is bad.
    pub configured_crl: Option<String>,
    /// The bucket's CRLs, DER; one that does not verify is left out (and logged).
    pub stored_crls: Vec<Vec<u8>>,
}

/// Reads the anchors and CRLs from `bucket` (if any) and the settings.
pub async fn read_inputs(bucket: Option<&EdsBucket>) -> Result<EdsInputs> {
    let (stored_anchors, stored_crls) = match bucket {
        Some(bucket) => (bucket.anchors().await?, bucket.crls().await?),
        None => (None, Vec::new()),
    };
    let anchors_pem = match stored_anchors {
        Some(pem) => pem,
        None => config::required_setting(config::TRUST_ANCHORS).await?,
    };
    let configured_crl = config::setting(config::CRL).await?.filter(|crl| !crl.trim().is_empty());
    Ok(EdsInputs { anchors_pem, configured_crl, stored_crls })
}

/// The revocation check `options` select over `crls` and `ocsp`, with the policy for unknown.
pub fn revocation(
    options: &EdsOptions,
    crls: CrlFile,
    ocsp: &OcspCheck,
) -> Arc<dyn RevocationCheck> {
    let check: Arc<dyn RevocationCheck> = match options.checks {
        RevocationChecks::Crl => Arc::new(crls),
        RevocationChecks::Ocsp => Arc::new(ocsp.clone()),
        RevocationChecks::OcspThenCrl => {
            Arc::new(FirstAnswer(vec![Arc::new(ocsp.clone()), Arc::new(crls)]))
        }
    };
    Arc::new(UnknownPolicy { check, unknown: options.unknown })
}

/// The X.509 verifier over `inputs`; `ocsp` is kept across rebuilds (its cache).
pub fn build(inputs: &EdsInputs, options: &EdsOptions, ocsp: &OcspCheck) -> Result<X509Verifier> {
    let trust = kezek_identity::TrustStore::from_pem_bundle(&inputs.anchors_pem)
        .map_err(|e| Error::internal(format!("trust anchors: {e}")))?;
    let mut crls = CrlFile::with_grace(options.crl_grace);
    if let Some(crl) = &inputs.configured_crl {
        crls.add(crl.as_bytes(), trust.anchors())
            .map_err(|e| Error::internal(format!("revocation list: {e}")))?;
    }
    for der in &inputs.stored_crls {
        if let Err(error) = crls.add_der(der, trust.anchors()) {
            tracing::error!(%error, "a stored CRL does not verify: left out");
        }
    }
    let revocation = revocation(options, crls, ocsp);
    Ok(X509Verifier::with_revocation(trust, revocation).with_subject_rules(options.subjects))
}

/// The EDS verifier over the anchors of `pem` and the CRLs of `crl` (DER or PEM) with
/// `options`, not refreshed (tests, local runs).
pub fn verifier_of(pem: &str, crl: Option<&str>, options: &EdsOptions) -> Result<EdsVerifier> {
    let inputs = EdsInputs {
        anchors_pem: pem.to_owned(),
        configured_crl: crl.filter(|crl| !crl.trim().is_empty()).map(str::to_owned),
        stored_crls: Vec::new(),
    };
    Ok(EdsVerifier::new(build(&inputs, options, &ocsp_check(options))?))
}

/// The OCSP check of `options` (used only when the checks name OCSP).
pub fn ocsp_check(options: &EdsOptions) -> OcspCheck {
    OcspCheck::http(options.ocsp_responder.clone(), OCSP_TIMEOUT)
}

/// The EDS verifier of the environment; with an EDS bucket, refreshed every
/// `options.refresh` by a task of this instance's runtime.
pub async fn verifier_from_env() -> Result<EdsVerifier> {
    let options = EdsOptions::from_env()?;
    let bucket = EdsBucket::from_env();
    let ocsp = ocsp_check(&options);
    let inputs = read_inputs(bucket.as_ref()).await?;
    let verifier = EdsVerifier::new(build(&inputs, &options, &ocsp)?);
    if let Some(bucket) = bucket {
        spawn_refresh(verifier.clone(), bucket, options, ocsp);
    }
    Ok(verifier)
}

/// Every `options.refresh`, reads the bucket again and swaps the verifier.
pub fn spawn_refresh(
    verifier: EdsVerifier,
    bucket: EdsBucket,
    options: EdsOptions,
    ocsp: OcspCheck,
) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(options.refresh);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match refreshed(&bucket, &options, &ocsp).await {
                Ok(fresh) => verifier.replace(fresh),
                Err(error) => tracing::error!(%error, "EDS refresh failed: the verifier is kept"),
            }
        }
    });
}

async fn refreshed(
    bucket: &EdsBucket,
    options: &EdsOptions,
    ocsp: &OcspCheck,
) -> Result<X509Verifier> {
    build(&read_inputs(Some(bucket)).await?, options, ocsp)
}
