//! R13 for staff: the referrals issued to their kindergarten that wait for the child (the
//! application is `referred`), with their valid-until instants, so that staff can find the
//! application to enrol. One Query of the kindergarten's partition (`KG#<id>`, items
//! `REFERRAL#<application id>`): each listing is written, rewritten and deleted in the same
//! transaction as the application's change (`commands::writes`), so the read is bounded by the
//! kindergarten's own referrals. Beside them, the children moved in or out by signed
//! transfers (`MOVE#…` items of the same partition, `store::moves`), latest first.

use kezek_rules::application::ApplicationId;
use kezek_rules::time::Instant;
use serde::Serialize;

use crate::error::Result;
use crate::store::items::{ReferralListing, ReferralListingItem};
use crate::store::keys;
use crate::store::moves::{MoveListing, MoveListingItem};
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
    /// The child's sibling set, when marked: the kindergarten sees which referrals are of
    /// twins or siblings (issue 15).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sibling_set_id: Option<String>,
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
        sibling_set_id: listing.sibling_set_id,
    }
}

/// Transfer lines answered at most (the latest; older ones stay in the table).
pub const MOVES_MAX: usize = 100;

/// The children moved into or out of the staff's kindergarten by signed transfers, latest
/// first (issue 15).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffTransfers {
    pub transfers: Vec<MoveListing>,
    /// True when older lines exist than one answer holds ([`MOVES_MAX`]).
    pub truncated: bool,
}

/// `GET /staff/transfers`: one Query of the kindergarten's partition, descending, bounded.
pub async fn staff_transfers(store: &Store, kindergarten_id: &str) -> Result<StaffTransfers> {
    let mut items: Vec<MoveListingItem> = store
        .query_latest(&keys::kindergarten(kindergarten_id).pk, keys::KG_MOVE_PREFIX, MOVES_MAX + 1)
        .await?;
    let truncated = items.len() > MOVES_MAX;
    items.truncate(MOVES_MAX);
    let transfers: Vec<MoveListing> = items.into_iter().map(|item| item.listing).collect();
    assert!(transfers.iter().all(|line| line.kindergarten_id() == kindergarten_id));
    Ok(StaffTransfers { transfers, truncated })
}
