//! Per-region policy, versioned by effective date (DESIGN §1.3). Defaults are the seed's.
//!
//! A policy change never rewrites deadlines already set: transitions compute a deadline
//! once, with the policy in force at the event, and the application keeps it.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::age::SCHOOL_START_AGE_YEARS;
use crate::error::{RuleError, RuleResult};
#[cfg(feature = "siblings")]
use crate::siblings::SiblingPlacement;

/// Upper bound on any span of a policy, in its unit.
pub const SPAN_COUNT_MAX: u16 = 366;
/// Upper bound on the versions of one region's policy.
pub const POLICY_VERSIONS_MAX: usize = 64;
/// Upper bound on blackout periods in one policy.
pub const BLACKOUTS_MAX: usize = 12;

/// A length of time as the policy states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum Span {
    /// "Within N working days of E": the deadline is 00:00 local after the N-th working day
    /// counted from the day after E's local date.
    WorkingDays(u16),
    /// 00:00 local after the N-th calendar day counted from the day after E's local date.
    CalendarDays(u16),
    /// Exactly N hours after E.
    Hours(u16),
}

impl Span {
    pub fn count(self) -> u16 {
        match self {
            Span::WorkingDays(count) | Span::CalendarDays(count) | Span::Hours(count) => count,
        }
    }
}

/// How many first-priority children, then how many general ones, in each turn of the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriorityRatio {
    pub first_priority: u8,
    pub general: u8,
}

/// A month and day, for periods that recur every year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MonthDay {
    pub month: u8,
    pub day: u8,
}

impl MonthDay {
    fn of(date: NaiveDate) -> Self {
        // Month is 1..=12 and day 1..=31: both fit u8.
        Self { month: date.month() as u8, day: date.day() as u8 }
    }
    fn is_valid(self) -> bool {
        // 2024 is a leap year, so 29 February is accepted.
        NaiveDate::from_ymd_opt(2024, u32::from(self.month), u32::from(self.day)).is_some()
    }
}

/// A period of every year (both ends included) when no referrals are issued and no offers made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Blackout {
    pub first_day: MonthDay,
    pub last_day: MonthDay,
}

impl Blackout {
    /// Whether `date` falls in the period (a period may wrap over the new year).
    pub fn contains(&self, date: NaiveDate) -> bool {
        let day = MonthDay::of(date);
        if self.first_day <= self.last_day {
            self.first_day <= day && day <= self.last_day
        } else {
            day >= self.first_day || day <= self.last_day
        }
    }
}

/// The numbers a region decides. `Policy::default()` is the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// R4: full years a child must have on today's local date to be offered or to choose.
    pub min_age_years: u8,
    /// R6: time to sign a choice after the turn came.
    pub offer_window: Span,
    /// R9: time to enrol after the referral was issued.
    pub referral_validity: Span,
    /// R9: length of the stop-list after a lapse.
    pub stop_list: Span,
    /// R10: lapses after which the child is removed from the queue.
    pub max_lapses: u8,
    /// R11: longest single extension of a referral, in calendar days.
    pub extension_max_days: u16,
    /// R11: how many times a referral may be extended.
    pub extensions_allowed: u8,
    /// R12: hours after issue during which the applicant may cancel a referral.
    pub cancel_window_hours: u16,
    /// §1.4: first-priority to general children in each turn of the queue.
    pub priority_ratio: PriorityRatio,
    /// §1.3: periods when no referrals are issued (e.g. 1–31 August, the age-group move).
    pub blackouts: Vec<Blackout>,
    /// Optional: children this many full years old or older are removed from the queue.
    pub age_out_years: Option<u8>,
    /// §1.3: children this many full years old or older on the local date of enqueue are
    /// refused (`child_too_old_to_enqueue`): preschool ends when school starts. Default: the
    /// school starting age of the Law on education ([`SCHOOL_START_AGE_YEARS`], 6). Stored
    /// policies written before the field existed read as the default.
    #[serde(default = "school_start_age_years")]
    pub enqueue_age_limit_years: u8,
    /// Issue 15: whether a sibling set's members in one pool are offered places only together
    /// ([`SiblingPlacement`]). Stored policies written before the field existed read as
    /// `independent`.
    #[cfg(feature = "siblings")]
    #[serde(default, skip_serializing_if = "SiblingPlacement::is_independent")]
    pub sibling_placement: SiblingPlacement,
    /// Issue 15: how transfer requests and new children share the pool's places. Stored
    /// policies written before the field existed read as the default (new children first).
    /// Transfers are decided on the server only: the browser's lean module (built without
    /// default features) does not carry the field, which keeps it within its size budget.
    #[cfg(feature = "json")]
    #[serde(default)]
    pub transfer_sharing: TransferSharing,
}

