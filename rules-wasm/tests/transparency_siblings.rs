//! Sibling sets in the transparency log (issue 15 item 3): the marks and together offers a
//! pool's history holds replay clean under `together_only`, and an offer to one twin alone,
//! or a run of marks broken off, is flagged.

mod transparency_sim;

use kezek_rules::application::{ApplicationState, Priority};
use kezek_rules::transparency::daily::daily_lists;
use kezek_rules::transparency::entry::{EntryKind, Reason};
use kezek_rules::transparency::fairness::{waiting_report, Legitimate};
use kezek_rules::transparency::replay::{replay_log, Finding};
use transparency_sim::{born, Sim};

fn findings_of(sim: &Sim) -> Vec<(u64, Finding)> {
    let bytes = sim.bytes();
    replay_log(sim.replay_context(), bytes.iter().map(Vec::as_slice))
        .into_iter()
        .map(|finding| (finding.index, finding.finding))
        .collect()
}

/// Twins ahead of another child; one place → the other child; two places → the twins.
fn twins_pool() -> Sim {
    let mut sim = Sim::new();
    sim.together_only();
    sim.enqueue("twin-a", Priority::General, born(2024, 1, 20));
    sim.enqueue("twin-b", Priority::General, born(2024, 1, 20));
    sim.enqueue("other", Priority::General, born(2024, 2, 1));
    sim.mark_siblings(&["twin-a", "twin-b"]);
    sim.publish("tk-001-2024-kk", 1);
    sim
}

#[test]
fn marks_and_together_offers_replay_clean() {
    let mut sim = twins_pool();
    assert!(matches!(sim.state_of("other"), ApplicationState::Offered { .. }));
    assert_eq!(sim.state_of("twin-a"), &ApplicationState::Queued, "passed over: one place");
    sim.publish("tk-002-2024-ru", 2);
    assert!(matches!(sim.state_of("twin-a"), ApplicationState::Offered { .. }));
    assert!(matches!(sim.state_of("twin-b"), ApplicationState::Offered { .. }));
    let marks = sim.entries.iter().filter(|e| e.kind == EntryKind::MarkSiblings).count();
    assert_eq!(marks, 2);
    let together: Vec<Reason> = sim
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::Offer)
        .filter(|e| e.application_id().is_some_and(|id| id.starts_with("twin")))
        .map(|e| e.reason)
        .collect();
    assert_eq!(together, [Reason::Together { position: 0, size: 2 }; 2]);
    assert_eq!(findings_of(&sim), []);
    let lists = daily_lists(&sim.clock, &sim.entries);
    let offers: usize = lists.iter().map(|list| list.offers.len()).sum();
    assert_eq!(offers, 3, "the daily list shows the together offers too");
}

#[test]
fn an_offer_to_one_twin_alone_is_flagged() {
    let mut sim = twins_pool();
    // Two places and a rogue offer to twin B alone with an ordinary offer's reason.
    sim.publish_without_engine("tk-002-2024-ru", 2);
    sim.bypass_offer("twin-b");
    let findings = findings_of(&sim);
    // Twin B's turn came with twin A's: an ordinary offer's reason is not the rules' one, and
    // the log ends before twin A's offer completes the set's.
    let flagged = findings.iter().any(|(_, finding)| {
        *finding == Finding::ReasonMismatch { expected: Reason::Together { position: 0, size: 2 } }
    }) && findings.iter().any(|(_, finding)| *finding == Finding::SiblingSetBroken);
    assert!(flagged, "{findings:?}");
}

#[test]
fn a_run_of_marks_broken_off_is_flagged() {
    let mut sim = Sim::new();
    sim.together_only();
    for id in ["a", "b", "c"] {
        sim.enqueue(id, Priority::General, born(2024, 1, 20));
    }
    sim.mark_siblings(&["a", "b"]);
    // Move b's mark after another entry: the set's run is broken.
    let mark_b = sim.entries.remove(sim.entries.len() - 1);
    sim.link("c");
    sim.entries.push(mark_b);
    let findings = findings_of(&sim);
    assert!(
        findings.iter().any(|(_, finding)| *finding == Finding::SiblingSetBroken),
        "{findings:?}"
    );
}

#[test]
fn a_busy_pool_with_sets_replays_clean() {
    let mut sim = Sim::new();
    sim.together_only();
    for i in 0..120 {
        let birth = born(2024, 1, 1) + chrono::Duration::days((i * 53 % 366) as i64);
        let priority = [Priority::General, Priority::FirstPriority, Priority::OutOfTurn][i % 3];
        sim.enqueue(&format!("app-{i:03}"), priority, birth);
        if i % 8 == 0 {
            // A twin, registered a moment later.
            sim.enqueue(&format!("twin-{i:03}"), priority, birth);
            sim.mark_siblings(&[&format!("app-{i:03}"), &format!("twin-{i:03}")]);
        }
    }
    for round in 0..8 {
        sim.publish(if round % 2 == 0 { "tk-001-2024-kk" } else { "tk-002-2024-ru" }, 9);
        sim.advance_days(4);
        sim.sweep();
    }
    let together =
        sim.entries.iter().filter(|e| matches!(e.reason, Reason::Together { .. })).count();
    assert!(together >= 4, "some sets were offered together: {together}");
    assert_eq!(findings_of(&sim), []);
}

#[test]
fn the_waiting_report_says_why_a_child_behind_the_twins_was_offered() {
    let sim = twins_pool();
    let report = waiting_report(sim.replay_context(), sim.entries.clone(), "twin-a");
    let behind: Vec<_> = report.placements.iter().filter(|p| p.behind_me).collect();
    assert_eq!(behind.len(), 1, "{:?}", report.placements);
    assert_eq!(behind[0].application_id, "other");
    assert_eq!(behind[0].reason, Some(Legitimate::SiblingsTogether));
}
