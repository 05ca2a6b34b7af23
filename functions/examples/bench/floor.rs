//! The store's floor beside the turn engine (issue 11 item 2): on the same DynamoDB Local, in
//! the same run, `TransactWriteItems` of 98 bare conditional `Put`s (two short string keys,
//! `attribute_not_exists`), the least a transaction of 32 offers (98 items) can cost there.
//! `1,000 offers × 98 / 32 items` at that rate is the time no turn engine that writes an
//! offer's application, notice and audit event in one transaction can beat on this machine.

use std::error::Error;
use std::time::Instant as Clock;

use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
use kezek_functions::store::Store;

/// Items of one bare transaction: as many as a transaction of 32 offers holds.
const ITEMS_PER_TRANSACTION: usize = 98;
const TRANSACTIONS: usize = 15;

/// Median milliseconds of one bare transaction of [`ITEMS_PER_TRANSACTION`] items.
pub async fn bare_transaction_ms(store: &Store) -> Result<f64, Box<dyn Error>> {
    let mut times_ms = Vec::with_capacity(TRANSACTIONS);
    for transaction in 0..TRANSACTIONS {
        let mut items = Vec::with_capacity(ITEMS_PER_TRANSACTION);
        for n in 0..ITEMS_PER_TRANSACTION {
            let put = Put::builder()
                .table_name(store.table())
                .item("PK", AttributeValue::S(format!("BENCH#floor#{transaction}#{n}")))
                .item("SK", AttributeValue::S("FLOOR".into()))
                .condition_expression("attribute_not_exists(PK)")
                .build()?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        let started = Clock::now();
        store.client().transact_write_items().set_transact_items(Some(items)).send().await?;
        times_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    Ok(super::median(&mut times_ms))
}
