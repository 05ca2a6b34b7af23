//! How transfer requests and new children share a pool's places (issue 15, item 2), and
//! which waiting transfer requests the turn engine offers a place to.
//!
//! The pool's unreserved places are shared by the policy's [`TransferSharing`]:
//! - `new_children_first` (default): the turn engine ([`crate::turn_engine`]) offers to the
//!   pool's queue first; transfers are offered only the places still unreserved when it is
//!   done, i.e. places no eligible new child is waiting for. Chosen because a new child has
//!   no place at all and a transfer child has one; and a transfer frees its old place, which
//!   goes back to `unreserved` and so to the new children anyway.
//! - `transfers_first`: transfers in request order first, then the turn engine.
//!
//! A request is offered a place only when a group of one of its kindergartens has a free
//! place not already counted for an earlier transfer offer of this run or an open one (each
//! open offer is counted on the free group of its best-ranked kindergarten). Places are the
//! pool's, not a group's: a new child signing in that group meanwhile can take the place;
//! signing the transfer is then refused with `transfer_place_taken` and nothing changes.

use std::collections::HashMap;

use crate::application::{KindergartenId, TransferRequest, TransferState};
use crate::places::{GroupId, Pool};
use crate::policy::TransferSharing;

/// Most transfer requests one run looks at.
pub const TRANSFER_WALK_MAX: usize = 10_000;

impl TransferSharing {
    /// Whether transfers are offered before the turn engine walks the queue.
    pub fn transfers_before_new_children(self) -> bool {
        matches!(self, TransferSharing::TransfersFirst)
    }
}

/// The indices in `requests` (any order) of the waiting requests to offer a place now, in
/// transfer-queue order (request time, then application id), using at most `places` of the
/// pool's unreserved places. `kindergarten_of(g)` names the kindergarten of group `g`.
pub fn transfer_offers(
    requests: &[TransferRequest],
    pool: &Pool,
    places: u32,
    kindergarten_of: &dyn Fn(&GroupId) -> Option<KindergartenId>,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..requests.len().min(TRANSFER_WALK_MAX)).collect();
    order.sort_by(|a, b| requests[*a].queue_key().cmp(&requests[*b].queue_key()));
    let mut left: HashMap<&GroupId, u32> =
        pool.groups.iter().map(|group| (&group.group_id, group.free)).collect();
    // The group a request would move into: the best-ranked kindergarten with room left.
    let claim = |request: &TransferRequest, left: &mut HashMap<&GroupId, u32>| -> bool {
        let best = pool
            .groups
            .iter()
            .filter_map(|group| {
                let rank = kindergarten_of(&group.group_id).and_then(|k| request.rank_of(&k))?;
                (left.get(&group.group_id).copied().unwrap_or(0) > 0).then_some((rank, group))
            })
            .min_by_key(|(rank, _)| *rank);
        match best {
            Some((_, group)) => {
                if let Some(room) = left.get_mut(&group.group_id) {
                    *room -= 1;
                }
                true
            }
            None => false,
        }
    };
    for index in &order {
        if matches!(requests[*index].state, TransferState::Offered { .. }) {
            claim(&requests[*index], &mut left);
        }
    }
    let mut offers = Vec::new();
    for index in order {
        if offers.len() as u32 >= places {
            break;
        }
        let request = &requests[index];
        if request.state == TransferState::Waiting && claim(request, &mut left) {
            offers.push(index);
        }
    }
    offers
}
