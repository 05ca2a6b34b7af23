//! The AWS SDK configuration of every service client (DynamoDB, SNS, SSM), built once per
//! cold start: the Lambda environment's, or a local server's (DynamoDB Local, moto).
//!
//! Both use one HTTP client whose TLS is rustls over ring — the cryptography the rest of
//! kezek uses — so a function carries one crypto library, not ring and aws-lc side by side.

use aws_sdk_dynamodb::config::{
    BehaviorVersion, Credentials, Region, SharedCredentialsProvider, SharedHttpClient,
};
use std::sync::OnceLock;

use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_types::SdkConfig;

/// The HTTPS client of an SDK configuration: hyper with rustls over ring. Its connection
/// pool belongs to the Tokio runtime that first uses it, so it is never shared between
/// runtimes (tests run one per test); the clients of one configuration share it.
fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// The Lambda environment's configuration. The Lambda service gives every function its region
/// and its role's credentials as environment variables (`AWS_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); `AWS_ENDPOINT_URL`, the SDKs' own variable,
/// points every client elsewhere. That is what aws-config's provider chain would find in a
/// Lambda; without the chain (profile files, IMDS, SSO, STS) every zip is 0.2 MB smaller and a
/// cold start does less. Without credentials the client is built, and each call fails with
/// the SDK's "no credentials" error (logged here once). Read once per process: the DynamoDB,
/// SNS and SSM clients of a cold start share it and its HTTP client (a Lambda runs one Tokio
/// runtime).
pub fn from_environment() -> SdkConfig {
    static CONFIG: OnceLock<SdkConfig> = OnceLock::new();
    CONFIG.get_or_init(read_environment).clone()
}

fn read_environment() -> SdkConfig {
    let variable = |name: &str| std::env::var(name).ok().filter(|value| !value.trim().is_empty());
    let mut config =
        SdkConfig::builder().behavior_version(BehaviorVersion::latest()).http_client(http_client());
    match variable("AWS_REGION").or_else(|| variable("AWS_DEFAULT_REGION")) {
        Some(region) => {
            config.set_region(Some(Region::new(region)));
        }
        None => tracing::warn!("AWS_REGION is not set: AWS calls will fail"),
    }
    match (variable("AWS_ACCESS_KEY_ID"), variable("AWS_SECRET_ACCESS_KEY")) {
        (Some(key), Some(secret)) => {
            let credentials = Credentials::new(
                key,
                secret,
                variable("AWS_SESSION_TOKEN"),
                None,
                "lambda-environment",
            );
            config.set_credentials_provider(Some(SharedCredentialsProvider::new(credentials)));
        }
        _ => tracing::warn!(
            "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set: AWS calls will fail"
        ),
    }
    if let Some(endpoint) = variable("AWS_ENDPOINT_URL") {
        config.set_endpoint_url(Some(endpoint));
    }
    config.build()
}

/// The configuration of a client for the local server at `endpoint_url`: one region, the
/// endpoint, static test credentials.
pub fn local(endpoint_url: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "local",
            "local",
            None,
            None,
            "kezek-local",
        )))
        .http_client(http_client())
        .build()
}
