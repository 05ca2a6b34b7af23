//! Staff: places (R14) and enrolment (R13); operators: region, policy, kindergartens.

use chrono::Duration;
use serde_json::json;

use crate::support::{monday, parent, REGION};
use crate::{applicant, child_2023, operator, staff, state, Api};

#[tokio::test]
async fn staff_publish_and_withdraw_places_of_their_own_groups() {
    let api = Api::new().await;
    let body = |action: &str, group: &str, count: u32| json!({ "action": action, "groupId": group, "count": count });
    let published = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-001"),
            "p-0",
            body("publish", "tk-001-2024-ru", 3),
        )
        .await;
    assert_eq!(published.status, 200, "{:?}", published.body);
    assert_eq!(published.body["counters"]["unreserved"], 3);
    let repeat = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-001"),
            "p-0",
            body("publish", "tk-001-2024-ru", 3),
        )
        .await;
    assert_eq!(repeat.body["counters"], published.body["counters"], "same key: the first result");
    let view = api.store.load_pool(&crate::support_pool(2024)).await.expect("pool");
    assert_eq!(view.pool.counters.unreserved, 3, "published once");
    let other = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-002"),
            "p-1",
            body("withdraw", "tk-001-2024-ru", 1),
        )
        .await;
    assert_eq!(other.refusal(), (403, "forbidden"));
    let too_many = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-001"),
            "p-2",
            body("withdraw", "tk-001-2024-ru", 4),
        )
        .await;
    assert_eq!(too_many.refusal().1, "not_enough_unreserved_places");
    let withdrawn = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-001"),
            "p-3",
            body("withdraw", "tk-001-2024-ru", 2),
        )
        .await;
    assert_eq!(withdrawn.body["counters"]["unreserved"], 1);
    let bad = api
        .post(
            monday(),
            "/staff/places",
            &staff("tk-001"),
            "p-4",
            json!({ "action": "steal", "groupId": "x", "count": 1 }),
        )
        .await;
    assert_eq!(bad.refusal(), (400, "invalid_input"));
}

