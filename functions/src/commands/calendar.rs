//! Calendar years (issue 3 item 2, DESIGN §2): the working-day calendar is data. The rules
//! carry 2024–2027; a regional operator loads later years, or corrections of a built-in
//! year, in the rules' format ([`CalendarYear`]: holidays with whether they move off a
//! weekend, and the government's swaps of a weekend day worked for a weekday off). The rules
//! validate a year against the years around it before it is stored (item `CALENDAR#<year>`,
//! all years in one partition, read with one Query); commands then count with it
//! ([`super::RegionRules`]).

use std::sync::Arc;

use kezek_rules::calendar::{CalendarYear, WorkingCalendar};
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
    let mut calendar = WorkingCalendar::kazakhstan().clone();
    for item in stored_years(store).await? {
        let year = item.data.year;
        if let Err(error) = calendar.add_year(item.data) {
            tracing::error!(
                year,
                code = error.code(),
                "a stored calendar year is refused by the rules"
            );
        }
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
    super::context::remember(store.table(), Arc::new(calendar));
    Ok(CalendarLoaded { year: data.year, loaded: "calendar".to_owned(), years })
}
