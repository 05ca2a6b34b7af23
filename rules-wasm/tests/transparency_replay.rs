//! The auditor's replay (issue 13 items 4–6): a clean pool history replays clean; an offer to
//! a child behind in the queue, a counter that does not add up, a referral without a place
//! and a state change the rules do not allow are each flagged with their finding; the
//! "nobody behind me got a place first" report and the daily lists come from the same log.

mod transparency_sim;

use kezek_rules::application::{ApplicationState, Command, PlaceSource, Priority, StateName};
use kezek_rules::places::PlaceCounters;
use kezek_rules::transparency::daily::daily_lists;
use kezek_rules::transparency::entry::{EntryKind, Reason, Subject};
use kezek_rules::transparency::fairness::{waiting_report, Legitimate, PlacementKind};
use kezek_rules::transparency::replay::{replay_log, Finding, Replay};
use kezek_rules::transparency::AuditEntry;
use transparency_sim::{born, busy_pool, group, Sim};

fn findings_of(sim: &Sim) -> Vec<(u64, Finding)> {
    let bytes = sim.bytes();
    replay_log(sim.replay_context(), bytes.iter().map(Vec::as_slice))
        .into_iter()
        .map(|f| (f.index, f.finding))
        .collect()
}

/// Every path of the state machine once, through the rules, as the store would log it.
fn varied_pool() -> Sim {
    let mut sim = Sim::new();
    sim.enqueue("g1", Priority::General, born(2024, 1, 10));
    sim.enqueue("young", Priority::General, born(2024, 11, 20)); // 2 on 2026-11-20
    sim.enqueue("g2", Priority::General, born(2024, 2, 1));
    sim.enqueue("p1", Priority::FirstPriority, born(2024, 2, 5));
    sim.enqueue("g3", Priority::General, born(2024, 1, 3));
    sim.enqueue("o1", Priority::OutOfTurn, born(2024, 2, 9));
    sim.enqueue("g4", Priority::General, born(2024, 2, 2));
    sim.link("g2");
    // Three places: o1, p1, g1 (young is skipped while too young and keeps its position).
    sim.publish("tk-001-2024-kk", 3);
    assert!(matches!(sim.state_of("young"), ApplicationState::Queued));
    sim.command("o1", Command::Sign { group_id: group("tk-001-2024-kk") });
    sim.command("p1", Command::Withdraw); // gives its reservation back: g2 is offered
    assert!(matches!(sim.state_of("g2"), ApplicationState::Offered { .. }));
    // g1 and g2 let their offers expire: two free-choice places.
    sim.advance_days(6);
    sim.sweep();
    sim.command("g4", Command::Sign { group_id: group("tk-001-2024-kk") }); // free choice
    sim.command("o1", Command::Extend { days: 10 });
    sim.command("o1", Command::Enrol);
    sim.publish("tk-002-2024-ru", 5); // g1, g2, g3 offered; two places stay unreserved
    assert_eq!(sim.pool.counters.unreserved, 2);
    sim.withdraw_places("tk-002-2024-ru", 1);
    // g3 signs its offer then lets the referral lapse: stop-listed, then back in the queue.
    for id in ["g1", "g2", "g3"] {
        if matches!(sim.state_of(id), ApplicationState::Offered { .. }) {
            sim.sign_anywhere(id);
        }
    }
    sim.advance_days(9);
    sim.sweep();
    sim.advance_days(20);
    sim.sweep();
    sim
}

#[test]
fn a_clean_history_replays_clean() {
    let sim = varied_pool();
    let kinds: std::collections::HashSet<EntryKind> = sim.entries.iter().map(|e| e.kind).collect();
    for kind in [
        EntryKind::Enqueue,
        EntryKind::Link,
        EntryKind::PublishPlaces,
        EntryKind::WithdrawPlaces,
        EntryKind::Offer,
        EntryKind::Sign,
        EntryKind::Withdraw,
        EntryKind::ExpireOffer,
        EntryKind::Extend,
        EntryKind::Enrol,
        EntryKind::Lapse,
        EntryKind::EndStopList,
    ] {
        assert!(kinds.contains(&kind), "the history covers {kind:?}");
    }
    assert!(sim
        .entries
        .iter()
        .any(|e| e.reason == Reason::Referral { source: PlaceSource::FreeChoice }));
    assert_eq!(findings_of(&sim), []);
    let busy = busy_pool(400, 8);
    assert!(busy.entries.len() > 1_100, "{} entries", busy.entries.len());
    assert_eq!(findings_of(&busy), []);
}

