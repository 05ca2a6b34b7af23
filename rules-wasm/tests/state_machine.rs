//! The application state machine, one table row per rule, each naming the seed step
//! (shared/seed/translation-en.md) or DESIGN rule it covers.

mod common;

use chrono::Duration;
use common::*;
use kezek_rules::application::{
    enqueue, Application, ApplicationId, ApplicationState, Command, EnqueueRequest, NoticeKind,
    PlaceSource, Priority, Region, RemovalReason, RuleContext, StateName,
};
use kezek_rules::calendar::WorkingCalendar;
use kezek_rules::places::{GroupId, PlaceCounters, PlaceMove, Pool};
use kezek_rules::policy::{Policy, Span};
use kezek_rules::time::{Instant, RegionClock};
use kezek_rules::RuleError;

fn context(policy: &Policy, now: Instant) -> RuleContext<'_> {
    static CLOCK: std::sync::OnceLock<RegionClock> = std::sync::OnceLock::new();
    RuleContext {
        policy,
        calendar: WorkingCalendar::kazakhstan(),
        clock: CLOCK.get_or_init(RegionClock::default),
        now,
    }
}

/// Applies a command and the place moves it asks for; panics on refusal.
fn step(application: &Application, pool: &mut Pool, command: Command, now: Instant) -> Application {
    let policy = Policy::default();
    let transition = application
        .apply(&command, pool, &context(&policy, now))
        .unwrap_or_else(|e| panic!("{command:?} refused: {e}"));
    for place_move in &transition.effects.places {
        pool.apply(place_move).expect("moves apply to the pool they were decided on");
    }
    transition.application
}

fn refusal(application: &Application, pool: &Pool, command: Command, now: Instant) -> &'static str {
    let policy = Policy::default();
    application
        .apply(&command, pool, &context(&policy, now))
        .map(|_| ())
        .expect_err("refused")
        .code()
}

fn born_2023() -> chrono::NaiveDate {
    date(2023, 1, 10)
}

/// A child of the 2023 pool offered a place on Mon 20 Oct 2025, 10:00 local.
fn offered() -> (Application, Pool) {
    let mut pool = pool_with_places(2023, 1);
    let queued = application("a-1", born_2023(), Priority::General, local(2024, 5, 2, 9, 15));
    let offered = step(&queued, &mut pool, Command::Offer, local(2025, 10, 20, 10, 0));
    (offered, pool)
}

/// The same child, referred to the Kazakh group on Thu 23 Oct 2025, 10:00 local.
fn referred() -> (Application, Pool) {
    let (offered, mut pool) = offered();
    let referred =
        step(&offered, &mut pool, Command::Sign { group_id: kk() }, local(2025, 10, 23, 10, 0));
    (referred, pool)
}

fn referral_of(application: &Application) -> kezek_rules::application::Referral {
    match &application.state {
        ApplicationState::Referred { referral } | ApplicationState::Enrolled { referral, .. } => {
            referral.clone()
        }
        other => panic!("not referred: {other:?}"),
    }
}

#[test]
fn r1_step_2_regions_served_elsewhere_refuse_applications() {
    let astana = Region { id: "astana".into(), served: false, ..region() };
    let request = EnqueueRequest {
        application_id: ApplicationId("a".into()),
        child_iin: child_iin(born_2023(), 1),
        priority: Priority::General,
    };
    let refused = enqueue(request.clone(), &astana, &Policy::default(), local(2025, 1, 1, 10, 0));
    assert_eq!(refused.map(|_| ()).map_err(|e| e.code()), Err("region_not_served"));
    let (application, audit) =
        enqueue(request, &region(), &Policy::default(), local(2025, 1, 1, 10, 0)).expect("served");
    assert_eq!(application.state, ApplicationState::Queued);
    assert_eq!(application.pool.group_year, 2023, "the pool's group year is the birth year");
    assert_eq!(
        (audit.from_state, audit.to_state, application.version),
        (None, StateName::Queued, 1)
    );
}

#[test]
fn enqueue_refuses_bad_iins_and_unborn_children() {
    let request = |iin: &str| EnqueueRequest {
        application_id: ApplicationId("a".into()),
        child_iin: iin.into(),
        priority: Priority::General,
    };
    let now = local(2025, 1, 1, 10, 0);
    let mut bad = child_iin(born_2023(), 1);
    bad.replace_range(11..12, if bad.ends_with('0') { "1" } else { "0" });
    assert_eq!(
        enqueue(request(&bad), &region(), &Policy::default(), now)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("iin_check_digit")
    );
    let unborn = child_iin(date(2025, 6, 1), 1);
    assert_eq!(
        enqueue(request(&unborn), &region(), &Policy::default(), now)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("child_not_born")
    );
    let aged_out_policy = Policy { age_out_years: Some(7), ..Policy::default() };
    let old = child_iin(date(2017, 6, 1), 1);
    assert_eq!(
        enqueue(request(&old), &region(), &aged_out_policy, now).map(|_| ()).map_err(|e| e.code()),
        Err("child_too_old")
    );
}

