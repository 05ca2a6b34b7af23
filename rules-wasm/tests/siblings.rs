//! Siblings and twins (issue 15 item 3): who may be marked a sibling set, and how the stepping
//! turn engine offers a set's places under `together_only` — against a plain walk of the full
//! sort, on random pools with all three classes, children too young, offered and stop-listed
//! ones and random pages; and the rule for one part's expiry.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use common::{application, date, kk, local, pool_with_places};
use kezek_rules::age::full_years;
use kezek_rules::application::{
    ApplicationId, ApplicationState, Command, Priority, RuleContext, StateName,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::policy::{Policy, PriorityRatio};
use kezek_rules::queue::{QueueEntry, QueueOrder, Waiting};
use kezek_rules::siblings::{check_set, SiblingCandidate, SiblingPlacement, SiblingSetId};
use kezek_rules::time::RegionClock;
use kezek_rules::turn_engine::{run_turn_engine, select_offers, select_offers_paged};
use proptest::prelude::*;

fn together() -> Policy {
    Policy { sibling_placement: SiblingPlacement::TogetherOnly, ..Policy::default() }
}

fn entries_strategy() -> impl Strategy<Value = Vec<QueueEntry>> {
    let entry = (0..3usize, 0..8u8, 0..1_200i64, 0..40i64, 0..12usize);
    proptest::collection::vec(entry, 0..120).prop_map(|raw| {
        // Set k holds the entries drawn with k < 5 (sets of one are dropped below).
        let mut entries: Vec<QueueEntry> = raw
            .into_iter()
            .enumerate()
            .map(|(i, (class, waiting, birth, registered, set))| QueueEntry {
                id: ApplicationId(format!("a{i:04}")),
                priority: [Priority::OutOfTurn, Priority::FirstPriority, Priority::General][class],
                registered_at: local(2024, 1, 2, 9, 0) + Duration::seconds(registered),
                birth_date: date(2022, 6, 1) + Duration::days(birth),
                waiting: match waiting {
                    0 => Waiting::Offered,
                    1 => Waiting::StopListed,
                    _ => Waiting::Queued,
                },
                together: (set < 5).then(|| SiblingSetId(format!("s{set}"))),
            })
            .collect();
        let mut sizes: BTreeMap<SiblingSetId, usize> = BTreeMap::new();
        for entry in &entries {
            if let Some(set) = &entry.together {
                *sizes.entry(set.clone()).or_default() += 1;
            }
        }
        for entry in &mut entries {
            let size = entry.together.as_ref().map_or(0, |set| sizes[set]);
            if !(2..=4).contains(&size) {
                entry.together = None;
            }
        }
        entries
    })
}

/// The plain walk: the full sort in order; an admitted member's set is decided at its first
/// admitted member (all its queued members, when none is stop-listed or too young and the
/// places are there; else none); others as without sets.
fn model(entries: &[QueueEntry], unreserved: u32, policy: &Policy) -> Vec<usize> {
    let today = RegionClock::default().local_date(now());
    let old_enough = |e: &QueueEntry| full_years(e.birth_date, today) >= 2;
    let admitted = |e: &QueueEntry| e.waiting == Waiting::Queued && old_enough(e);
    let order = QueueOrder::new(entries, policy.priority_ratio).expect("small");
    let mut left = unreserved;
    let mut decided = BTreeSet::new();
    let mut offers = Vec::new();
    for index in order.iter() {
        if left == 0 {
            break;
        }
        let entry = &entries[index];
        if !admitted(entry) {
            continue;
        }
        let Some(set) = &entry.together else {
            offers.push(index);
            left -= 1;
            continue;
        };
        if !decided.insert(set.clone()) {
            continue;
        }
        let members: Vec<usize> =
            (0..entries.len()).filter(|i| entries[*i].together.as_ref() == Some(set)).collect();
        let blocked = members.iter().any(|i| {
            entries[*i].waiting == Waiting::StopListed
                || (entries[*i].waiting == Waiting::Queued && !old_enough(&entries[*i]))
        });
        let part: Vec<usize> =
            members.into_iter().filter(|i| entries[*i].waiting == Waiting::Queued).collect();
        let count = part.len() as u32;
        if !blocked && count <= left {
            offers.extend(part);
            left -= count;
        }
    }
    offers
}

fn now() -> kezek_rules::time::Instant {
    local(2025, 3, 3, 10, 0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn together_only_offers_whole_sets_in_queue_order_whatever_the_pages(
        entries in entries_strategy(),
        unreserved in 0..50u32,
        first in 1..4u8, general in 1..5u8,
        lengths in proptest::collection::vec(1..12usize, 1..30),
    ) {
        let policy = Policy {
            priority_ratio: PriorityRatio { first_priority: first, general },
            ..together()
        };
        let clock = RegionClock::default();
        let mut page = 0usize;
        let mut short_pages = |_: Priority, limit: usize| {
            page += 1;
            lengths[page % lengths.len()].min(limit)
        };
        let offers = select_offers_paged(&entries, unreserved, &policy, &clock, now(), &mut short_pages)
            .expect("runs");
        prop_assert_eq!(&offers, &model(&entries, unreserved, &policy));
        prop_assert!(offers.len() <= unreserved as usize);
        let distinct: BTreeSet<usize> = offers.iter().copied().collect();
        prop_assert_eq!(distinct.len(), offers.len(), "nobody offered twice");
        // A set is offered whole or not at all.
        for index in &offers {
            if let Some(set) = &entries[*index].together {
                for (other, entry) in entries.iter().enumerate() {
                    if entry.together.as_ref() == Some(set) && entry.waiting == Waiting::Queued {
                        prop_assert!(distinct.contains(&other), "{:?} offered in part", set);
                    }
                }
            }
        }
        // Under `independent` the marks change nothing.
        let independent = Policy { sibling_placement: SiblingPlacement::Independent, ..policy.clone() };
        let unmarked: Vec<QueueEntry> =
            entries.iter().cloned().map(|entry| QueueEntry { together: None, ..entry }).collect();
        prop_assert_eq!(
            select_offers(&entries, unreserved, &independent, &clock, now()).expect("runs"),
            select_offers(&unmarked, unreserved, &independent, &clock, now()).expect("runs")
        );
    }
}

fn twins_pool_context<'a>(policy: &'a Policy, clock: &'a RegionClock) -> RuleContext<'a> {
    RuleContext { policy, calendar: WorkingCalendar::kazakhstan(), clock, now: now() }
}

/// Astana's rule: twins ahead of another child, one place → the other child gets it; two
/// places → the twins together; one twin's offer expires → the other keeps its offer, and the
/// one back in the queue is offered alone next time (its twin no longer waits).
#[test]
fn twins_are_offered_together_and_each_part_then_follows_its_own_deadline() {
    let policy = together();
    let clock = RegionClock::default();
    let context = twins_pool_context(&policy, &clock);
    let born = date(2022, 3, 14);
    let set = SiblingSetId("twins".into());
    let mut twin_a = application("twin-a", born, Priority::General, local(2024, 5, 1, 9, 0));
    let mut twin_b = application("twin-b", born, Priority::General, local(2024, 5, 1, 9, 1));
    twin_a.siblings = Some(set.clone());
    twin_b.siblings = Some(set.clone());
    let other = application("other", born, Priority::General, local(2024, 6, 1, 9, 0));

    let mut pool = pool_with_places(2022, 1);
    let mut applications = vec![twin_a, twin_b, other];
    let offered = run_turn_engine(&mut pool, &applications, &context).expect("runs");
    let ids: Vec<&str> = offered.iter().map(|t| t.application.id.0.as_str()).collect();
    assert_eq!(ids, ["other"], "one place: the twins are passed over, the next child offered");
    applications[2] = offered[0].application.clone();

    let publish = pool.publish(&kk(), 2).expect("publish");
    pool.apply(&publish).expect("apply");
    let offered = run_turn_engine(&mut pool, &applications, &context).expect("runs");
    let ids: Vec<&str> = offered.iter().map(|t| t.application.id.0.as_str()).collect();
    assert_eq!(ids, ["twin-a", "twin-b"], "two places: both twins at once");
    for transition in offered {
        let index =
            applications.iter().position(|a| a.id == transition.application.id).expect("known");
        applications[index] = transition.application;
    }
    assert_eq!(pool.counters.unreserved, 0);

    // Twin B's offer expires (R6): only B goes back to the queue; A's offer stands.
    let ApplicationState::Offered { expires_at, .. } = applications[1].state.clone() else {
        panic!("twin B offered")
    };
    let later = RuleContext { now: expires_at + Duration::seconds(1), ..context };
    let expiry = applications[1].apply(&Command::ExpireOffer, &pool, &later).expect("expires");
    for place_move in &expiry.effects.places {
        pool.apply(place_move).expect("moves apply");
    }
    applications[1] = expiry.application;
    assert_eq!(applications[1].state, ApplicationState::Queued);
    assert!(matches!(applications[0].state, ApplicationState::Offered { .. }));
    let offered_count =
        applications.iter().filter(|a| a.state.name() == StateName::Offered).count();
    pool.check_invariants(offered_count as u64).expect("invariants");

    // An expired offer's place goes to free choice (R6), not back to the queue; the next
    // place published is offered to B alone: A (offered) does not hold it back.
    assert_eq!(pool.counters.unreserved, 0);
    let publish = pool.publish(&kk(), 1).expect("publish");
    pool.apply(&publish).expect("apply");
    let offered = run_turn_engine(&mut pool, &applications, &later).expect("runs");
    let ids: Vec<&str> = offered.iter().map(|t| t.application.id.0.as_str()).collect();
    assert_eq!(ids, ["twin-b"]);
}

#[test]
fn a_stop_listed_or_too_young_sibling_holds_the_set_back() {
    let policy = together();
    let clock = RegionClock::default();
    let at = |minute| local(2024, 5, 1, 9, minute);
    let entry = |id: &str, born, minute, waiting| QueueEntry {
        id: ApplicationId(id.into()),
        priority: Priority::General,
        registered_at: at(minute),
        birth_date: born,
        waiting,
        together: Some(SiblingSetId("s".into())),
    };
    let old = date(2022, 1, 10);
    let young = date(2023, 12, 1);
    let lone = QueueEntry { together: None, ..entry("lone", old, 30, Waiting::Queued) };
    let stop_listed = vec![
        entry("a", old, 1, Waiting::Queued),
        entry("b", old, 2, Waiting::StopListed),
        lone.clone(),
    ];
    assert_eq!(select_offers(&stop_listed, 5, &policy, &clock, now()).expect("runs"), [2]);
    let too_young =
        vec![entry("a", old, 1, Waiting::Queued), entry("b", young, 2, Waiting::Queued), lone];
    assert_eq!(select_offers(&too_young, 5, &policy, &clock, now()).expect("runs"), [2]);
}

#[test]
fn marking_refuses_with_stable_codes() {
    let born = date(2022, 3, 14);
    let first = application("a", born, Priority::General, local(2024, 5, 1, 9, 0));
    let second = application("b", date(2023, 1, 2), Priority::General, local(2024, 5, 1, 9, 1));
    let mut second = second;
    second.child_iin = common::child_iin(date(2023, 1, 2), 7);
    let own = |application| SiblingCandidate { application, applicant_iin: "880101300123" };
    assert_eq!(check_set("880101300123", &[own(&first), own(&second)]), Ok(()));

    let code = |members: &[SiblingCandidate<'_>]| {
        check_set("880101300123", members).expect_err("refused").code()
    };
    assert_eq!(code(&[own(&first)]), "sibling_count");
    assert_eq!(code(&[own(&first), own(&first)]), "sibling_duplicate");
    let stranger = SiblingCandidate { application: &second, applicant_iin: "900202400456" };
    assert_eq!(code(&[own(&first), stranger]), "sibling_not_own");
    let far = {
        let mut far =
            application("c", date(2020, 2, 2), Priority::General, local(2024, 5, 1, 9, 2));
        far.child_iin = common::child_iin(date(2020, 2, 2), 9);
        far
    };
    assert_eq!(code(&[own(&first), own(&far)]), "sibling_years_apart");
    let mut elsewhere = second.clone();
    elsewhere.pool.region_id = "almaty-region".into();
    assert_eq!(code(&[own(&first), own(&elsewhere)]), "sibling_other_region");
    let mut marked = second.clone();
    marked.siblings = Some(SiblingSetId("old".into()));
    assert_eq!(code(&[own(&first), own(&marked)]), "sibling_already_marked");
    let mut offered = second.clone();
    offered.state = ApplicationState::StopListed {
        since_at: local(2024, 12, 1, 0, 0),
        until_at: local(2025, 1, 1, 0, 0),
    };
    assert_eq!(code(&[own(&first), own(&offered)]), "sibling_not_queued");
    let mut wrong_iin = second.clone();
    wrong_iin.child_birth_date = date(2023, 1, 3);
    assert_eq!(code(&[own(&first), own(&wrong_iin)]), "sibling_years_apart");
    let five: Vec<_> = (0..5).map(|_| own(&first)).collect();
    assert_eq!(code(&five), "sibling_count");
}
