//! The enqueue age limit (DESIGN §1.3, issue 10 item 5): preschool ends when school starts,
//! so enqueue refuses a child of school age (6 full years by default, the Law on education)
//! with `child_too_old_to_enqueue` and the date the child reached the limit. The limit is a
//! policy number, versioned by effective date like the others.

mod common;

use common::*;
use kezek_rules::application::{enqueue, ApplicationId, EnqueueRequest, Priority};
use kezek_rules::policy::{Policy, PolicyHistory, PolicyVersion};
use kezek_rules::time::Instant;
use kezek_rules::RuleError;

fn enqueue_child(
    birth_date: chrono::NaiveDate,
    policy: &Policy,
    now: Instant,
) -> Result<(), RuleError> {
    let request = EnqueueRequest {
        application_id: ApplicationId("a".into()),
        child_iin: child_iin(birth_date, 1),
        priority: Priority::General,
    };
    enqueue(request, &region(), policy, now).map(|_| ())
}

#[test]
fn a_child_born_in_1990_is_refused_with_the_date_school_age_was_reached() {
    let now = local(2026, 12, 1, 10, 0);
    assert_eq!(
        enqueue_child(date(1990, 5, 20), &Policy::default(), now),
        Err(RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(1996, 5, 20) })
    );
}

#[test]
fn the_limit_is_the_sixth_birthday_on_the_regions_local_date() {
    let policy = Policy::default();
    let born = date(2020, 12, 2);
    // 1 December 2026, 23:30 local: still five.
    assert_eq!(enqueue_child(born, &policy, local(2026, 12, 1, 23, 30)), Ok(()));
    // 2 December 2026, 00:30 local (still 1 December in UTC): six today, refused.
    let refused = RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(2026, 12, 2) };
    assert_eq!(enqueue_child(born, &policy, local(2026, 12, 2, 0, 30)), Err(refused.clone()));
    assert_eq!(refused.code(), "child_too_old_to_enqueue");
    assert!(refused.to_string().contains("2026-12-02"), "{refused}");
}

#[test]
fn the_limit_is_versioned_by_effective_date() {
    // A region admitting six-year-olds from 1 September 2027 (limit 7 from then on).
    let history = PolicyHistory::new(vec![
        PolicyVersion { effective_from: date(2024, 1, 1), policy: Policy::default() },
        PolicyVersion {
            effective_from: date(2027, 9, 1),
            policy: Policy { enqueue_age_limit_years: 7, ..Policy::default() },
        },
    ])
    .expect("valid history");
    let born = date(2021, 3, 1);
    let before = history.policy_on(date(2027, 8, 31)).expect("in force");
    let after = history.policy_on(date(2027, 9, 1)).expect("in force");
    assert_eq!(
        enqueue_child(born, before, local(2027, 8, 31, 10, 0)),
        Err(RuleError::ChildTooOldToEnqueue { limit_years: 6, reached_on: date(2027, 3, 1) })
    );
    assert_eq!(enqueue_child(born, after, local(2027, 9, 1, 10, 0)), Ok(()));
}

#[test]
fn an_age_out_policy_below_the_limit_still_answers_child_too_old() {
    let policy = Policy { age_out_years: Some(5), ..Policy::default() };
    assert_eq!(
        enqueue_child(date(2021, 1, 10), &policy, local(2026, 12, 1, 10, 0)),
        Err(RuleError::ChildTooOld)
    );
}