#[test]
fn r5_step_8_turn_comes_with_notice_and_three_working_day_deadline() {
    let (offered, pool) = offered();
    // Offered Mon 20 Oct 2025: counting Tue 21, Wed 22, Thu 23 → 00:00 local Fri 24 Oct.
    let expires_at = local(2025, 10, 24, 0, 0);
    assert_eq!(
        offered.state,
        ApplicationState::Offered { offered_at: local(2025, 10, 20, 10, 0), expires_at }
    );
    assert_eq!(pool.counters, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
    let queued = application("a-1", born_2023(), Priority::General, local(2024, 5, 2, 9, 15));
    let transition = queued
        .apply(
            &Command::Offer,
            &pool_with_places(2023, 1),
            &context(&Policy::default(), local(2025, 10, 20, 10, 0)),
        )
        .expect("offer");
    assert_eq!(transition.effects.places, vec![PlaceMove::Offer]);
    assert_eq!(transition.effects.notices.len(), 1);
    assert_eq!(transition.effects.notices[0].kind, NoticeKind::TurnCame { expires_at });
}

#[test]
fn r5_offer_window_skips_nauryz_2026() {
    let mut pool = pool_with_places(2023, 1);
    let queued = application("a-1", born_2023(), Priority::General, local(2024, 5, 2, 9, 15));
    // Offered Fri 20 Mar 2026: 21–25 Mar are days off (Nauryz, moved days), then Thu 26,
    // Fri 27, Mon 30 → 00:00 local Tue 31 Mar.
    let offered = step(&queued, &mut pool, Command::Offer, local(2026, 3, 20, 10, 0));
    assert_eq!(offered.state.due_at(), Some(local(2026, 3, 31, 0, 0)));
}

#[test]
fn r4_step_8_no_offer_to_a_child_under_two_or_without_unreserved_places() {
    let young = application("a-2", date(2024, 3, 14), Priority::General, local(2024, 5, 2, 9, 15));
    assert_eq!(
        refusal(&young, &pool_with_places(2024, 1), Command::Offer, local(2026, 3, 13, 12, 0)),
        "child_too_young"
    );
    let mut pool = pool_with_places(2024, 1);
    let offered = step(&young, &mut pool, Command::Offer, local(2026, 3, 14, 0, 0));
    assert_eq!(offered.state.name(), StateName::Offered);
    let other = application("a-3", date(2024, 1, 1), Priority::General, local(2024, 5, 2, 9, 15));
    assert_eq!(refusal(&other, &pool, Command::Offer, local(2026, 3, 14, 9, 0)), "no_free_places");
}

#[test]
fn blackout_period_stops_offers_and_referrals() {
    let policy = Policy::with_august_blackout();
    let queued = application("a-1", born_2023(), Priority::General, local(2024, 5, 2, 9, 15));
    let pool = pool_with_places(2023, 1);
    let refused = queued.apply(&Command::Offer, &pool, &context(&policy, local(2026, 8, 3, 10, 0)));
    assert_eq!(refused.map(|_| ()), Err(RuleError::BlackoutPeriod));
    assert!(queued
        .apply(&Command::Offer, &pool, &context(&policy, local(2026, 9, 1, 10, 0)))
        .is_ok());
}

#[test]
fn r6_step_9_unsigned_offer_becomes_free_choice_and_child_keeps_position() {
    let (offered, mut pool) = offered();
    let expires_at = offered.state.due_at().expect("has a deadline");
    assert_eq!(
        refusal(&offered, &pool, Command::ExpireOffer, expires_at - Duration::seconds(1)),
        "offer_not_expired"
    );
    let queued = step(&offered, &mut pool, Command::ExpireOffer, expires_at);
    assert_eq!(queued.state, ApplicationState::Queued);
    assert_eq!(queued.registered_at, offered.registered_at, "keeps its position");
    assert_eq!(pool.counters, PlaceCounters { unreserved: 0, offered: 0, free_choice: 1 });
    // Seed step 8: no notices for free-choice places — expiry sends none.
    let transition = offered
        .apply(
            &Command::ExpireOffer,
            &pool_offered_again(),
            &context(&Policy::default(), expires_at),
        )
        .expect("expire");
    assert!(transition.effects.notices.is_empty());
}

fn pool_offered_again() -> Pool {
    let mut pool = pool_with_places(2023, 1);
    pool.apply(&PlaceMove::Offer).expect("offer");
    pool
}

#[test]
fn r4_free_choice_place_can_be_taken_by_a_queued_child_without_notice() {
    let (offered, mut pool) = offered();
    let _ = step(&offered, &mut pool, Command::ExpireOffer, local(2025, 10, 24, 0, 0));
    let other = application("a-9", date(2023, 2, 1), Priority::General, local(2024, 6, 1, 9, 0));
    let referred =
        step(&other, &mut pool, Command::Sign { group_id: kk() }, local(2025, 10, 24, 11, 0));
    assert_eq!(referral_of(&referred).source, PlaceSource::FreeChoice);
    assert_eq!(pool.counters, PlaceCounters::default());
    assert_eq!(pool.group(&kk()).map(|g| g.free), Some(0));
    assert_eq!(
        refusal(
            &application("a-10", born_2023(), Priority::General, local(2024, 6, 1, 9, 0)),
            &pool,
            Command::Sign { group_id: kk() },
            local(2025, 10, 24, 12, 0)
        ),
        "turn_not_come"
    );
}

#[test]
fn r8_steps_11_to_14_signing_issues_the_referral_and_takes_the_place() {
    let (referred, pool) = referred();
    let referral = referral_of(&referred);
    assert_eq!(referral.group_id, kk());
    assert_eq!(referral.source, PlaceSource::Offer);
    // R9: 5 working days from Thu 23 Oct 2025: Fri 24, (Sat, Sun, Mon 27 = Republic Day
    // moved), Tue 28, Wed 29, Thu 30, Fri 31 → 00:00 local Sat 1 Nov.
    assert_eq!(referral.valid_until_at, local(2025, 11, 1, 0, 0));
    // R12: exactly issued_at + 24 h.
    assert_eq!(referral.cancel_until_at, local(2025, 10, 24, 10, 0));
    assert_eq!(pool.counters, PlaceCounters::default());
    assert_eq!(pool.group(&kk()).map(|g| g.free), Some(0));
    assert_eq!(referred.version, 3);
}

#[test]
fn r8_sign_refusals() {
    let (offered, pool) = offered();
    let now = local(2025, 10, 21, 10, 0);
    assert_eq!(refusal(&offered, &pool, Command::Sign { group_id: ru() }, now), "group_full");
    assert_eq!(
        refusal(&offered, &pool, Command::Sign { group_id: GroupId("elsewhere".into()) }, now),
        "group_not_in_pool"
    );
    assert_eq!(
        refusal(&offered, &pool, Command::Sign { group_id: kk() }, local(2025, 10, 24, 0, 0)),
        "offer_expired"
    );
    let (referred, pool) = referred();
    assert_eq!(
        refusal(&referred, &pool, Command::Sign { group_id: kk() }, now),
        "command_not_allowed"
    );
}

#[test]
fn r11_extension_once_by_up_to_thirty_calendar_days() {
    let (referred, mut pool) = referred();
    let now = local(2025, 10, 25, 10, 0);
    assert_eq!(
        refusal(&referred, &pool, Command::Extend { days: 0 }, now),
        "extension_days_out_of_range"
    );
    assert_eq!(
        refusal(&referred, &pool, Command::Extend { days: 31 }, now),
        "extension_days_out_of_range"
    );
    let extended = step(&referred, &mut pool, Command::Extend { days: 30 }, now);
    assert_eq!(referral_of(&extended).valid_until_at, local(2025, 12, 1, 0, 0));
    assert_eq!(
        refusal(&extended, &pool, Command::Extend { days: 1 }, now),
        "extension_already_used"
    );
    let policy = Policy::default();
    let transition = referred
        .apply(&Command::Extend { days: 3 }, &pool, &context(&policy, now))
        .expect("extend");
    assert_eq!(
        transition.effects.notices[0].kind,
        NoticeKind::ExtensionConfirmed { valid_until_at: local(2025, 11, 4, 0, 0) }
    );
    assert_eq!(
        refusal(&referred, &pool, Command::Extend { days: 3 }, local(2025, 11, 1, 0, 0)),
        "referral_expired"
    );
}

#[test]
fn r12_cancel_within_24_hours_returns_to_queue_and_is_not_a_lapse() {
    let (referred, mut pool) = referred();
    let cancel_until = referral_of(&referred).cancel_until_at;
    assert_eq!(refusal(&referred, &pool, Command::Cancel, cancel_until), "cancel_window_closed");
    let policy = Policy::default();
    let transition = referred
        .apply(&Command::Cancel, &pool, &context(&policy, cancel_until - Duration::seconds(1)))
        .expect("cancel");
    assert!(transition.effects.run_turn_engine);
    assert_eq!(transition.effects.notices[0].kind, NoticeKind::ReferralCancelled);
    let queued = step(&referred, &mut pool, Command::Cancel, cancel_until - Duration::seconds(1));
    assert_eq!((queued.state.clone(), queued.lapses), (ApplicationState::Queued, 0));
    assert_eq!(pool.counters.unreserved, 1);
    assert_eq!(pool.group(&kk()).map(|g| g.free), Some(1));
}

#[test]
fn r13_staff_confirm_enrolment_while_the_referral_is_valid() {
    let (referred, mut pool) = referred();
    assert_eq!(
        refusal(&referred, &pool, Command::Enrol, local(2025, 11, 1, 0, 0)),
        "referral_expired"
    );
    let enrolled = step(&referred, &mut pool, Command::Enrol, local(2025, 10, 31, 23, 59));
    assert_eq!(enrolled.state.name(), StateName::Enrolled);
    assert!(enrolled.state.name().is_final());
    // The enrolled child holds a place: it may not be put in a queue again; only removal frees it.
    assert!(!enrolled.state.name().frees_child());
    assert!(StateName::Removed.frees_child());
    assert!([StateName::Queued, StateName::Offered, StateName::Referred, StateName::StopListed]
        .iter()
        .all(|s| !s.frees_child()));
    for command in [
        Command::Cancel,
        Command::Withdraw,
        Command::Enrol,
        Command::Lapse,
        Command::Extend { days: 1 },
    ] {
        assert_eq!(
            refusal(&enrolled, &pool, command, local(2025, 11, 2, 9, 0)),
            "command_not_allowed"
        );
    }
}

#[test]
fn r9_r10_seed_notes_lapse_stop_list_ten_working_days_then_removal() {
    let (referred, mut pool) = referred();
    let valid_until = referral_of(&referred).valid_until_at;
    assert_eq!(
        refusal(&referred, &pool, Command::Lapse, valid_until - Duration::seconds(1)),
        "referral_not_expired"
    );
    let stop_listed =
        step(&referred, &mut pool, Command::Lapse, valid_until + Duration::minutes(3));
    // Lapsed at 00:00 Sat 1 Nov 2025; 10 working days from Mon 3 Nov → Fri 14 Nov; the
    // stop-list ends at 00:00 local Sat 15 Nov.
    let until_at = local(2025, 11, 15, 0, 0);
    assert_eq!(stop_listed.state, ApplicationState::StopListed { since_at: valid_until, until_at });
    assert_eq!(stop_listed.lapses, 1);
    assert_eq!(pool.counters.unreserved, 1, "the place is released");
    // While stop-listed: no offer, no choice.
    assert_eq!(
        refusal(&stop_listed, &pool, Command::Offer, local(2025, 11, 10, 9, 0)),
        "command_not_allowed"
    );
    assert_eq!(
        refusal(&stop_listed, &pool, Command::Sign { group_id: kk() }, local(2025, 11, 10, 9, 0)),
        "stop_listed"
    );
    assert_eq!(
        refusal(&stop_listed, &pool, Command::EndStopList, until_at - Duration::seconds(1)),
        "stop_list_not_ended"
    );
    let queued = step(&stop_listed, &mut pool, Command::EndStopList, until_at);
    assert_eq!(
        (queued.state.clone(), queued.registered_at),
        (ApplicationState::Queued, referred.registered_at)
    );
    // Second lapse: removed from the queue.
    let offered = step(&queued, &mut pool, Command::Offer, local(2025, 11, 17, 9, 0));
    let referred_again =
        step(&offered, &mut pool, Command::Sign { group_id: kk() }, local(2025, 11, 17, 10, 0));
    let lapse_at = referral_of(&referred_again).valid_until_at;
    let policy = Policy::default();
    let transition =
        referred_again.apply(&Command::Lapse, &pool, &context(&policy, lapse_at)).expect("lapse");
    assert_eq!(
        transition.application.state,
        ApplicationState::Removed { reason: RemovalReason::Lapses, removed_at: lapse_at }
    );
    assert_eq!(
        transition.effects.notices[0].kind,
        NoticeKind::RemovedFromQueue { reason: RemovalReason::Lapses }
    );
    assert!(transition.effects.run_turn_engine);
}

#[test]
fn withdraw_from_every_waiting_state_gives_places_back() {
    let (offered, pool) = offered();
    let policy = Policy::default();
    let now = local(2025, 10, 21, 10, 0);
    let from_offer =
        offered.apply(&Command::Withdraw, &pool, &context(&policy, now)).expect("withdraw");
    assert_eq!(from_offer.effects.places, vec![PlaceMove::ReturnOffer]);
    let (referred, pool) = referred();
    let from_referral =
        referred.apply(&Command::Withdraw, &pool, &context(&policy, now)).expect("withdraw");
    assert_eq!(from_referral.effects.places, vec![PlaceMove::Release { group_id: kk() }]);
    assert!(matches!(
        from_referral.application.state,
        ApplicationState::Removed { reason: RemovalReason::Withdrawn, .. }
    ));
    let queued = application("a-5", born_2023(), Priority::General, local(2024, 1, 1, 0, 0));
    let from_queue =
        queued.apply(&Command::Withdraw, &pool, &context(&policy, now)).expect("withdraw");
    assert!(from_queue.effects.places.is_empty());
    assert_eq!(
        refusal(&from_queue.application, &pool, Command::Withdraw, now),
        "command_not_allowed"
    );
}

#[test]
fn age_out_only_when_configured_and_due() {
    let queued = application("a-6", date(2018, 5, 1), Priority::General, local(2019, 1, 1, 0, 0));
    let pool = pool(2018);
    assert_eq!(
        refusal(&queued, &pool, Command::AgeOut, local(2025, 5, 1, 10, 0)),
        "age_out_not_due"
    );
    let policy = Policy { age_out_years: Some(7), ..Policy::default() };
    assert_eq!(
        queued
            .apply(&Command::AgeOut, &pool, &context(&policy, local(2025, 4, 30, 10, 0)))
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("age_out_not_due")
    );
    let removed = queued
        .apply(&Command::AgeOut, &pool, &context(&policy, local(2025, 5, 1, 10, 0)))
        .expect("aged out");
    assert!(matches!(
        removed.application.state,
        ApplicationState::Removed { reason: RemovalReason::AgedOut, .. }
    ));
}

#[test]
fn policy_change_never_rewrites_a_deadline_already_set() {
    let (offered, pool) = offered();
    let expires_at = offered.state.due_at().expect("deadline");
    // A new policy with a 2-working-day window would have expired the offer on Thu 23 Oct.
    let voucher = Policy { offer_window: Span::WorkingDays(2), ..Policy::default() };
    let refused =
        offered.apply(&Command::ExpireOffer, &pool, &context(&voucher, local(2025, 10, 23, 10, 0)));
    assert_eq!(refused.map(|_| ()), Err(RuleError::OfferNotExpired));
    assert!(offered.apply(&Command::ExpireOffer, &pool, &context(&voucher, expires_at)).is_ok());
}

#[test]
fn stale_versions_are_refused() {
    let (offered, _) = offered();
    assert!(offered.check_version(2).is_ok());
    assert_eq!(offered.check_version(1).map_err(|e| e.code()), Err("version_conflict"));
}

#[test]
fn application_state_json_round_trips_and_refuses_fields_of_other_states() {
    let (offered, _) = offered();
    let (referred, mut pool) = referred();
    let enrolled = step(&referred, &mut pool, Command::Enrol, local(2025, 10, 27, 9, 0));
    let removed = ApplicationState::Removed {
        reason: RemovalReason::Withdrawn,
        removed_at: local(2025, 10, 27, 9, 0),
    };
    let stop_listed = ApplicationState::StopListed {
        since_at: local(2025, 11, 1, 0, 0),
        until_at: local(2025, 11, 15, 0, 0),
    };
    for state in [
        ApplicationState::Queued,
        offered.state,
        referred.state,
        enrolled.state,
        stop_listed,
        removed,
    ] {
        let json = serde_json::to_string(&state).expect("serializes");
        assert_eq!(
            serde_json::from_str::<ApplicationState>(&json).expect("reads back"),
            state,
            "{json}"
        );
    }
    let refused = [
        r#"{"state":"queued","expiresAt":"2025-10-24T00:00:00Z"}"#,
        r#"{"state":"offered","offeredAt":"2025-10-20T05:00:00Z"}"#,
        r#"{"state":"stop_listed","untilAt":"2025-11-15T00:00:00Z"}"#,
        r#"{"state":"waiting"}"#,
        r#"{"state":"queued","colour":"blue"}"#,
    ];
    for json in refused {
        assert!(serde_json::from_str::<ApplicationState>(json).is_err(), "{json} must be refused");
    }
}