#[test]
fn an_offer_to_a_child_behind_in_the_queue_is_flagged() {
    let mut sim = Sim::new();
    sim.enqueue("first", Priority::General, born(2024, 1, 10));
    sim.enqueue("second", Priority::General, born(2024, 1, 11));
    sim.publish("tk-001-2024-kk", 1); // offered to "first"
    sim.command("first", Command::Sign { group_id: group("tk-001-2024-kk") });
    sim.enqueue("third", Priority::General, born(2024, 1, 12));
    let clean = sim.entries.len();
    // A place published straight into the table, and offered to "third" over "second".
    let place_move = sim.pool.publish(&group("tk-001-2024-kk"), 1).expect("allowed");
    let entry =
        kezek_rules::transparency::record::places_entry(&place_move, sim.pool.counters, sim.now)
            .expect("staff move");
    sim.pool.apply(&place_move).expect("applies");
    sim.entries.push(entry);
    sim.bypass_offer("third");
    assert_eq!(
        findings_of(&sim),
        [(clean as u64 + 1, Finding::OfferOutOfOrder { expected: Some("second".into()) })]
    );
    // "second" sees it: a place went to an application behind it, with no legitimate reason.
    let report = waiting_report(sim.replay_context(), sim.entries.clone(), "second");
    assert!(!report.nobody_behind_first);
    let rogue = report.placements.last().expect("a placement");
    assert_eq!((rogue.application_id.as_str(), rogue.kind), ("third", PlacementKind::Offer));
    assert_eq!(
        (rogue.my_position, rogue.their_position, rogue.behind_me, rogue.reason),
        (0, Some(1), true, None)
    );
    // "first" was offered before: nobody behind it got a place first.
    let first = waiting_report(sim.replay_context(), sim.entries.clone(), "first");
    assert!(first.nobody_behind_first);
}

#[test]
fn a_counter_that_does_not_add_up_is_flagged_once() {
    let mut sim = varied_pool();
    let publish =
        sim.entries.iter().position(|e| e.kind == EntryKind::PublishPlaces).expect("a publish");
    sim.entries[publish].counters_after.unreserved += 1;
    let findings = findings_of(&sim);
    // One finding: the next entry starts from the rules' counters, not the rewritten ones.
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].0, publish as u64);
    assert!(matches!(findings[0].1, Finding::CountersDoNotAddUp { .. }), "{findings:?}");
    assert_eq!(findings[0].1.code(), "counters_do_not_add_up");
}

fn subject_of(sim: &Sim, id: &str, to_state: StateName) -> Subject {
    let application = &sim.apps[sim.index_of(id)];
    Subject {
        application_id: id.to_owned(),
        priority: application.priority,
        registered_at: application.registered_at,
        eligible_from: kezek_rules::transparency::record::eligible_from(
            application.child_birth_date,
            &kezek_rules::policy::Policy::default(),
        )
        .expect("date"),
        from_state: Some(application.state.name()),
        to_state,
    }
}

#[test]
fn a_referral_without_a_place_is_flagged() {
    let mut sim = Sim::new();
    sim.enqueue("a", Priority::General, born(2024, 1, 10));
    sim.enqueue("b", Priority::General, born(2024, 1, 11));
    sim.publish("tk-001-2024-kk", 1);
    // "b" has no offer, the pool no free-choice place: a referral written straight in.
    let counters = sim.pool.counters;
    sim.entries.push(AuditEntry {
        kind: EntryKind::Sign,
        at: sim.now,
        subject: Some(subject_of(&sim, "b", StateName::Referred)),
        counters_before: counters,
        counters_after: counters,
        group_id: Some(group("tk-001-2024-kk")),
        reason: Reason::Referral { source: PlaceSource::FreeChoice },
    });
    let index = sim.entries.len() as u64 - 1;
    assert_eq!(
        findings_of(&sim),
        [(index, Finding::ReferralWithoutPlace { code: "turn_not_come" })]
    );
}

