//! The one DynamoDB table of kezek (DESIGN §4; key design in `functions/STORE.md`).

pub mod applicant_index;
pub mod items;
pub mod keys;
pub mod meter;
pub mod outbox;
pub mod queue_heads;
mod reads;
mod table;
pub mod transact;

use aws_sdk_dynamodb::Client;

pub use queue_heads::QueueHeads;
pub use reads::{PoolView, QueueRead};
pub use transact::{Role, Transaction};

/// An SDK error with its whole chain of causes (the service's message included).
pub(crate) fn describe<E: std::error::Error>(error: &E) -> String {
    aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string()
}

/// The table and the client that reaches it. Cheap to clone; build once per cold start.
#[derive(Debug, Clone)]
pub struct Store {
    client: Client,
    table: String,
    meter: std::sync::Arc<meter::Meter>,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into(), meter: std::sync::Arc::default() }
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
        let started = std::time::Instant::now();
        let output = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(transact::to_item(item)?))
            .return_consumed_capacity(aws_sdk_dynamodb::types::ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(|error| crate::error::Error::store(format!("{what}: {}", describe(&error))))?;
        let capacity =
            output.consumed_capacity.as_ref().and_then(|c| c.capacity_units).unwrap_or(0.0);
        self.meter.record(started.elapsed(), capacity, 0);
        Ok(())
    }
}
