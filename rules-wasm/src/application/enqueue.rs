//! Putting a child in the queue (seed steps 1–2; R1).

use serde::{Deserialize, Serialize};

use super::{
    effects::AuditEvent, Application, ApplicationId, ApplicationState, Priority, StateName,
};
use crate::age::{aged_out, check_enqueue_age};
use crate::error::{RuleError, RuleResult};
use crate::iin::Iin;
use crate::places::PoolKey;
use crate::policy::Policy;
use crate::time::{Instant, RegionClock};

/// A region (district or city) and whether this service serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub id: String,
    pub name_kk: String,
    pub name_ru: String,
    /// R1: Astana, Almaty and Aktobe run their own systems and refuse applications here.
    pub served: bool,
    pub clock: RegionClock,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnqueueRequest {
    pub application_id: ApplicationId,
    pub child_iin: String,
    pub priority: Priority,
}

/// Creates the application of a child in the pool of its region and birth year.
pub fn enqueue(
    request: EnqueueRequest,
    region: &Region,
    policy: &Policy,
    now: Instant,
) -> RuleResult<(Application, AuditEvent)> {
    if !region.served {
        return Err(RuleError::RegionNotServed { region_id: region.id.clone() });
    }
    let child = Iin::parse(&request.child_iin)?;
    let today = region.clock.local_date(now);
    if child.birth_date > today {
        return Err(RuleError::ChildNotBorn);
    }
    if aged_out(child.birth_date, today, policy.age_out_years) {
        return Err(RuleError::ChildTooOld);
    }
    check_enqueue_age(child.birth_date, today, policy.enqueue_age_limit_years)?;
    use chrono::Datelike;
    let application = Application {
        id: request.application_id,
        child_iin: child.iin,
        child_birth_date: child.birth_date,
        pool: PoolKey { region_id: region.id.clone(), group_year: child.birth_date.year() },
        priority: request.priority,
        registered_at: now,
        lapses: 0,
        state: ApplicationState::Queued,
        version: 1,
        #[cfg(feature = "siblings")]
        siblings: None,
    };
    let audit = AuditEvent {
        application_id: application.id.clone(),
        command: "enqueue".to_owned(),
        from_state: None,
        to_state: StateName::Queued,
        at: now,
        version: application.version,
    };
    Ok((application, audit))
}
