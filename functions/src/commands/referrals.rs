//! R13 for staff: the referrals issued to their kindergarten that wait for the child (the
//! application is `referred`), with their valid-until instants, so that staff can find the
//! application to enrol. Read from the due listing (GSI2 `DUE#<shard>`, where every referred
//! application waits for its lapse at `validUntilAt`), shard by shard, then each referral's
//! document. No new item or index.

use chrono::Duration;
use kezek_rules::application::{ApplicationId, ApplicationState};
use kezek_rules::time::Instant;
use serde::Serialize;

use crate::error::Result;
use crate::store::items::{DocumentItem, ReferralDocument};
use crate::store::keys;
use crate::store::Store;

/// Due items read per shard at most (a shard holds offers, referrals and stop-lists).
const DUE_ITEMS_PER_SHARD_MAX: usize = 5_000;
/// Referrals answered at most.
const REFERRALS_MAX: usize = 1_000;
/// Beyond any deadline the rules set (a referral's validity plus its one extension).
const DUE_HORIZON_DAYS: i64 = 400;

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

/// The referrals to `kindergarten_id` whose application is `referred` now, soonest lapse first.
pub async fn staff_referrals(
    store: &Store,
    kindergarten_id: &str,
    now: Instant,
) -> Result<StaffReferrals> {
    let horizon = now + Duration::days(DUE_HORIZON_DAYS);
    let mut referrals = Vec::new();
    for shard in 0..keys::DUE_SHARDS {
        for item in store.due(shard, horizon, DUE_ITEMS_PER_SHARD_MAX).await? {
            let ApplicationState::Referred { referral } = &item.application.state else {
                continue;
            };
            if let Some(document) =
                current_document(store, &item.application.id, referral.issued_at).await?
            {
                if document.kindergarten_id == kindergarten_id {
                    referrals.push(waiting(document, referral.valid_until_at));
                }
            }
            if referrals.len() >= REFERRALS_MAX {
                return Ok(sorted(referrals, true));
            }
        }
    }
    Ok(sorted(referrals, false))
}

fn sorted(mut referrals: Vec<StaffReferral>, truncated: bool) -> StaffReferrals {
    referrals.sort_by(|a, b| (a.valid_until_at, &a.number).cmp(&(b.valid_until_at, &b.number)));
    StaffReferrals { referrals, truncated }
}

/// The document of the referral issued at `issued_at` (an application keeps older ones).
async fn current_document(
    store: &Store,
    id: &ApplicationId,
    issued_at: Instant,
) -> Result<Option<ReferralDocument>> {
    let items: Vec<DocumentItem> =
        store.query_prefix(&keys::application_pk(id), keys::DOC_PREFIX).await?;
    Ok(items.into_iter().map(|item| item.referral).find(|doc| doc.issued_at == issued_at))
}

/// The document's facts, with the validity the application has now (an extension moves it).
fn waiting(document: ReferralDocument, valid_until_at: Instant) -> StaffReferral {
    StaffReferral {
        number: document.number,
        application_id: document.application_id,
        child_iin: document.child_iin,
        group_id: document.group_id.0,
        group_name: document.group_name,
        language: document.language,
        issued_at: document.issued_at,
        valid_until_at,
    }
}
