//! The one context of the rules (issue 10 item 2): a region's clock, its policy over time and
//! the working calendar (built-in years with the years operators loaded). Deadlines,
//! eligibility and "what is due" all come from it: [`RuleBook::at`] gives the
//! [`RuleContext`] a transition runs in (the policy in force on the local day of `now`), and
//! the explanations of deadlines set earlier use the policy in force at their own event.

use crate::application::{
    Application, ApplicationDeadlines, ApplicationState, Command, RuleContext,
};
use crate::calendar::{CalendarYear, WorkingCalendar};
use crate::eligibility::{evaluate_choice, ChoiceSituation, Eligibility};
use crate::error::{RuleError, RuleResult};
use crate::places::Pool;
use crate::policy::{Policy, PolicyHistory};
use crate::text::Text;
use crate::time::{Instant, RegionClock};

/// Most calendar years laid over the built-in ones in one calendar.
pub const LOADED_YEARS_MAX: usize = 64;

/// The one calendar assembly: the built-in calendar of Kazakhstan with `years` laid over it
/// in order (a year replaces the built-in one of the same number). Returns the calendar and
/// every year the rules refused, with why; the caller decides whether a refusal is fatal.
pub fn calendar_with_years(
    years: impl IntoIterator<Item = CalendarYear>,
) -> (WorkingCalendar, Vec<(i32, RuleError)>) {
    let mut calendar = WorkingCalendar::kazakhstan().clone();
    let mut refused = Vec::new();
    for (count, year) in years.into_iter().enumerate() {
        let number = year.year;
        if count >= LOADED_YEARS_MAX {
            let detail =
                Text::default().s("at most ").n(LOADED_YEARS_MAX).s(" loaded calendar years");
            let detail = detail.into_string();
            refused.push((number, RuleError::InvalidInput { detail }));
            continue;
        }
        if let Err(error) = calendar.add_year(year) {
            refused.push((number, error));
        }
    }
    (calendar, refused)
}

/// A region's rules: what every decision about its applications consults.
#[derive(Debug, Clone, Copy)]
pub struct RuleBook<'a> {
    pub clock: &'a RegionClock,
    pub policies: &'a PolicyHistory,
    pub calendar: &'a WorkingCalendar,
}

impl<'a> RuleBook<'a> {
    /// The policy in force on the local date of `at`.
    pub fn policy_at(&self, at: Instant) -> RuleResult<&'a Policy> {
        self.policies.policy_on(self.clock.local_date(at))
    }

    /// The context of a command at `now`.
    pub fn at(&self, now: Instant) -> RuleResult<RuleContext<'a>> {
        Ok(RuleContext {
            policy: self.policy_at(now)?,
            calendar: self.calendar,
            clock: self.clock,
            now,
        })
    }

    /// The deadlines of `state` as shown at `now`: each explained with the policy in force at
    /// its own event (a later policy change never rewrites them); the extension limit with the
    /// policy of `now`, when an extension would be asked for.
    pub fn deadlines(
        &self,
        state: &ApplicationState,
        now: Instant,
    ) -> RuleResult<ApplicationDeadlines> {
        let policy_now = self.policy_at(now)?;
        let policy_of = |event_at: Instant| self.policy_at(event_at).unwrap_or(policy_now);
        ApplicationDeadlines::of(state, &policy_of, policy_now, self.calendar, self.clock)
    }

    /// R4 for `application` in `pool` at `now`.
    pub fn eligibility(
        &self,
        application: &Application,
        pool: &Pool,
        now: Instant,
    ) -> RuleResult<Eligibility> {
        let situation = ChoiceSituation::of(application, pool);
        Ok(evaluate_choice(situation, self.policy_at(now)?, self.clock, now))
    }

    /// The command the sweep applies to `application` at `now`, if one is due.
    pub fn due(&self, application: &Application, now: Instant) -> RuleResult<Option<Command>> {
        Ok(application.due_command(&self.at(now)?))
    }
}
