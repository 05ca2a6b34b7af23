//! Issue 13, "a random mix of commands": seeded runs of every command a pool sees — enqueue
//! (all three classes), staff's publish and withdraw, choose and sign (offers and free-choice
//! places), extend, cancel, withdraw, enrol — with sweeps as the clock moves on (expiries,
//! lapses, stop-list ends), refusals included. After each run the pool's counters hold
//! (§1.5) and its whole log replays clean through the rules (`check_invariants`).

use chrono::Duration;
use kezek_functions::commands::actions::{
    cancel, enrol, extend, withdraw, ActionInput, ExtendInput,
};
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::rules::application::{ApplicationId, Priority};
use kezek_functions::rules::forecast::Seeded;
use kezek_functions::rules::transparency::AuditEntry;
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, pool};

/// Commands per run.
const STEPS: usize = 60;

/// A small deterministic generator (xorshift64*): the runs are the same every time.
/// A refusal is fine; a failure of the service is not.
fn refused_or_done<T>(result: kezek_functions::error::Result<T>) {
    if let Err(error) = result {
        assert!(error.status() < 500, "{error:?}");
    }
}

/// One seeded run; returns the kinds of the entries its pool's log holds.
async fn run(seed: u64) -> std::collections::BTreeSet<String> {
    let store = store_with_demo().await;
    let verifier = HmacTestVerifier::new(b"random-mix");
    let mut rng = Seeded::from_state(seed);
    let mut now = monday() - Duration::days(20);
    let mut kids: Vec<(u16, ApplicationId)> = Vec::new();
    let groups =
        [group("tk-001", 2023, "kk"), group("tk-001", 2023, "ru"), group("tk-002", 2023, "kk")];
    for step in 0..STEPS {
        now += Duration::minutes(1 + rng.below(600) as i64);
        let n = kids.len() as u16;
        match rng.below(10) {
            0 | 1 if kids.len() < 24 => {
                let priority =
                    [Priority::General, Priority::FirstPriority, Priority::OutOfTurn][rng.below(3)];
                let birth = (2023, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32);
                let kid = enqueue_child(&store, &parent(n), &child(birth, n), priority, now).await;
                kids.push((n, kid.id));
            }
            2 => {
                let group_id = groups[rng.below(groups.len())].clone();
                let kindergarten =
                    if group_id.0.starts_with("tk-002") { "tk-002" } else { "tk-001" };
                let action =
                    if rng.below(4) == 0 { PlacesAction::Withdraw } else { PlacesAction::Publish };
                let input = PlacesInput { action, group_id, count: 1 + rng.below(3) as u32 };
                refused_or_done(change_places(&store, kindergarten, &input, None, now).await);
            }
            _ if kids.is_empty() => {}
            3 | 4 => {
                let (who, id) = kids[rng.below(kids.len())].clone();
                let group_id = groups[rng.below(groups.len())].clone();
                let input = ChooseInput { application_id: id.clone(), group_id };
                if let Ok(choice) = choose(&store, &parent(who), &input, now).await {
                    let signature = SignedChoice {
                        signature_base64: verifier
                            .sign_as(&parent(who), choice.signed_text.as_bytes()),
                        certificate_base64: None,
                    };
                    let input =
                        SignInput { nonce: choice.nonce, signature, expected_version: None };
                    let signed = sign(&store, &verifier, &parent(who), &input, None, now).await;
                    let later = now + Duration::hours(1);
                    match (signed, rng.below(3)) {
                        // R11 and R12 on a fresh referral.
                        (Ok(_), 0) => {
                            let input = ExtendInput { days: 5, expected_version: None };
                            let who = parent(who);
                            refused_or_done(extend(&store, &who, &id, &input, None, later).await);
                        }
                        (Ok(_), 1) => {
                            let input = ActionInput::default();
                            refused_or_done(
                                cancel(&store, &parent(who), &id, &input, None, later).await,
                            );
                        }
                        (signed, _) => refused_or_done(signed),
                    }
                }
            }
            5 => {
                let (who, id) = kids[rng.below(kids.len())].clone();
                let input = ActionInput::default();
                refused_or_done(cancel(&store, &parent(who), &id, &input, None, now).await);
            }
            6 => {
                let (who, id) = kids[rng.below(kids.len())].clone();
                let input = ExtendInput { days: 1 + rng.below(10) as u16, expected_version: None };
                refused_or_done(extend(&store, &parent(who), &id, &input, None, now).await);
            }
            7 if step % 3 == 0 => {
                let (who, id) = kids[rng.below(kids.len())].clone();
                let input = ActionInput::default();
                refused_or_done(withdraw(&store, &parent(who), &id, &input, None, now).await);
            }
            7 => {
                let (_, id) = kids[rng.below(kids.len())].clone();
                let kindergarten = ["tk-001", "tk-002"][rng.below(2)];
                let input = ActionInput::default();
                refused_or_done(enrol(&store, kindergarten, &id, &input, None, now).await);
            }
            _ => {
                // The clock jumps: offers expire, referrals lapse, stop-lists end.
                now += Duration::days(rng.below(12) as i64);
                sweep(&store, now).await.expect("sweep");
            }
        }
    }
    sweep(&store, now + Duration::days(30)).await.expect("sweep");
    let ids: Vec<ApplicationId> = kids.into_iter().map(|(_, id)| id).collect();
    for id in &ids {
        app(&store, id).await;
    }
    check_invariants(&store, &pool(2023), &ids).await;
    let entries = store.log_entries(&pool(2023), 0).await.expect("log");
    entries
        .iter()
        .map(|bytes| AuditEntry::decode(bytes).expect("canonical"))
        .map(|entry| format!("{:?}", entry.kind))
        .collect()
}

#[tokio::test]
async fn random_mixes_of_every_command_leave_a_log_that_replays_clean() {
    let mut kinds = std::collections::BTreeSet::new();
    for seed in [0x9e37_79b9_7f4a_7c15, 0xbf58_476d_1ce4_e5b9, 0x94d0_49bb_1331_11eb] {
        kinds.extend(run(seed).await);
    }
    // The runs went through the whole state machine, not only the queue.
    let every =
        ["Enqueue", "PublishPlaces", "Offer", "ExpireOffer", "Sign", "Lapse", "Extend", "Cancel"];
    for kind in every {
        assert!(kinds.contains(kind), "{kind} never happened: {kinds:?}");
    }
    eprintln!("entry kinds logged: {kinds:?}");
}
