//! How an OCSP request reaches the responder: HTTP POST (RFC 6960 appendix A.1) with a
//! bounded time and response size, by `ureq` (blocking: the [`crate::RevocationCheck`] is
//! synchronous, and a Lambda serves one request at a time).

use std::fmt;
use std::time::Duration;

use super::response::RESPONSE_BYTES_MAX;

/// Sends a DER request to a responder and returns the DER response.
pub trait OcspTransport: Send + Sync + fmt::Debug {
    /// The response body, or why none came (the check then says "revocation unknown").
    fn post(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String>;
}

/// OCSP over HTTP.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    agent: ureq::Agent,
}

impl HttpTransport {
    /// Each exchange ends within `timeout`.
    pub fn new(timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Self { agent }
    }
}

impl OcspTransport for HttpTransport {
    fn post(&self, url: &str, request: &[u8]) -> Result<Vec<u8>, String> {
        let mut response = self
            .agent
            .post(url)
            .header("content-type", "application/ocsp-request")
            .send(request)
            .map_err(|error| error.to_string())?;
        if response.status() != 200 {
            return Err(format!("HTTP {}", response.status()));
        }
        response
            .body_mut()
            .with_config()
            .limit(RESPONSE_BYTES_MAX as u64)
            .read_to_vec()
            .map_err(|error| error.to_string())
    }
}
