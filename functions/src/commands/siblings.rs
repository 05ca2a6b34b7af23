//! Issue 15 item 3: the applicant marks their applications one sibling set
//! (`POST /applications/siblings`). The rules check who may be marked
//! ([`kezek_rules::siblings::check_set`]); one transaction writes the set's item, every member
//! over its version (with an audit event), and — for the members sharing one pool, the ones
//! the turn engine places together under `together_only` — their `siblings` mark, the queue
//! index's copy of it, and their `mark_siblings` entries in that pool's log. Members alone in
//! their pool are in the set (the pages show it) and are placed as any child.

use std::collections::BTreeMap;

use kezek_rules::application::ApplicationId;
use kezek_rules::places::PoolKey;
use kezek_rules::siblings::SIBLINGS_MAX;
use kezek_rules::siblings::{check_set, SiblingCandidate, SiblingRefusal, SiblingSetId};
use kezek_rules::time::Instant;
use kezek_rules::transparency::record;
use serde::{Deserialize, Serialize};

use super::idempotency::or_replay;
use super::{Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::store::items::{ApplicationItem, AuditItem, Keys, SiblingSetItem};
use crate::store::{keys, Role, Store, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiblingsInput {
    pub application_ids: Vec<ApplicationId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiblingsOutput {
    pub sibling_set_id: String,
    pub application_ids: Vec<ApplicationId>,
    /// The members placed together (sharing one pool); empty when none shares a pool.
    pub together: Vec<ApplicationId>,
}

/// The pool whose members are placed together: the one with two or more members (a set of
/// up to four children over two adjacent years has at most one such pool, or it is refused).
fn together_pool(items: &[&ApplicationItem]) -> Result<Option<PoolKey>> {
    let mut per_pool: BTreeMap<(String, i32), usize> = BTreeMap::new();
    for item in items {
        let pool = &item.application.pool;
        *per_pool.entry((pool.region_id.clone(), pool.group_year)).or_default() += 1;
    }
    let shared: Vec<_> = per_pool.into_iter().filter(|(_, count)| *count >= 2).collect();
    match shared.as_slice() {
        [] => Ok(None),
        [((region_id, group_year), _)] => {
            Ok(Some(PoolKey { region_id: region_id.clone(), group_year: *group_year }))
        }
        _ => Err(Error::invalid_field(
            "applicationIds",
            "two year groups of two or more children each: mark each year's children as a set",
        )),
    }
}

/// Marks `input.application_ids` one sibling set of the applicant `iin`.
pub async fn mark(
    store: &Store,
    iin: &str,
    input: &SiblingsInput,
    key: Option<&str>,
    now: Instant,
) -> Result<SiblingsOutput> {
    let count = input.application_ids.len();
    if !(2..=SIBLINGS_MAX).contains(&count) {
        return Err(Error::Siblings(SiblingRefusal::SiblingCount { count }));
    }
    let idempotency = key.map(|key| Idempotency::new(iin, key, input)).transpose()?;
    let result = super::retrying(|| attempt(store, iin, input, idempotency.as_ref(), now)).await;
    or_replay(store, idempotency.as_ref(), result).await
}

async fn attempt(
    store: &Store,
    iin: &str,
    input: &SiblingsInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<SiblingsOutput> {
    let found = store.applications(&input.application_ids).await?;
    let mut items = Vec::with_capacity(input.application_ids.len());
    for id in &input.application_ids {
        // As every read of an application: another family's is refused (R3).
        match found.get(id) {
            Some(item) if item.visible_to(iin) => items.push(item),
            Some(_) => return Err(Error::forbidden("this application is not yours")),
            None => return Err(Error::not_found("application")),
        }
    }
    if items.iter().any(|item| item.sibling_set.is_some()) {
        return Err(Error::Siblings(SiblingRefusal::SiblingAlreadyMarked));
    }
    let candidates: Vec<SiblingCandidate<'_>> = items
        .iter()
        .map(|item| SiblingCandidate {
            application: &item.application,
            applicant_iin: &item.applicant_iin,
        })
        .collect();
    check_set(iin, &candidates).map_err(Error::Siblings)?;
    let pool = together_pool(&items)?;
    let set_id = format!("sib-{}", crate::ids::random_hex(12)?);
    let together: Vec<&ApplicationItem> = items
        .iter()
        .copied()
        .filter(|item| pool.as_ref() == Some(&item.application.pool))
        .collect();

    let mut transaction = match &pool {
        Some(pool) => {
            let (rules, view) = tokio::try_join!(
                RegionRules::load(store, &pool.region_id, now),
                store.load_pool(pool)
            )?;
            let mut log = view.log();
            let marked: Vec<_> = together
                .iter()
                .map(|item| {
                    let mut application = item.application.clone();
                    application.siblings = Some(SiblingSetId(set_id.clone()));
                    application
                })
                .collect();
            let members: Vec<_> = marked.iter().collect();
            for entry in record::siblings_entries(&members, log.counters(), now, &rules.policy)? {
                log.push(&entry, &[])?;
            }
            Transaction::logged(log)
        }
        None => Transaction::new(),
    };
    let table = store.table();
    for item in &items {
        let mut application = item.application.clone();
        application.version += 1;
        if together.iter().any(|member| member.application.id == application.id) {
            application.siblings = Some(SiblingSetId(set_id.clone()));
        }
        let mut after = item.with_application(application);
        after.sibling_set = Some(set_id.clone());
        transaction.put_versioned(Role::Application, table, &after, item.version)?;
        let audit = AuditItem::same_state(&after.application, "mark_siblings", iin, now);
        transaction.put_new(Role::Record, table, &audit)?;
    }
    let output = SiblingsOutput {
        sibling_set_id: set_id.clone(),
        application_ids: input.application_ids.clone(),
        together: together.iter().map(|item| item.application.id.clone()).collect(),
    };
    let set = SiblingSetItem {
        keys: Keys::base(keys::sibling_set(&set_id)),
        set_id,
        applicant_iin: iin.to_owned(),
        members: input.application_ids.clone(),
        together: output.together.clone(),
        marked_at: now,
    };
    transaction.put_new(Role::Record, table, &set)?;
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    store.commit(transaction).await?;
    Ok(output)
}
