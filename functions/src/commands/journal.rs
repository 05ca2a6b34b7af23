//! Reads of an applicant (R3): the journal of their own and linked applications, and one
//! application's details — state, queue position (the rules' queue order), eligibility with
//! reasons and dates (R4), deadlines, documents.

use kezek_rules::application::{Application, ApplicationDeadlines, ApplicationId};
use kezek_rules::eligibility::Eligibility;
use kezek_rules::queue::{queue_position, QueueEntry, QueuePosition};
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::context::RegionBook;
use crate::error::{Error, Result};
use crate::store::applicant_index::{self, ApplicantIndexItem, Relation};
use crate::store::items::{ApplicationItem, DocumentItem, ReferralDocument};
use crate::store::{keys, Store};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    pub relation: Relation,
    pub application: Application,
}

/// The caller's applications: submitted and linked, oldest first.
pub async fn journal(store: &Store, iin: &str) -> Result<Vec<JournalEntry>> {
    let index: Vec<ApplicantIndexItem> = store
        .query_prefix(&applicant_index::applicant_pk(iin), applicant_index::APP_PREFIX)
        .await?;
    let mut entries = Vec::with_capacity(index.len());
    for line in index {
        let Some(item) =
            store.get::<ApplicationItem>(&keys::application(&line.application_id)).await?
        else {
            continue;
        };
        if item.visible_to(iin) {
            entries.push(JournalEntry { relation: line.relation, application: item.application });
        }
    }
    entries.sort_by(|a, b| {
        a.application
            .registered_at
            .cmp(&b.application.registered_at)
            .then_with(|| a.application.id.cmp(&b.application.id))
    });
    Ok(entries)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub application: Application,
    pub applicant_iin: String,
    pub second_parent_iin: Option<String>,
    pub linked_iins: Vec<String>,
    /// While the application waits in the queue: applications ahead of it, in the rules' order.
    pub position: Option<QueuePosition>,
    /// R4: may the applicant choose now, and every reason not, with its end date.
    pub eligibility: Eligibility,
    pub deadlines: ApplicationDeadlines,
    pub documents: Vec<ReferralDocument>,
}

/// The application `id` as `iin` may see it (R3): refused to anyone else.
pub async fn visible(store: &Store, iin: &str, id: &ApplicationId) -> Result<ApplicationItem> {
    let item = store.application(id).await?;
    if !item.visible_to(iin) {
        return Err(Error::forbidden("this application is not yours"));
    }
    Ok(item)
}

pub async fn details(
    store: &Store,
    iin: &str,
    id: &ApplicationId,
    now: Instant,
) -> Result<Details> {
    let item = visible(store, iin, id).await?;
    let application = &item.application;
    // One context: the calendar with the operators' years and the policy of each event.
    let region = RegionBook::load(store, &application.pool.region_id, now).await?;
    let book = region.book();
    let view = store.load_pool(&application.pool).await?;
    let position = match QueueEntry::of(application) {
        Some(_) => {
            let queue = store.read_queue(&application.pool).await?;
            // The index may lag a just-written change by a moment: no position then.
            let ratio = book.policy_at(now)?.priority_ratio;
            queue_position(&queue.entries, &application.id, ratio).ok()
        }
        None => None,
    };
    let eligibility = book.eligibility(application, &view.pool, now)?;
    let deadlines = book.deadlines(&application.state, now)?;
    let documents = documents(store, id).await?;
    Ok(Details {
        application: item.application.clone(),
        applicant_iin: item.applicant_iin.clone(),
        second_parent_iin: item.second_parent_iin.clone(),
        linked_iins: item.linked_iins.clone(),
        position,
        eligibility,
        deadlines,
        documents,
    })
}

async fn documents(store: &Store, id: &ApplicationId) -> Result<Vec<ReferralDocument>> {
    let items: Vec<DocumentItem> =
        store.query_prefix(&keys::application_pk(id), keys::DOC_PREFIX).await?;
    Ok(items.into_iter().map(|item| item.referral).collect())
}

/// One referral document of a visible application (JSON download).
pub async fn document(
    store: &Store,
    iin: &str,
    id: &ApplicationId,
    number: &str,
) -> Result<ReferralDocument> {
    visible(store, iin, id).await?;
    documents(store, id)
        .await?
        .into_iter()
        .find(|document| document.number == number)
        .ok_or_else(|| Error::not_found("document"))
}