#[tokio::test]
async fn staff_of_the_referral_kindergarten_confirm_enrolment_within_validity() {
    let api = Api::new().await;
    let signed_at = monday() + Duration::hours(2);
    let id = api.referred(&parent(1), &child_2023(1), signed_at).await;
    let path = format!("/staff/applications/{id}/enrol");
    assert_eq!(
        api.post(signed_at, &path, &staff("tk-002"), "en-1", json!({})).await.refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.post(signed_at, &path, &applicant(&parent(1)), "en-1", json!({})).await.refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.post(signed_at, &path, &staff("tk-001"), "en-2", json!({ "expectedVersion": 2 }))
            .await
            .refusal(),
        (409, "version_conflict")
    );
    let enrolled = api
        .post(
            signed_at + Duration::days(1),
            &path,
            &staff("tk-001"),
            "en-3",
            json!({ "expectedVersion": 3 }),
        )
        .await;
    assert_eq!(enrolled.status, 200, "{:?}", enrolled.body);
    assert_eq!(state(&enrolled.body["application"]), "enrolled");
    assert_eq!(
        api.post(signed_at, &path, &staff("tk-001"), "en-3", json!({ "expectedVersion": 3 }))
            .await
            .body,
        enrolled.body
    );
    assert_eq!(
        api.post(signed_at, &path, &staff("tk-001"), "en-4", json!({})).await.refusal(),
        (422, "command_not_allowed")
    );
    // An enrolled child holds its place: it cannot be put in a queue again.
    let again = json!({ "regionId": REGION, "childIin": child_2023(1), "priority": "general" });
    assert_eq!(
        api.post(signed_at, "/applications", &applicant(&parent(1)), "en-again", again)
            .await
            .refusal(),
        (409, "duplicate_application")
    );

    // A referral past its validity is not enrolled (the sweep lapses it).
    let late = api.referred(&parent(2), &child_2023(2), signed_at).await;
    let details =
        api.get(signed_at, &format!("/applications/{late}"), &applicant(&parent(2))).await;
    let valid_until: chrono::DateTime<chrono::Utc> = details.body["deadlines"]
        ["referralValidUntilAt"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("instant");
    let refused = api
        .post(
            valid_until,
            &format!("/staff/applications/{late}/enrol"),
            &staff("tk-001"),
            "en-5",
            json!({}),
        )
        .await;
    assert_eq!(refused.refusal(), (422, "referral_expired"));
    let unreferred = api.enqueue(&parent(3), &child_2023(3)).await;
    let refused = api
        .post(
            signed_at,
            &format!("/staff/applications/{unreferred}/enrol"),
            &staff("tk-001"),
            "en-6",
            json!({}),
        )
        .await;
    assert_eq!(refused.refusal(), (403, "forbidden"));
}

#[tokio::test]
async fn operators_load_their_region_policy_and_kindergartens() {
    let api = Api::new().await;
    let who = operator(REGION);
    let kindergarten = json!({
        "id": "tk-009", "regionId": REGION, "nameKk": "№9 балабақша", "nameRu": "Детский сад №9",
        "address": "Талдыкорган, ул. Абая, 9", "location": { "lat": 45.01, "lon": 78.37 },
        "groups": [{ "groupId": "tk-009-2023-kk", "name": "Балапан 2023", "groupYear": 2023, "language": "kk" }]
    });
    let loaded =
        api.post(monday(), "/operator/kindergartens", &who, "o-1", kindergarten.clone()).await;
    assert_eq!(loaded.status, 200, "{:?}", loaded.body);
    assert_eq!(
        api.post(monday(), "/operator/kindergartens", &who, "o-1", kindergarten.clone()).await.body,
        loaded.body
    );
    let listed = api
        .call(monday(), "GET", &format!("/regions/{REGION}/kindergartens"), None, None, None)
        .await;
    assert!(listed.body["kindergartens"]
        .as_array()
        .expect("list")
        .iter()
        .any(|k| k["id"] == "tk-009"));
    let mut foreign = kindergarten.clone();
    foreign["regionId"] = json!("kz-kostanay-city");
    assert_eq!(
        api.post(monday(), "/operator/kindergartens", &who, "o-2", foreign).await.refusal(),
        (403, "forbidden")
    );
    let mut bad_language = kindergarten;
    bad_language["groups"][0]["language"] = json!("en");
    assert_eq!(
        api.post(monday(), "/operator/kindergartens", &who, "o-3", bad_language).await.refusal(),
        (400, "invalid_input")
    );

    let regions = api.call(monday(), "GET", "/regions", None, None, None).await;
    let mut region = regions.body["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["id"] == REGION)
        .cloned()
        .expect("region");
    region["nameRu"] = json!("город Талдыкорган (обновлено)");
    let updated =
        api.post(monday(), "/operator/regions", &who, "o-4", json!({ "region": region })).await;
    assert_eq!(updated.status, 200, "{:?}", updated.body);
    let regions = api.call(monday(), "GET", "/regions", None, None, None).await;
    assert!(regions.body["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .any(|r| r["nameRu"] == "город Талдыкорган (обновлено)"));
    let other = json!({ "region": { "id": "kz-almaty", "nameKk": "a", "nameRu": "a", "served": true, "clock": region["clock"] } });
    assert_eq!(
        api.post(monday(), "/operator/regions", &who, "o-5", other).await.refusal(),
        (403, "forbidden")
    );

    let policy = kezek_functions::rules::policy::PolicyHistory::seed_defaults();
    let path = format!("/operator/regions/{REGION}/policy");
    let loaded =
        api.post(monday(), &path, &who, "o-6", serde_json::to_value(&policy).expect("json")).await;
    assert_eq!(loaded.status, 200, "{:?}", loaded.body);
    assert_eq!(
        api.post(monday(), &path, &who, "o-7", json!({ "versions": [] })).await.refusal(),
        (400, "policy_missing")
    );
    assert_eq!(
        api.post(
            monday(),
            "/operator/regions/kz-almaty/policy",
            &who,
            "o-8",
            json!({ "versions": [] })
        )
        .await
        .refusal(),
        (403, "forbidden")
    );
    // The enqueue still works under the reloaded policy.
    let body = json!({ "regionId": REGION, "childIin": child_2023(1), "priority": "general" });
    assert_eq!(
        api.post(monday(), "/applications", &applicant(&parent(1)), "e-1", body).await.status,
        201
    );
}
