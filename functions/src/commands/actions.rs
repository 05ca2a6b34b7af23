//! The actions on one application besides choose and sign: withdraw, extend (R11), cancel
//! (R12) by the applicant or a linked parent; enrol (R13) by staff of the referral's
//! kindergarten; naming and linking the second parent (R3), which also take the next version
//! and write an audit event. Each rules transition is one transaction
//! through [`writes::transition`], with the POST's idempotency record in it.

use kezek_rules::application::{Application, ApplicationId, ApplicationState, Command};
use kezek_rules::time::Instant;
use kezek_rules::transparency::record;
use serde::{Deserialize, Serialize};

use super::idempotency::or_replay;
use super::writes::{self, Logged};
use super::{Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::retry::Again;
use crate::store::applicant_index::{ApplicantIndexItem, Relation};
use crate::store::items::{ApplicationItem, AuditItem};
use crate::store::{PoolLog, PoolView, Role, Store, Transaction};

/// Who acts on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// The submitting applicant or a linked parent (R3).
    Applicant(&'a str),
    /// Staff of a kindergarten (R13).
    Staff(&'a str),
}

impl Actor<'_> {
    /// The idempotency scope and the audit actor.
    fn scope(&self) -> String {
        match self {
            Actor::Applicant(iin) => (*iin).to_owned(),
            Actor::Staff(kindergarten_id) => format!("staff:{kindergarten_id}"),
        }
    }
    fn audit_name(&self) -> String {
        match self {
            Actor::Applicant(iin) => format!("applicant:{iin}"),
            Actor::Staff(kindergarten_id) => format!("staff:{kindergarten_id}"),
        }
    }
}

/// The body of an action POST: the version the client saw (optional If-Match).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActionInput {
    #[serde(default)]
    pub expected_version: Option<u64>,
}

/// R11: the days to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExtendInput {
    pub days: u16,
    #[serde(default)]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutput {
    pub application: Application,
    /// Applications the turn engine offered a released place to afterwards.
    #[serde(default)]
    pub offered: Vec<ApplicationId>,
}

/// What the idempotency key of an action stands for.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ActionRequest<'a> {
    application_id: &'a ApplicationId,
    command: &'a Command,
    expected_version: Option<u64>,
}

pub async fn withdraw(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &ActionInput,
    key: Option<&str>,
    now: Instant,
) -> Result<ActionOutput> {
    act(
        store,
        Actor::Applicant(applicant_iin),
        id,
        Command::Withdraw,
        input.expected_version,
        key,
        now,
    )
    .await
}

pub async fn extend(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &ExtendInput,
    key: Option<&str>,
    now: Instant,
) -> Result<ActionOutput> {
    act(
        store,
        Actor::Applicant(applicant_iin),
        id,
        Command::Extend { days: input.days },
        input.expected_version,
        key,
        now,
    )
    .await
}

pub async fn cancel(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &ActionInput,
    key: Option<&str>,
    now: Instant,
) -> Result<ActionOutput> {
    act(
        store,
        Actor::Applicant(applicant_iin),
        id,
        Command::Cancel,
        input.expected_version,
        key,
        now,
    )
    .await
}

pub async fn enrol(
    store: &Store,
    kindergarten_id: &str,
    id: &ApplicationId,
    input: &ActionInput,
    key: Option<&str>,
    now: Instant,
) -> Result<ActionOutput> {
    act(store, Actor::Staff(kindergarten_id), id, Command::Enrol, input.expected_version, key, now)
        .await
}

