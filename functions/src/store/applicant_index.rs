//! R3: the applications a person may see — those they submitted and those they linked to
//! their account. One item per (person, application) in the person's partition, written
//! with enqueue and with linking, so the journal is one Query.
//!
//! | item | PK | SK | attributes |
//! |---|---|---|---|
//! | applicant index | `APPLICANT#<iin>` | `APP#<app>` | `applicationId`, `relation` (`submitted`/`linked`), `at` |

use kezek_rules::application::ApplicationId;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::items::Keys;
use super::keys::Key;

pub const APP_PREFIX: &str = "APP#";

pub fn applicant_pk(iin: &str) -> String {
    format!("APPLICANT#{iin}")
}

pub fn applicant_application(iin: &str, id: &ApplicationId) -> Key {
    Key { pk: applicant_pk(iin), sk: format!("{APP_PREFIX}{}", id.0) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The person submitted the application.
    Submitted,
    /// The second parent linked it to their account (R3).
    Linked,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicantIndexItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub application_id: ApplicationId,
    pub relation: Relation,
    pub at: Instant,
}

impl ApplicantIndexItem {
    pub fn new(iin: &str, application_id: ApplicationId, relation: Relation, at: Instant) -> Self {
        Self {
            keys: Keys::base(applicant_application(iin, &application_id)),
            application_id,
            relation,
            at,
        }
    }
}
