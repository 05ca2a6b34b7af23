//! The person's profile (seed step 5, R2): an e-mail address is required at the first login;
//! a phone (E.164) is needed for SMS; the language of notices (kk, ru, en).

use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::items::Keys;
use crate::store::{keys, Store};

const EMAIL_LENGTH_MAX: usize = 254;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInput {
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default = "default_language")]
    pub language: String,
}

fn default_language() -> String {
    "kk".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub iin: String,
    pub email: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub language: String,
    pub updated_at: Instant,
}

fn check(input: &ProfileInput) -> Result<()> {
    let email = input.email.trim();
    let well_formed = email.len() <= EMAIL_LENGTH_MAX
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if !well_formed {
        return Err(Error::EmailInvalid);
    }
    if let Some(phone) = &input.phone {
        let digits = phone.strip_prefix('+').unwrap_or_default();
        if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::PhoneInvalid);
        }
    }
    if !matches!(input.language.as_str(), "kk" | "ru" | "en") {
        return Err(Error::LanguageInvalid);
    }
    Ok(())
}

/// Writes the caller's profile (replacing the previous one).
pub async fn set_profile(
    store: &Store,
    iin: &str,
    input: &ProfileInput,
    now: Instant,
) -> Result<ProfileItem> {
    check(input)?;
    let item = ProfileItem {
        keys: Keys::base(keys::profile(iin)),
        iin: iin.to_owned(),
        email: input.email.trim().to_owned(),
        phone: input.phone.clone(),
        language: input.language.clone(),
        updated_at: now,
    };
    store.put_description(&item, "profile").await?;
    Ok(item)
}

pub async fn profile(store: &Store, iin: &str) -> Result<Option<ProfileItem>> {
    store.get(&keys::profile(iin)).await
}
