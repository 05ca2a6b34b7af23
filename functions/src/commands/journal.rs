//! Reads of an applicant (R3): the journal of their own and linked applications, and one
//! application's details — state, queue position (the rules' queue order), eligibility with
//! reasons and dates (R4), deadlines, documents.

use kezek_rules::application::{Application, ApplicationDeadlines, ApplicationId};
use kezek_rules::eligibility::Eligibility;
use kezek_rules::queue::position::tallied_position;
use kezek_rules::queue::{QueueEntry, QueuePosition};
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::context::RegionBook;
use crate::error::{Error, Result};
use crate::store::applicant_index::{self, ApplicantIndexItem, Relation};
use crate::store::items::{ApplicationItem, DocumentItem, ReferralDocument, RegionItem};
use crate::store::reads::from_item;
use crate::store::tally;
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
    /// The sibling set the applicant marked this application in (issue 15), if any.
    pub sibling_set_id: Option<String>,
}

/// The application `id` as `iin` may see it (R3): refused to anyone else.
pub async fn visible(store: &Store, iin: &str, id: &ApplicationId) -> Result<ApplicationItem> {
    let item = store.application(id).await?;
    if !item.visible_to(iin) {
        return Err(Error::forbidden("this application is not yours"));
    }
    Ok(item)
}

/// One application's details in three round trips whatever the pool's size: the application;
/// one BatchGetItem of the region, the pool's queue tally (when it waits) and its documents;
/// one Query of the pool's counters and groups (R4 needs the groups with free places).
pub async fn details(
    store: &Store,
    iin: &str,
    id: &ApplicationId,
    now: Instant,
) -> Result<Details> {
    let item = visible(store, iin, id).await?;
    let application = &item.application;
    let region_key = keys::region(&application.pool.region_id);
    let entry = QueueEntry::of(application);
    let document_keys: Option<Vec<keys::Key>> = item
        .documents
        .as_ref()
        .map(|numbers| numbers.iter().map(|n| keys::referral_document(id, n)).collect());
    let mut wanted = vec![region_key.clone()];
    if let Some(entry) = &entry {
        wanted.extend(tally::position_keys(&application.pool, entry));
    }
    wanted.extend(document_keys.iter().flatten().cloned());
    let mut found = store.batch_get(&wanted).await?;
    let region_item: RegionItem =
        from_item(found.remove(&region_key).ok_or_else(|| Error::not_found("region"))?)?;
    // One context: the calendar with the operators' years and the policy of each event.
    let region = RegionBook::of(store, region_item, now).await?;
    let book = region.book();
    let view = store.load_pool(&application.pool).await?;
    let position = match &entry {
        Some(entry) => {
            // A pool whose tally was not built yet, or not in its month shape (see
            // `Store::rebuild_tally`): no position.
            match tally::class_tally(&found, &application.pool, entry)? {
                Some(tally) => tallied_position(tally, book.policy_at(now)?.priority_ratio).ok(),
                None => None,
            }
        }
        None => None,
    };
    let documents = match document_keys {
        Some(keys) => {
            let mut listed = keys
                .iter()
                .filter_map(|key| found.remove(key))
                .map(|raw| from_item::<DocumentItem>(raw).map(|item| item.referral))
                .collect::<Result<Vec<_>>>()?;
            // In the order of their keys, as the partition's Query gives them.
            listed.sort_by(|a, b| a.number.cmp(&b.number));
            listed
        }
        None => documents(store, id).await?,
    };
    Ok(Details {
        eligibility: book.eligibility(application, &view.pool, now)?,
        deadlines: book.deadlines(&application.state, now)?,
        application: item.application.clone(),
        applicant_iin: item.applicant_iin.clone(),
        second_parent_iin: item.second_parent_iin.clone(),
        linked_iins: item.linked_iins.clone(),
        position,
        documents,
        sibling_set_id: item.sibling_set.clone(),
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
