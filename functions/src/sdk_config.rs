//! The AWS SDK configuration of every service client (DynamoDB, SNS, SSM), built once per
//! cold start: the Lambda environment's, or a local server's (DynamoDB Local, moto).
//!
//! Both use one HTTP client whose TLS is rustls over ring — the cryptography the rest of
//! kezek uses — so a function carries one crypto library, not ring and aws-lc side by side.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider, SharedHttpClient};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

/// The HTTPS client of every SDK client: hyper with rustls over ring.
fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().tls_provider(tls::Provider::Rustls(CryptoMode::Ring)).build_https()
}

/// The Lambda environment's configuration: region and credentials from the environment.
pub async fn from_environment() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).http_client(http_client()).load().await
}

/// The configuration of a client for the local server at `endpoint_url`: one region, the
/// endpoint, static test credentials.
pub fn local(endpoint_url: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("local", "local", None, None, "kezek-local")))
        .http_client(http_client())
        .build()
}
