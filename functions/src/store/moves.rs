//! The kindergartens' side of a signed transfer (issue 15): the child's line in the
//! receiving kindergarten ("arrived", with its new referral's number) and in the one it left
//! ("left", the place released), written in the transfer's own transaction
//! (`commands::transfer`), each in its kindergarten's partition (`KG#<id>`,
//! [`keys::kindergarten_move`]). Staff read their latest lines with one bounded Query
//! (`commands::referrals::staff_transfers`).

use kezek_rules::application::ApplicationId;
use kezek_rules::time::Instant;
use serde::{Deserialize, Serialize};

use super::items::{GroupItem, Keys};
use super::keys;

/// Which side of the transfer a kindergarten was on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveSide {
    /// The child came with a new referral to one of this kindergarten's groups.
    Arrived,
    /// The child left; its place in this kindergarten's group was released.
    Left,
}

impl MoveSide {
    fn key_part(self) -> &'static str {
        match self {
            Self::Arrived => "arrived",
            Self::Left => "left",
        }
    }
}

/// A kindergarten's group as a move's line names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveGroup {
    pub kindergarten_id: String,
    pub kindergarten_name_kk: String,
    pub kindergarten_name_ru: String,
    pub group_id: String,
    pub group_name: String,
}

impl MoveGroup {
    pub fn of(group: &GroupItem) -> Self {
        Self {
            kindergarten_id: group.kindergarten_id.clone(),
            kindergarten_name_kk: group.kindergarten_name_kk.clone(),
            kindergarten_name_ru: group.kindergarten_name_ru.clone(),
            group_id: group.group.group_id.0.clone(),
            group_name: group.group.name.clone(),
        }
    }
}

/// One child's move as one kindergarten's staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveListing {
    pub side: MoveSide,
    pub application_id: ApplicationId,
    pub child_iin: String,
    /// The group the child left (the place released there).
    pub from: MoveGroup,
    /// The group the child was moved to.
    pub to: MoveGroup,
    /// The new referral's number (the document of the move).
    pub referral_number: String,
    pub signed_at: Instant,
    /// The child's sibling set, if marked (its siblings may follow).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sibling_set_id: Option<String>,
}

impl MoveListing {
    /// The kindergarten whose partition holds this line.
    pub fn kindergarten_id(&self) -> &str {
        match self.side {
            MoveSide::Arrived => &self.to.kindergarten_id,
            MoveSide::Left => &self.from.kindergarten_id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveListingItem {
    #[serde(flatten)]
    pub keys: Keys,
    pub listing: MoveListing,
}

impl MoveListingItem {
    pub fn new(listing: MoveListing) -> Self {
        let key = keys::kindergarten_move(
            listing.kindergarten_id(),
            listing.signed_at,
            listing.side.key_part(),
            &listing.application_id,
        );
        Self { keys: Keys::base(key), listing }
    }

    /// Both sides of one move: the receiving kindergarten's line and the one left.
    pub fn both(arrived: MoveListing) -> [Self; 2] {
        debug_assert_eq!(arrived.side, MoveSide::Arrived);
        let left = MoveListing { side: MoveSide::Left, ..arrived.clone() };
        [Self::new(arrived), Self::new(left)]
    }
}
