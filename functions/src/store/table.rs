//! The table definition: base keys and the two global secondary indexes.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus,
};

use super::keys::{GSI1, GSI1PK, GSI1SK, GSI2, GSI2PK, GSI2SK, PK, SK};
use super::Store;
use crate::error::{Error, Result};

fn key(name: &str, key_type: KeyType) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(key_type)
        .build()
        .map_err(|e| Error::internal(e.to_string()))
}

fn attribute(name: &str) -> Result<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| Error::internal(e.to_string()))
}

fn index(name: &str, pk: &str, sk: &str, projection: Projection) -> Result<GlobalSecondaryIndex> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash)?)
        .key_schema(key(sk, KeyType::Range)?)
        .projection(projection)
        .build()
        .map_err(|e| Error::internal(e.to_string()))
}

impl Store {
    /// Creates the table (on-demand capacity) and waits until it is active.
    pub async fn create_table(&self) -> Result<()> {
        // The queue index carries only what the queue order needs.
        let queue_projection = Projection::builder()
            .projection_type(ProjectionType::Include)
            .non_key_attributes("queue")
            .build();
        let all = Projection::builder().projection_type(ProjectionType::All).build();
        let mut request = self
            .client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .key_schema(key(PK, KeyType::Hash)?)
            .key_schema(key(SK, KeyType::Range)?)
            .global_secondary_indexes(index(GSI1, GSI1PK, GSI1SK, queue_projection)?)
            .global_secondary_indexes(index(GSI2, GSI2PK, GSI2SK, all)?);
        for name in [PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK] {
            request = request.attribute_definitions(attribute(name)?);
        }
        request.send().await.map_err(|e| crate::store::failure("create table", &e))?;
        for _ in 0..100 {
            let described = self.client.describe_table().table_name(&self.table).send().await;
            if let Ok(output) = described {
                if output.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
                    return Ok(());
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        Err(Error::StoreUnavailable { detail: "table did not become active".into() })
    }
}
