//! Downloading a CRL from its distribution point: HTTP GET (ureq, on a blocking thread) with
//! a bounded time and size. NCA publishes its CRLs over plain http (signed objects need no
//! TLS); an https point is refused with a clear error.

use std::time::Duration;

/// Longest a download may take.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest CRL downloaded, bytes.
pub const DOWNLOAD_BYTES_MAX: usize = kezek_identity::crl::CRL_BYTES_MAX;

/// The body of `url`, or why there is none.
pub async fn download(url: &str) -> Result<Vec<u8>, String> {
    if !url.starts_with("http://") {
        return Err(format!("{url}: only http:// distribution points are fetched"));
    }
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || get(&url, DOWNLOAD_TIMEOUT, DOWNLOAD_BYTES_MAX))
        .await
        .map_err(|error| error.to_string())?
}

/// A bounded HTTP GET (also the auditor's, `kezek-audit`): 200 and at most `limit` bytes.
pub fn get(url: &str, timeout: Duration, limit: usize) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|error| error.to_string())?;
    if response.status() != 200 {
        return Err(format!("HTTP {}", response.status()));
    }
    response
        .body_mut()
        .with_config()
        .limit(limit as u64)
        .read_to_vec()
        .map_err(|error| error.to_string())
}