#[test]
fn a_state_change_not_allowed_and_a_wrong_reason_are_flagged() {
    let mut sim = Sim::new();
    sim.enqueue("a", Priority::General, born(2024, 1, 10));
    let counters = sim.pool.counters;
    let enrol = AuditEntry {
        kind: EntryKind::Enrol,
        at: sim.now,
        subject: Some(subject_of(&sim, "a", StateName::Enrolled)),
        counters_before: counters,
        counters_after: counters,
        group_id: None,
        reason: Reason::None,
    };
    sim.entries.push(enrol);
    assert_eq!(
        findings_of(&sim),
        [(1, Finding::TransitionNotAllowed { code: "command_not_allowed" })]
    );

    let mut sim = Sim::new();
    sim.enqueue("b", Priority::General, born(2024, 1, 11));
    sim.publish("tk-001-2024-kk", 1);
    let offer = sim.entries.len() - 1;
    sim.entries[offer].reason = Reason::Offer { position: 5, class_rank: 5, ratio_step: 2 };
    let expected = Reason::Offer { position: 0, class_rank: 0, ratio_step: 0 };
    assert_eq!(findings_of(&sim), [(offer as u64, Finding::ReasonMismatch { expected })]);

    // Bytes that are not an entry, and an event of an application never enqueued.
    let mut replay = Replay::new(sim.replay_context());
    assert!(replay.push_bytes(&[1, 2, 3]).is_none());
    let mut stray = sim.entries[offer].clone();
    stray.subject.as_mut().expect("subject").application_id = "nobody".into();
    replay.push(stray);
    let codes: Vec<&str> = replay.findings().iter().map(|f| f.finding.code()).collect();
    assert_eq!(
        codes,
        [
            "entry_malformed",
            "counters_before_mismatch",
            "unknown_application",
            "counters_do_not_add_up"
        ]
    );
}

#[test]
fn skipping_a_child_too_young_is_legitimate_and_said_so() {
    let sim = varied_pool();
    let report = waiting_report(sim.replay_context(), sim.entries.clone(), "young");
    assert!(report.nobody_behind_first);
    assert!(report.findings.is_empty());
    let behind: Vec<_> = report.placements.iter().filter(|p| p.behind_me).collect();
    assert!(!behind.is_empty());
    for placement in &behind {
        let expected = match placement.kind {
            PlacementKind::Offer => Legitimate::TooYoung,
            PlacementKind::FreeChoiceReferral => Legitimate::FreeChoice,
        };
        assert_eq!(placement.reason, Some(expected), "{placement:?}");
    }
    assert!(behind.iter().any(|p| p.kind == PlacementKind::FreeChoiceReferral));
}

#[test]
fn the_daily_lists_come_from_the_log() {
    let sim = varied_pool();
    let days = daily_lists(&sim.clock, &sim.entries);
    let offers: usize = days.iter().map(|d| d.offers.len()).sum();
    let referrals: usize = days.iter().map(|d| d.referrals.len()).sum();
    assert_eq!(offers, sim.entries.iter().filter(|e| e.kind == EntryKind::Offer).count());
    assert_eq!(referrals, sim.entries.iter().filter(|e| e.kind == EntryKind::Sign).count());
    let first = &days[0];
    assert_eq!(first.date, Some(born(2026, 3, 2)));
    assert_eq!(first.places_published.iter().map(|p| p.count).sum::<u32>(), 3);
    let positions: Vec<u32> = first.offers.iter().map(|o| o.position).collect();
    // o1, p1, g1; then g2 when p1 withdrew — o1 had signed, so only g1 and young were ahead.
    assert_eq!(positions, [0, 1, 2, 2]);
    assert!(days.iter().any(|d| !d.lapses.is_empty()));
    assert!(days.iter().any(|d| !d.offers_expired.is_empty()));
    assert!(days.iter().any(|d| d.removals.iter().any(|r| r.application_id == "p1")));
    let json = serde_json::to_value(&days[0]).expect("serialises");
    assert!(json["offers"][0]["registeredAt"].is_string());
    let _ = PlaceCounters::default();
}

