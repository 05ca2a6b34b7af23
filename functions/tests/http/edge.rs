//! Every input is checked at the edge (issue 10 item 5): bad ids, IINs, unknown fields and
//! oversized bodies are refused with a 4xx before anything reaches DynamoDB (the store's meter
//! counts no round trip), and no answer carries SDK text or keys.

use serde_json::{json, Value};

use crate::support::{child, monday, parent, REGION};
use crate::{applicant, Answer, Api};

/// `answer` refused `(status, code)` without a DynamoDB call since `round_trips`.
fn refused_at_the_edge(api: &Api, round_trips: u64, answer: &Answer, expected: (u16, &str)) {
    assert_eq!(answer.refusal(), expected, "{:?}", answer.body);
    assert_eq!(api.store.usage().round_trips, round_trips, "no DynamoDB call: {:?}", answer.body);
    let message = answer.body["message"].as_str().unwrap_or_default();
    for leak in ["Exception", "request id", "PK", "REGION#", "dispatch"] {
        assert!(!message.contains(leak), "the message leaks {leak}: {message}");
    }
}

fn enqueue_body(region: &str, second: Option<&str>) -> Value {
    let mut body =
        json!({ "regionId": region, "childIin": child((2023, 5, 1), 7), "priority": "general" });
    if let Some(second) = second {
        body["secondParentIin"] = json!(second);
    }
    body
}

#[tokio::test]
async fn bad_ids_in_a_body_or_a_path_never_reach_dynamodb() {
    let api = Api::new().await;
    let mother = applicant(&parent(1));
    let huge = "r".repeat(10 * 1024);
    for region in [huge.as_str(), "kz#x", ""] {
        let before = api.store.usage().round_trips;
        let answer =
            api.post(monday(), "/applications", &mother, "e-1", enqueue_body(region, None)).await;
        refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
        assert!(answer.body["message"].as_str().is_some_and(|m| m.contains("regionId")));
    }
    for path in [
        format!("/regions/{huge}/kindergartens"),
        "/regions/kz%23x/kindergartens".to_owned(),
        format!("/regions/{REGION}/pools/2023{huge}/places"),
        format!("/applications/{huge}"),
    ] {
        let before = api.store.usage().round_trips;
        let answer = api.call(monday(), "GET", &path, Some(&mother), None, None).await;
        refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
    }
}

#[tokio::test]
async fn unknown_fields_are_refused_by_name_and_big_bodies_by_the_limit() {
    let api = Api::new().await;
    let mother = applicant(&parent(1));
    let mut body = enqueue_body(REGION, None);
    body["colour"] = json!("red");
    let before = api.store.usage().round_trips;
    let answer = api.post(monday(), "/applications", &mother, "e-1", body).await;
    refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
    assert!(answer.body["message"].as_str().is_some_and(|m| m.contains("colour")));

    let mut big = enqueue_body(REGION, None);
    big["padding"] = json!("x".repeat(900 * 1024));
    let answer = api.post(monday(), "/applications", &mother, "e-2", big).await;
    refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
    assert!(answer.body["message"].as_str().is_some_and(|m| m.contains("exceeds")));

    let profile = json!({ "email": "a@example.kz", "language": "ru", "nickname": "x" });
    let answer = api.post(monday(), "/auth/profile", &mother, "p-1", profile).await;
    refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
}

#[tokio::test]
async fn the_second_parent_is_another_person_at_enqueue_as_on_the_second_parent_route() {
    let api = Api::new().await;
    let mother = parent(1);
    let before = api.store.usage().round_trips;
    let answer = api
        .post(
            monday(),
            "/applications",
            &applicant(&mother),
            "e-1",
            enqueue_body(REGION, Some(&mother)),
        )
        .await;
    refused_at_the_edge(&api, before, &answer, (400, "invalid_input"));
    let answer = api
        .post(
            monday(),
            "/applications",
            &applicant(&mother),
            "e-2",
            enqueue_body(REGION, Some("12")),
        )
        .await;
    refused_at_the_edge(&api, before, &answer, (400, "iin_length"));
    let answer = api
        .post(
            monday(),
            "/applications",
            &applicant(&mother),
            "e-3",
            enqueue_body(REGION, Some(&parent(2))),
        )
        .await;
    assert_eq!(answer.status, 201, "{:?}", answer.body);
}