/// Applies `command` for `actor`; runs the turn engine when the rules released a place.
pub async fn act(
    store: &Store,
    actor: Actor<'_>,
    id: &ApplicationId,
    command: Command,
    expected_version: Option<u64>,
    key: Option<&str>,
    now: Instant,
) -> Result<ActionOutput> {
    let request = ActionRequest { application_id: id, command: &command, expected_version };
    let idempotency = key.map(|key| Idempotency::new(&actor.scope(), key, &request)).transpose()?;
    let result = super::retrying(|| {
        attempt(store, actor, id, &command, expected_version, idempotency.as_ref(), now)
    })
    .await;
    let (mut output, run_turn_engine) = match result {
        Ok(done) => done,
        Err(error) => (or_replay(store, idempotency.as_ref(), Err(error)).await?, false),
    };
    if run_turn_engine {
        output.offered = super::turn_engine::run(store, &output.application.pool, now).await?;
    }
    Ok(output)
}

/// Staff act only on referrals to their own kindergarten's groups.
fn staff_may_act(kindergarten_id: &str, item: &ApplicationItem, view: &PoolView) -> Result<()> {
    let group_id = match &item.application.state {
        ApplicationState::Referred { referral } | ApplicationState::Enrolled { referral, .. } => {
            &referral.group_id
        }
        _ => {
            return Err(Error::forbidden("the application holds no referral to this kindergarten"))
        }
    };
    match view.group(group_id) {
        Some(group) if group.kindergarten_id == kindergarten_id => Ok(()),
        _ => Err(Error::forbidden("the referral is to another kindergarten")),
    }
}

async fn attempt(
    store: &Store,
    actor: Actor<'_>,
    id: &ApplicationId,
    command: &Command,
    expected_version: Option<u64>,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<(ActionOutput, bool)> {
    let item = store.application(id).await?;
    if let Actor::Applicant(iin) = actor {
        if !item.visible_to(iin) {
            return Err(Error::forbidden("this application is not yours"));
        }
    }
    let rules = RegionRules::load(store, &item.application.pool.region_id, now).await?;
    let view = store.load_pool(&item.application.pool).await?;
    if let Actor::Staff(kindergarten_id) = actor {
        staff_may_act(kindergarten_id, &item, &view)?;
    }
    if let Some(expected) = expected_version {
        item.application.check_version(expected)?;
    }
    let transition = item.application.apply(command, &view.pool, &rules.context())?;
    let output = ActionOutput { application: transition.application.clone(), offered: Vec::new() };
    let table = store.table();
    let mut transaction = Transaction::logged(view.log());
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    let logged = Logged::new(command, &rules.policy);
    writes::transition(&mut transaction, table, &item, &transition, logged, &actor.audit_name())?;
    store.commit(transaction).await?;
    Ok((output, transition.effects.run_turn_engine))
}

/// R3: who may see an application besides its submitter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkOutput {
    pub application_id: ApplicationId,
    pub second_parent_iin: Option<String>,
    pub linked_iins: Vec<String>,
}

impl LinkOutput {
    fn of(item: &ApplicationItem) -> Self {
        Self {
            application_id: item.application.id.clone(),
            second_parent_iin: item.second_parent_iin.clone(),
            linked_iins: item.linked_iins.clone(),
        }
    }
}

/// R3, first half: the submitting applicant names the other parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecondParentInput {
    pub second_parent_iin: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkRequest<'a> {
    application_id: &'a ApplicationId,
    action: &'static str,
    second_parent_iin: Option<&'a str>,
}

/// The application with other people (R3): no rules transition, but a change like every
/// other: the next version, written over the expected one, with its audit event.
struct PeopleChange {
    after: ApplicationItem,
    audit: AuditItem,
    /// The pool log's entry of a link (naming the second parent is not logged: it says who
    /// may see the application, which the public log never tells).
    log: Option<PoolLog>,
}

impl PeopleChange {
    fn of(
        before: &ApplicationItem,
        command: &str,
        actor_iin: &str,
        now: Instant,
        change: impl FnOnce(&mut ApplicationItem),
    ) -> Self {
        let mut application = before.application.clone();
        application.version += 1;
        let mut after = before.with_application(application);
        change(&mut after);
        let audit = AuditItem::same_state(&after.application, command, actor_iin, now);
        Self { audit, after, log: None }
    }
}

