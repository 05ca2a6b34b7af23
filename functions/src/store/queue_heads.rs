//! The heads of a pool's queue, read from GSI1 page by page as the rules' stepping turn engine
//! asks: each priority class has its own partition (`QUEUE#<region>#<year>#<class>`,
//! registration order); [`QueueHeads::read`] reads the next page of one class, of the size
//! the engine chose. The merge in queue order (the 1:3 ratio) is the engine's, not ours: the
//! turn engine offers N places reading about N entries, not the pool's whole queue.

use kezek_rules::application::Priority;
use kezek_rules::places::PoolKey;
use kezek_rules::queue::{class_index, QueueEntry};

use super::keys::{self, GSI1};
use super::reads::StartKey;
use super::Store;
use crate::error::{Error, Result};

/// Where each class partition of one pool's queue was read to.
#[derive(Debug)]
pub struct QueueHeads<'a> {
    store: &'a Store,
    pool: PoolKey,
    starts: [Option<StartKey>; 3],
    /// Index items read so far.
    pub items_read: usize,
}

impl<'a> QueueHeads<'a> {
    pub fn new(store: &'a Store, pool: PoolKey) -> Self {
        Self { store, pool, starts: Default::default(), items_read: 0 }
    }

    /// The next page of `class` (index data: eventually consistent), at most `limit` entries,
    /// and whether the partition ends with it.
    pub async fn read(&mut self, class: Priority, limit: usize) -> Result<(Vec<QueueEntry>, bool)> {
        let start = self.starts[class_index(class)].take();
        let (items, start) =
            self.store.query_page(GSI1, &keys::queue_pk(&self.pool, class), start, limit).await?;
        self.items_read += items.len();
        let last = start.is_none();
        self.starts[class_index(class)] = start;
        let mut entries = Vec::with_capacity(items.len());
        for mut item in items {
            if let Some(queue) = item.remove("queue") {
                let entry: QueueEntry =
                    serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(queue)
                        .map_err(|e| Error::internal(format!("queue entry: {e}")))?;
                entries.push(entry);
            }
        }
        Ok((entries, last))
    }
}
