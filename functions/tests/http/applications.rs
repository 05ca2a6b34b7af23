//! Enqueue, journal, details and the second parent (R3).

use chrono::Duration;
use kezek_functions::store::items::AuditItem;
use kezek_functions::store::keys;
use serde_json::json;

use crate::support::{monday, parent, REGION};
use crate::{applicant, child_2023, state, Api};

#[tokio::test]
async fn enqueue_is_idempotent_and_refuses_bad_input_and_duplicates() {
    let api = Api::new().await;
    let who = applicant(&parent(1));
    let now = monday();
    let body = json!({ "regionId": REGION, "childIin": child_2023(1), "priority": "general" });
    let first = api.post(now, "/applications", &who, "e-1", body.clone()).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(state(&first.body["application"]), "queued");
    let repeat =
        api.post(now + Duration::seconds(5), "/applications", &who, "e-1", body.clone()).await;
    assert_eq!(repeat.body, first.body, "the first result, again");
    let other_key = api.post(now, "/applications", &who, "e-2", body.clone()).await;
    assert_eq!(other_key.refusal(), (409, "duplicate_application"));
    let reused = api
        .post(
            now,
            "/applications",
            &who,
            "e-1",
            json!({ "regionId": REGION, "childIin": child_2023(2), "priority": "general" }),
        )
        .await;
    assert_eq!(reused.refusal(), (422, "idempotency_key_reused"));

    assert_eq!(
        api.post(now, "/applications", &who, "e-3", json!({ "regionId": REGION })).await.refusal(),
        (400, "invalid_input")
    );
    let not_json = api.call(now, "POST", "/applications", Some(&who), Some("e-4"), None).await;
    assert_eq!(not_json.refusal(), (400, "invalid_input"));
    let bad_iin = json!({ "regionId": REGION, "childIin": "123", "priority": "general" });
    assert_eq!(
        api.post(now, "/applications", &who, "e-5", bad_iin).await.refusal(),
        (400, "iin_length")
    );
    let astana =
        json!({ "regionId": "kz-astana", "childIin": child_2023(3), "priority": "general" });
    assert_eq!(
        api.post(now, "/applications", &who, "e-6", astana).await.refusal(),
        (422, "region_not_served")
    );

    let journal = api.get(now, "/applications", &who).await;
    let lines = journal.body["applications"].as_array().expect("journal");
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (lines[0]["relation"].as_str(), lines[0]["application"]["id"].clone()),
        (Some("submitted"), first.body["application"]["id"].clone())
    );
}

