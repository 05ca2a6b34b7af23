//! The rules' context of a region: its clock, its policy over time and the working calendar
//! (the built-in years with the years operators loaded, [`super::calendar::current`]).
//! [`RegionBook`] holds them and gives the rules' [`RuleBook`] (deadlines explained with the
//! policy in force at each event, eligibility, what is due); [`RegionRules`] is that book at
//! one instant, with the policy in force that local day, for the commands.

use std::sync::Arc;

use kezek_rules::application::{Region, RuleContext};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::context::RuleBook;
use kezek_rules::deadline::deadline_at;
use kezek_rules::policy::{Policy, PolicyHistory, Span};
use kezek_rules::time::Instant;

use super::calendar::current;
use crate::error::{Error, Result};
use crate::store::items::RegionItem;
use crate::store::{keys, Store};

/// A region with its policy history and the calendar in force.
#[derive(Debug, Clone)]
pub struct RegionBook {
    pub region: Region,
    pub policies: PolicyHistory,
    /// The built-in calendar with the stored years.
    pub calendar: Arc<WorkingCalendar>,
}

impl RegionBook {
    /// The region's item and the calendar; the calendar is read again when the one this
    /// process holds cannot count the deadlines the rules may ask for at `now`.
    pub async fn load(store: &Store, region_id: &str, now: Instant) -> Result<Self> {
        let item: RegionItem =
            store.get(&keys::region(region_id)).await?.ok_or_else(|| Error::not_found("region"))?;
        Self::of(store, item, now).await
    }

    /// [`RegionBook::load`] with the region's item already read (with other items in one batch).
    pub async fn of(store: &Store, item: RegionItem, now: Instant) -> Result<Self> {
        let today = item.region.clock.local_date(now);
        let policy = item.policy.policy_on(today)?.clone();
        let clock = item.region.clock.clone();
        let calendar =
            current(store, |calendar| counts_with(&policy, calendar, &clock, now)).await?;
        Ok(Self { region: item.region, policies: item.policy, calendar })
    }

    /// What the replay of `pool`'s transparency log reads besides the log: this region's
    /// policy history, calendar and clock.
    pub fn replay_context<'a>(
        &'a self,
        pool: &'a kezek_rules::places::PoolKey,
    ) -> kezek_rules::transparency::ReplayContext<'a> {
        kezek_rules::transparency::ReplayContext {
            pool,
            policies: &self.policies,
            calendar: &self.calendar,
            clock: &self.region.clock,
        }
    }

    pub fn book(&self) -> RuleBook<'_> {
        RuleBook { clock: &self.region.clock, policies: &self.policies, calendar: &self.calendar }
    }

    /// The rules at `now`: the policy in force that local day.
    pub fn at(&self, now: Instant) -> Result<RegionRules> {
        let policy = self.book().policy_at(now)?.clone();
        Ok(RegionRules {
            region: self.region.clone(),
            policy,
            now,
            calendar: self.calendar.clone(),
        })
    }
}

/// Whether `calendar` counts every working-day deadline of `policy` from `now`.
fn counts_with(
    policy: &Policy,
    calendar: &WorkingCalendar,
    clock: &kezek_rules::time::RegionClock,
    now: Instant,
) -> bool {
    [policy.offer_window, policy.referral_validity, policy.stop_list]
        .into_iter()
        .filter(|span| matches!(span, Span::WorkingDays(_)))
        .all(|span| deadline_at(span, now, calendar, clock).is_ok())
}

/// A region with the policy in force at one instant.
#[derive(Debug, Clone)]
pub struct RegionRules {
    pub region: Region,
    pub policy: Policy,
    pub now: Instant,
    /// The built-in calendar with the stored years.
    pub calendar: Arc<WorkingCalendar>,
}

impl RegionRules {
    pub async fn load(store: &Store, region_id: &str, now: Instant) -> Result<Self> {
        RegionBook::load(store, region_id, now).await?.at(now)
    }

    pub fn context(&self) -> RuleContext<'_> {
        RuleContext {
            policy: &self.policy,
            calendar: &self.calendar,
            clock: &self.region.clock,
            now: self.now,
        }
    }
}
