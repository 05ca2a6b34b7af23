//! EDS login (seed steps 3–5, DESIGN §3): the server issues a one-time challenge; the client
//! signs it with the authentication key (clientAuth); the server verifies it and says who
//! the caller is. Applicants are people; staff and operators log in with organisation
//! certificates (OU=BIN...) mapped to their kindergarten or region by configuration. The
//! session token is issued from the returned identity by the HTTP layer.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use kezek_identity::{Holder, IdentityError, KeyPurpose};
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::profile::profile;
use crate::eds::{submission_of, EdsVerifier};
use crate::error::{Error, Result};
use crate::ids;
use crate::signature::SignedChoice;
use crate::store::items::Keys;
use crate::store::{keys, Role, Store, Transaction};

/// How long a challenge may be signed.
pub const CHALLENGE_TTL_MINUTES: i64 = 5;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub nonce: String,
    pub signed_text: String,
    pub expires_at: Instant,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Challenge {
    pub nonce: String,
    /// The bytes to sign, as text and as base64 (what NCALayer takes).
    pub signed_text: String,
    pub signed_base64: String,
    pub expires_at: Instant,
}

/// The canonical text of a login challenge.
pub fn challenge_text(nonce: &str, expires_at: Instant) -> String {
    format!("kezek login v1\nnonce: {nonce}\nexpires: {}\n", keys::instant_key(expires_at))
}

/// Issues and stores a one-time challenge.
pub async fn challenge(store: &Store, now: Instant) -> Result<Challenge> {
    let nonce = ids::nonce()?;
    let expires_at = now + Duration::minutes(CHALLENGE_TTL_MINUTES);
    let signed_text = challenge_text(&nonce, expires_at);
    let item = ChallengeItem {
        keys: Keys::base(keys::login_challenge(&nonce)),
        nonce: nonce.clone(),
        signed_text: signed_text.clone(),
        expires_at,
        used_at: None,
    };
    let mut transaction = Transaction::new();
    transaction.put_new(Role::Nonce, store.table(), &item)?;
    store.commit(transaction).await?;
    Ok(Challenge {
        nonce,
        signed_base64: STANDARD.encode(signed_text.as_bytes()),
        signed_text,
        expires_at,
    })
}

/// What an organisation's BIN gives its people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum OrganisationRole {
    Staff { kindergarten_id: String },
    Operator { region_id: String },
}

/// The organisations known to the service (configuration: `{"<BIN>": {"role": ...}}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Directory(pub HashMap<String, OrganisationRole>);

/// Who logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Identity {
    Applicant { iin: String },
    Staff { iin: String, bin: String, kindergarten_id: String },
    Operator { iin: String, bin: String, region_id: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginInput {
    pub nonce: String,
    pub signature: SignedChoice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoginOutput {
    pub identity: Identity,
    pub name: String,
    /// R2: no e-mail address yet — the first thing the person must give.
    pub email_required: bool,
}

/// Verifies a signed challenge and consumes it; refusals have their own codes.
pub async fn login(
    store: &Store,
    verifier: &EdsVerifier,
    directory: &Directory,
    input: &LoginInput,
    now: Instant,
) -> Result<LoginOutput> {
    let key = keys::login_challenge(&input.nonce);
    let challenge: ChallengeItem = store.get(&key).await?.ok_or(Error::ChallengeUnknown)?;
    if challenge.used_at.is_some() {
        return Err(Error::ChallengeUsed);
    }
    if now >= challenge.expires_at {
        return Err(Error::ChallengeExpired);
    }
    let submission = submission_of(&input.signature);
    let issued = challenge.signed_text.as_bytes();
    let signer = match verifier.check(
        KeyPurpose::Authentication,
        Holder::Person,
        issued,
        &submission,
        None,
        now,
    ) {
        Err(Error::Identity(IdentityError::OrganisationCertificate)) => verifier.check(
            KeyPurpose::Authentication,
            Holder::Organisation,
            issued,
            &submission,
            None,
            now,
        )?,
        other => other?,
    };
    // Every refusal comes before the challenge is used: a refused login writes nothing.
    let identity = match &signer.bin {
        None => Identity::Applicant { iin: signer.iin.clone() },
        Some(bin) => match directory.0.get(bin) {
            Some(OrganisationRole::Staff { kindergarten_id }) => Identity::Staff {
                iin: signer.iin.clone(),
                bin: bin.clone(),
                kindergarten_id: kindergarten_id.clone(),
            },
            Some(OrganisationRole::Operator { region_id }) => Identity::Operator {
                iin: signer.iin.clone(),
                bin: bin.clone(),
                region_id: region_id.clone(),
            },
            None => return Err(Error::OrganisationNotRegistered),
        },
    };
    let mut transaction = Transaction::new();
    transaction.use_nonce(store.table(), &key, now)?;
    store.commit(transaction).await?;
    let email_required = profile(store, &signer.iin).await?.is_none();
    Ok(LoginOutput { identity, name: signer.name, email_required })
}
