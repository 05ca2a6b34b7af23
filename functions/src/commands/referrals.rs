//! R13 for staff: the referrals issued to their kindergarten that wait for the child (the
//! application is `referred`), with their valid-until instants, so that staff can find the
//! application to enrol. One Query of the kindergarten's partition (`KG#<id>`, items
//! `REFERRAL#<application id>`): each listing is written, rewritten and deleted in the same
//! transaction as the application's change (`commands::writes`), so the read is bounded by the
//! kindergarten's own referrals.

use kezek_rules::application::ApplicationId;
use kezek_rules::time::Instant;
use serde::Serialize;

use crate::error::Result;
use crate::store::items::{ReferralListing, ReferralListingItem};
use crate::store::keys;
use crate::store::Store;

/// Referrals answered at most.
const REFERRALS_MAX: usize = 1_000;

/// One referral waiting for its child at the staff's kindergarten.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffReferral {
    pub number: String,
    pub application_id: ApplicationId,
    pub child_iin: String,
    pub group_id: String,
    pub group_name: String,
    pub language: String,
    pub issued_at: Instant,
    pub valid_until_at: Instant,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffReferrals {
    pub referrals: Vec<StaffReferral>,
    /// True when more referrals wait than one answer holds (`REFERRALS_MAX`).
    pub truncated: bool,
}

/// The referrals to `kindergarten_id` whose application is `referred` now, soonest lapse first
/// (`now` is kept for the route's signature: a listing exists exactly while its referral waits).
pub async fn staff_referrals(
    store: &Store,
    kindergarten_id: &str,
    _now: Instant,
) -> Result<StaffReferrals> {
    let items: Vec<ReferralListingItem> = store
        .query_prefix(&keys::kindergarten(kindergarten_id).pk, keys::KG_REFERRAL_PREFIX)
        .await?;
    let truncated = items.len() > REFERRALS_MAX;
    let mut referrals: Vec<StaffReferral> =
        items.into_iter().map(|item| waiting(item.listing)).collect();
    referrals.sort_by(|a, b| (a.valid_until_at, &a.number).cmp(&(b.valid_until_at, &b.number)));
    referrals.truncate(REFERRALS_MAX);
    Ok(StaffReferrals { referrals, truncated })
}

fn waiting(listing: ReferralListing) -> StaffReferral {
    StaffReferral {
        number: listing.number,
        application_id: listing.application_id,
        child_iin: listing.child_iin,
        group_id: listing.group_id,
        group_name: listing.group_name,
        language: listing.language,
        issued_at: listing.issued_at,
        valid_until_at: listing.valid_until_at,
    }
}
