//! Issue 13 item 6: the auditor's replay through the public routes only (the router answers
//! each GET as API Gateway would hand it over): a clean log replays clean; a checkpoint under
//! a key the auditor did not pin is refused; an offer written past the rules straight to the
//! table is reported with its index and code; a rewritten tile fails the tree check.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::Duration;
use kezek_functions::audit::{audit, AuditError, Fetch};
use kezek_functions::commands::transparency::checkpoint_pools;
use kezek_functions::rules::places::PoolKey;
use kezek_functions::transparency::LogSigner;

use crate::api_gateway::event;
use crate::support::{monday, parent, REGION};
use crate::{child_2023, Api};

struct Router<'a>(&'a Api);

impl Fetch for Router<'_> {
    async fn get(&self, path: &str) -> Result<Vec<u8>, String> {
        let response = self.0.router.at(monday()).handle(event("GET", path, &[], None)).await;
        match response.status().as_u16() {
            200 => Ok(response.body().as_ref().to_vec()),
            status => Err(format!("HTTP {status}")),
        }
    }
}

fn signer(name: &str) -> LogSigner {
    LogSigner::from_key_text(&LogSigner::generate(name).expect("key")).expect("signer")
}

#[tokio::test]
async fn the_auditor_replays_a_pool_through_the_public_routes_and_finds_what_was_forged() {
    let api = Api::new().await;
    let pool = PoolKey { region_id: REGION.into(), group_year: 2023 };
    let first = api.referred(&parent(1), &child_2023(1), monday() + Duration::hours(2)).await;
    let _second = api.enqueue(&parent(2), &child_2023(2)).await;
    let _third = api.enqueue(&parent(3), &child_2023(3)).await;
    let log = signer("kezek.audit");
    checkpoint_pools(&api.store, &log, monday()).await.expect("checkpoints");

    let report = audit(&Router(&api), &pool, None).await.expect("audited");
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.origin, format!("kezek.audit/{REGION}/2023"));
    assert!(report.tree_size >= 6, "enqueues, publish, offer, sign: {}", report.tree_size);
    // Pinned to its own key, the auditor refuses the service's checkpoint.
    let other = signer("kezek.audit").vkey();
    let refused = audit(&Router(&api), &pool, Some(&other)).await.expect_err("other key");
    assert!(matches!(refused, AuditError::Checkpoint { .. }), "{refused}");

    // An insider appends an offer to the third child (the second is ahead and queued),
    // with the pool's head moved as the service would.
    let view = api.store.load_pool(&pool).await.expect("pool");
    let entries = api.store.log_entries(&pool, 0).await.expect("log");
    let entry = entries
        .iter()
        .map(|bytes| kezek_functions::rules::transparency::AuditEntry::decode(bytes).expect("ok"))
        .rfind(|entry| entry.kind == kezek_functions::rules::transparency::EntryKind::Enqueue)
        .expect("the third child's enqueue");
    let mut subject = entry.subject.expect("subject");
    assert_ne!(subject.application_id, first);
    subject.from_state = Some(kezek_functions::rules::application::StateName::Queued);
    subject.to_state = kezek_functions::rules::application::StateName::Offered;
    let forged = kezek_functions::rules::transparency::AuditEntry {
        kind: kezek_functions::rules::transparency::EntryKind::Offer,
        at: monday() + Duration::hours(3),
        subject: Some(subject.clone()),
        counters_before: view.pool.counters,
        counters_after: view.pool.counters,
        group_id: None,
        reason: kezek_functions::rules::transparency::Reason::Offer {
            position: 0,
            class_rank: 0,
            ratio_step: 0,
        },
    };
    let bytes = forged.encode().expect("encodes");
    let bundle =
        kezek_functions::rules::transparency::tiles::encode_bundle([bytes.as_slice()]).expect("b");
    let mut item = kezek_functions::store::keys::log_batch(&pool, view.log_size).to_map();
    item.insert("start".into(), AttributeValue::N(view.log_size.to_string()));
    item.insert("count".into(), AttributeValue::N("1".into()));
    item.insert("bundle".into(), AttributeValue::B(bundle.into()));
    let client = api.store.client();
    client.put_item().table_name(api.store.table()).set_item(Some(item)).send().await.expect("put");
    client
        .update_item()
        .table_name(api.store.table())
        .set_key(Some(kezek_functions::store::keys::pool(&pool).to_map()))
        .update_expression("SET logSize = :size")
        .expression_attribute_values(":size", AttributeValue::N((view.log_size + 1).to_string()))
        .send()
        .await
        .expect("head");
    checkpoint_pools(&api.store, &log, monday()).await.expect("the forged entry is signed too");
    let report = audit(&Router(&api), &pool, None).await.expect("audited");
    let forged_at = view.log_size;
    let flagged: Vec<_> = report.findings.iter().filter(|f| f.index == forged_at).collect();
    assert!(
        flagged.iter().any(|f| f.code == "offer_out_of_order"
            && f.application_id.as_deref() == Some(subject.application_id.as_str())),
        "{:#?}",
        report.findings
    );

    // A rewritten hash tile no longer gives the checkpoint's root.
    let size = report.tree_size;
    let tile = format!("tile/0/000.p/{size}");
    let mut item = kezek_functions::store::keys::log_tile(&pool, &tile).to_map();
    item.insert("bytes".into(), AttributeValue::B(vec![7u8; 32 * size as usize].into()));
    client.put_item().table_name(api.store.table()).set_item(Some(item)).send().await.expect("put");
    let broken = audit(&Router(&api), &pool, None).await.expect_err("tiles");
    assert_eq!(broken, AuditError::TilesMismatch);
}
