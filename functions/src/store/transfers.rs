//! Transfer requests between kindergartens (issue 15) in the table: one item per
//! application (`APP#<id>` / `TRANSFER`, the latest request), listed while open in its
//! pool's transfer queue (`GSI2PK = TRANSFERS#<region>#<year>`, `GSI2SK = <requested_at>#<id>`;
//! a final request drops the listing). The queue is read whole (bounded by
//! [`kezek_rules::turn_transfers::TRANSFER_WALK_MAX`]); the sweep finds due transfer offers
//! there, so it costs O(open requests of the pools it sweeps), never a scan.

use kezek_rules::application::{ApplicationId, TransferRequest};
use kezek_rules::places::PoolKey;
use kezek_rules::turn_transfers::TRANSFER_WALK_MAX;
use serde::{Deserialize, Serialize};

use super::items::Keys;
use super::keys;
use super::{Role, Store, Transaction};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferItem {
    #[serde(flatten)]
    pub keys: Keys,
    /// Copy of `request.version`, for conditions.
    pub version: u64,
    pub applicant_iin: String,
    pub request: TransferRequest,
}

impl TransferItem {
    /// The item of `request`: listed in its pool's transfer queue while it is open.
    pub fn new(request: TransferRequest, applicant_iin: &str) -> Self {
        let key = keys::transfer(&request.application_id);
        let keys = match request.state.is_final() {
            true => Keys::base(key),
            false => Keys::listed(
                key,
                keys::transfers_of_pool(&request.pool),
                keys::transfer_queue_sk(request.requested_at, &request.application_id),
            ),
        };
        Self { keys, version: request.version, applicant_iin: applicant_iin.to_owned(), request }
    }
}

impl Transaction {
    /// Writes `after` over the request as it was read (`before`: none for the first request
    /// of the application), conditioned on that version.
    pub fn put_transfer(
        &mut self,
        table: &str,
        before: Option<&TransferItem>,
        after: &TransferItem,
    ) -> Result<()> {
        match before {
            None => self.put_new(Role::Application, table, after),
            Some(before) => self.put_versioned(Role::Application, table, after, before.version),
        }
    }
}

impl Store {
    /// The application's latest transfer request, if any.
    pub async fn transfer(&self, id: &ApplicationId) -> Result<Option<TransferItem>> {
        self.get(&keys::transfer(id)).await
    }

    /// The pool's open transfer requests (waiting and offered), in no particular order.
    pub async fn open_transfers(&self, pool: &PoolKey) -> Result<Vec<TransferItem>> {
        let items: Vec<TransferItem> = self.list(&keys::transfers_of_pool(pool)).await?;
        if items.len() > TRANSFER_WALK_MAX {
            return Err(Error::internal("more open transfer requests than one walk reads"));
        }
        Ok(items)
    }
}
