//! Issue 13 over DynamoDB Local: every change of a pool is an entry of its log, appended in
//! the change's own transaction; the sweep's checkpoints are signed C2SP notes whose roots the
//! stored tiles give; every application's entries are proved included; two checkpoints are
//! proved consistent; the replay finds nothing in an honest log and flags an offer written
//! past the rules, and a rewritten entry stops the next checkpoint.

use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use kezek_functions::commands::actions::{cancel, ActionInput};
use kezek_functions::commands::choose::{choose, ChooseInput};
use kezek_functions::commands::places::{change_places, PlacesAction, PlacesInput};
use kezek_functions::commands::sign::{sign, SignInput};
use kezek_functions::commands::sweep::sweep;
use kezek_functions::commands::transparency::{
    application_log, checkpoint_pools, consistency, replay_pool,
};
use kezek_functions::rules::application::{ApplicationState, Priority};
use kezek_functions::rules::transparency::merkle::{verify_consistency, verify_inclusion};
use kezek_functions::rules::transparency::tiles::tiles_for_size;
use kezek_functions::rules::transparency::{
    leaf_hash, open_checkpoint, pool_origin, root_hash, AuditEntry, EntryKind, Hash, Reason,
    TileSet, VerifierKey,
};
use kezek_functions::signature::{HmacTestVerifier, SignedChoice};
use kezek_functions::store::keys;
use kezek_functions::transparency::LogSigner;

use crate::support::{child, monday, parent, store_with_demo};
use crate::{app, check_invariants, enqueue_child, group, pool};

fn hashes(proof: &[String]) -> Vec<Hash> {
    proof
        .iter()
        .map(|hash| STANDARD.decode(hash).expect("base64").try_into().expect("32 bytes"))
        .collect()
}

fn new_signer() -> LogSigner {
    LogSigner::from_key_text(&LogSigner::generate("kezek.test").expect("key")).expect("signer")
}

