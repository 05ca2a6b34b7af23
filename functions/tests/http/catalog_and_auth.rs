//! Catalog reads, routing, and the session refusals every protected route shares.

use chrono::Duration;
use kezek_functions::session::{issue, Claims, SessionKey};
use serde_json::json;

use crate::support::{monday, parent, REGION};
use crate::{applicant, event, operator, staff, Api};

#[tokio::test]
async fn catalog_lists_regions_kindergartens_and_free_places_of_a_pool() {
    let api = Api::new().await;
    let regions = api.call(monday(), "GET", "/regions", None, None, None).await;
    assert_eq!(regions.status, 200);
    let list = regions.body["regions"].as_array().expect("regions");
    assert_eq!(list.len(), 6);
    let astana = list.iter().find(|r| r["id"] == "kz-astana").expect("astana listed");
    assert_eq!(astana["served"], false, "R1: served by its own system");

    let kindergartens = api
        .call(monday(), "GET", &format!("/regions/{REGION}/kindergartens"), None, None, None)
        .await;
    assert_eq!(kindergartens.body["kindergartens"].as_array().map(Vec::len), Some(2));

    let path = format!("/regions/{REGION}/pools/2023/places");
    let empty = api.call(monday(), "GET", &path, None, None, None).await;
    assert_eq!((empty.status, empty.body["groups"].as_array().map(Vec::len)), (200, Some(0)));
    assert_eq!(api.publish("tk-002", "tk-002-2023-ru", 2).await.status, 200);
    let places = api.call(monday(), "GET", &path, None, None, None).await;
    let groups = places.body["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1);
    let group = &groups[0];
    assert_eq!(
        (group["groupId"].as_str(), group["language"].as_str(), group["free"].as_u64()),
        (Some("tk-002-2023-ru"), Some("ru"), Some(2))
    );
    assert!(
        group["address"].as_str().is_some_and(|a| a.contains("Жетысу"))
            && group["location"]["lat"].is_number()
    );
    assert!(group["kindergartenNameKk"].is_string() && group["kindergartenNameRu"].is_string());
    assert_eq!(places.body["counters"]["unreserved"], 2);

    let unknown_pool = api
        .call(monday(), "GET", &format!("/regions/{REGION}/pools/1999/places"), None, None, None)
        .await;
    assert_eq!(unknown_pool.refusal(), (404, "not_found"));
    let bad_year = api
        .call(monday(), "GET", &format!("/regions/{REGION}/pools/next/places"), None, None, None)
        .await;
    assert_eq!(bad_year.refusal(), (400, "invalid_input"));
    assert_eq!(
        api.call(monday(), "GET", "/nowhere", None, None, None).await.refusal(),
        (404, "route_not_found")
    );
    assert_eq!(
        api.call(monday(), "DELETE", "/regions", None, None, None).await.refusal(),
        (405, "method_not_allowed")
    );
}

#[tokio::test]
async fn tokens_are_required_verified_and_checked_for_role() {
    let api = Api::new().await;
    let now = monday();
    let missing = api.call(now, "GET", "/applications", None, None, None).await;
    assert_eq!(missing.refusal(), (401, "token_missing"));

    let forged = issue(&applicant(&parent(1)), &SessionKey::new(&[8; 32]).expect("key"));
    let request =
        event("GET", "/applications", &[("authorization", format!("Bearer {forged}"))], None);
    assert_eq!(api.raw(now, request).await.refusal(), (401, "token_invalid"));
    let request = event("GET", "/applications", &[("authorization", "Basic abc".to_owned())], None);
    assert_eq!(api.raw(now, request).await.refusal(), (401, "token_invalid"));

    let short = Claims::applicant(parent(1), now + Duration::minutes(5));
    let expired = api
        .call(now + Duration::minutes(5), "GET", "/applications", Some(&short), None, None)
        .await;
    assert_eq!(expired.refusal(), (401, "token_expired"));
    assert_eq!(api.call(now, "GET", "/applications", Some(&short), None, None).await.status, 200);

    // Wrong role, every protected group.
    assert_eq!(api.get(now, "/applications", &staff("tk-001")).await.refusal(), (403, "forbidden"));
    let body = json!({ "action": "publish", "groupId": "tk-001-2023-kk", "count": 1 });
    assert_eq!(
        api.post(now, "/staff/places", &applicant(&parent(1)), "k", body.clone()).await.refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.post(now, "/staff/places", &operator(REGION), "k", body).await.refusal(),
        (403, "forbidden")
    );
    let kindergarten = json!({});
    assert_eq!(
        api.post(now, "/operator/kindergartens", &staff("tk-001"), "k", kindergarten)
            .await
            .refusal(),
        (403, "forbidden")
    );
}

#[tokio::test]
async fn every_post_needs_an_idempotency_key() {
    let api = Api::new().await;
    let body =
        json!({ "regionId": REGION, "childIin": crate::child_2023(1), "priority": "general" });
    let who = applicant(&parent(1));
    let answer =
        api.call(monday(), "POST", "/applications", Some(&who), None, Some(body.clone())).await;
    assert_eq!(answer.refusal(), (400, "idempotency_key_missing"));
    let answer = api
        .call(monday(), "POST", "/staff/places", Some(&staff("tk-001")), None, Some(json!({})))
        .await;
    assert_eq!(answer.refusal(), (400, "idempotency_key_missing"));
    assert!(
        api.get(monday(), "/applications", &who).await.body["applications"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "nothing was written"
    );
}
