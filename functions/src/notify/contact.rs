//! Where a notice goes: the applicant's profile item (`USER#<iin>` / `PROFILE`, written by
//! the profile layer, `commands::profile`): `email` (required since the first login, R2),
//! `phone` (E.164, optional: no phone, no SMS), `language` (`kk`, `ru` or `en`; `kk` when
//! missing or unknown). Read here with only the attributes delivery needs.

use std::collections::HashMap;

use serde::Deserialize;

use super::texts::Language;
use crate::error::Result;
use crate::store::keys::{self, Key};
use crate::store::reads::from_item;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileContact {
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    phone: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

/// Where and in which language to tell an applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub email: String,
    /// E.164 (`+` and 8 to 15 digits); `None` when absent or malformed.
    pub phone: Option<String>,
    pub language: Language,
}

/// `+` followed by 8 to 15 digits.
pub fn is_e164(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

fn contact_of(profile: ProfileContact) -> Option<Contact> {
    let email = profile.email.map(|e| e.trim().to_owned()).filter(|e| !e.is_empty())?;
    let phone = profile.phone.map(|p| p.trim().to_owned()).filter(|p| is_e164(p));
    let language = profile.language.as_deref().and_then(Language::parse).unwrap_or_default();
    Some(Contact { email, phone, language })
}

/// The applicant's contact, or `None` when there is no profile or no e-mail address yet.
pub async fn load_contact(store: &Store, iin: &str) -> Result<Option<Contact>> {
    let profile: Option<ProfileContact> = store.get(&keys::profile(iin)).await?;
    Ok(profile.and_then(contact_of))
}

/// The contacts of `iins` (strongly consistent, in BatchGetItem calls of up to 100 keys:
/// one round trip for a run's shard of notices); an applicant without a profile or an
/// e-mail address yet is absent.
pub async fn load_contacts(store: &Store, iins: &[&str]) -> Result<HashMap<String, Contact>> {
    let keys: Vec<Key> = iins.iter().map(|iin| keys::profile(iin)).collect();
    let mut items = store.batch_get(&keys).await?;
    let mut found = HashMap::with_capacity(iins.len());
    for (iin, key) in iins.iter().zip(&keys) {
        if let Some(item) = items.remove(key) {
            if let Some(contact) = contact_of(from_item(item)?) {
                found.insert((*iin).to_owned(), contact);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::is_e164;

    #[test]
    fn e164_numbers() {
        assert!(is_e164("+77011234567"));
        assert!(
            !is_e164("87011234567")
                && !is_e164("+7701")
                && !is_e164("+7701123456a")
                && !is_e164("+7701123456789012")
        );
    }
}