/// How transfer requests (enrolled children asking for another kindergarten) and the new
/// children of the queue share a pool's unreserved places (`crate::turn_transfers`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferSharing {
    /// Default: a place goes to a waiting new child first; a transfer is offered only a
    /// place no eligible new child of the pool is waiting for. A new child has no place at
    /// all, a transfer child has one.
    #[default]
    NewChildrenFirst,
    /// Transfers are offered first, in request order, then new children get what is left.
    TransfersFirst,
}

fn school_start_age_years() -> u8 {
    SCHOOL_START_AGE_YEARS
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            min_age_years: 2,
            offer_window: Span::WorkingDays(3),
            referral_validity: Span::WorkingDays(5),
            stop_list: Span::WorkingDays(10),
            max_lapses: 2,
            extension_max_days: 30,
            extensions_allowed: 1,
            cancel_window_hours: 24,
            priority_ratio: PriorityRatio { first_priority: 1, general: 3 },
            blackouts: Vec::new(),
            age_out_years: None,
            enqueue_age_limit_years: SCHOOL_START_AGE_YEARS,
            #[cfg(feature = "siblings")]
            sibling_placement: SiblingPlacement::Independent,
            #[cfg(feature = "json")]
            transfer_sharing: TransferSharing::NewChildrenFirst,
        }
    }
}

impl Policy {
    /// The seed's policy with the August age-group move as a blackout.
    pub fn with_august_blackout() -> Self {
        Self {
            blackouts: vec![Blackout {
                first_day: MonthDay { month: 8, day: 1 },
                last_day: MonthDay { month: 8, day: 31 },
            }],
            ..Self::default()
        }
    }

    /// Whether sibling sets are offered only together (never without feature `siblings`).
    pub fn siblings_together(&self) -> bool {
        #[cfg(feature = "siblings")]
        return self.sibling_placement == SiblingPlacement::TogetherOnly;
        #[cfg(not(feature = "siblings"))]
        false
    }

    /// Checks every field is inside its limit; a region cannot configure nonsense.
    pub fn validate(&self) -> RuleResult<()> {
        let check = |ok: bool, field: &'static str| {
            if ok {
                Ok(())
            } else {
                Err(RuleError::PolicyInvalid { field })
            }
        };
        let span_ok = |span: Span| (1..=SPAN_COUNT_MAX).contains(&span.count());
        check(self.min_age_years <= 7, "minAgeYears")?;
        check(span_ok(self.offer_window), "offerWindow")?;
        check(span_ok(self.referral_validity), "referralValidity")?;
        check(span_ok(self.stop_list), "stopList")?;
        check((1..=10).contains(&self.max_lapses), "maxLapses")?;
        check((1..=SPAN_COUNT_MAX).contains(&self.extension_max_days), "extensionMaxDays")?;
        check(self.extensions_allowed <= 10, "extensionsAllowed")?;
        check((1..=24 * 30).contains(&self.cancel_window_hours), "cancelWindowHours")?;
        check(
            self.priority_ratio.first_priority >= 1 && self.priority_ratio.general >= 1,
            "priorityRatio",
        )?;
        check(self.blackouts.len() <= BLACKOUTS_MAX, "blackouts")?;
        check(
            self.blackouts.iter().all(|b| b.first_day.is_valid() && b.last_day.is_valid()),
            "blackouts",
        )?;
        check(
            self.age_out_years.is_none_or(|years| years > self.min_age_years && years <= 18),
            "ageOutYears",
        )?;
        check(
            self.enqueue_age_limit_years > self.min_age_years && self.enqueue_age_limit_years <= 18,
            "enqueueAgeLimitYears",
        )?;
        Ok(())
    }

    /// The blackout period containing `date`, if any.
    pub fn blackout_on(&self, date: NaiveDate) -> Option<&Blackout> {
        self.blackouts.iter().find(|blackout| blackout.contains(date))
    }

    /// The first date on or after `date` that is outside every blackout period.
    pub fn first_day_outside_blackouts(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        // At most a year of days can be blacked out before the periods repeat.
        for _ in 0..=366 {
            if self.blackout_on(day).is_none() {
                return day;
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        day
    }
}

/// One version of a region's policy, in force from `effective_from` (a local date) on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyVersion {
    pub effective_from: NaiveDate,
    pub policy: Policy,
}

/// A region's policy over time, versions in effective-date order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyHistory {
    versions: Vec<PolicyVersion>,
}

impl PolicyHistory {
    /// Builds a history; versions must be valid, distinct in date and at most `POLICY_VERSIONS_MAX`.
    pub fn new(mut versions: Vec<PolicyVersion>) -> RuleResult<Self> {
        if versions.is_empty() {
            return Err(RuleError::PolicyMissing);
        }
        if versions.len() > POLICY_VERSIONS_MAX {
            return Err(RuleError::PolicyInvalid { field: "versions" });
        }
        versions.sort_by_key(|version| version.effective_from);
        if versions.windows(2).any(|pair| pair[0].effective_from == pair[1].effective_from) {
            return Err(RuleError::PolicyInvalid { field: "effectiveFrom" });
        }
        for version in &versions {
            version.policy.validate()?;
        }
        Ok(Self { versions })
    }

