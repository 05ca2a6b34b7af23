//! The rules' context for a region at an instant: its clock, the policy in force that
//! local day and the working calendar.
//!
//! The calendar is the built-in one (2024–2027) with the years operators loaded
//! (`POST /operator/calendar`, items `CALENDAR#<year>`) laid over it. Commands do not read
//! those items each time: each process keeps the calendar of each table for
//! [`CALENDAR_TTL`], and reads the stored years again earlier only when the calendar it holds
//! cannot count the deadlines the rules may ask for now (`calendar_year_missing`; at most
//! once per [`CALENDAR_MISSING_RETRY`]). A year loaded through this process is used at once;
//! through another one (another Lambda) within [`CALENDAR_TTL`], or at once where a year was
//! missing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant as StdInstant};

use kezek_rules::application::{Region, RuleContext};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::deadline::deadline_at;
use kezek_rules::policy::{Policy, Span};
use kezek_rules::time::Instant;

use super::calendar::stored_calendar;
use crate::error::{Error, Result};
use crate::store::items::RegionItem;
use crate::store::{keys, Store};

/// How long a process uses the calendar it read before reading the stored years again.
pub const CALENDAR_TTL: Duration = Duration::from_secs(300);
/// Least time between two reads prompted by a missing year.
pub const CALENDAR_MISSING_RETRY: Duration = Duration::from_secs(5);

/// A region with the policy in force at one instant.
#[derive(Debug, Clone)]
pub struct RegionRules {
    pub region: Region,
    pub policy: Policy,
    pub now: Instant,
    /// The built-in calendar with the stored years.
    pub calendar: Arc<WorkingCalendar>,
}

impl RegionRules {
    pub async fn load(store: &Store, region_id: &str, now: Instant) -> Result<Self> {
        let item: RegionItem =
            store.get(&keys::region(region_id)).await?.ok_or_else(|| Error::not_found("region"))?;
        let today = item.region.clock.local_date(now);
        let policy = item.policy.policy_on(today)?.clone();
        let mut rules =
            Self { region: item.region, policy, now, calendar: Arc::new(WorkingCalendar::empty()) };
        rules.calendar = calendar(store, |calendar| rules.counts_with(calendar)).await?;
        Ok(rules)
    }

    pub fn context(&self) -> RuleContext<'_> {
        RuleContext {
            policy: &self.policy,
            calendar: &self.calendar,
            clock: &self.region.clock,
            now: self.now,
        }
    }

    /// Whether `calendar` counts every working-day deadline of the policy from now.
    fn counts_with(&self, calendar: &WorkingCalendar) -> bool {
        [self.policy.offer_window, self.policy.referral_validity, self.policy.stop_list]
            .into_iter()
            .filter(|span| matches!(span, Span::WorkingDays(_)))
            .all(|span| deadline_at(span, self.now, calendar, &self.region.clock).is_ok())
    }
}

#[derive(Debug, Clone)]
struct Cached {
    calendar: Arc<WorkingCalendar>,
    read_at: StdInstant,
}

/// The calendars of this process, by table.
fn cache() -> &'static Mutex<HashMap<String, Cached>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<String, Cached>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(table: &str) -> Option<Cached> {
    cache().lock().ok().and_then(|calendars| calendars.get(table).cloned())
}

/// Replaces this process's calendar of `table` (after a year was loaded through it).
pub(crate) fn remember(table: &str, calendar: Arc<WorkingCalendar>) {
    if let Ok(mut calendars) = cache().lock() {
        calendars.insert(table.to_owned(), Cached { calendar, read_at: StdInstant::now() });
    }
}

/// The calendar of `store`'s table: this process's copy while fresh and `sufficient`, else
/// the stored years read again.
async fn calendar(
    store: &Store,
    sufficient: impl Fn(&WorkingCalendar) -> bool,
) -> Result<Arc<WorkingCalendar>> {
    if let Some(entry) = cached(store.table()) {
        let age = entry.read_at.elapsed();
        if age < CALENDAR_TTL && (age < CALENDAR_MISSING_RETRY || sufficient(&entry.calendar)) {
            return Ok(entry.calendar);
        }
    }
    let calendar = Arc::new(stored_calendar(store).await?);
    remember(store.table(), calendar.clone());
    Ok(calendar)
}
