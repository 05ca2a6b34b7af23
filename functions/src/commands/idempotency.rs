//! Idempotency keys of POSTs: the first result is stored in the same transaction as the
//! change; a repeat with the same key and request gets that result back.

use serde::de::DeserializeOwned;
use serde::Serialize;

use kezek_rules::time::Instant;

use crate::error::{Error, Result};
use crate::store::items::{IdempotencyItem, Keys};
use crate::store::{keys, Role, Store, Transaction};

#[derive(Debug, Clone)]
pub struct Idempotency {
    /// Who asked (an applicant's IIN, a kindergarten): keys of different callers never clash.
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl Idempotency {
    pub fn new(scope: &str, key: &str, request: &impl Serialize) -> Result<Self> {
        if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::invalid("an idempotency key is 1..=128 visible ASCII characters"));
        }
        let body = serde_json::to_vec(request).map_err(|e| Error::internal(e.to_string()))?;
        let digest = ring::digest::digest(&ring::digest::SHA256, &body);
        let request_hash = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Self { scope: scope.to_owned(), key: key.to_owned(), request_hash })
    }

    pub fn put(
        &self,
        transaction: &mut Transaction,
        table: &str,
        response: &impl Serialize,
        now: Instant,
    ) -> Result<()> {
        let item = IdempotencyItem {
            keys: Keys::base(keys::idempotency(&self.scope, &self.key)),
            request_hash: self.request_hash.clone(),
            response: serde_json::to_string(response)
                .map_err(|e| Error::internal(e.to_string()))?,
            created_at: now,
        };
        transaction.put_new(Role::Idempotency, table, &item)
    }

    /// The stored first result, if this key was used; refused when used for another request.
    pub async fn replay<T: DeserializeOwned>(&self, store: &Store) -> Result<Option<T>> {
        let Some(item) =
            store.get::<IdempotencyItem>(&keys::idempotency(&self.scope, &self.key)).await?
        else {
            return Ok(None);
        };
        if item.request_hash != self.request_hash {
            return Err(Error::IdempotencyKeyReused);
        }
        serde_json::from_str(&item.response).map(Some).map_err(|e| Error::internal(e.to_string()))
    }
}

/// Runs a command; when it fails and an idempotency key was given, answers with the first
/// result of that key instead (the failure was then the repeat itself).
pub(crate) async fn or_replay<T: DeserializeOwned>(
    store: &Store,
    idempotency: Option<&Idempotency>,
    result: Result<T>,
) -> Result<T> {
    match (result, idempotency) {
        (Ok(value), _) => Ok(value),
        (Err(error), Some(idempotency)) => match idempotency.replay(store).await? {
            Some(first) => Ok(first),
            None => Err(error),
        },
        (Err(error), None) => Err(error),
    }
}
