//! Withdraw, cancel (R12), extend (R11): happy paths, wrong state, stale version, bad input.

use chrono::{DateTime, Duration, Utc};
use kezek_functions::rules::places::PlaceCounters;
use serde_json::json;

use crate::support::{monday, parent};
use crate::{applicant, child_2023, state, Api};

fn instant(value: &serde_json::Value) -> DateTime<Utc> {
    value.as_str().and_then(|s| s.parse().ok()).expect("an instant")
}

#[tokio::test]
async fn cancel_within_24_hours_releases_the_place_and_later_is_refused() {
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let who = applicant(&parent(1));
    let path = format!("/applications/{id}/cancel");
    let stale = api
        .post(signed_at + Duration::hours(1), &path, &who, "c-0", json!({ "expectedVersion": 1 }))
        .await;
    assert_eq!(stale.refusal(), (409, "version_conflict"));
    let stranger = api
        .post(signed_at + Duration::hours(1), &path, &applicant(&parent(5)), "c-0", json!({}))
        .await;
    assert_eq!(stranger.refusal(), (403, "forbidden"));

    let cancelled = api
        .post(signed_at + Duration::hours(23), &path, &who, "c-1", json!({ "expectedVersion": 3 }))
        .await;
    assert_eq!(cancelled.status, 200, "{:?}", cancelled.body);
    assert_eq!(state(&cancelled.body["application"]), "queued");
    // The place went back to the pool, and the turn engine offered it again (to the same child, first in line).
    assert_eq!(cancelled.body["offered"], json!([id]));
    let view = api.store.load_pool(&crate::support_pool(2023)).await.expect("pool");
    assert_eq!(view.pool.counters, PlaceCounters { unreserved: 0, offered: 1, free_choice: 0 });
    assert_eq!(
        view.group(&kezek_functions::rules::places::GroupId("tk-001-2023-kk".into()))
            .map(|g| g.free),
        Some(1)
    );
    let repeat = api
        .post(signed_at + Duration::hours(23), &path, &who, "c-1", json!({ "expectedVersion": 3 }))
        .await;
    assert_eq!(repeat.body["application"], cancelled.body["application"], "the first result");

    // Another referral, cancelled exactly at issue + 24 h: refused.
    let late = api.referred(&parent(2), &child_2023(2), signed_at).await;
    let refused = api
        .post(
            signed_at + Duration::hours(24),
            &format!("/applications/{late}/cancel"),
            &applicant(&parent(2)),
            "c-2",
            json!({}),
        )
        .await;
    assert_eq!(refused.refusal(), (422, "cancel_window_closed"));
    let details = api
        .get(
            signed_at + Duration::hours(24),
            &format!("/applications/{late}"),
            &applicant(&parent(2)),
        )
        .await;
    assert_eq!(state(&details.body["application"]), "referred", "a refusal writes nothing");
}

#[tokio::test]
async fn a_referral_is_extended_once_by_1_to_30_days() {
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let who = applicant(&parent(1));
    let path = format!("/applications/{id}/extend");
    let before = api.get(signed_at, &format!("/applications/{id}"), &who).await;
    let valid_until = instant(&before.body["deadlines"]["referralValidUntilAt"]);
    assert!(before.body["deadlines"]["extensionLimitAt"].is_string());

    assert_eq!(
        api.post(signed_at, &path, &who, "x-1", json!({ "days": "ten" })).await.refusal(),
        (400, "invalid_input")
    );
    assert_eq!(
        api.post(signed_at, &path, &who, "x-2", json!({})).await.refusal(),
        (400, "invalid_input")
    );
    assert_eq!(
        api.post(signed_at, &path, &who, "x-3", json!({ "days": 31 })).await.refusal(),
        (422, "extension_days_out_of_range")
    );
    assert_eq!(
        api.post(signed_at, &path, &who, "x-4", json!({ "days": 0 })).await.refusal(),
        (422, "extension_days_out_of_range")
    );
    let extended = api.post(signed_at, &path, &who, "x-5", json!({ "days": 10 })).await;
    assert_eq!(extended.status, 200, "{:?}", extended.body);
    let referral = &extended.body["application"]["state"]["referral"];
    assert_eq!(instant(&referral["validUntilAt"]), valid_until + Duration::days(10));
    assert_eq!(
        api.post(signed_at, &path, &who, "x-5", json!({ "days": 10 })).await.body,
        extended.body,
        "replayed"
    );
    assert_eq!(
        api.post(signed_at, &path, &who, "x-6", json!({ "days": 5 })).await.refusal(),
        (422, "extension_already_used")
    );
    let after = api.get(signed_at, &format!("/applications/{id}"), &who).await;
    assert!(after.body["deadlines"]["extensionLimitAt"].is_null());
}

#[tokio::test]
async fn withdraw_removes_and_a_second_time_is_refused() {
    let api = Api::new().await;
    let id = api.enqueue(&parent(1), &child_2023(1)).await;
    let who = applicant(&parent(1));
    let path = format!("/applications/{id}/withdraw");
    assert_eq!(
        api.post(monday(), &path, &who, "w-0", json!({ "expectedVersion": 7 })).await.refusal(),
        (409, "version_conflict")
    );
    assert_eq!(
        api.post(monday(), &path, &who, "w-x", json!({ "unknown": 1 })).await.refusal(),
        (400, "invalid_input")
    );
    let removed = api.post(monday(), &path, &who, "w-1", json!({ "expectedVersion": 1 })).await;
    assert_eq!(state(&removed.body["application"]), "removed");
    assert_eq!(
        api.post(monday(), &path, &who, "w-2", json!({})).await.refusal(),
        (422, "command_not_allowed")
    );
    // The child may be enqueued again: the uniqueness item went with the final state.
    let again = json!({ "regionId": crate::support::REGION, "childIin": child_2023(1), "priority": "general" });
    assert_eq!(api.post(monday(), "/applications", &who, "e-again", again).await.status, 201);
    assert_eq!(
        api.post(monday(), "/applications/nope/withdraw", &who, "w-3", json!({})).await.refusal(),
        (404, "not_found")
    );
}