#[tokio::test]
async fn every_change_is_logged_checkpointed_proved_and_replayed() {
    let store = store_with_demo().await;
    let signer = new_signer();
    let verifier = HmacTestVerifier::new(b"transparency");
    let t0 = monday() - Duration::days(40);
    let priorities = [Priority::General, Priority::FirstPriority, Priority::General];
    let mut kids = Vec::new();
    for (n, priority) in priorities.into_iter().enumerate() {
        let n = n as u16;
        let registered = t0 + Duration::minutes(i64::from(n));
        let birth = (2023, 3, 1 + u32::from(n));
        kids.push(enqueue_child(&store, &parent(n), &child(birth, n), priority, registered).await);
    }
    let kk = group("tk-001", 2023, "kk");
    let publish = PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 2 };
    let published = change_places(&store, "tk-001", &publish, None, monday()).await.expect("pub");
    assert_eq!(published.offered.len(), 2);
    // Seed steps 10–14: the first offered child's parent chooses and signs.
    let now = monday() + Duration::hours(1);
    let first = &published.offered[0];
    let n = kids.iter().position(|kid| &kid.id == first).expect("ours") as u16;
    let choice = choose(
        &store,
        &parent(n),
        &ChooseInput { application_id: first.clone(), group_id: kk.clone() },
        now,
    )
    .await
    .expect("choice");
    let signature = SignedChoice {
        signature_base64: verifier.sign_as(&parent(n), choice.signed_text.as_bytes()),
        certificate_base64: None,
    };
    let input = SignInput { nonce: choice.nonce, signature, expected_version: None };
    sign(&store, &verifier, &parent(n), &input, None, now).await.expect("signed");

    let first_run = checkpoint_pools(&store, &signer, now).await.expect("checkpoints");
    assert_eq!(first_run.checkpoints, 1, "{first_run:?}");
    let pool = pool(2023);
    let old = store.latest_checkpoint(&pool).await.expect("read").expect("signed");

    // R12: the referral is cancelled within 24 hours; the other offer expires (R5, step 9).
    cancel(&store, &parent(n), first, &ActionInput::default(), None, now).await.expect("cancel");
    let second = &published.offered[1];
    let ApplicationState::Offered { expires_at, .. } = app(&store, second).await.application.state
    else {
        panic!("offered")
    };
    sweep(&store, expires_at).await.expect("sweep");
    checkpoint_pools(&store, &signer, expires_at).await.expect("checkpoints");
    let new = store.latest_checkpoint(&pool).await.expect("read").expect("signed");
    assert!(new.size > old.size);

    // The checkpoint is a C2SP signed note of this pool's origin under the log's key …
    let key = signer.verifier_key().clone();
    let origin = pool_origin("kezek.test", &pool);
    let checkpoint =
        open_checkpoint(&new.note, &origin, std::slice::from_ref(&key)).expect("verifies");
    let other = new_signer();
    assert!(open_checkpoint(&new.note, &origin, &[other.verifier_key().clone()]).is_err());
    assert_eq!(store.log_vkey().await.expect("read"), Some(signer.vkey()));
    assert_eq!(VerifierKey::parse(&signer.vkey()).expect("vkey"), key);
    // … whose root the stored tiles give (C2SP tlog-tiles).
    let mut tiles = TileSet::new();
    for tile in tiles_for_size(checkpoint.size) {
        let bytes = store.log_tile(&pool, &tile.path()).await.expect("read").expect("stored");
        tiles.insert(tile, &bytes).expect("sized");
    }
    assert_eq!(root_hash(&tiles, checkpoint.size), Ok(checkpoint.root_hash));
    // Every application's entries are included; the offers carry their queue position.
    let mut kinds = Vec::new();
    for kid in &kids {
        let log = application_log(&store, &pool, &kid.id.0, expires_at).await.expect("log");
        assert_eq!((log.tree_size, log.pending), (checkpoint.size, 0));
        // Issue 13 item 4: in an honest log nobody behind got a place first.
        assert!(log.waiting.nobody_behind_first, "{:?}", log.waiting);
        for logged in &log.entries {
            let bytes = STANDARD.decode(&logged.entry).expect("base64");
            let proof = hashes(&logged.inclusion_proof);
            verify_inclusion(
                &leaf_hash(&bytes),
                logged.index,
                log.tree_size,
                &proof,
                &checkpoint.root_hash,
            )
            .expect("included");
            let entry = AuditEntry::decode(&bytes).expect("canonical");
            assert_eq!(entry.application_id(), Some(kid.id.0.as_str()));
            if entry.kind == EntryKind::Offer {
                assert!(matches!(entry.reason, Reason::Offer { .. }), "{entry:?}");
            }
            kinds.push(entry.kind);
        }
    }
    for kind in [EntryKind::Enqueue, EntryKind::Offer, EntryKind::Sign, EntryKind::Cancel] {
        assert!(kinds.contains(&kind), "{kind:?} in {kinds:?}");
    }
    assert!(kinds.contains(&EntryKind::ExpireOffer), "{kinds:?}");
    // The old checkpoint is a prefix of the new one.
    let old_checkpoint = open_checkpoint(&old.note, &origin, &[key]).expect("old verifies");
    let proof = consistency(&store, &pool, old.size, new.size).await.expect("proof");
    verify_consistency(
        old.size,
        new.size,
        &old_checkpoint.root_hash,
        &checkpoint.root_hash,
        &hashes(&proof),
    )
    .expect("consistent");
    assert!(consistency(&store, &pool, 0, new.size).await.is_err(), "sizes are checked");
    check_invariants(&store, &pool, &kids.iter().map(|kid| kid.id.clone()).collect::<Vec<_>>())
        .await;

    // Attack: an insider rewrites the first batch (the first child's enqueue made older).
    let batch = keys::log_batch(&pool, 0);
    let item = store
        .client()
        .get_item()
        .table_name(store.table())
        .set_key(Some(batch.to_map()))
        .send()
        .await
        .expect("get")
        .item
        .expect("batch");
    let Some(AttributeValue::B(bundle)) = item.get("bundle") else { panic!("bundle") };
    let mut forged = bundle.as_ref().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let mut forged_item = item.clone();
    forged_item.insert("bundle".into(), AttributeValue::B(forged.into()));
    store
        .client()
        .put_item()
        .table_name(store.table())
        .set_item(Some(forged_item))
        .send()
        .await
        .expect("forged");
    // More changes, then the next checkpoint: refused, the log lost its signed root.
    change_places(&store, "tk-001", &PlacesInput { count: 1, ..publish }, None, expires_at)
        .await
        .expect("publish");
    let refused = checkpoint_pools(&store, &signer, expires_at).await.expect_err("rewritten");
    assert!(refused.to_string().contains("log_rewritten"), "{refused}");
    // The replay also sees it: the forged entry no longer decodes or no longer adds up.
    let findings = replay_pool(&store, &pool, expires_at).await.expect("replay");
    assert!(!findings.is_empty(), "a rewritten entry is flagged");
}

