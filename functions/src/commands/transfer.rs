//! Transfers between kindergartens (issue 15, item 2), thin over the rules
//! (`kezek_rules::application::TransferRequest`, `kezek_rules::turn_transfers`): request,
//! withdraw, the turn engine's transfer offers, choose and sign, and the sweep's expiry.
//! Every change is one transaction with its log entry (`transparency::record::transfer_entry`)
//! and its notice; signing writes the new referral (the application, enrolled in the new
//! group), the place taken in the new group and the old place released in **one**
//! `TransactWriteItems`: the new group's `free >= 1` and the pool's `offered >= 1` are its
//! conditions, so when someone else took the place meanwhile nothing is written and the
//! answer is `transfer_place_taken`; the child keeps its place.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_rules::application::{
    ApplicationId, KindergartenId, Notice, NoticeKind, TransferChange, TransferRefusal,
    TransferRequest, TransferState,
};
use kezek_rules::places::{GroupId, PoolKey};
use kezek_rules::time::Instant;
use kezek_rules::transparency::entry::EntryKind;
use kezek_rules::transparency::record::transfer_entry;
use kezek_rules::turn_transfers::transfer_offers;
use serde::{Deserialize, Serialize};

use super::choose::own_application;
use super::idempotency::{or_replay, Idempotency};
use super::RegionRules;
use crate::error::{Error, Result};
use crate::signature::{SignatureVerifier, SignedChoice};
use crate::store::items::{
    ApplicationItem, AuditItem, DocumentItem, GroupItem, Keys, KindergartenItem, NoticeItem,
    ReferralDocument,
};
use crate::store::moves::{MoveGroup, MoveListing, MoveListingItem, MoveSide};
use crate::store::transfers::TransferItem;
use crate::store::{keys, PoolView, Role, Store, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferInput {
    /// Kindergartens of the application's region, best first (1..=3).
    pub kindergartens: Vec<KindergartenId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferChooseInput {
    pub group_id: GroupId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferChooseOutput {
    /// The bytes to sign, as text and as base64 (what NCALayer takes); bound to this offer.
    pub signed_text: String,
    pub signed_base64: String,
    pub expires_at: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TransferSignInput {
    pub group_id: GroupId,
    pub signature: SignedChoice,
}

/// The canonical text of a transfer choice: fixed field order, one `name: value` per line;
/// the offer's deadline makes it valid for this one offer only.
pub fn canonical_transfer(
    application: &ApplicationId,
    group: &GroupId,
    kindergarten_id: &str,
    applicant_iin: &str,
    offer_expires_at: Instant,
) -> String {
    format!(
        "kezek transfer v1\napplication: {}\ngroup: {}\nkindergarten: {kindergarten_id}\napplicant: {applicant_iin}\noffer expires: {}\n",
        application.0,
        group.0,
        keys::instant_key(offer_expires_at)
    )
}

/// The kindergarten of each group of the pool, as the pool's groups name them.
/// What an idempotency key of a transfer POST stands for: the application, the command and
/// its body (a key used for another request is refused, `idempotency_key_reused`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Called<'a, T: Serialize> {
    application_id: &'a ApplicationId,
    command: &'static str,
    input: &'a T,
}

impl<T: Serialize> Called<'_, T> {
    fn idempotency(
        applicant_iin: &str,
        key: Option<&str>,
        application_id: &ApplicationId,
        command: &'static str,
        input: &T,
    ) -> Result<Option<Idempotency>> {
        let called = Called { application_id, command, input };
        key.map(|key| Idempotency::new(applicant_iin, key, &called)).transpose()
    }
}

fn kindergarten_of(view: &PoolView) -> impl Fn(&GroupId) -> Option<KindergartenId> + '_ {
    move |group_id| view.group(group_id).map(|g| KindergartenId(g.kindergarten_id.clone()))
}

/// The parts of a change written with every transfer transaction: the request over the
/// version read, its log entry with the moves, the notice.
struct Write<'a> {
    item: &'a ApplicationItem,
    before: Option<&'a TransferItem>,
    change: &'a TransferChange,
    kind: EntryKind,
    notice: Option<NoticeKind>,
}