/// Issue 15: a transfer (request, offer, sign) replays clean with its places counted: the
/// new group's place taken and the old one released in one entry; a sign logged without an
/// offer is flagged as a referral without a place; withdrawal and expiry give the place back.
#[test]
fn transfers_replay_with_their_places() {
    use kezek_rules::application::{KindergartenId, TransferRequest};
    let mut sim = Sim::new();
    sim.enqueue("t1", Priority::General, born(2024, 1, 10));
    sim.enqueue("t2", Priority::General, born(2024, 1, 11));
    sim.publish("tk-001-2024-kk", 2);
    sim.command("t1", Command::Sign { group_id: group("tk-001-2024-kk") });
    sim.command("t1", Command::Enrol);
    sim.command("t2", Command::Sign { group_id: group("tk-001-2024-kk") });
    sim.command("t2", Command::Enrol);
    let index = sim.index_of("t1");
    let in_region = |_: &KindergartenId| true;
    let kk = KindergartenId("tk-001".into());
    let ru = KindergartenId("tk-002".into());
    let request = TransferRequest::new(
        &sim.apps[index],
        &kk,
        std::slice::from_ref(&ru),
        &in_region,
        None,
        sim.now,
    )
    .expect("enrolled");
    let requested = kezek_rules::application::TransferChange {
        request: request.clone(),
        application: None,
        places: Vec::new(),
        run_turn_engine: false,
    };
    sim.transfer("t1", EntryKind::TransferRequest, &requested);
    sim.publish("tk-002-2024-ru", 1);
    let offered = request.offer(&sim.pool, &sim.context_now()).expect("a place");
    sim.transfer("t1", EntryKind::TransferOffer, &offered);
    assert_eq!(sim.pool.counters, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
    let signed = offered
        .request
        .sign(&sim.apps[index], &group("tk-002-2024-ru"), &ru, &sim.pool, &sim.context_now())
        .expect("signed");
    sim.transfer("t1", EntryKind::TransferSign, &signed);
    assert_eq!(sim.pool.counters, PlaceCounters { unreserved: 1, offered: 0, free_choice: 0 });
    // t2 asks, is offered the released place, withdraws: the place goes back.
    let index2 = sim.index_of("t2");
    let request2 = TransferRequest::new(
        &sim.apps[index2],
        &kk,
        std::slice::from_ref(&ru),
        &in_region,
        None,
        sim.now,
    )
    .expect("enrolled");
    let requested2 = kezek_rules::application::TransferChange {
        request: request2.clone(),
        application: None,
        places: Vec::new(),
        run_turn_engine: false,
    };
    sim.transfer("t2", EntryKind::TransferRequest, &requested2);
    let offered2 = request2.offer(&sim.pool, &sim.context_now()).expect("a place");
    sim.transfer("t2", EntryKind::TransferOffer, &offered2);
    let withdrawn = offered2.request.withdraw(sim.now).expect("open");
    sim.transfer("t2", EntryKind::TransferWithdraw, &withdrawn);
    assert_eq!(sim.pool.counters, PlaceCounters { unreserved: 1, offered: 0, free_choice: 0 });
    assert_eq!(findings_of(&sim), Vec::new());
    let mut replay = Replay::new(sim.replay_context());
    for bytes in sim.bytes() {
        replay.push_bytes(&bytes);
    }
    assert_eq!(replay.pool(), &sim.pool);
    // A rogue sign: t2 has no open transfer offer any more.
    let mut rogue_sim = Sim::new();
    rogue_sim.entries = sim.entries.clone();
    rogue_sim.apps = sim.apps.clone();
    rogue_sim.pool = sim.pool.clone();
    rogue_sim.transfer(
        "t2",
        EntryKind::TransferSign,
        &kezek_rules::application::TransferChange {
            request: withdrawn.request,
            application: None,
            places: Vec::new(),
            run_turn_engine: false,
        },
    );
    let findings = findings_of(&rogue_sim);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].1.code(), "transition_not_allowed");
}
