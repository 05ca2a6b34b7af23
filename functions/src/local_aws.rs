//! The AWS SDK configuration for local servers (DynamoDB Local, moto): one region, the
//! endpoint, static test credentials. Every service client of a local run is built from it
//! (`Store::local_client`, `notify::deliver::local_sns_client`, `config::local_ssm_client`).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::{Credentials, SharedCredentialsProvider};

/// The configuration of a client for the local server at `endpoint_url`.
pub fn sdk_config(endpoint_url: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint_url)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new("local", "local", None, None, "kezek-local")))
        .build()
}