fn add_change(
    transaction: &mut Transaction,
    table: &str,
    rules: &RegionRules,
    write: &Write<'_>,
) -> Result<()> {
    let after = TransferItem::new(write.change.request.clone(), &write.item.applicant_iin);
    transaction.put_transfer(table, write.before, &after)?;
    let application = write.change.application.as_ref().unwrap_or(&write.item.application);
    let log = transaction.log_mut()?;
    let entry = transfer_entry(
        application,
        write.kind,
        &write.change.places,
        log.counters(),
        rules.now,
        &rules.policy,
    )?;
    log.push(&entry, &write.change.places)?;
    if let Some(kind) = &write.notice {
        let request = &write.change.request;
        let notice_id = format!("{}-t{}", request.application_id.0, request.version);
        let notice = Notice { application_id: request.application_id.clone(), kind: kind.clone() };
        let item =
            NoticeItem::pending(notice_id, notice, write.item.applicant_iin.clone(), rules.now);
        transaction.put_new(Role::Record, table, &item)?;
    }
    Ok(())
}

/// `POST /applications/{id}/transfer`: an enrolled child's applicant asks for a transfer.
pub async fn request_transfer(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &TransferInput,
    key: Option<&str>,
    now: Instant,
) -> Result<TransferRequest> {
    let idempotency = Called::idempotency(applicant_iin, key, id, "transfer_request", input)?;
    let result = super::retrying(|| async {
        let item = own_application(store, id, applicant_iin).await?;
        let pool_key = item.application.pool.clone();
        let view = store.load_pool(&pool_key).await?;
        let current = current_kindergarten(&item, &view)?;
        let region: Vec<KindergartenItem> =
            store.list(&keys::kindergartens_of_region(&pool_key.region_id)).await?;
        let in_region = |k: &KindergartenId| region.iter().any(|r| r.kindergarten.id == k.0);
        let before = store.transfer(id).await?;
        let open = before.as_ref().map(|b| &b.request);
        let mut request = TransferRequest::new(
            &item.application,
            &current,
            &input.kindergartens,
            &in_region,
            open,
            now,
        )?;
        request.version = before.as_ref().map_or(0, |b| b.version + 1);
        let change = TransferChange {
            request,
            application: None,
            places: Vec::new(),
            run_turn_engine: false,
        };
        let rules = RegionRules::load(store, &pool_key.region_id, now).await?;
        let mut transaction = Transaction::logged(view.log());
        transaction.check_version(
            Role::Application,
            store.table(),
            &keys::application(id),
            item.version,
        )?;
        let write = Write {
            item: &item,
            before: before.as_ref(),
            change: &change,
            kind: EntryKind::TransferRequest,
            notice: None,
        };
        add_change(&mut transaction, store.table(), &rules, &write)?;
        if let Some(idempotency) = &idempotency {
            idempotency.put(&mut transaction, store.table(), &change.request, now)?;
        }
        store.commit(transaction).await?;
        Ok(change.request)
    })
    .await;
    or_replay(store, idempotency.as_ref(), result).await
}

/// The kindergarten of the enrolled child's place (refused when not enrolled).
fn current_kindergarten(item: &ApplicationItem, view: &PoolView) -> Result<KindergartenId> {
    current_group(item, view).map(|group| KindergartenId(group.kindergarten_id.clone()))
}

/// The group of the enrolled child's place (refused when not enrolled).
fn current_group<'a>(item: &ApplicationItem, view: &'a PoolView) -> Result<&'a GroupItem> {
    let kezek_rules::application::ApplicationState::Enrolled { referral, .. } =
        &item.application.state
    else {
        return Err(TransferRefusal::NotEnrolled.into());
    };
    view.group(&referral.group_id)
        .ok_or_else(|| Error::internal("an enrolled child's group is not in its pool"))
}

