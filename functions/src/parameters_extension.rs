//! SSM parameters through the **AWS Parameters and Secrets Lambda Extension** (a layer of
//! every function in `infra/template.yaml`) instead of the SSM SDK: 0.1–0.2 MB less in every
//! zip (issue 11 item 5), and the extension caches the values.
//!
//! The extension's published protocol
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html>):
//! `GET http://localhost:<port>/systemsmanager/parameters/get?name=<name>&withDecryption=true`,
//! the port `PARAMETERS_SECRETS_EXTENSION_HTTP_PORT` (default 2773), the header
//! `X-Aws-Parameters-Secrets-Token` holding the function's `AWS_SESSION_TOKEN`; the answer is
//! GetParameter's JSON output (`{"Parameter": {"Value": …, …}}`), any other status an error.
//! The extension answers only during an invocation (not in the INIT phase), so the binaries
//! read their settings on their first event (`http::lambda`).
//!
//! The HTTP client is the Lambda runtime's own (`lambda_runtime_api_client`, hyper over plain
//! HTTP/1.1 to localhost): already in every binary, so this costs almost no bytes.

use std::time::Duration;

use http_body_util::{BodyExt, Limited};
use lambda_runtime_api_client::body::Body;
use lambda_runtime_api_client::PooledClient;
use serde::Deserialize;

use crate::error::{Error, Result};

/// The extension's port variable (the extension's own name for it).
pub const PORT_VARIABLE: &str = "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT";
/// The extension's default port.
pub const DEFAULT_PORT: u16 = 2773;
/// The header carrying the session token.
pub const TOKEN_HEADER: &str = "X-Aws-Parameters-Secrets-Token";
/// The path of a parameter read.
pub const PARAMETER_PATH: &str = "/systemsmanager/parameters/get";
/// Longest answer read: a parameter holds at most 8 KB (advanced tier), its JSON wrapping a
/// few hundred bytes more.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Longest parameter name SSM accepts (a fully qualified name is 1,011 characters).
const MAX_NAME_CHARS: usize = 2048;
/// How long one read may take (the extension calls SSM on a cache miss).
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// How much of an error answer is quoted in the error.
const QUOTED_ERROR_CHARS: usize = 300;

#[derive(Deserialize)]
struct GetParameterOutput {
    #[serde(rename = "Parameter")]
    parameter: Option<Parameter>,
}

#[derive(Deserialize)]
struct Parameter {
    #[serde(rename = "Value")]
    value: Option<String>,
}

/// The value of the SSM parameter `name`, decrypted when it is a SecureString.
pub async fn parameter_value(name: &str) -> Result<String> {
    let query = query(name)?;
    let token = std::env::var("AWS_SESSION_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| {
            Error::internal(format!(
                "SSM parameter {name}: AWS_SESSION_TOKEN is not set (the extension needs it)"
            ))
        })?;
    let request = http::Request::get(format!("{PARAMETER_PATH}?{query}"))
        .header(TOKEN_HEADER, token)
        .body(Body::empty())
        .map_err(|e| Error::internal(format!("SSM parameter {name}: {e}")))?;
    let read = async {
        let response = client()?
            .call(request)
            .await
            .map_err(|e| Error::internal(format!("SSM parameter {name}: the extension: {e}")))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| Error::internal(format!("SSM parameter {name}: the answer: {e}")))?
            .to_bytes();
        Ok::<_, Error>((status, body))
    };
    let (status, body) = tokio::time::timeout(READ_TIMEOUT, read).await.map_err(|_| {
        Error::internal(format!("SSM parameter {name}: no answer in {READ_TIMEOUT:?}"))
    })??;
    if !status.is_success() {
        let text: String =
            String::from_utf8_lossy(&body).chars().take(QUOTED_ERROR_CHARS).collect();
        return Err(Error::internal(format!("SSM parameter {name}: {status}: {}", text.trim())));
    }
    let output: GetParameterOutput = serde_json::from_slice(&body)
        .map_err(|e| Error::internal(format!("SSM parameter {name}: the answer: {e}")))?;
    output
        .parameter
        .and_then(|p| p.value)
        .ok_or_else(|| Error::internal(format!("SSM parameter {name} has no value")))
}

/// `name=<name>&withDecryption=true`, the name percent-encoded (its `/` included).
fn query(name: &str) -> Result<String> {
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::internal(format!(
            "SSM parameter name of {} characters (1–{MAX_NAME_CHARS})",
            name.chars().count()
        )));
    }
    let mut query = String::with_capacity(name.len() * 3 + 24);
    query.push_str("name=");
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            query.push(char::from(byte));
        } else {
            query.push_str(&format!("%{byte:02X}"));
        }
    }
    query.push_str("&withDecryption=true");
    Ok(query)
}

/// A client of the extension. One per read: a cold start reads a handful of parameters, and
/// a client kept across reads would hold connections of the Tokio runtime that opened them
/// (tests run one runtime each).
fn client() -> Result<PooledClient> {
    let port = match std::env::var(PORT_VARIABLE).ok().filter(|p| !p.trim().is_empty()) {
        Some(port) => port
            .trim()
            .parse::<u16>()
            .map_err(|_| Error::internal(format!("{PORT_VARIABLE} is not a port: {port}")))?,
        None => DEFAULT_PORT,
    };
    let endpoint = format!("http://localhost:{port}")
        .parse::<http::Uri>()
        .map_err(|e| Error::internal(format!("the extension's address: {e}")))?;
    Ok(PooledClient::builder().with_endpoint(endpoint).build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_percent_encoded_and_bounded() {
        assert_eq!(
            query("/kezek/prod/session-key").expect("a name"),
            "name=%2Fkezek%2Fprod%2Fsession-key&withDecryption=true"
        );
        assert_eq!(
            query("a b&c=ә").expect("a name"),
            "name=a%20b%26c%3D%D3%99&withDecryption=true"
        );
        assert!(query("").is_err());
        assert!(query(&"a".repeat(MAX_NAME_CHARS + 1)).is_err());
    }
}
