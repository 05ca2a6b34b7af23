//! Sending through SNS (DESIGN §6): SMS by `Publish` to an E.164 phone number (SNS has no
//! batch for phone numbers); e-mails by `PublishBatch` to a topic, up to
//! [`EMAIL_BATCH_MAX`] entries a call, each with message attributes `recipient`, `language`,
//! `template` (and `noticeId`, so whatever turns topic messages into e-mails can drop a
//! repeat). A batch answers per entry: an entry that failed (or that the answer does not
//! name) fails its notice's attempt alone.
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

/// Most entries of one `PublishBatch` (the service's limit).
pub const EMAIL_BATCH_MAX: usize = 10;
/// Most bytes of one `PublishBatch`'s entries (the service's limit is 256 KiB for the whole
/// request; this leaves room for the entry ids, attribute names and the request's own text).
pub const EMAIL_BATCH_BYTES_MAX: usize = 240 * 1024;

impl Email<'_> {
    /// What the entry weighs against [`EMAIL_BATCH_BYTES_MAX`].
    pub fn bytes(&self) -> usize {
        self.recipient.len()
            + self.language.len()
            + self.template.len()
            + self.notice_id.len()
            + self.subject.len()
            + self.body.len()
    }
}

/// `emails` cut into the batches of one `PublishBatch` each, in order: at most
/// [`EMAIL_BATCH_MAX`] entries and [`EMAIL_BATCH_BYTES_MAX`] bytes a batch (an entry heavier
/// than that alone goes alone, and SNS answers for it).
pub fn email_batches<'e, 'a>(emails: &'e [Email<'a>]) -> Vec<&'e [Email<'a>]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, email) in emails.iter().enumerate() {
        let full = i - start == EMAIL_BATCH_MAX || bytes + email.bytes() > EMAIL_BATCH_BYTES_MAX;
        if i > start && full {
            batches.push(&emails[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += email.bytes();
    }
    if start < emails.len() {
        batches.push(&emails[start..]);
    }
    batches
}

/// Where notices are published; every success is the provider's message id.
pub trait Publisher: Sync {
    fn sms(&self, phone: &str, text: &str) -> impl Future<Output = Result<String>> + Send;
    /// Up to [`EMAIL_BATCH_MAX`] e-mails in one call: one answer per e-mail, in order. `Err`
    /// when the call as a whole failed (then every e-mail of it failed).
    fn emails(
        &self,
        emails: &[Email<'_>],
    ) -> impl Future<Output = Result<Vec<Result<String>>>> + Send;
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

    async fn emails(&self, emails: &[Email<'_>]) -> Result<Vec<Result<String>>> {
        use aws_sdk_sns::types::PublishBatchRequestEntry;
        if emails.len() > EMAIL_BATCH_MAX {
            return Err(Error::internal(format!("{} e-mails in one batch", emails.len())));
        }
        if emails.is_empty() {
            return Ok(Vec::new());
        }
        let mut entries = Vec::with_capacity(emails.len());
        for (i, email) in emails.iter().enumerate() {
            let entry = PublishBatchRequestEntry::builder()
                .id(format!("e{i}"))
                .subject(email.subject)
                .message(email.body)
                .message_attributes("recipient", string(email.recipient)?)
                .message_attributes("language", string(email.language)?)
                .message_attributes("template", string(email.template)?)
                .message_attributes("noticeId", string(email.notice_id)?)
                .build()
                .map_err(|e| Error::internal(format!("batch entry: {e}")))?;
            entries.push(entry);
        }
        let output = self
            .client
            .publish_batch()
            .topic_arn(&self.email_topic_arn)
            .set_publish_batch_request_entries(Some(entries))
            .send()
            .await
            .map_err(|e| failed("email", &e))?;
        let mut answers: Vec<Option<Result<String>>> = vec![None; emails.len()];
        let index = |id: &str| id.strip_prefix('e').and_then(|n| n.parse::<usize>().ok());
        for done in output.successful() {
            if let Some(slot) = done.id().and_then(index).and_then(|i| answers.get_mut(i)) {
                *slot = Some(Ok(done.message_id().unwrap_or_default().to_owned()));
            }
        }
        for refused in output.failed() {
            if let Some(slot) = index(refused.id()).and_then(|i| answers.get_mut(i)) {
                *slot = Some(Err(Error::DeliveryFailed {
                    detail: format!(
                        "email: {} ({}fault of the sender): {}",
                        refused.code(),
                        if refused.sender_fault() { "" } else { "no " },
                        refused.message().unwrap_or_default()
                    ),
                }));
            }
        }
        Ok(answers
            .into_iter()
            .map(|answer| {
                answer.unwrap_or_else(|| {
                    Err(Error::DeliveryFailed {
                        detail: "email: the batch's answer does not name this entry".into(),
                    })
                })
            })
            .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn email<'a>(body: &'a str) -> Email<'a> {
        Email {
            recipient: "a@example.kz",
            language: "kk",
            template: "turn_came",
            notice_id: "n",
            subject: "s",
            body,
        }
    }

    #[test]
    fn batches_hold_at_most_ten_entries_and_the_byte_bound() {
        let small: Vec<Email<'_>> = (0..23).map(|_| email("hello")).collect();
        let sizes: Vec<usize> = email_batches(&small).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [10, 10, 3]);
        assert!(email_batches(&[]).is_empty());
        let big = "x".repeat(100 * 1024);
        let heavy: Vec<Email<'_>> = (0..5).map(|_| email(&big)).collect();
        let sizes: Vec<usize> = email_batches(&heavy).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [2, 2, 1], "240 KiB a batch");
        let huge = "x".repeat(300 * 1024);
        let alone = [email("a"), email(&huge), email("b")];
        let sizes: Vec<usize> = email_batches(&alone).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, [1, 1, 1], "an entry over the bound goes alone");
    }
}