/// `GET /applications/{id}/transfer`: the application's latest transfer request (open or
/// final), to the applicant or a linked parent; `None` when it never asked for one.
pub async fn view_transfer(
    store: &Store,
    iin: &str,
    id: &ApplicationId,
) -> Result<Option<TransferRequest>> {
    own_application(store, id, iin).await?;
    Ok(store.transfer(id).await?.map(|item| item.request))
}

/// `POST /applications/{id}/transfer/withdraw`: at any time while open; an offered place
/// goes back to the pool, and the turn engine runs for it.
pub async fn withdraw_transfer(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    key: Option<&str>,
    now: Instant,
) -> Result<TransferRequest> {
    let idempotency = Called::idempotency(applicant_iin, key, id, "transfer_withdraw", &())?;
    let result = super::retrying(|| async {
        let item = own_application(store, id, applicant_iin).await?;
        let before = store.transfer(id).await?.ok_or(TransferRefusal::TransferNotOpen)?;
        let change = before.request.withdraw(now)?;
        let pool_key = item.application.pool.clone();
        let view = store.load_pool(&pool_key).await?;
        let rules = RegionRules::load(store, &pool_key.region_id, now).await?;
        let mut transaction = Transaction::logged(view.log());
        let write = Write {
            item: &item,
            before: Some(&before),
            change: &change,
            kind: EntryKind::TransferWithdraw,
            notice: None,
        };
        add_change(&mut transaction, store.table(), &rules, &write)?;
        if let Some(idempotency) = &idempotency {
            idempotency.put(&mut transaction, store.table(), &change.request, now)?;
        }
        store.commit(transaction).await?;
        Ok((change.request, change.run_turn_engine))
    })
    .await;
    // A repeat answers the first result; its turn engine ran after the first.
    let (request, run_engine) = match result {
        Ok(done) => done,
        Err(error) => (or_replay(store, idempotency.as_ref(), Err(error)).await?, false),
    };
    if run_engine {
        super::turn_engine::run(store, &request.pool, now).await?;
    }
    Ok(request)
}

/// The transfer queue's offers for `pool_key`: the waiting requests, in request order, that
/// a group of one of their kindergartens has a free place for, while the pool has unreserved
/// places (`turn_transfers`). Returns whom. A request another writer changed meanwhile, or a
/// pool that moved, ends the run (the next run picks it up).
pub async fn offer_transfers(
    store: &Store,
    rules: &RegionRules,
    pool_key: &PoolKey,
) -> Result<Vec<ApplicationId>> {
    let open = store.open_transfers(pool_key).await?;
    if !open.iter().any(|item| item.request.state == TransferState::Waiting) {
        return Ok(Vec::new());
    }
    let mut view = store.load_pool(pool_key).await?;
    let requests: Vec<TransferRequest> = open.iter().map(|item| item.request.clone()).collect();
    let chosen = transfer_offers(
        &requests,
        &view.pool,
        view.pool.counters.unreserved,
        &kindergarten_of(&view),
    );
    let mut offered = Vec::new();
    for index in chosen {
        let before = &open[index];
        let Ok(change) = before.request.offer(&view.pool, &rules.context()) else { break };
        let item = store.application(&before.request.application_id).await?;
        let expires_at = change.request.due_at().ok_or_else(|| Error::internal("an offer"))?;
        let mut transaction = Transaction::logged(view.log());
        let write = Write {
            item: &item,
            before: Some(before),
            change: &change,
            kind: EntryKind::TransferOffer,
            notice: Some(NoticeKind::TransferOffered { expires_at }),
        };
        add_change(&mut transaction, store.table(), rules, &write)?;
        let log = transaction.log().cloned().ok_or_else(|| Error::internal("the offer's log"))?;
        match store.commit(transaction).await {
            Ok(()) => {
                view.committed(&log)?;
                offered.push(change.request.application_id);
            }
            Err(Error::Condition(_) | Error::TransactionConflict) => break,
            Err(error) => return Err(error),
        }
    }
    Ok(offered)
}

