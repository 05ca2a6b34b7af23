use kezek_functions::commands::enqueue::{enqueue, EnqueueInput};
use kezek_functions::rules::application::Priority;
use kezek_functions::store::items::{AuditItem, ChildItem};
use kezek_functions::store::keys;

use crate::support::{child, monday, parent, store_with_demo, REGION};

fn input(region: &str, child_iin: &str) -> EnqueueInput {
    EnqueueInput {
        region_id: region.into(),
        child_iin: child_iin.into(),
        priority: Priority::General,
        second_parent_iin: None,
    }
}

#[tokio::test]
async fn one_active_application_per_child_and_idempotent_repeats() {
    let store = store_with_demo().await;
    let (mother, father) = (parent(1), parent(2));
    let kid = child((2023, 5, 10), 1);
    let first = enqueue(&store, &mother, &input(REGION, &kid), Some("k-1"), monday())
        .await
        .expect("first enqueue");
    assert_eq!(first.application.pool.group_year, 2023);
    assert_eq!(first.application.state.name().as_str(), "queued");

    // Same key, same request: the first result, nothing new written.
    let repeat = enqueue(&store, &mother, &input(REGION, &kid), Some("k-1"), monday())
        .await
        .expect("replayed");
    assert_eq!(repeat, first);
    // Another key, or the other parent: the child already has an active application.
    let again = enqueue(&store, &mother, &input(REGION, &kid), Some("k-2"), monday())
        .await
        .expect_err("refused");
    assert_eq!((again.code(), again.status()), ("duplicate_application", 409));
    let other =
        enqueue(&store, &father, &input(REGION, &kid), None, monday()).await.expect_err("refused");
    assert_eq!(other.code(), "duplicate_application");
    // The same key for a different request is refused.
    let reused =
        enqueue(&store, &mother, &input(REGION, &child((2023, 6, 1), 2)), Some("k-1"), monday())
            .await
            .expect_err("refused");
    assert_eq!(reused.code(), "idempotency_key_reused");

    let owner: ChildItem =
        store.get(&keys::child(&kid)).await.expect("read").expect("uniqueness item");
    assert_eq!(owner.application_id, first.application.id);
    let history: Vec<AuditItem> = store
        .query_prefix(&keys::application_pk(&first.application.id), keys::AUDIT_PREFIX)
        .await
        .expect("audit");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].event.command, "enqueue");
}

#[tokio::test]
async fn regions_served_elsewhere_and_bad_iins_are_refused() {
    let store = store_with_demo().await;
    let regions = store.regions().await.expect("regions");
    assert_eq!(regions.len(), 6);
    for city in ["kz-astana", "kz-almaty", "kz-aktobe"] {
        assert!(regions.iter().any(|r| r.region.id == city && !r.region.served));
        let refused =
            enqueue(&store, &parent(1), &input(city, &child((2023, 5, 10), 1)), None, monday())
                .await
                .expect_err("R1");
        assert_eq!(refused.code(), "region_not_served");
    }
    let bad = enqueue(&store, &parent(1), &input(REGION, "230510500001"), None, monday())
        .await
        .expect_err("check digit");
    assert!(bad.code().starts_with("iin_"), "{bad:?}");
    assert_eq!(bad.status(), 400);
    let missing =
        enqueue(&store, &parent(1), &input("kz-nowhere", &child((2023, 5, 10), 1)), None, monday())
            .await
            .expect_err("unknown");
    assert_eq!(missing.code(), "not_found");
    let kindergartens = store.kindergartens(REGION).await.expect("kindergartens");
    assert_eq!(kindergartens.len(), 2);
    assert!(kindergartens[0].kindergarten.groups.iter().any(|g| g.language == "kk"));
    assert!(kindergartens[0].kindergarten.groups.iter().any(|g| g.language == "ru"));
}
