//! Issue 15 item 1 over HTTP: the anonymous preview's "if we applied today" forecast
//! (`GET /transparency/{region}/{year}/forecast/{priority}/{birthDate}`, no session) and its
//! refusals, each with a stable code and nothing changed.

use crate::support::{monday, parent, REGION};
use crate::{child_2023, Api};

fn path(year: &str, priority: &str, birth_date: &str) -> String {
    format!("/transparency/{REGION}/{year}/forecast/{priority}/{birth_date}")
}

#[tokio::test]
async fn anyone_gets_the_forecast_of_a_child_who_would_apply_today() {
    let api = Api::new().await;
    let _waiting = api.enqueue(&parent(1), &child_2023(1)).await;
    let answer =
        api.call(monday(), "GET", &path("2023", "general", "2023-06-01"), None, None, None).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    // The pool's log is new: too few months of history, and the page says so.
    assert_eq!(answer.body["forecast"]["kind"], "too_little_history", "{:?}", answer.body);
    let months = answer.body["forecast"]["monthsOfHistory"].as_u64().expect("months");
    assert_eq!(answer.body["forecast"]["monthsNeeded"], 3);
    assert!(months < 3, "{:?}", answer.body);
    assert!(answer.body["logSize"].as_u64().expect("size") >= 1, "{:?}", answer.body);
}

#[tokio::test]
async fn a_forecast_path_that_does_not_name_a_class_or_a_birth_date_of_the_pool_is_refused() {
    let api = Api::new().await;
    let cases = [
        (path("2023", "vip", "2023-06-01"), "the priority is out_of_turn"),
        (path("2023", "general", "2022-06-01"), "the birth date is in the pool's year"),
        (path("2023", "general", "2023-02-30"), "a date is YYYY-MM-DD"),
        (path("2023", "general", "yesterday"), "a date is YYYY-MM-DD"),
        (path("20x3", "general", "2023-06-01"), "the group year is a year"),
    ];
    for (route, message) in cases {
        let answer = api.call(monday(), "GET", &route, None, None, None).await;
        assert_eq!(answer.refusal(), (400, "invalid_input"), "{route}: {:?}", answer.body);
        let said = answer.body["message"].as_str().unwrap_or_default();
        assert!(said.starts_with(message), "{route}: {said}");
    }
    let posted = api
        .call(
            monday(),
            "POST",
            &path("2023", "general", "2023-06-01"),
            None,
            Some("forecast-post"),
            None,
        )
        .await;
    assert_eq!(posted.status, 405, "{:?}", posted.body);
}
