//! Sending through SNS (DESIGN §6): SMS by `Publish` to an E.164 phone number; e-mail by
//! `Publish` to a topic with message attributes `recipient`, `language`, `template` (and
//! `noticeId`, so whatever turns topic messages into e-mails can drop a repeat).
//!
//! [`Publisher`] is the seam: [`SnsPublisher`] is the real one; tests wrap it to inject
//! failures.

use std::future::Future;

use aws_sdk_sns::types::MessageAttributeValue;
use aws_sdk_sns::Client;

use crate::error::{Error, Result};

/// One e-mail notice, as published to the e-mail topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email<'a> {
    pub recipient: &'a str,
    /// `kk`, `ru` or `en`.
    pub language: &'a str,
    /// The notice kind, e.g. `turn_came`.
    pub template: &'a str,
    pub notice_id: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Where notices are published. Both calls return the provider's message id.
pub trait Publisher: Sync {
    fn sms(&self, phone: &str, text: &str) -> impl Future<Output = Result<String>> + Send;
    fn email(&self, email: &Email<'_>) -> impl Future<Output = Result<String>> + Send;
}

/// Amazon SNS (or an SNS-compatible endpoint such as moto).
#[derive(Debug, Clone)]
pub struct SnsPublisher {
    client: Client,
    email_topic_arn: String,
}

impl SnsPublisher {
    pub fn new(client: Client, email_topic_arn: impl Into<String>) -> Self {
        Self { client, email_topic_arn: email_topic_arn.into() }
    }
}

fn string(value: &str) -> Result<MessageAttributeValue> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| Error::internal(format!("message attribute: {e}")))
}

fn failed(channel: &str, error: &impl std::error::Error) -> Error {
    Error::DeliveryFailed {
        detail: format!("{channel}: {}", aws_sdk_sns::error::DisplayErrorContext(error)),
    }
}

impl Publisher for SnsPublisher {
    async fn sms(&self, phone: &str, text: &str) -> Result<String> {
        let output = self
            .client
            .publish()
            .phone_number(phone)
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", string("Transactional")?)
            .send()
            .await
            .map_err(|e| failed("sms", &e))?;
        Ok(output.message_id.unwrap_or_default())
    }

    async fn email(&self, email: &Email<'_>) -> Result<String> {
        let output = self
            .client
            .publish()
            .topic_arn(&self.email_topic_arn)
            .subject(email.subject)
            .message(email.body)
            .message_attributes("recipient", string(email.recipient)?)
            .message_attributes("language", string(email.language)?)
            .message_attributes("template", string(email.template)?)
            .message_attributes("noticeId", string(email.notice_id)?)
            .send()
            .await
            .map_err(|e| failed("email", &e))?;
        Ok(output.message_id.unwrap_or_default())
    }
}

/// The longest an SNS call may take before it counts as timed out.
pub const SNS_CALL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// An SNS client over `config`, each call bounded by `timeout` and retried by the one retry
/// policy ([`crate::retry::POLICY`]) on a transient failure (throttling, a 5xx, a timeout or a
/// reset connection), with no retry quota — as the store's DynamoDB client. A Publish that
/// still fails leaves the notice to the outbox's own backoff (`NotifyConfig::backoff`).
fn client_with_policy(config: &aws_types::SdkConfig, timeout: std::time::Duration) -> Client {
    use aws_sdk_sns::config::timeout::TimeoutConfig;
    use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
    let config = aws_sdk_sns::config::Builder::from(config)
        .retry_config(crate::retry::sdk_retry_config())
        .retry_partition(
            RetryPartition::custom("kezek-sns").token_bucket(TokenBucket::unlimited()).build(),
        )
        .timeout_config(TimeoutConfig::builder().operation_attempt_timeout(timeout).build())
        .build();
    Client::from_conf(config)
}

/// An SNS client for a local endpoint (moto) with static test credentials.
pub fn local_sns_client(endpoint_url: &str) -> Client {
    local_sns_client_with_attempt_timeout(endpoint_url, SNS_CALL_TIMEOUT)
}

/// [`local_sns_client`] with another bound on each call (tests of timeouts).
pub fn local_sns_client_with_attempt_timeout(
    endpoint_url: &str,
    timeout: std::time::Duration,
) -> Client {
    client_with_policy(&crate::sdk_config::local(endpoint_url), timeout)
}

/// The SNS client: `endpoint_url` (configuration, e.g. moto) with static local
/// credentials, else the Lambda environment's region and credentials.
pub async fn sns_client(endpoint_url: Option<&str>) -> Client {
    match endpoint_url {
        Some(endpoint) => local_sns_client(endpoint),
        None => client_with_policy(&crate::sdk_config::from_environment(), SNS_CALL_TIMEOUT),
    }
}