#[tokio::test]
async fn an_offer_written_past_the_rules_is_flagged_by_the_replay() {
    let store = store_with_demo().await;
    let t0 = monday() - Duration::days(40);
    let mut kids = Vec::new();
    for n in 0..4u16 {
        let registered = t0 + Duration::minutes(i64::from(n));
        let birth = (2023, 3, 1 + u32::from(n));
        kids.push(
            enqueue_child(&store, &parent(n), &child(birth, n), Priority::General, registered)
                .await,
        );
    }
    let kk = group("tk-001", 2023, "kk");
    let publish = PlacesInput { action: PlacesAction::Publish, group_id: kk, count: 2 };
    let published = change_places(&store, "tk-001", &publish, None, monday()).await.expect("pub");
    assert_eq!(published.offered, vec![kids[0].id.clone(), kids[1].id.clone()]);
    assert!(replay_pool(&store, &pool(2023), monday()).await.expect("replay").is_empty());
    // An insider writes an offer for the fourth child straight to the table: its entry (made
    // from the child's own enqueue entry) and the log's head, as the service would, though
    // the rules offered nothing more (no place is left, and the third child is ahead).
    let view = store.load_pool(&pool(2023)).await.expect("pool");
    let entries = store.log_entries(&pool(2023), 0).await.expect("log");
    let enqueued = entries
        .iter()
        .map(|bytes| AuditEntry::decode(bytes).expect("canonical"))
        .find(|entry| entry.application_id() == Some(kids[3].id.0.as_str()))
        .expect("the fourth child's enqueue");
    let mut subject = enqueued.subject.clone().expect("subject");
    subject.from_state = Some(kezek_functions::rules::application::StateName::Queued);
    subject.to_state = kezek_functions::rules::application::StateName::Offered;
    let forged = AuditEntry {
        kind: EntryKind::Offer,
        at: monday() + Duration::minutes(5),
        subject: Some(subject),
        counters_before: view.pool.counters,
        counters_after: view.pool.counters,
        group_id: None,
        reason: Reason::Offer { position: 0, class_rank: 0, ratio_step: 0 },
    };
    let bytes = forged.encode().expect("encodes");
    let batch = batch_item(&pool(2023), view.log_size, &bytes);
    let client = store.client();
    client.put_item().table_name(store.table()).set_item(Some(batch)).send().await.expect("put");
    client
        .update_item()
        .table_name(store.table())
        .set_key(Some(keys::pool(&pool(2023)).to_map()))
        .update_expression("SET logSize = :size")
        .expression_attribute_values(":size", AttributeValue::N((view.log_size + 1).to_string()))
        .send()
        .await
        .expect("forged head");
    let findings = replay_pool(&store, &pool(2023), monday()).await.expect("replay");
    let forged_index = view.log_size;
    assert!(
        findings.iter().any(|finding| finding.index == forged_index
            && finding.finding.code() == "offer_out_of_order"
            && finding.application_id.as_deref() == Some(kids[3].id.0.as_str())),
        "{findings:#?}"
    );
    // An offer of a place the pool does not have is flagged too.
    assert!(
        findings.iter().any(|finding| finding.index == forged_index
            && finding.finding.code() == "transition_not_allowed"),
        "{findings:#?}"
    );
    // The daily check raises it once per day.
    let daily = kezek_functions::commands::transparency::daily_check(&store, monday())
        .await
        .expect("daily");
    assert!(daily.iter().any(|(_, finding)| finding.index == forged_index), "{daily:#?}");
    let again = kezek_functions::commands::transparency::daily_check(&store, monday())
        .await
        .expect("daily");
    assert!(again.is_empty(), "checked once a day");
}