#[tokio::test]
async fn details_show_position_eligibility_deadlines_and_documents() {
    let api = Api::new().await;
    let first = api.enqueue(&parent(1), &child_2023(1)).await;
    let second = api.enqueue(&parent(2), &child_2023(2)).await;
    let details =
        api.get(monday(), &format!("/applications/{second}"), &applicant(&parent(2))).await;
    assert_eq!(details.status, 200, "{:?}", details.body);
    assert_eq!(details.body["position"], json!({ "ahead": 1, "waiting": 2 }));
    assert_eq!(details.body["eligibility"]["allowed"], false);
    let reasons: Vec<&str> = details.body["eligibility"]["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert_eq!(reasons, ["turn_not_come", "no_free_places"]);
    assert!(details.body["deadlines"]["offerExpiresAt"].is_null());
    assert_eq!(details.body["documents"], json!([]));

    // A child too young gets the date it may choose from.
    let young = api.enqueue(&parent(3), &crate::support::child((2025, 1, 20), 3)).await;
    let details =
        api.get(monday(), &format!("/applications/{young}"), &applicant(&parent(3))).await;
    let reasons = details.body["eligibility"]["reasons"].as_array().expect("reasons");
    assert!(
        reasons.iter().any(|r| r["code"] == "child_too_young" && r["allowedFrom"] == "2027-01-20"),
        "{reasons:?}"
    );

    // The turn comes for the first: offered, with the offer deadline and no position change for others.
    assert_eq!(api.publish("tk-001", "tk-001-2023-kk", 1).await.status, 200);
    let details =
        api.get(monday(), &format!("/applications/{first}"), &applicant(&parent(1))).await;
    assert_eq!(state(&details.body["application"]), "offered");
    assert_eq!(details.body["eligibility"], json!({ "allowed": true, "reasons": [] }));
    assert!(
        details.body["deadlines"]["offerExpiresAt"].is_string()
            && details.body["deadlines"]["offerWindow"].is_object()
    );

    let signed = api
        .choose_and_sign(monday() + Duration::hours(2), &parent(1), &first, "tk-001-2023-kk")
        .await;
    assert_eq!(signed.status, 200, "{:?}", signed.body);
    let details = api
        .get(
            monday() + Duration::hours(3),
            &format!("/applications/{first}"),
            &applicant(&parent(1)),
        )
        .await;
    assert_eq!(details.body["position"], json!(null));
    let documents = details.body["documents"].as_array().expect("documents");
    assert_eq!(documents.len(), 1);
    assert_eq!(documents[0]["groupId"], "tk-001-2023-kk");
    assert!(
        details.body["deadlines"]["cancelUntilAt"].is_string()
            && details.body["deadlines"]["referralValidUntilAt"].is_string()
    );
    let number = documents[0]["number"].as_str().expect("number");
    let document = api
        .get(monday(), &format!("/applications/{first}/documents/{number}"), &applicant(&parent(1)))
        .await;
    assert_eq!(document.body, documents[0]);
    let missing = api
        .get(monday(), &format!("/applications/{first}/documents/KZ-NONE"), &applicant(&parent(1)))
        .await;
    assert_eq!(missing.refusal(), (404, "not_found"));

    // Nobody else sees it.
    let stranger = applicant(&parent(7));
    assert_eq!(
        api.get(monday(), &format!("/applications/{first}"), &stranger).await.refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.get(monday(), &format!("/applications/{first}/documents/{number}"), &stranger)
            .await
            .refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.get(monday(), "/applications/no-such-app", &stranger).await.refusal(),
        (404, "not_found")
    );
}

#[tokio::test]
async fn the_named_second_parent_links_and_nobody_else_can() {
    let api = Api::new().await;
    let (mother, father, stranger) =
        (applicant(&parent(1)), applicant(&parent(2)), applicant(&parent(3)));
    let id = api.enqueue(&parent(1), &child_2023(1)).await;
    let link = format!("/applications/{id}/link");
    let name = format!("/applications/{id}/second-parent");

    assert_eq!(
        api.post(monday(), &link, &father, "l-1", json!({})).await.refusal(),
        (403, "forbidden"),
        "not named yet"
    );
    let named =
        api.post(monday(), &name, &mother, "n-1", json!({ "secondParentIin": parent(2) })).await;
    assert_eq!(named.status, 200, "{:?}", named.body);
    assert_eq!(named.body["secondParentIin"], parent(2));
    assert_eq!(
        api.post(monday(), &name, &mother, "n-2", json!({ "secondParentIin": "12" }))
            .await
            .refusal(),
        (400, "iin_length")
    );
    assert_eq!(
        api.post(monday(), &name, &mother, "n-3", json!({ "secondParentIin": parent(1) }))
            .await
            .refusal(),
        (400, "invalid_input")
    );
    assert_eq!(
        api.post(monday(), &name, &father, "n-4", json!({ "secondParentIin": parent(3) }))
            .await
            .refusal(),
        (403, "forbidden")
    );
    assert_eq!(
        api.post(monday(), &name, &stranger, "n-5", json!({ "secondParentIin": parent(2) }))
            .await
            .refusal(),
        (403, "forbidden")
    );

    assert_eq!(
        api.post(monday(), &link, &stranger, "l-2", json!({})).await.refusal(),
        (403, "forbidden")
    );
    let linked = api.post(monday(), &link, &father, "l-3", json!({})).await;
    assert_eq!(linked.body["linkedIins"], json!([parent(2)]));
    let again = api.post(monday(), &link, &father, "l-3", json!({})).await;
    assert_eq!(again.body, linked.body);
    // Once linked, the submitter cannot name somebody else.
    assert_eq!(
        api.post(monday(), &name, &mother, "n-6", json!({ "secondParentIin": parent(3) }))
            .await
            .refusal(),
        (409, "second_parent_linked")
    );

    let journal = api.get(monday(), "/applications", &father).await;
    let lines = journal.body["applications"].as_array().expect("journal");
    assert_eq!((lines.len(), lines[0]["relation"].as_str()), (1, Some("linked")));
    assert_eq!(api.get(monday(), &format!("/applications/{id}"), &father).await.status, 200);
    assert_eq!(
        api.get(monday(), &format!("/applications/{id}"), &stranger).await.refusal(),
        (403, "forbidden")
    );
    assert!(api.get(monday(), "/applications", &stranger).await.body["applications"]
        .as_array()
        .is_some_and(Vec::is_empty));
    // The linked parent acts on it too (R3).
    let withdrawn = api
        .post(monday(), &format!("/applications/{id}/withdraw"), &father, "w-1", json!({}))
        .await;
    assert_eq!(state(&withdrawn.body["application"]), "removed");
}

#[tokio::test]
async fn naming_and_linking_the_second_parent_take_a_version_and_leave_an_audit_event() {
    let api = Api::new().await;
    let (mother, father) = (applicant(&parent(1)), applicant(&parent(2)));
    let id = api.enqueue(&parent(1), &child_2023(1)).await;
    let named = api
        .post(
            monday(),
            &format!("/applications/{id}/second-parent"),
            &mother,
            "n-1",
            json!({ "secondParentIin": parent(2) }),
        )
        .await;
    assert_eq!(named.status, 200, "{:?}", named.body);
    let linked =
        api.post(monday(), &format!("/applications/{id}/link"), &father, "l-1", json!({})).await;
    assert_eq!(linked.status, 200, "{:?}", linked.body);
    // A repeat of the link (same key, or a new one) changes nothing more.
    assert_eq!(
        api.post(monday(), &format!("/applications/{id}/link"), &father, "l-1", json!({}))
            .await
            .body,
        linked.body
    );
    assert_eq!(
        api.post(monday(), &format!("/applications/{id}/link"), &father, "l-2", json!({}))
            .await
            .status,
        200
    );

    let details = api.get(monday(), &format!("/applications/{id}"), &father).await;
    assert_eq!(details.body["application"]["version"], 3);
    let application_id = kezek_functions::rules::application::ApplicationId(id.clone());
    let history: Vec<AuditItem> = api
        .store
        .query_prefix(&keys::application_pk(&application_id), keys::AUDIT_PREFIX)
        .await
        .expect("audit");
    let events: Vec<(&str, u64, &str)> = history
        .iter()
        .map(|h| (h.event.command.as_str(), h.event.version, h.actor.as_str()))
        .collect();
    let (by_mother, by_father) =
        (format!("applicant:{}", parent(1)), format!("applicant:{}", parent(2)));
    assert_eq!(
        events,
        [
            ("enqueue", 1, by_mother.as_str()),
            ("name_second_parent", 2, by_mother.as_str()),
            ("link", 3, by_father.as_str())
        ]
    );
    assert!(history[1..].iter().all(|h| h.event.from_state.map(|s| s.as_str()) == Some("queued")
        && h.event.to_state.as_str() == "queued"));
    // A stale If-Match after the link is refused.
    let stale = api
        .post(
            monday(),
            &format!("/applications/{id}/withdraw"),
            &mother,
            "w-1",
            json!({ "expectedVersion": 2 }),
        )
        .await;
    assert_eq!(stale.refusal(), (409, "version_conflict"));
}

#[tokio::test]
async fn a_nonce_signed_under_another_applications_path_is_refused_and_writes_nothing() {
    let api = Api::new().await;
    let who = applicant(&parent(1));
    let first = api.enqueue(&parent(1), &child_2023(1)).await;
    let second = api.enqueue(&parent(1), &child_2023(2)).await;
    assert_eq!(api.publish("tk-001", "tk-001-2023-kk", 2).await.status, 200);
    let now = monday() + Duration::hours(1);
    let choice = api
        .post(
            now,
            &format!("/applications/{first}/choose"),
            &who,
            "c-1",
            json!({ "groupId": "tk-001-2023-kk" }),
        )
        .await;
    assert_eq!(choice.status, 200, "{:?}", choice.body);
    let text = choice.body["signedText"].as_str().expect("text");
    let body = json!({ "nonce": choice.body["nonce"], "signature": { "signatureBase64": api.signer.sign_as(&parent(1), text.as_bytes()) } });

    let crossed =
        api.post(now, &format!("/applications/{second}/sign"), &who, "s-1", body.clone()).await;
    assert_eq!(crossed.refusal(), (409, "nonce_application_mismatch"));
    for id in [&first, &second] {
        let details = api.get(now, &format!("/applications/{id}"), &who).await;
        assert_eq!(
            (
                state(&details.body["application"]),
                details.body["documents"].as_array().map(Vec::len)
            ),
            ("offered".to_owned(), Some(0))
        );
    }
    let view = api.store.load_pool(&crate::support_pool(2023)).await.expect("pool");
    assert_eq!(
        view.pool.counters,
        kezek_functions::rules::places::PlaceCounters { unreserved: 0, offered: 2, free_choice: 0 }
    );
    // The nonce is still good for its own application.
    let signed = api.post(now, &format!("/applications/{first}/sign"), &who, "s-2", body).await;
    assert_eq!(signed.status, 200, "{:?}", signed.body);
    assert_eq!(state(&signed.body["application"]), "referred");
}
