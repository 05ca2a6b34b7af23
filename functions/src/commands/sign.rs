//! Sign (seed steps 11–14, R8): verify the signature over the issued bytes, then take the
//! place and issue the referral in one transaction with the nonce's one-time use.
//!
//! One read and one transaction: a consistent Query of the nonce's partition gives the nonce
//! and the basis `choose` stored with it (application at its version, pool, group, the
//! region's rules of that local day); the transaction's conditions (nonce unused, application
//! version, pool counter and group places `>= 1`) decide whether that basis still holds.
//! When one fails, or the basis is missing or from another local day, sign reads the
//! application, region and pool afresh, so the caller gets the rules' precise answer.

use std::sync::Arc;

use kezek_rules::application::{Application, ApplicationId, ApplicationState, Command};
use kezek_rules::places::Pool;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::choose::{calendar_with, own_application};
use super::idempotency::or_replay;
use super::writes::{self, Logged};
use super::{Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::signature::{SignatureVerifier, SignedChoice};
use crate::store::items::{
    ApplicationItem, ChoiceBasisItem, DocumentItem, GroupItem, Keys, NonceItem, ReferralDocument,
    ReferralListing, SignatureEvidence,
};
use crate::store::{keys, LogHead, PoolLog, Role, Store, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInput {
    pub nonce: String,
    pub signature: SignedChoice,
    /// The application version the client saw (optional If-Match).
    #[serde(default)]
    pub expected_version: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutput {
    pub application: Application,
    pub referral: ReferralDocument,
}

/// Signs the choice the nonce was issued for.
pub async fn sign(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    input: &SignInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<SignOutput> {
    signed(store, verifier, applicant_iin, None, input, idempotency_key, now).await
}

/// Signs for `application_id` (`POST /applications/{id}/sign`): refused with
/// `nonce_application_mismatch`, writing nothing, when the nonce was issued for another one.
pub async fn sign_application(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    application_id: &ApplicationId,
    input: &SignInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<SignOutput> {
    signed(store, verifier, applicant_iin, Some(application_id), input, idempotency_key, now).await
}

async fn signed(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    application_id: Option<&ApplicationId>,
    input: &SignInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<SignOutput> {
    let idempotency =
        idempotency_key.map(|key| Idempotency::new(applicant_iin, key, input)).transpose()?;
    let (nonce, basis) = store.choice(&input.nonce).await?.ok_or(Error::NonceUnknown)?;
    if nonce.applicant_iin != applicant_iin {
        return Err(Error::forbidden("this choice was issued to another applicant"));
    }
    if application_id.is_some_and(|id| *id != nonce.application_id) {
        return Err(Error::NonceApplicationMismatch);
    }
    let result = match nonce.used_at {
        Some(_) => Err(Error::NonceUsed),
        None => take_place(store, verifier, &nonce, basis, input, idempotency.as_ref(), now).await,
    };
    or_replay(store, idempotency.as_ref(), result).await
}

/// What the rules decide a sign on, and what the referral document names.
struct Basis {
    item: ApplicationItem,
    pool: Pool,
    log: LogHead,
    group: GroupItem,
    rules: RegionRules,
}

impl Basis {
    /// The stored basis, if it was taken on the local date of `now`.
    fn stored(basis: ChoiceBasisItem, now: Instant) -> Option<Self> {
        if basis.region.clock.local_date(now) != basis.local_date {
            return None;
        }
        let calendar = Arc::new(calendar_with(&basis.calendar_years).ok()?);
        Some(Self {
            item: basis.application,
            log: LogHead { size: basis.log_size, counters: basis.pool.counters },
            pool: basis.pool,
            group: basis.group,
            rules: RegionRules { region: basis.region, policy: basis.policy, now, calendar },
        })
    }

    /// The pool read again (one Query of its partition): `false` when the chosen group is no
    /// longer in it.
    async fn with_fresh_pool(&mut self, store: &Store, nonce: &NonceItem) -> Result<bool> {
        let view = store.load_pool(&self.item.application.pool).await?;
        let Some(group) = view.group(&nonce.group_id).cloned() else { return Ok(false) };
        self.log = view.log_head();
        self.pool = view.pool;
        self.group = group;
        Ok(true)
    }

    /// The application, region and pool read now.
    async fn fresh(store: &Store, nonce: &NonceItem, now: Instant) -> Result<Self> {
        let item = own_application(store, &nonce.application_id, &nonce.applicant_iin).await?;
        let rules = RegionRules::load(store, &item.application.pool.region_id, now).await?;
        let view = store.load_pool(&item.application.pool).await?;
        let group = view
            .group(&nonce.group_id)
            .cloned()
            .ok_or(Error::Rule(kezek_rules::RuleError::GroupNotInPool))?;
        Ok(Self { item, log: view.log_head(), pool: view.pool, group, rules })
    }
}

/// A failure of the stored basis that fresh reads may answer otherwise: everything but a
/// used nonce, a replayed idempotency key and a failure of the store itself.
fn worth_fresh_reads(error: &Error) -> bool {
    !matches!(error, Error::Condition(Role::Nonce | Role::Idempotency) | Error::NonceUsed)
        && error.status() < 500
}

async fn take_place(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    nonce: &NonceItem,
    basis: Option<ChoiceBasisItem>,
    input: &SignInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<SignOutput> {
    if now >= nonce.expires_at {
        return Err(Error::NonceExpired);
    }
    let evidence = verifier.verify(
        nonce.signed_text.as_bytes(),
        &input.signature,
        &nonce.applicant_iin,
        now,
    )?;
    if let Some(mut basis) = basis.and_then(|basis| Basis::stored(basis, now)) {
        match attempt(store, nonce, &basis, &evidence, input, idempotency, now).await {
            // Only the pool moved since the choice (its log grew: any change of the pool):
            // the pool is read again, the application and the rules stand.
            Err(Error::Condition(Role::Log)) if basis.with_fresh_pool(store, nonce).await? => {
                match attempt(store, nonce, &basis, &evidence, input, idempotency, now).await {
                    Err(error) if worth_fresh_reads(&error) => {}
                    done => return done,
                }
            }
            Err(error) if worth_fresh_reads(&error) => {}
            done => return done,
        }
    }
    super::retrying(|| async {
        let basis = Basis::fresh(store, nonce, now).await?;
        attempt(store, nonce, &basis, &evidence, input, idempotency, now).await
    })
    .await
}

async fn attempt(
    store: &Store,
    nonce: &NonceItem,
    basis: &Basis,
    evidence: &SignatureEvidence,
    input: &SignInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<SignOutput> {
    let item = &basis.item;
    if let Some(expected) = input.expected_version {
        item.application.check_version(expected)?;
    }
    let transition = item.application.apply(
        &Command::Sign { group_id: nonce.group_id.clone() },
        &basis.pool,
        &basis.rules.context(),
    )?;
    let ApplicationState::Referred { referral } = &transition.application.state else {
        return Err(Error::internal("a signed choice must yield a referral"));
    };
    let group = &basis.group;
    let version = transition.application.version;
    let document = ReferralDocument::issued(item, group, referral, version, evidence.clone());
    let number = document.number.clone();
    let output =
        SignOutput { application: transition.application.clone(), referral: document.clone() };
    let table = store.table();
    let mut transaction =
        Transaction::logged(PoolLog::new(item.application.pool.clone(), basis.log));
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    transaction.use_nonce(table, &keys::choice_nonce(&nonce.nonce), now)?;
    // The item as it will be after: the document's number and the kindergarten's listing.
    let mut item = item.clone();
    if let Some(numbers) = &mut item.documents {
        numbers.push(number.clone());
    }
    item.referral_listing = Some(listing(&document, item.sibling_set.clone()));
    let command = Command::Sign { group_id: nonce.group_id.clone() };
    writes::transition(
        &mut transaction,
        table,
        &item,
        &transition,
        Logged::new(&command, &basis.rules.policy),
        &format!("applicant:{}", nonce.applicant_iin),
    )?;
    let document = DocumentItem {
        keys: Keys::base(keys::referral_document(&item.application.id, &number)),
        referral: document,
    };
    transaction.put_new(Role::Record, table, &document)?;
    store.commit(transaction).await?;
    Ok(output)
}

/// The kindergarten's line of the referral `document` (R13), with the child's sibling set
/// (issue 15: staff see which referrals are of twins or siblings).
fn listing(document: &ReferralDocument, sibling_set_id: Option<String>) -> ReferralListing {
    ReferralListing {
        kindergarten_id: document.kindergarten_id.clone(),
        number: document.number.clone(),
        application_id: document.application_id.clone(),
        child_iin: document.child_iin.clone(),
        group_id: document.group_id.0.clone(),
        group_name: document.group_name.clone(),
        language: document.language.clone(),
        issued_at: document.issued_at,
        valid_until_at: document.valid_until_at,
        sibling_set_id,
    }
}
