//! One run of `crl_fetch`: every distribution point fetched, checked, and stored only when
//! the CRL is signed by its CA, current and newer than the stored copy.

use chrono::{DateTime, Utc};
use kezek_identity::crl::{crl_der, distribution_points, Crl};
use serde::Serialize;
use x509_cert::Certificate;

use super::bucket::{EdsBucket, CRL_PREFIX};
use super::download::download;
use crate::error::Result;

/// What happened to one distribution point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum FetchOutcome {
    /// Stored at `key`, replacing the older copy (or the first one).
    Stored { key: String, entries: usize },
    /// Checked but kept out: `reason` (a stable code: `crl_invalid`, `crl_not_current`,
    /// `crl_not_newer`, ...); the stored copy stays.
    Refused { reason: String },
    /// Not downloaded: `why`.
    Unreachable { why: String },
}

/// The outcome of each distribution point of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FetchReport {
    pub points: Vec<(String, FetchOutcome)>,
}

/// The distribution points to fetch: the configured ones (`KEZEK_CRL_URLS`, separated by
/// spaces or commas) and those the anchors name, each once.
pub fn points(configured: &str, anchors: &[Certificate]) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    let named = anchors.iter().flat_map(distribution_points);
    for url in configured.split([',', ' ', '\n']).map(str::to_owned).chain(named) {
        if !url.trim().is_empty() && !urls.contains(&url) {
            urls.push(url.trim().to_owned());
        }
    }
    urls
}

/// The object key of a CA's base or delta CRL.
pub fn crl_key(crl: &Crl) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, &crl.issuer);
    let hex: String = digest.as_ref().iter().map(|byte| format!("{byte:02x}")).collect();
    let kind = if crl.is_delta() { "delta" } else { "base" };
    format!("{CRL_PREFIX}{hex}-{kind}.crl")
}

/// Fetches every point of `urls` and stores each CRL that passes the checks.
pub async fn fetch_all(
    bucket: &EdsBucket,
    urls: &[String],
    anchors: &[Certificate],
    now: DateTime<Utc>,
) -> Result<FetchReport> {
    let mut report = FetchReport::default();
    for url in urls {
        let outcome = match download(url).await {
            Ok(bytes) => store_if_newer(bucket, &bytes, anchors, now).await?,
            Err(why) => FetchOutcome::Unreachable { why },
        };
        tracing::info!(%url, ?outcome, "CRL distribution point");
        report.points.push((url.clone(), outcome));
    }
    Ok(report)
}

/// Checks `bytes` (DER or PEM) and writes it over the stored copy of its CA and kind if it
/// is newer; a write that meets another writer's is refused by S3 and reported.
pub async fn store_if_newer(
    bucket: &EdsBucket,
    bytes: &[u8],
    anchors: &[Certificate],
    now: DateTime<Utc>,
) -> Result<FetchOutcome> {
    let refused = |reason: &str| Ok(FetchOutcome::Refused { reason: reason.to_owned() });
    let Ok(der) = crl_der(bytes) else { return refused("crl_encoding_invalid") };
    let crl = match Crl::verified(&der, anchors) {
        Ok(crl) => crl,
        Err(error) => return refused(error.code()),
    };
    let key = crl_key(&crl);
    let held = bucket.get(&key).await?;
    // A stored copy that no longer verifies (an anchor changed) is replaced by a good one.
    let held_crl = held.as_ref().and_then(|held| Crl::verified(&held.bytes, anchors).ok());
    if let Err(refusal) = crl.replaces(held_crl.as_ref(), now) {
        return refused(refusal.code());
    }
    let entries = crl.revoked.len();
    let etag = held.and_then(|held| held.etag);
    match bucket.put_over(&key, der, etag.as_deref()).await {
        Ok(()) => Ok(FetchOutcome::Stored { key, entries }),
        Err(error) => {
            tracing::warn!(%key, %error, "CRL write refused (another writer?)");
            refused("crl_write_conflict")
        }
    }
}

/// One scheduled run: the anchors (the bucket's, else the `TRUST_ANCHORS` setting), the
/// points of `KEZEK_CRL_URLS` and the anchors, fetched at the current time.
pub async fn run(bucket: &EdsBucket) -> Result<FetchReport> {
    let inputs = super::refresh::read_inputs(Some(bucket)).await?;
    let trust = kezek_identity::TrustStore::from_pem_bundle(&inputs.anchors_pem)
        .map_err(|e| crate::error::Error::internal(format!("trust anchors: {e}")))?;
    let configured = std::env::var("KEZEK_CRL_URLS").unwrap_or_default();
    let urls = points(&configured, trust.anchors());
    let now = crate::http::Clock::System.now();
    fetch_all(bucket, &urls, trust.anchors(), now).await
}
