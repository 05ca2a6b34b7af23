//! The enqueue age limit over HTTP (issue 10 item 5): a child of school age is refused at
//! POST /applications with `child_too_old_to_enqueue` and the date the child reached it, and
//! nothing is written; a child just below the limit is queued. Through the router, with API
//! Gateway HTTP API (v2) events, against a real DynamoDB Local (the backend tests' harness).

#[path = "common/api_gateway.rs"]
mod api_gateway;
#[allow(dead_code)]
#[path = "backend/support.rs"]
mod support;

use kezek_functions::http::Router;
use kezek_functions::rules::iin::Sex;
use kezek_functions::rules::time::Instant;
use kezek_functions::session::{issue, Claims, SessionKey};
use serde_json::{json, Value};

use support::{monday, parent, store_with_demo, REGION};

const SESSION_SECRET: [u8; 32] = [7; 32];

async fn post_application(
    router: &Router,
    now: Instant,
    parent: &str,
    child: &str,
) -> (u16, Value) {
    let claims = Claims::applicant(parent, now + chrono::Duration::hours(1));
    let token = issue(&claims, &SessionKey::new(&SESSION_SECRET).expect("key"));
    let body = json!({ "regionId": REGION, "childIin": child, "priority": "general" }).to_string();
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        ("authorization", format!("Bearer {token}")),
        ("idempotency-key", format!("enqueue-{child}")),
    ];
    let request = api_gateway::event("POST", "/applications", &headers, Some(&body));
    let response = router.at(now).handle(request).await;
    let bytes: &[u8] = response.body().as_ref();
    (response.status().as_u16(), serde_json::from_slice(bytes).unwrap_or(Value::Null))
}

async fn journal_length(router: &Router, now: Instant, parent: &str) -> usize {
    let claims = Claims::applicant(parent, now + chrono::Duration::hours(1));
    let token = issue(&claims, &SessionKey::new(&SESSION_SECRET).expect("key"));
    let headers = vec![("authorization", format!("Bearer {token}"))];
    let request = api_gateway::event("GET", "/applications", &headers, None);
    let response = router.at(now).handle(request).await;
    assert_eq!(response.status().as_u16(), 200);
    let body: Value = serde_json::from_slice(response.body().as_ref()).expect("JSON");
    body["applications"].as_array().expect("journal").len()
}

#[tokio::test]
async fn a_child_born_in_1990_is_refused_with_the_date_school_age_was_reached() {
    let store = store_with_demo().await;
    let router = Router::new(store, SessionKey::new(&SESSION_SECRET).expect("key"));
    // Monday 2 March 2026, 10:00 local.
    let now = monday();
    let mother = parent(1);

    let born_1990 = support::iin((1990, 3, 4), Sex::Male, 40);
    let (status, body) = post_application(&router, now, &mother, &born_1990).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("child_too_old_to_enqueue")), "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains("1996-03-04"), "the date the child reached 6: {message}");
    assert_eq!(journal_length(&router, now, &mother).await, 0, "nothing is written");

    // Reached six on Sunday 1 March 2026, the day before: refused too.
    let six_yesterday = support::iin((2020, 3, 1), Sex::Female, 60);
    let (status, body) = post_application(&router, now, &mother, &six_yesterday).await;
    assert_eq!((status, body["code"].as_str()), (422, Some("child_too_old_to_enqueue")), "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("2026-03-01"), "{body}");

    // Six tomorrow (born 3 March 2020): still 5 today, queued.
    let six_tomorrow = support::iin((2020, 3, 3), Sex::Female, 80);
    let (status, body) = post_application(&router, now, &mother, &six_tomorrow).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(journal_length(&router, now, &mother).await, 1);
}
