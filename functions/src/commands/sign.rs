//! Sign (seed steps 11–14, R8): verify the signature over the issued bytes, then take the
//! place and issue the referral in one transaction with the nonce's one-time use.

use kezek_rules::application::{Application, ApplicationState, Command};
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::choose::own_application;
use super::idempotency::or_replay;
use super::{writes, Idempotency, RegionRules};
use crate::error::{Error, Result};
use crate::signature::{SignatureVerifier, SignedChoice};
use crate::store::items::{DocumentItem, Keys, NonceItem, ReferralDocument};
use crate::store::{keys, Role, Store, Transaction};

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

pub async fn sign(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    input: &SignInput,
    idempotency_key: Option<&str>,
    now: Instant,
) -> Result<SignOutput> {
    let idempotency = idempotency_key.map(|key| Idempotency::new(applicant_iin, key, input)).transpose()?;
    let result = super::retrying(|| attempt(store, verifier, applicant_iin, input, idempotency.as_ref(), now)).await;
    or_replay(store, idempotency.as_ref(), result).await
}

async fn attempt(
    store: &Store,
    verifier: &dyn SignatureVerifier,
    applicant_iin: &str,
    input: &SignInput,
    idempotency: Option<&Idempotency>,
    now: Instant,
) -> Result<SignOutput> {
    let nonce_key = keys::choice_nonce(&input.nonce);
    let nonce: NonceItem = store.get(&nonce_key).await?.ok_or_else(|| Error::new("nonce_unknown", 404, "no choice was issued with this nonce"))?;
    if nonce.applicant_iin != applicant_iin {
        return Err(Error::forbidden("this choice was issued to another applicant"));
    }
    if nonce.used_at.is_some() {
        return Err(Error::new("nonce_used", 409, "this choice was signed already"));
    }
    if now >= nonce.expires_at {
        return Err(Error::new("nonce_expired", 422, "the choice expired; choose again"));
    }
    let evidence = verifier.verify(nonce.signed_text.as_bytes(), &input.signature, applicant_iin, now)?;
    let item = own_application(store, &nonce.application_id, applicant_iin).await?;
    if let Some(expected) = input.expected_version {
        item.application.check_version(expected)?;
    }
    let rules = RegionRules::load(store, &item.application.pool.region_id, now).await?;
    let view = store.load_pool(&item.application.pool).await?;
    let transition = item.application.apply(&Command::Sign { group_id: nonce.group_id.clone() }, &view.pool, &rules.context())?;
    let ApplicationState::Referred { referral } = &transition.application.state else {
        return Err(Error::internal("a signed choice must yield a referral"));
    };
    let group = view.group(&nonce.group_id).ok_or_else(|| Error::internal("the rules accepted a group the pool lacks"))?;
    let number = format!("KZ-{}-{}", item.application.id.0.to_uppercase(), transition.application.version);
    let document = ReferralDocument {
        number: number.clone(),
        application_id: item.application.id.clone(),
        child_iin: item.application.child_iin.clone(),
        applicant_iin: item.applicant_iin.clone(),
        kindergarten_id: group.kindergarten_id.clone(),
        kindergarten_name_kk: group.kindergarten_name_kk.clone(),
        kindergarten_name_ru: group.kindergarten_name_ru.clone(),
        address: group.address.clone(),
        group_id: group.group.group_id.clone(),
        group_name: group.group.name.clone(),
        language: group.group.language.clone(),
        issued_at: referral.issued_at,
        valid_until_at: referral.valid_until_at,
        evidence,
    };
    let output = SignOutput { application: transition.application.clone(), referral: document.clone() };
    let table = store.table();
    let mut transaction = Transaction::new();
    if let Some(idempotency) = idempotency {
        idempotency.put(&mut transaction, table, &output, now)?;
    }
    transaction.use_nonce(table, &nonce_key, now)?;
    writes::transition(&mut transaction, table, &item, &transition, &format!("applicant:{applicant_iin}"))?;
    let document = DocumentItem { keys: Keys::base(keys::referral_document(&item.application.id, &number)), referral: document };
    transaction.put_new(Role::Record, table, &document)?;
    store.commit(transaction).await?;
    Ok(output)
}
