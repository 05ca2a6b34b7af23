//! The head of a pool's queue, read from GSI1 only as far as it is walked: each priority class
//! has its own partition (`QUEUE#<region>#<year>#<class>`, registration order), read page by
//! page when the walk reaches it; the rules' `next_class` merges the class heads into the
//! queue order of `queue_slot`. The turn engine offers N places reading about N entries, not
//! the pool's whole queue.

use std::collections::VecDeque;

use kezek_rules::application::Priority;
use kezek_rules::places::PoolKey;
use kezek_rules::policy::PriorityRatio;
use kezek_rules::queue::{next_class, ClassCounts, QueueEntry};

use super::keys::{self, GSI1};
use super::reads::StartKey;
use super::Store;
use crate::error::{Error, Result};

/// Entries read beyond the estimate of a page (a few skipped entries cost no second read).
const PAGE_SLACK: usize = 8;
/// Largest page (GSI1 items are small: a page stays far below DynamoDB's 1 MB).
const PAGE_MAX: usize = 1_000;

/// One class partition: what was read and not yet walked, and where to read on.
#[derive(Debug, Default)]
struct ClassHead {
    read: VecDeque<QueueEntry>,
    start: Option<StartKey>,
    /// The partition was read to its end.
    exhausted: bool,
    last_page: usize,
}

impl ClassHead {
    fn has_more(&self) -> bool {
        !self.read.is_empty() || !self.exhausted
    }
}

/// A walk of one pool's queue in the rules' order, reading class heads on demand.
#[derive(Debug)]
pub struct QueueHeads<'a> {
    store: &'a Store,
    pool: PoolKey,
    ratio: PriorityRatio,
    classes: [ClassHead; 3],
    placed: ClassCounts,
    /// Index items read so far.
    pub items_read: usize,
}

fn class_of(priority: Priority) -> usize {
    match priority {
        Priority::OutOfTurn => 0,
        Priority::FirstPriority => 1,
        Priority::General => 2,
    }
}

fn placed_mut(placed: &mut ClassCounts, class: usize) -> &mut u64 {
    match class {
        0 => &mut placed.out_of_turn,
        1 => &mut placed.first_priority,
        _ => &mut placed.general,
    }
}

impl<'a> QueueHeads<'a> {
    pub fn new(store: &'a Store, pool: PoolKey, ratio: PriorityRatio) -> Self {
        Self {
            store,
            pool,
            ratio,
            classes: Default::default(),
            placed: ClassCounts::default(),
            items_read: 0,
        }
    }

    fn more(&self) -> [bool; 3] {
        [self.classes[0].has_more(), self.classes[1].has_more(), self.classes[2].has_more()]
    }

    /// The next waiting application in queue order (index data: eventually consistent), or
    /// `None` at the end of the queue. `wanted` is about how many more entries the caller
    /// expects to walk; it sizes a page when one must be read.
    pub async fn next(&mut self, wanted: usize) -> Result<Option<QueueEntry>> {
        loop {
            let Some(priority) = next_class(self.placed, self.more(), self.ratio) else {
                return Ok(None);
            };
            let class = class_of(priority);
            if let Some(entry) = self.classes[class].read.pop_front() {
                *placed_mut(&mut self.placed, class) += 1;
                return Ok(Some(entry));
            }
            // The merge reached a class not read this far: read its next page, decide again.
            let limit = self.page_size(class, wanted);
            self.read_page(priority, limit).await?;
        }
    }

    /// The members of `class` among the next `wanted` places of the queue, were every class
    /// not yet read to its end unbounded; plus slack; at least twice the last page.
    fn page_size(&self, class: usize, wanted: usize) -> usize {
        let mut placed = self.placed;
        let more =
            [!self.classes[0].exhausted, !self.classes[1].exhausted, !self.classes[2].exhausted];
        let mut ours = 0;
        for _ in 0..wanted.min(PAGE_MAX) {
            let Some(priority) = next_class(placed, more, self.ratio) else { break };
            let next = class_of(priority);
            ours += usize::from(next == class);
            *placed_mut(&mut placed, next) += 1;
        }
        (ours + PAGE_SLACK).max(self.classes[class].last_page * 2).min(PAGE_MAX)
    }

    async fn read_page(&mut self, priority: Priority, limit: usize) -> Result<()> {
        let head = &mut self.classes[class_of(priority)];
        let (items, start) = self
            .store
            .query_page(GSI1, &keys::queue_pk(&self.pool, priority), head.start.take(), limit)
            .await?;
        self.items_read += items.len();
        head.last_page = limit;
        head.exhausted = start.is_none();
        head.start = start;
        for mut item in items {
            if let Some(queue) = item.remove("queue") {
                let entry: QueueEntry =
                    serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(queue)
                        .map_err(|e| Error::internal(format!("queue entry: {e}")))?;
                head.read.push_back(entry);
            }
        }
        Ok(())
    }
}
