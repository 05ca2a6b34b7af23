//! The one DynamoDB table of kezek (DESIGN §4; key design in `functions/STORE.md`).

pub mod applicant_index;
pub mod items;
pub mod keys;
pub mod log;
pub mod meter;
pub mod moves;
pub mod outbox;
pub mod queue_heads;
pub(crate) mod reads;
mod table;
pub mod tally;
pub mod transact;
pub mod transfers;

use std::time::Duration;

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};

use crate::error::Error;

pub use log::{LogHead, PoolLog};
pub use queue_heads::QueueHeads;
pub use reads::{PoolView, QueueRead};
pub use transact::{Role, Transaction};

/// An SDK error with its whole chain of causes (the service's message included): for the log.
pub(crate) fn describe<E: std::error::Error>(error: &E) -> String {
    aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string()
}

/// The one classification of a failed DynamoDB call (`what` names it in the log): throttled,
/// timed out or cut off, a failure of the service (5xx), or a request DynamoDB refused (a
/// defect: input is checked before it reaches a key). The SDK text stays in the detail.
pub(crate) fn failure<E>(what: &str, error: &SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let detail = format!("{what}: {}", describe(error));
    let status = error.raw_response().map(|response| response.status().as_u16());
    match error {
        SdkError::TimeoutError(_) => Error::StoreTimeout { detail },
        SdkError::DispatchFailure(_) => Error::StoreTimeout { detail },
        SdkError::ResponseError(_) => Error::StoreUnavailable { detail },
        _ if error.code().is_some_and(throttling) => Error::Throttled { detail },
        _ if status.is_some_and(|status| status >= 500) => Error::StoreUnavailable { detail },
        _ => Error::Internal { detail },
    }
}

/// DynamoDB's throttling codes (as an error code, or a transaction's cancellation reason).
pub(crate) fn throttling(code: &str) -> bool {
    matches!(
        code,
        "ProvisionedThroughputExceededException"
            | "ProvisionedThroughputExceeded"
            | "ThrottlingException"
            | "ThrottlingError"
            | "RequestLimitExceeded"
    )
}

/// The longest a DynamoDB call may take before it counts as timed out.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The table and the client that reaches it. Cheap to clone; build once per cold start.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
    meter: std::sync::Arc<meter::Meter>,
}

impl Store {
    /// The store over `client`, each call bounded in time and retried by
    /// [`crate::retry::POLICY`] on a transient failure (throttling, a timeout or reset, a 5xx):
    /// the SDK's standard retry loop, given the policy's bounds and no retry quota, so a burst
    /// of faults is retried like a single one. A TransactWriteItems retried after a timeout
    /// carries the same client request token, so it commits at most once.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self::with_attempt_timeout(client, table, CALL_TIMEOUT)
    }

    /// [`Store::new`] with another bound on each call (tests of timeouts).
    pub fn with_attempt_timeout(
        client: Client,
        table: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        let config = client
            .config()
            .to_builder()
            .retry_config(crate::retry::sdk_retry_config())
            .retry_partition(
                RetryPartition::custom("kezek-store")
                    .token_bucket(TokenBucket::unlimited())
                    .build(),
            )
            .timeout_config(TimeoutConfig::builder().operation_attempt_timeout(timeout).build())
            .build();
        Self {
            client: Client::from_conf(config),
            table: table.into(),
            meter: std::sync::Arc::default(),
        }
    }

    /// A client for a local DynamoDB (DynamoDB Local) with static test credentials.
    pub fn local_client(endpoint_url: &str) -> Client {
        Client::new(&crate::sdk_config::local(endpoint_url))
    }

    /// The client of the Lambda environment (region and credentials from the environment);
    /// `KEZEK_DYNAMODB_ENDPOINT` points it at a local server instead.
    pub async fn from_env(table: impl Into<String>) -> Self {
        if let Ok(endpoint) = std::env::var("KEZEK_DYNAMODB_ENDPOINT") {
            return Self::new(Self::local_client(&endpoint), table);
        }
        let config = crate::sdk_config::from_environment();
        Self::new(Client::new(&config), table)
    }

    /// Round trips, consumed capacity and time spent in DynamoDB since this store was built.
    pub fn usage(&self) -> meter::Usage {
        self.meter.usage()
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Writes `item` whole over any previous item of its key. Only for descriptions whose last
    /// write wins (a profile, a calendar year, a region, a kindergarten); state changes go
    /// through a conditioned [`Transaction`].
    pub async fn put_description<T: serde::Serialize>(
        &self,
        item: &T,
        what: &str,
    ) -> crate::error::Result<()> {
        self.put_item(transact::to_item(item)?, what).await
    }

    /// Puts an item built attribute by attribute (the log's tiles and checkpoints: binary
    /// attributes), unconditionally: what it writes is the same on every run.
    pub(crate) async fn put_raw(
        &self,
        item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
    ) -> crate::error::Result<()> {
        self.put_item(item, "put log item").await
    }

    async fn put_item(
        &self,
        item: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
        what: &str,
    ) -> crate::error::Result<()> {
        let started = std::time::Instant::now();
        let output = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|error| failure(what, &error))?;
        let capacity =
            output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, 0);
        Ok(())
    }
}
