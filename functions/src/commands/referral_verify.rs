//! The referral as the paper shows it and as its QR code verifies it (seed step 14).
//!
//! **The verification code.** The QR code on the paper opens the public verification page
//! with a code: `base64url(HMAC-SHA256(session key, domain ‖ application id ‖ number))[..22]`
//! (128 bits) followed by the application id. Without the service's key nobody can make a
//! code, so the public read cannot be walked through application ids or referral numbers to
//! find children: a wrong code, a forged one and a code of a referral that does not exist
//! all answer the same `not_found`. The read shows only what a kindergarten checks against
//! the paper: valid or not, the state, kindergarten, group, language, address, valid-until —
//! no IIN, no name. The code needs no stored item (the store is not touched to issue it), so
//! the codes of every referral issued so far work at once; rotating the session key voids
//! the printed codes (a dedicated key would not — see the notes).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::NaiveDate;
use kezek_rules::application::{Application, ApplicationId, ApplicationState, RemovalReason};
use kezek_rules::time::{Instant, RegionClock};
use serde::Serialize;

use super::journal;
use crate::error::{Error, Result};
use crate::session::SessionKey;
use crate::store::items::{ApplicationItem, DocumentItem, ReferralDocument, RegionItem};
use crate::store::{keys, Store};

/// The purpose of the code's HMAC (never a session token's).
const CODE_DOMAIN: &str = "kezek/referral-verification/v1";
/// The tag's bytes in a code (128 bits, 22 base64url characters).
const TAG_BYTES: usize = 16;
const TAG_CHARS: usize = 22;

/// Where a referral stands, as its verification page says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// The application holds this referral and it has not expired: the child may be enrolled.
    Valid,
    /// Not used by its valid-until (R9): the child is stop-listed or removed (R10).
    Lapsed,
    /// Given up before use (R12) or ended with the application (withdrawn).
    Cancelled,
    /// The child was enrolled with it (R13).
    Used,
}

/// What the public verification read answers: the paper's facts, never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    pub status: ReferralStatus,
    pub number: String,
    pub kindergarten_name_kk: String,
    pub kindergarten_name_ru: String,
    pub address: String,
    pub group_name: String,
    pub language: String,
    pub issued_at: Instant,
    /// The instant the referral stops being valid (with an extension, R11).
    pub valid_until_at: Instant,
    /// The last local day it is valid on (the day before `valid_until_at` when that is 00:00).
    pub last_valid_date: NaiveDate,
}

/// A referral document with everything its PDF prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Paper {
    pub document: ReferralDocument,
    pub verification: Verification,
    pub issued_date: NaiveDate,
    /// The code of the verification URL (the QR code).
    pub code: String,
}

/// The verification code of referral `number` of application `id`.
pub fn code(key: &SessionKey, id: &ApplicationId, number: &str) -> String {
    format!("{}{}", tag_text(key, id, number), id.0)
}

fn tag_text(key: &SessionKey, id: &ApplicationId, number: &str) -> String {
    let tag = key.tag(CODE_DOMAIN, format!("{}\n{number}", id.0).as_bytes());
    URL_SAFE_NO_PAD.encode(&tag.as_ref()[..TAG_BYTES])
}

/// Equal in time independent of where the two differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The public read of a code: the referral it names, or `not_found` for anything else.
pub async fn verify(
    store: &Store,
    key: &SessionKey,
    code: &str,
    now: Instant,
) -> Result<Verification> {
    let unknown = || Error::not_found("referral");
    if code.len() <= TAG_CHARS || !code.is_char_boundary(TAG_CHARS) {
        return Err(unknown());
    }
    let (tag, id) = code.split_at(TAG_CHARS);
    let id = ApplicationId(id.to_owned());
    let item: ApplicationItem = store.get(&keys::application(&id)).await?.ok_or_else(unknown)?;
    let documents = documents(store, &id).await?;
    let document = documents
        .iter()
        .find(|document| same(tag_text(key, &id, &document.number).as_bytes(), tag.as_bytes()))
        .ok_or_else(unknown)?;
    let clock = region_clock(store, &item.application.pool.region_id).await?;
    Ok(facts(&item.application, document, &documents, &clock, now))
}

/// Referral `number` of application `id` as its paper prints it, for `iin` who may see the
/// application (R3): `forbidden` for anyone else, `not_found` for a number it does not have.
pub async fn paper(
    store: &Store,
    key: &SessionKey,
    iin: &str,
    id: &ApplicationId,
    number: &str,
    now: Instant,
) -> Result<Paper> {
    let item = journal::visible(store, iin, id).await?;
    let documents = documents(store, id).await?;
    let document = documents
        .iter()
        .find(|document| document.number == number)
        .ok_or_else(|| Error::not_found("document"))?;
    let clock = region_clock(store, &item.application.pool.region_id).await?;
    Ok(Paper {
        verification: facts(&item.application, document, &documents, &clock, now),
        issued_date: clock.local_date(document.issued_at),
        code: code(key, id, number),
        document: document.clone(),
    })
}

async fn documents(store: &Store, id: &ApplicationId) -> Result<Vec<ReferralDocument>> {
    let items: Vec<DocumentItem> =
        store.query_prefix(&keys::application_pk(id), keys::DOC_PREFIX).await?;
    Ok(items.into_iter().map(|item| item.referral).collect())
}

async fn region_clock(store: &Store, region_id: &str) -> Result<RegionClock> {
    let item: RegionItem =
        store.get(&keys::region(region_id)).await?.ok_or_else(|| Error::not_found("region"))?;
    Ok(item.region.clock)
}

fn facts(
    application: &Application,
    document: &ReferralDocument,
    all: &[ReferralDocument],
    clock: &RegionClock,
    now: Instant,
) -> Verification {
    let latest = all.iter().all(|other| other.issued_at <= document.issued_at);
    let (status, valid_until_at) = status(application, document, latest, now);
    Verification {
        status,
        number: document.number.clone(),
        kindergarten_name_kk: document.kindergarten_name_kk.clone(),
        kindergarten_name_ru: document.kindergarten_name_ru.clone(),
        address: document.address.clone(),
        group_name: document.group_name.clone(),
        language: document.language.clone(),
        issued_at: document.issued_at,
        valid_until_at,
        last_valid_date: clock.local_date(valid_until_at - chrono::Duration::seconds(1)),
    }
}

/// The referral of `document` against the application's state now, with its valid-until
/// (the state's, which counts an extension; the paper's for a referral no longer held).
/// The application holds one referral at a time; one it no longer holds lapsed when the
/// application is stop-listed or removed for lapses and this was its latest referral, and was
/// cancelled (or withdrawn with the application) otherwise.
pub fn status(
    application: &Application,
    document: &ReferralDocument,
    latest: bool,
    now: Instant,
) -> (ReferralStatus, Instant) {
    let held = |issued_at: Instant| issued_at == document.issued_at;
    match &application.state {
        ApplicationState::Referred { referral } if held(referral.issued_at) => {
            let status = if now < referral.valid_until_at {
                ReferralStatus::Valid
            } else {
                ReferralStatus::Lapsed
            };
            (status, referral.valid_until_at)
        }
        ApplicationState::Enrolled { referral, .. } if held(referral.issued_at) => {
            (ReferralStatus::Used, referral.valid_until_at)
        }
        ApplicationState::StopListed { .. }
        | ApplicationState::Removed { reason: RemovalReason::Lapses, .. }
            if latest =>
        {
            (ReferralStatus::Lapsed, document.valid_until_at)
        }
        _ => (ReferralStatus::Cancelled, document.valid_until_at),
    }
}
