//! The rules' context for a region at an instant: its clock, the policy in force that
//! local day and the working calendar.

use kezek_rules::application::{Region, RuleContext};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::policy::Policy;
use kezek_rules::time::Instant;

use crate::error::{Error, Result};
use crate::store::items::RegionItem;
use crate::store::{keys, Store};

/// A region with the policy in force at one instant.
#[derive(Debug, Clone)]
pub struct RegionRules {
    pub region: Region,
    pub policy: Policy,
    pub now: Instant,
}

impl RegionRules {
    pub async fn load(store: &Store, region_id: &str, now: Instant) -> Result<Self> {
        let item: RegionItem = store.get(&keys::region(region_id)).await?.ok_or_else(|| Error::not_found("region"))?;
        let today = item.region.clock.local_date(now);
        let policy = item.policy.policy_on(today)?.clone();
        Ok(Self { region: item.region, policy, now })
    }

    pub fn context(&self) -> RuleContext<'_> {
        RuleContext { policy: &self.policy, calendar: WorkingCalendar::kazakhstan(), clock: &self.region.clock, now: self.now }
    }
}
