//! Enqueue (seed steps 1–2, R1): one active application per child, idempotent.

use chrono::Datelike;
use kezek_rules::application::{self, Application, ApplicationId, EnqueueRequest, Priority};
use kezek_rules::iin::Iin;
use kezek_rules::places::PoolKey;
use kezek_rules::time::Instant;
use kezek_rules::transparency::record;
use serde::{Deserialize, Serialize};

use super::idempotency::or_replay;
use super::{Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::ids;
use crate::store::applicant_index::{ApplicantIndexItem, Relation};
use crate::store::items::{ApplicationItem, AuditItem, ChildItem, Keys};
use crate::store::tally::Movement;
use crate::store::{keys, Role, Store, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnqueueInput {
    pub region_id: String,
    pub child_iin: String,
    pub priority: Priority,
    /// R3: the other parent, who may then link the application to their account.
    #[serde(default)]
    pub second_parent_iin: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnqueueOutput {
    pub application: Application,
}

/// Puts the child in the queue of its pool. Refusals: the rules' (region not served, IIN,
/// age), `duplicate_application`; a repeat with the same idempotency key returns the first result.
///
/// `applicant_iin` is the session's identity and is not checked again here: the login verified
/// it under the stage's subject rules (a production stage accepts only IINs with a valid check
/// digit; a test stage also NCA's test subjects such as `IIN123456789011`), and the session
/// token is the service's own HMAC. The child's IIN and the second parent's are checked fully.
pub async fn enqueue(
    store: &Store,
    applicant_iin: &str,
    input: &EnqueueInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<EnqueueOutput> {
    if let Some(second) = &input.second_parent_iin {
        second_parent(applicant_iin, second)?;
    }
    let idempotency =
        idempotency_key.map(|key| Idempotency::new(applicant_iin, key, input)).transpose()?;
    let result =
        super::retrying(|| attempt(store, applicant_iin, input, idempotency.as_ref(), now)).await;
    or_replay(store, idempotency.as_ref(), result).await
}

/// R3: the second parent is a valid IIN of another person than the applicant; enqueue and the
/// second-parent route check it the same way.
pub(crate) fn second_parent(applicant_iin: &str, second_parent_iin: &str) -> Result<()> {
    Iin::parse(second_parent_iin)?;
    if second_parent_iin == applicant_iin {
        return Err(Error::invalid_field(
            "secondParentIin",
            "the second parent is another person than the applicant",
        ));
    }
    Ok(())
}

async fn attempt(
    store: &Store,
    applicant_iin: &str,
    input: &EnqueueInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<EnqueueOutput> {
    // The pool's log head is read beside the region's rules (the pool follows from the
    // child's IIN; the rules' enqueue below refuses an IIN that does not parse).
    let pool = Iin::parse(&input.child_iin).ok().map(|iin| PoolKey {
        region_id: input.region_id.clone(),
        group_year: iin.birth_date.year(),
    });
    let (rules, view) = tokio::try_join!(RegionRules::load(store, &input.region_id, now), async {
        match &pool {
            Some(pool) => store.load_pool(pool).await.map(Some),
            None => Ok(None),
        }
    })?;
    let request = EnqueueRequest {
        application_id: ApplicationId(ids::application_id()?),
        child_iin: input.child_iin.clone(),
        priority: input.priority,
    };
    let (application, audit) = application::enqueue(request, &rules.region, &rules.policy, now)?;
    let table = store.table();
    let item = ApplicationItem::new(
        application.clone(),
        applicant_iin.to_owned(),
        input.second_parent_iin.clone(),
        Vec::new(),
    );
    let view = match view {
        Some(view) if view.pool.key == application.pool => view,
        _ => store.load_pool(&application.pool).await?,
    };
    let mut log = view.log();
    let entry = record::enqueue_entry(&application, log.counters(), &rules.policy)?;
    log.push(&entry, &[])?;
    let output = EnqueueOutput { application };
    let mut transaction = Transaction::logged(log);
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    let child = ChildItem {
        keys: Keys::base(keys::child(&item.application.child_iin)),
        application_id: item.application.id.clone(),
    };
    transaction.put_new(Role::Child, table, &child)?;
    transaction.put_new(Role::Application, table, &item)?;
    if let Some(entry) = &item.queue {
        transaction.tally(table, &item.application.pool, entry, Movement::Joins)?;
    }
    let audit = AuditItem {
        keys: Keys::base(keys::application_audit(&item.application.id, item.version)),
        event: audit,
        actor: format!("applicant:{applicant_iin}"),
    };
    transaction.put_new(Role::Record, table, &audit)?;
    let index = ApplicantIndexItem::new(
        applicant_iin,
        item.application.id.clone(),
        Relation::Submitted,
        now,
    );
    transaction.put_new(Role::Record, table, &index)?;
    store.commit(transaction).await?;
    Ok(output)
}
