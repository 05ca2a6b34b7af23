//! Calendar years (issue 3 item 2, DESIGN §2): the working-day calendar is data. The rules
//! carry 2024–2027; a regional operator loads later years, or corrections of a built-in
//! year, in the rules' format ([`CalendarYear`]: holidays with whether they move off a
//! weekend, and the government's swaps of a weekend day worked for a weekday off). The rules
//! validate a year against the years around it before it is stored (item `CALENDAR#<year>`,
//! all years in one partition, read with one Query); commands then count with it
//! ([`super::RegionRules`]).
//!
//! Commands do not read those items each time: each process keeps the calendar of each
//! table for [`CALENDAR_TTL`], and reads the stored years again earlier only when the
//! calendar it holds cannot count the deadlines the rules may ask for now
//! (`calendar_year_missing`; at most once per [`CALENDAR_MISSING_RETRY`]). A year loaded
//! through this process is used at once; through another one (another Lambda) within
//! [`CALENDAR_TTL`], or at once where a year was missing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant as StdInstant};

use kezek_rules::calendar::{CalendarYear, WorkingCalendar};
use kezek_rules::context::calendar_with_years;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::items::Keys;
use crate::store::{keys, Store};

/// A stored calendar year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub data: CalendarYear,
    pub loaded_at: Instant,
    /// `operator:<iin>`.
    pub loaded_by: String,
}

/// What a load answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalendarLoaded {
    pub year: i32,
    pub loaded: String,
    /// Every year the calendar now covers.
    pub years: Vec<i32>,
}

/// The partition every stored year is in.
fn partition() -> String {
    keys::calendar_year(0).pk
}

/// The stored years, in order.
pub async fn stored_years(store: &Store) -> Result<Vec<CalendarItem>> {
    let mut items: Vec<CalendarItem> = store.query_prefix(&partition(), "CALENDAR#").await?;
    items.sort_by_key(|item| item.data.year);
    Ok(items)
}

/// The built-in calendar with the stored years laid over it (a stored year replaces the
/// built-in one). A stored year the rules refuse is left out and logged: it was validated
/// when loaded, so this means the rules changed.
pub async fn stored_calendar(store: &Store) -> Result<WorkingCalendar> {
    let years = stored_years(store).await?.into_iter().map(|item| item.data);
    let (calendar, refused) = calendar_with_years(years);
    for (year, error) in refused {
        tracing::error!(
            year,
            code = error.code(),
            "a stored calendar year is refused by the rules"
        );
    }
    Ok(calendar)
}

/// Validates `data` with the rules against the calendar in force (built-in and stored years)
/// and stores it, replacing the same year; this process counts with it at once.
pub async fn load_calendar_year(
    store: &Store,
    data: &CalendarYear,
    operator_iin: &str,
    now: Instant,
) -> Result<CalendarLoaded> {
    let mut calendar = stored_calendar(store).await?;
    // An operator's data is input: every refusal of the rules is the caller's (400).
    calendar.add_year(data.clone()).map_err(Error::RuleInput)?;
    let item = CalendarItem {
        keys: Keys::base(keys::calendar_year(data.year)),
        data: data.clone(),
        loaded_at: now,
        loaded_by: format!("operator:{operator_iin}"),
    };
    store.put_description(&item, "calendar").await?;
    let years = calendar.years();
    remember(store.table(), Arc::new(calendar));
    Ok(CalendarLoaded { year: data.year, loaded: "calendar".to_owned(), years })
}

/// How long a process uses the calendar it read before reading the stored years again.
pub const CALENDAR_TTL: Duration = Duration::from_secs(300);
/// Least time between two reads prompted by a missing year.
pub const CALENDAR_MISSING_RETRY: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
struct Cached {
    calendar: Arc<WorkingCalendar>,
    read_at: StdInstant,
}

/// The calendars of this process, by table.
fn cache() -> &'static Mutex<HashMap<String, Cached>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Cached>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(table: &str) -> Option<Cached> {
    cache().lock().ok().and_then(|calendars| calendars.get(table).cloned())
}

/// Replaces this process's calendar of `table` (after a year was loaded through it).
fn remember(table: &str, calendar: Arc<WorkingCalendar>) {
    if let Ok(mut calendars) = cache().lock() {
        calendars.insert(table.to_owned(), Cached { calendar, read_at: StdInstant::now() });
    }
}

/// The calendar of `store`'s table: this process's copy while fresh and `sufficient`, else
/// the stored years read again.
pub async fn current(
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
