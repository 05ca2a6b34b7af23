//! Choose (seed steps 8–11, R4/R7/R8): the applicant picks a group; the server answers with
//! the exact canonical bytes to sign, bound to a one-time nonce and an expiry. With the nonce
//! it stores the basis `sign` needs (application, pool, group, rules of the day).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use kezek_rules::application::{ApplicationId, Command};
use kezek_rules::calendar::{CalendarYear, WorkingCalendar};
use kezek_rules::places::GroupId;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::choose_reads::{choice_reads, ChoiceReads, Read};
use super::Idempotency;
use crate::error::{Error, Result};
use crate::ids;
use crate::store::items::{ApplicationItem, ChoiceBasisItem, Keys, NonceItem};
use crate::store::{keys, Role, Store, Transaction};

/// How long issued bytes may be signed.
pub const CHOICE_TTL_MINUTES: i64 = 15;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChooseInput {
    pub application_id: ApplicationId,
    pub group_id: GroupId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChooseOutput {
    pub nonce: String,
    /// The bytes to sign, as text (UTF-8) and as base64 (what NCALayer takes).
    pub signed_text: String,
    pub signed_base64: String,
    pub expires_at: Instant,
    pub application_version: u64,
}

/// The canonical text of a choice: fixed field order, one `name: value` per line.
pub fn canonical_choice(
    application: &ApplicationId,
    group: &GroupId,
    kindergarten_id: &str,
    applicant_iin: &str,
    nonce: &str,
    expires_at: Instant,
) -> String {
    format!(
        "kezek choice v1\napplication: {}\ngroup: {}\nkindergarten: {kindergarten_id}\napplicant: {applicant_iin}\nnonce: {nonce}\nexpires: {}\n",
        application.0,
        group.0,
        keys::instant_key(expires_at)
    )
}

/// Loads the application for `applicant_iin`, refusing anyone else (R3).
pub(crate) async fn own_application(
    store: &Store,
    id: &ApplicationId,
    applicant_iin: &str,
) -> Result<ApplicationItem> {
    let item = store.application(id).await?;
    if !item.visible_to(applicant_iin) {
        return Err(Error::forbidden("this application is not yours"));
    }
    Ok(item)
}

/// The years of `calendar` that are not the built-in ones (loaded by operators).
pub(crate) fn loaded_years(calendar: &WorkingCalendar) -> Vec<CalendarYear> {
    let built_in = WorkingCalendar::kazakhstan();
    calendar
        .years()
        .into_iter()
        .filter_map(|year| {
            calendar.year_data(year).filter(|data| built_in.year_data(year) != Some(*data)).cloned()
        })
        .collect()
}

/// The calendar `loaded_years` were taken from: the built-in one with them laid over it.
pub(crate) fn calendar_with(years: &[CalendarYear]) -> Result<WorkingCalendar> {
    let (calendar, refused) = kezek_rules::context::calendar_with_years(years.iter().cloned());
    match refused.into_iter().next() {
        Some((_, error)) => Err(error.into()),
        None => Ok(calendar),
    }
}

/// Issues the bytes to sign for the choice of `input.group_id` (no idempotency key).
pub async fn choose(
    store: &Store,
    applicant_iin: &str,
    input: &ChooseInput,
    now: Instant,
) -> Result<ChooseOutput> {
    issue(store, applicant_iin, input, None, now).await
}

/// `POST /applications/{id}/choose` with its idempotency key: the key's record is read in
/// choose's one read and written in its one transaction; a repeat gets the first result.
pub async fn choose_once(
    store: &Store,
    applicant_iin: &str,
    input: &ChooseInput,
    idempotency_key: &str,
    now: Instant,
) -> Result<ChooseOutput> {
    let idempotency = Idempotency::new(applicant_iin, idempotency_key, &("choose", input))?;
    match issue(store, applicant_iin, input, Some(&idempotency), now).await {
        // The same key committed by a concurrent repeat first: its result.
        Err(error @ Error::Condition(Role::Idempotency)) => {
            idempotency.replay(store).await?.ok_or(error)
        }
        done => done,
    }
}

async fn issue(
    store: &Store,
    applicant_iin: &str,
    input: &ChooseInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<ChooseOutput> {
    // One read once this process knows the group's pool (`choose_reads`), then one transaction.
    let reads = choice_reads(
        store,
        &input.application_id,
        &input.group_id,
        applicant_iin,
        idempotency,
        now,
    )
    .await?;
    let ChoiceReads { item, rules, view } = match reads {
        Read::Replay(first) => return Ok(*first),
        Read::Basis(reads) => *reads,
    };
    // Ask the rules whether signing this choice would be allowed now (R4); nothing is written.
    item.application.apply(
        &Command::Sign { group_id: input.group_id.clone() },
        &view.pool,
        &rules.context(),
    )?;
    let group = view
        .group(&input.group_id)
        .ok_or_else(|| Error::internal("the rules accepted a group the pool lacks"))?;
    let nonce = ids::nonce()?;
    let expires_at = now + Duration::minutes(CHOICE_TTL_MINUTES);
    let signed_text = canonical_choice(
        &input.application_id,
        &input.group_id,
        &group.kindergarten_id,
        applicant_iin,
        &nonce,
        expires_at,
    );
    let output = ChooseOutput {
        signed_base64: STANDARD.encode(signed_text.as_bytes()),
        signed_text,
        nonce,
        expires_at,
        application_version: item.version,
    };
    let mut transaction = Transaction::new();
    transaction.put_new(Role::Nonce, store.table(), &nonce_item(&output, input, applicant_iin))?;
    // What `sign` needs, as read here: it signs on this basis with one read and one transaction.
    let basis = ChoiceBasisItem {
        keys: Keys::base(keys::choice_basis(&output.nonce)),
        application: item.clone(),
        pool: view.pool.clone(),
        group: group.clone(),
        region: rules.region.clone(),
        policy: rules.policy.clone(),
        local_date: rules.region.clock.local_date(now),
        calendar_years: loaded_years(&rules.calendar),
        log_size: view.log_size,
    };
    transaction.put_new(Role::Record, store.table(), &basis)?;
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, store.table(), &output, now)?;
    }
    store.commit(transaction).await?;
    Ok(output)
}

/// The one-time nonce of `output`, bound to the application, group and applicant.
fn nonce_item(output: &ChooseOutput, input: &ChooseInput, applicant_iin: &str) -> NonceItem {
    NonceItem {
        keys: Keys::base(keys::choice_nonce(&output.nonce)),
        nonce: output.nonce.clone(),
        application_id: input.application_id.clone(),
        group_id: input.group_id.clone(),
        applicant_iin: applicant_iin.to_owned(),
        expires_at: output.expires_at,
        signed_text: output.signed_text.clone(),
        used_at: None,
    }
}