/// Writes the application's people over its version, with the audit event.
async fn write_people(
    store: &Store,
    before: &ApplicationItem,
    change: &PeopleChange,
    index: Option<&ApplicantIndexItem>,
    idempotency: Option<&Idempotency>,
    output: &LinkOutput,
    now: Instant,
) -> Result<()> {
    let table = store.table();
    let mut transaction = match &change.log {
        Some(log) => Transaction::logged(log.clone()),
        None => Transaction::new(),
    };
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, output, now)?;
    }
    transaction.put_versioned(Role::Application, table, &change.after, before.version)?;
    transaction.put_new(Role::Record, table, &change.audit)?;
    if let Some(index) = index {
        transaction.put_new(Role::Record, table, index)?;
    }
    store.commit(transaction).await
}

/// Retries a people write that lost against a transition (`version_conflict`) on a fresh read.
async fn with_fresh_reads<F, Fut>(attempt: F) -> Result<LinkOutput>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<LinkOutput>>,
{
    let again = |error: &Error| match error {
        Error::Condition(Role::Application) => Again::Now,
        other => super::command_again(other),
    };
    crate::retry::run(again, attempt).await
}

pub async fn name_second_parent(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &SecondParentInput,
    key: Option<&str>,
    now: Instant,
) -> Result<LinkOutput> {
    super::enqueue::second_parent(applicant_iin, &input.second_parent_iin)?;
    let request = LinkRequest {
        application_id: id,
        action: "name_second_parent",
        second_parent_iin: Some(&input.second_parent_iin),
    };
    let idempotency = key.map(|key| Idempotency::new(applicant_iin, key, &request)).transpose()?;
    let result = with_fresh_reads(|| async {
        let item = store.application(id).await?;
        if item.applicant_iin != applicant_iin {
            return Err(Error::forbidden(
                "only the applicant who submitted the application names the second parent",
            ));
        }
        if item.linked_iins.iter().any(|linked| linked != &input.second_parent_iin) {
            return Err(Error::SecondParentLinked);
        }
        let change = PeopleChange::of(&item, "name_second_parent", applicant_iin, now, |after| {
            after.second_parent_iin = Some(input.second_parent_iin.clone())
        });
        let output = LinkOutput::of(&change.after);
        write_people(store, &item, &change, None, idempotency.as_ref(), &output, now).await?;
        Ok(output)
    })
    .await;
    or_replay(store, idempotency.as_ref(), result).await
}

/// R3, second half: the named parent links the application to their own account.
pub async fn link(
    store: &Store,
    iin: &str,
    id: &ApplicationId,
    key: Option<&str>,
    now: Instant,
) -> Result<LinkOutput> {
    let request = LinkRequest { application_id: id, action: "link", second_parent_iin: None };
    let idempotency = key.map(|key| Idempotency::new(iin, key, &request)).transpose()?;
    let result = with_fresh_reads(|| async {
        let item = store.application(id).await?;
        if item.second_parent_iin.as_deref() != Some(iin) {
            return Err(Error::forbidden(
                "only the parent the applicant named can link this application",
            ));
        }
        if item.linked_iins.iter().any(|linked| linked == iin) {
            return Ok(LinkOutput::of(&item));
        }
        let mut change = PeopleChange::of(&item, "link", iin, now, |after| {
            after.linked_iins.push(iin.to_owned())
        });
        let pool = &item.application.pool;
        let (rules, view) = tokio::try_join!(
            RegionRules::load(store, &pool.region_id, now),
            store.load_pool(pool)
        )?;
        let mut log = view.log();
        let entry =
            record::link_entry(&change.after.application, log.counters(), now, &rules.policy)?;
        log.push(&entry, &[])?;
        change.log = Some(log);
        let output = LinkOutput::of(&change.after);
        let index = ApplicantIndexItem::new(iin, id.clone(), Relation::Linked, now);
        write_people(store, &item, &change, Some(&index), idempotency.as_ref(), &output, now)
            .await?;
        Ok(output)
    })
    .await;
    or_replay(store, idempotency.as_ref(), result).await
}
