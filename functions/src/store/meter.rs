//! What the store costs: DynamoDB round trips, consumed capacity (ReturnConsumedCapacity),
//! items read, and the time spent waiting for DynamoDB. The benchmark reads it to split a
//! command's time into store time and our own time.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Serialize;

#[derive(Debug, Default)]
pub struct Meter {
    round_trips: AtomicU64,
    capacity_milli_units: AtomicU64,
    items_read: AtomicU64,
    store_nanos: AtomicU64,
}

/// Totals since the store was built; subtract two readings with [`Usage::since`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub round_trips: u64,
    pub capacity_units: f64,
    pub items_read: u64,
    pub store_seconds: f64,
}

impl Meter {
    pub fn record(&self, elapsed: Duration, capacity_units: f64, items_read: u64) {
        self.round_trips.fetch_add(1, Ordering::Relaxed);
        self.capacity_milli_units
            .fetch_add((capacity_units * 1000.0).round() as u64, Ordering::Relaxed);
        self.items_read.fetch_add(items_read, Ordering::Relaxed);
        self.store_nanos
            .fetch_add(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn usage(&self) -> Usage {
        Usage {
            round_trips: self.round_trips.load(Ordering::Relaxed),
            capacity_units: self.capacity_milli_units.load(Ordering::Relaxed) as f64 / 1000.0,
            items_read: self.items_read.load(Ordering::Relaxed),
            store_seconds: self.store_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

impl Usage {
    pub fn since(self, earlier: Usage) -> Usage {
        Usage {
            round_trips: self.round_trips - earlier.round_trips,
            capacity_units: self.capacity_units - earlier.capacity_units,
            items_read: self.items_read - earlier.items_read,
            store_seconds: self.store_seconds - earlier.store_seconds,
        }
    }
}