    /// The seed's defaults, in force since forever.
    pub fn seed_defaults() -> Self {
        Self {
            versions: vec![PolicyVersion {
                effective_from: NaiveDate::MIN,
                policy: Policy::default(),
            }],
        }
    }

    /// The policy in force on local date `date`.
    pub fn policy_on(&self, date: NaiveDate) -> RuleResult<&Policy> {
        self.versions
            .iter()
            .take_while(|version| version.effective_from <= date)
            .last()
            .map(|version| &version.policy)
            .ok_or(RuleError::PolicyMissing)
    }

    pub fn versions(&self) -> &[PolicyVersion] {
        &self.versions
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn defaults_are_the_seed_numbers() {
        // Seed step 9: 3 working days; closing notes: 5 working days, 10 working days, 2 lapses,
        // 30 calendar days of extension, 24 hours to cancel.
        let policy = Policy::default();
        assert_eq!(policy.min_age_years, 2);
        assert_eq!(policy.offer_window, Span::WorkingDays(3));
        assert_eq!(policy.referral_validity, Span::WorkingDays(5));
        assert_eq!(policy.stop_list, Span::WorkingDays(10));
        assert_eq!(policy.max_lapses, 2);
        assert_eq!(policy.extension_max_days, 30);
        assert_eq!(policy.cancel_window_hours, 24);
        assert!(policy.validate().is_ok());
    }

    #[test]
    fn history_picks_the_version_in_force() {
        let voucher = Policy { offer_window: Span::WorkingDays(2), ..Policy::default() };
        let history = PolicyHistory::new(vec![
            PolicyVersion { effective_from: date(2024, 1, 1), policy: voucher.clone() },
            PolicyVersion {
                effective_from: date(2019, 1, 1),
                policy: Policy { offer_window: Span::CalendarDays(1), ..Policy::default() },
            },
        ])
        .expect("valid history");
        assert_eq!(
            history.policy_on(date(2019, 6, 1)).expect("in force").offer_window,
            Span::CalendarDays(1)
        );
        assert_eq!(history.policy_on(date(2024, 1, 1)).expect("in force"), &voucher);
        assert_eq!(
            history.policy_on(date(2018, 12, 31)).map_err(|e| e.code()),
            Err("policy_missing")
        );
    }

    #[test]
    fn invalid_policies_are_refused() {
        let bad = Policy {
            priority_ratio: PriorityRatio { first_priority: 0, general: 3 },
            ..Policy::default()
        };
        assert_eq!(bad.validate().map_err(|e| e.code()), Err("policy_invalid"));
        let zero_window = Policy { offer_window: Span::WorkingDays(0), ..Policy::default() };
        assert_eq!(zero_window.validate(), Err(RuleError::PolicyInvalid { field: "offerWindow" }));
        let same_day =
            PolicyVersion { effective_from: date(2024, 1, 1), policy: Policy::default() };
        assert!(PolicyHistory::new(vec![same_day.clone(), same_day]).is_err());
    }

    #[test]
    fn enqueue_age_limit_defaults_to_the_school_age_and_is_checked() {
        assert_eq!(Policy::default().enqueue_age_limit_years, 6);
        // A policy stored before the field existed reads as the default.
        let mut stored = serde_json::to_value(Policy::default()).expect("serializes");
        stored.as_object_mut().expect("object").remove("enqueueAgeLimitYears");
        let read: Policy = serde_json::from_value(stored).expect("deserializes");
        assert_eq!(read, Policy::default());
        let invalid = |years| Policy { enqueue_age_limit_years: years, ..Policy::default() };
        let refused = Err(RuleError::PolicyInvalid { field: "enqueueAgeLimitYears" });
        assert_eq!(invalid(2).validate(), refused, "not above minAgeYears");
        assert_eq!(invalid(19).validate(), refused);
        assert_eq!(invalid(3).validate(), Ok(()));
        assert_eq!(invalid(18).validate(), Ok(()));
    }

    #[test]
    fn august_blackout_covers_the_month_only() {
        let policy = Policy::with_august_blackout();
        assert!(policy.blackout_on(date(2026, 8, 1)).is_some());
        assert!(policy.blackout_on(date(2026, 8, 31)).is_some());
        assert!(policy.blackout_on(date(2026, 9, 1)).is_none());
        assert_eq!(policy.first_day_outside_blackouts(date(2026, 8, 10)), date(2026, 9, 1));
        let wrapping = Blackout {
            first_day: MonthDay { month: 12, day: 30 },
            last_day: MonthDay { month: 1, day: 2 },
        };
        assert!(wrapping.contains(date(2027, 1, 1)) && !wrapping.contains(date(2027, 1, 3)));
    }
}
