//! Issue 13 item 5: the public daily lists of a pool, as Astana publishes them — places
//! published, vacated and withdrawn; offers made (pseudonymous id, registration time,
//! class, position); referrals issued and their source; lapses and removals — derived
//! from the very log entries the replay checks.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::entry::{AuditEntry, EntryKind, Reason};
use crate::application::{PlaceSource, Priority, RemovalReason};
use crate::places::GroupId;
use crate::time::{Instant, RegionClock};

/// Places of one group moved by one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlacesLine {
    pub group_id: GroupId,
    pub count: u32,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferLine {
    pub application_id: String,
    pub registered_at: Instant,
    pub priority: Priority,
    /// Applications ahead in the queue at that moment.
    pub position: u32,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReferralLine {
    pub application_id: String,
    pub group_id: Option<GroupId>,
    pub source: PlaceSource,
    pub at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovalLine {
    pub application_id: String,
    pub reason: RemovalReason,
    pub at: Instant,
}

/// Everything that happened in a pool on one local date.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyList {
    pub date: Option<NaiveDate>,
    pub places_published: Vec<PlacesLine>,
    /// Places given back by a cancelled, lapsed or withdrawn referral.
    pub places_vacated: Vec<PlacesLine>,
    pub places_withdrawn: Vec<PlacesLine>,
    /// Offers that expired: their places became free-choice places.
    pub offers_expired: Vec<String>,
    pub offers: Vec<OfferLine>,
    pub referrals: Vec<ReferralLine>,
    /// Referrals that lapsed (the application is stop-listed, or removed: see `removals`).
    pub lapses: Vec<String>,
    pub removals: Vec<RemovalLine>,
}

impl DailyList {
    fn add(&mut self, entry: &AuditEntry) {
        let at = entry.at;
        let id = entry.application_id().unwrap_or_default().to_owned();
        let places =
            |count| entry.group_id.clone().map(|group_id| PlacesLine { group_id, count, at });
        match (entry.kind, entry.reason) {
            (EntryKind::PublishPlaces, Reason::Places { count }) => {
                self.places_published.extend(places(count));
            }
            (EntryKind::WithdrawPlaces, Reason::Places { count }) => {
                self.places_withdrawn.extend(places(count));
            }
            (
                EntryKind::Offer,
                Reason::Offer { position, .. } | Reason::Together { position, .. },
            ) => {
                if let Some(subject) = &entry.subject {
                    self.offers.push(OfferLine {
                        application_id: id,
                        registered_at: subject.registered_at,
                        priority: subject.priority,
                        position,
                        at,
                    });
                }
            }
            (EntryKind::ExpireOffer, _) => self.offers_expired.push(id),
            (EntryKind::Sign, Reason::Referral { source }) => {
                let group_id = entry.group_id.clone();
                self.referrals.push(ReferralLine { application_id: id, group_id, source, at });
            }
            (kind, reason) => {
                let releases =
                    matches!(kind, EntryKind::Cancel | EntryKind::Lapse | EntryKind::Withdraw);
                if releases {
                    self.places_vacated.extend(places(1));
                }
                if kind == EntryKind::Lapse {
                    self.lapses.push(id.clone());
                }
                if let Reason::Removal { reason } = reason {
                    self.removals.push(RemovalLine { application_id: id, reason, at });
                }
            }
        }
    }
}

/// The daily lists of a pool, one per local date that had entries, in date order.
pub fn daily_lists<'a>(
    clock: &RegionClock,
    entries: impl IntoIterator<Item = &'a AuditEntry>,
) -> Vec<DailyList> {
    let mut days: BTreeMap<NaiveDate, DailyList> = BTreeMap::new();
    for entry in entries {
        let date = clock.local_date(entry.at);
        let list = days
            .entry(date)
            .or_insert_with(|| DailyList { date: Some(date), ..DailyList::default() });
        list.add(entry);
    }
    days.into_values().collect()
}