/// A log batch item of one entry at `start`, as `store::log` writes it.
fn batch_item(
    pool: &kezek_functions::rules::places::PoolKey,
    start: u64,
    entry: &[u8],
) -> std::collections::HashMap<String, AttributeValue> {
    let bundle =
        kezek_functions::rules::transparency::tiles::encode_bundle([entry]).expect("bundle");
    let mut item = keys::log_batch(pool, start).to_map();
    item.insert("start".into(), AttributeValue::N(start.to_string()));
    item.insert("count".into(), AttributeValue::N("1".into()));
    item.insert("bundle".into(), AttributeValue::B(bundle.into()));
    item
}

#[tokio::test]
async fn the_forecast_comes_from_the_pools_log_and_says_when_history_is_too_short() {
    use kezek_functions::commands::transparency::application_forecast;
    use kezek_functions::rules::forecast::Forecast;
    let store = store_with_demo().await;
    let start = monday() - Duration::days(150);
    let mut kids = Vec::new();
    for n in 0..12u16 {
        let registered = start + Duration::minutes(i64::from(n));
        let birth = (2023, 2, 1 + u32::from(n));
        let priority = if n % 4 == 3 { Priority::FirstPriority } else { Priority::General };
        kids.push(enqueue_child(&store, &parent(n), &child(birth, n), priority, registered).await);
    }
    let last = kids[10].id.0.clone();
    let early = application_forecast(&store, &pool(2023), &last, start + Duration::days(1))
        .await
        .expect("forecast");
    assert!(
        matches!(early.forecast, Some(Forecast::TooLittleHistory { months_of_history: 0, .. })),
        "{early:?}"
    );
    // Five months with one place a month, each offer taken (signed) at once.
    let verifier = HmacTestVerifier::new(b"forecast");
    for month in 0..5 {
        let at = start + Duration::days(30 * month + 3);
        let kk = group("tk-001", 2023, "kk");
        let publish = PlacesInput { action: PlacesAction::Publish, group_id: kk.clone(), count: 1 };
        let published = change_places(&store, "tk-001", &publish, None, at).await.expect("pub");
        for id in published.offered {
            let n = kids.iter().position(|kid| kid.id == id).expect("ours") as u16;
            let input = ChooseInput { application_id: id.clone(), group_id: kk.clone() };
            let choice = choose(&store, &parent(n), &input, at).await.expect("choice");
            let signature = SignedChoice {
                signature_base64: verifier.sign_as(&parent(n), choice.signed_text.as_bytes()),
                certificate_base64: None,
            };
            let input = SignInput { nonce: choice.nonce, signature, expected_version: None };
            sign(&store, &verifier, &parent(n), &input, None, at).await.expect("signed");
        }
    }
    let now = start + Duration::days(160);
    let answered = application_forecast(&store, &pool(2023), &last, now).await.expect("forecast");
    let Some(Forecast::Range { likely_from, likely_to, months_of_history, .. }) = answered.forecast
    else {
        panic!("five months of history give a range: {answered:?}")
    };
    assert!(months_of_history >= 5, "{months_of_history}");
    assert!(likely_from <= likely_to);
    // About one place a month and seven children ahead: not this month, within a few years.
    let this_month = kezek_functions::rules::forecast::month_of(now.date_naive());
    assert!(likely_from > this_month, "{likely_from}");
    assert!(likely_to < this_month + Duration::days(5 * 365), "{likely_to}");
    // A referred application has no forecast.
    let referred = application_forecast(&store, &pool(2023), &kids[0].id.0, now).await.expect("f");
    assert_eq!(referred.forecast, None);
    // "If we applied today" (the preview): a general child behind everybody waiting gets its
    // offer no sooner than the last waiting application; an out-of-turn child, ahead of all
    // of them, no later.
    use kezek_functions::commands::transparency::newcomer_forecast;
    let birth = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("date");
    let mut ranges = Vec::new();
    for priority in [Priority::General, Priority::OutOfTurn] {
        let answer = newcomer_forecast(&store, &pool(2023), priority, birth, now).await.expect("f");
        let Some(Forecast::Range { likely_from, likely_to, .. }) = answer.forecast else {
            panic!("a range for a newcomer: {answer:?}")
        };
        ranges.push((likely_from, likely_to));
    }
    let [(general_from, general_to), (first_from, _)] = ranges[..] else { panic!("two") };
    assert!(general_to >= likely_from && general_from >= this_month, "{ranges:?} vs {likely_from}");
    assert!(first_from <= general_from, "{ranges:?}");
}