/// `POST /applications/{id}/transfer/choose`: the bytes to sign for moving into `group_id`;
/// refused as signing would be refused now (nothing is written).
pub async fn choose_transfer(
    store: &Store,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &TransferChooseInput,
    now: Instant,
) -> Result<TransferChooseOutput> {
    let basis = SignBasis::read(store, applicant_iin, id, &input.group_id, now).await?;
    basis.decide(&input.group_id)?;
    let expires_at = basis.offer_expires_at()?;
    let signed_text =
        canonical_transfer(id, &input.group_id, &basis.kindergarten.0, applicant_iin, expires_at);
    let signed_base64 = STANDARD.encode(signed_text.as_bytes());
    Ok(TransferChooseOutput { signed_text, signed_base64, expires_at })
}

/// What choose and sign decide on, read afresh.
struct SignBasis {
    item: ApplicationItem,
    before: TransferItem,
    view: PoolView,
    kindergarten: KindergartenId,
    rules: RegionRules,
}

impl SignBasis {
    async fn read(
        store: &Store,
        applicant_iin: &str,
        id: &ApplicationId,
        group_id: &GroupId,
        now: Instant,
    ) -> Result<Self> {
        let item = own_application(store, id, applicant_iin).await?;
        let before = store.transfer(id).await?.ok_or(TransferRefusal::TransferNotOffered)?;
        let pool_key = item.application.pool.clone();
        let view = store.load_pool(&pool_key).await?;
        let kindergarten = view
            .group(group_id)
            .map(|group| KindergartenId(group.kindergarten_id.clone()))
            .ok_or(TransferRefusal::GroupNotRequested)?;
        let rules = RegionRules::load(store, &pool_key.region_id, now).await?;
        Ok(Self { item, before, view, kindergarten, rules })
    }

    fn decide(&self, group_id: &GroupId) -> Result<TransferChange> {
        Ok(self.before.request.sign(
            &self.item.application,
            group_id,
            &self.kindergarten,
            &self.view.pool,
            &self.rules.context(),
        )?)
    }

    fn signed_text(
        &self,
        id: &ApplicationId,
        group_id: &GroupId,
        applicant_iin: &str,
    ) -> Result<String> {
        let expires_at = self.offer_expires_at()?;
        Ok(canonical_transfer(id, group_id, &self.kindergarten.0, applicant_iin, expires_at))
    }

    fn offer_expires_at(&self) -> Result<Instant> {
        self.before.request.due_at().ok_or_else(|| TransferRefusal::TransferNotOffered.into())
    }
}

/// `POST /applications/{id}/transfer/sign`: the signature (the one verifier of every signed
/// choice) over [`canonical_transfer`], then one transaction: the application enrolled in
/// the new group with its new referral, the request done, the new group's place taken and
/// the old one released, the referral document, the notice and the audit event.
pub async fn sign_transfer(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &TransferSignInput,
    key: Option<&str>,
    now: Instant,
) -> Result<ApplicationItem> {
    let idempotency = Called::idempotency(applicant_iin, key, id, "transfer_sign", input)?;
    let result =
        sign_once(store, verifier, applicant_iin, id, input, idempotency.as_ref(), now).await;
    or_replay(store, idempotency.as_ref(), result).await
}

async fn sign_once(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    id: &ApplicationId,
    input: &TransferSignInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<ApplicationItem> {
    let basis = SignBasis::read(store, applicant_iin, id, &input.group_id, now).await?;
    let signed = basis.signed_text(id, &input.group_id, applicant_iin)?;
    let evidence = verifier.verify(signed.as_bytes(), &input.signature, applicant_iin, now)?;
    let mut first = Some(basis);
    super::retrying(|| {
        let read = first.take();
        let evidence = evidence.clone();
        let signed = signed.clone();
        async move {
            let basis = match read {
                Some(basis) => basis,
                None => SignBasis::read(store, applicant_iin, id, &input.group_id, now).await?,
            };
            // What was signed must still be this offer (a new offer has a new deadline).
            if basis.signed_text(id, &input.group_id, applicant_iin)? != signed {
                return Err(TransferRefusal::TransferNotOffered.into());
            }
            let change = basis.decide(&input.group_id)?;
            let signed = Signed { group_id: &input.group_id, evidence, idempotency };
            match commit_sign(store, &basis, &change, signed).await {
                // The new group's place went to someone else between the read and the
                // commit: nothing was written; the child keeps its place.
                Err(Error::Condition(Role::Group)) => {
                    Err(TransferRefusal::TransferPlaceTaken.into())
                }
                done => done,
            }
        }
    })
    .await
}

/// What the applicant signed, with the evidence of the signature and the POST's
/// idempotency record, if any.
struct Signed<'a> {
    group_id: &'a GroupId,
    evidence: crate::store::items::SignatureEvidence,
    idempotency: Option<&'a Idempotency>,
}

