//! Verified OCSP answers kept until their nextUpdate (per process: per Lambda instance).

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use der::Encode;
use x509_ocsp::CertId;

use super::response::OcspAnswer;

/// Most answers held; when full, expired ones go first, then all.
pub const CACHE_ENTRIES_MAX: usize = 10_000;

#[derive(Debug, Default)]
pub struct AnswerCache {
    answers: Mutex<HashMap<Vec<u8>, OcspAnswer>>,
}

fn key(id: &CertId) -> Option<Vec<u8>> {
    id.to_der().ok()
}

impl AnswerCache {
    /// The held answer about `id` if it is still current at `now`.
    pub fn get(&self, id: &CertId, now: DateTime<Utc>) -> Option<OcspAnswer> {
        let answers = self.answers.lock().ok()?;
        answers.get(&key(id)?).copied().filter(|answer| answer.is_current(now))
    }

    /// Keeps `answer` about `id` when it has a nextUpdate.
    pub fn put(&self, id: &CertId, answer: OcspAnswer, now: DateTime<Utc>) {
        let (Some(key), Some(_), Ok(mut answers)) =
            (key(id), answer.next_update, self.answers.lock())
        else {
            return;
        };
        if answers.len() >= CACHE_ENTRIES_MAX {
            answers.retain(|_, held| held.is_current(now));
            if answers.len() >= CACHE_ENTRIES_MAX {
                answers.clear();
            }
        }
        answers.insert(key, answer);
    }

    pub fn len(&self) -> usize {
        self.answers.lock().map(|answers| answers.len()).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
