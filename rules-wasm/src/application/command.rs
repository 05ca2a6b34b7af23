//! The commands an application accepts (DESIGN §1.2).

use serde::{Deserialize, Serialize};

use crate::places::GroupId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum Command {
    /// R5: the turn engine reserves a place of the pool for this child.
    Offer,
    /// R6: the offer window passed without a signed choice (sweep).
    ExpireOffer,
    /// R8: the applicant signed the choice of a group.
    Sign { group_id: GroupId },
    /// R11: extend the active referral by `days` calendar days.
    Extend { days: u16 },
    /// R12: the applicant returns the referral within the cancel window.
    Cancel,
    /// R13: kindergarten staff confirm the child came.
    Enrol,
    /// R9/R10: the referral's validity passed without enrolment (sweep).
    Lapse,
    /// R9: the stop-list period ended (sweep).
    EndStopList,
    /// The applicant withdraws the application.
    Withdraw,
    /// The child reached the policy's age-out age (sweep, when configured).
    AgeOut,
}

impl Command {
    /// Stable name, for errors and audit.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Offer => "offer",
            Command::ExpireOffer => "expire_offer",
            Command::Sign { .. } => "sign",
            Command::Extend { .. } => "extend",
            Command::Cancel => "cancel",
            Command::Enrol => "enrol",
            Command::Lapse => "lapse",
            Command::EndStopList => "end_stop_list",
            Command::Withdraw => "withdraw",
            Command::AgeOut => "age_out",
        }
    }
}