async fn commit_sign(
    store: &Store,
    basis: &SignBasis,
    change: &TransferChange,
    signed: Signed<'_>,
) -> Result<ApplicationItem> {
    let Signed { group_id, evidence, idempotency } = signed;
    let table = store.table();
    let item = &basis.item;
    let moved = change.application.clone().ok_or_else(|| Error::internal("a moved child"))?;
    let kezek_rules::application::ApplicationState::Enrolled { referral, .. } = &moved.state else {
        return Err(Error::internal("a signed transfer keeps the child enrolled"));
    };
    let group = basis.view.group(group_id).ok_or(TransferRefusal::GroupNotRequested)?;
    let old_group = current_group(item, &basis.view)?;
    let document = ReferralDocument::issued(item, group, referral, moved.version, evidence);
    let number = document.number.clone();
    let arrived = MoveListing {
        side: MoveSide::Arrived,
        application_id: moved.id.clone(),
        child_iin: moved.child_iin.clone(),
        from: MoveGroup::of(old_group),
        to: MoveGroup::of(group),
        referral_number: number.clone(),
        signed_at: basis.rules.now,
        sibling_set_id: item.sibling_set.clone(),
    };
    let mut after = item.with_application(moved.clone());
    if let Some(numbers) = &mut after.documents {
        numbers.push(number.clone());
    }
    let mut transaction = Transaction::logged(basis.view.log());
    transaction.put_versioned(Role::Application, table, &after, item.version)?;
    let write = Write {
        item,
        before: Some(&basis.before),
        change,
        kind: EntryKind::TransferSign,
        notice: Some(NoticeKind::TransferDone { group_id: group_id.clone() }),
    };
    add_change(&mut transaction, table, &basis.rules, &write)?;
    let audit = AuditItem::same_state(&moved, "transfer", &item.applicant_iin, basis.rules.now);
    transaction.put_new(Role::Record, table, &audit)?;
    let document = DocumentItem {
        keys: Keys::base(keys::referral_document(&moved.id, &number)),
        referral: document,
    };
    transaction.put_new(Role::Record, table, &document)?;
    for line in MoveListingItem::both(arrived) {
        transaction.put_new(Role::Record, table, &line)?;
    }
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &after, basis.rules.now)?;
    }
    store.commit(transaction).await?;
    Ok(after)
}

/// The sweep's part: every offered transfer request of `pool_key` whose deadline passed
/// expires (the offered place back to `unreserved`, the child keeps its place). Returns how
/// many were written.
pub async fn expire_transfers(
    store: &Store,
    rules: &RegionRules,
    pool_key: &PoolKey,
) -> Result<usize> {
    let mut expired = 0;
    for before in store.open_transfers(pool_key).await? {
        if before.request.due_at().is_none_or(|due| rules.now < due) {
            continue;
        }
        let Ok(change) = before.request.expire(rules.now) else { continue };
        let item = store.application(&before.request.application_id).await?;
        let view = store.load_pool(pool_key).await?;
        let mut transaction = Transaction::logged(view.log());
        let write = Write {
            item: &item,
            before: Some(&before),
            change: &change,
            kind: EntryKind::TransferExpire,
            notice: Some(NoticeKind::TransferExpired),
        };
        add_change(&mut transaction, store.table(), rules, &write)?;
        match store.commit(transaction).await {
            Ok(()) => expired += 1,
            // Another writer (a withdrawal, a sign, a second sweep) changed it first.
            Err(Error::Condition(_) | Error::TransactionConflict) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(expired)
}
