//! Issue 3 item 2: the operator loads calendar years. The rules carry 2024–2027; a deadline
//! counted into 2028 is refused with `calendar_year_missing` until an operator loads 2028
//! (`POST /operator/calendar`, validated by the rules, stored as `CALENDAR#2028`), and is
//! computed with it afterwards.

use chrono::{TimeZone, Utc};
use kezek_functions::store::keys;
use serde_json::{json, Value};

use crate::pki::{self, Shape};
use crate::{child, Api};

fn calendar_2028() -> Value {
    let holiday = |date: &str, code: &str, moves: bool| json!({ "date": date, "code": code, "movesWhenOnWeekend": moves });
    json!({
        "year": 2028,
        "holidays": [
            holiday("2028-01-01", "new_year", true),
            holiday("2028-01-02", "new_year", true),
            holiday("2028-01-07", "orthodox_christmas", false),
            holiday("2028-03-08", "womens_day", true),
            holiday("2028-03-21", "nauryz", true),
            holiday("2028-03-22", "nauryz", true),
            holiday("2028-03-23", "nauryz", true),
            holiday("2028-05-01", "unity_day", true),
            holiday("2028-05-05", "kurban_ait", false),
            holiday("2028-05-07", "defenders_day", true),
            holiday("2028-05-09", "victory_day", true),
            holiday("2028-07-06", "capital_day", true),
            holiday("2028-08-30", "constitution_day", true),
            holiday("2028-10-25", "republic_day", true),
            holiday("2028-12-16", "independence_day", true)
        ],
        "swaps": [],
        "source": "test data for 2028 (Kurban Ait estimated)"
    })
}

#[tokio::test]
async fn operator_loads_a_calendar_year_and_deadlines_in_it_are_computed() {
    let api = Api::new().await;
    // Monday 27 December 2027, 10:00 in Taldykorgan: the turn comes (offer window of three
    // working days ends in 2027).
    let monday = Utc.with_ymd_and_hms(2027, 12, 27, 5, 0, 0).single().expect("instant");
    let applicant = api.session(monday, "auth").await;
    let staff = api.session(monday, "staff_auth").await;
    let id = api.enqueue(monday, &applicant, &child(7)).await;
    api.publish(monday, &staff, 1).await;

    // Tuesday 28 December: choosing needs the referral's five working days, into 2028.
    let tuesday = Utc.with_ymd_and_hms(2027, 12, 28, 5, 0, 0).single().expect("instant");
    let applicant = api.session(tuesday, "auth").await;
    let path = format!("/applications/{id}/choose");
    let refused =
        api.post(tuesday, &path, Some(&applicant), json!({ "groupId": crate::GROUP })).await;
    assert_eq!(refused.refusal(), (503, "calendar_year_missing".to_owned()), "{}", refused.body);

    // Only operators load calendars, and the rules validate the data.
    let operator = api.session(tuesday, "operator_auth").await;
    let answer = api.post(tuesday, "/operator/calendar", Some(&applicant), calendar_2028()).await;
    assert_eq!(answer.refusal(), (403, "forbidden".to_owned()));
    let mut weekday_worked = calendar_2028();
    weekday_worked["swaps"] = json!([{ "workedOn": "2028-01-05", "dayOff": "2028-01-06" }]);
    let answer = api.post(tuesday, "/operator/calendar", Some(&operator), weekday_worked).await;
    assert_eq!(answer.refusal(), (400, "calendar_data_invalid".to_owned()), "{}", answer.body);
    let answer =
        api.post(tuesday, "/operator/calendar", Some(&operator), json!({ "year": 2028 })).await;
    assert_eq!(answer.refusal(), (400, "invalid_input".to_owned()));
    assert!(
        api.store.get::<Value>(&keys::calendar_year(2028)).await.expect("read").is_none(),
        "refused data is not stored"
    );

    let loaded =
        api.post(tuesday, "/operator/calendar", Some(&operator), calendar_2028()).await.ok(200);
    assert_eq!(loaded["year"], 2028);
    assert_eq!(loaded["years"], json!([2024, 2025, 2026, 2027, 2028]));
    let stored =
        api.store.get::<Value>(&keys::calendar_year(2028)).await.expect("read").expect("stored");
    assert_eq!(stored["data"]["year"], 2028);
    assert!(stored["loadedBy"].as_str().unwrap_or_default().ends_with(crate::OPERATOR_IIN));

    // Now the choice and the referral are computed: 29, 30, 31 December, then 1–2 January
    // (holidays on a weekend) move their days off to Monday 3 and Tuesday 4 January, so the
    // fourth and fifth working days are 5 and 6 January: valid until 00:00 on 7 January.
    let choice = api.choose(tuesday, &applicant, &id).await;
    let signed = api
        .sign(
            tuesday,
            &applicant,
            &id,
            &choice.nonce,
            pki::cms("sign", &choice.bytes, Shape::Detached),
        )
        .await
        .ok(200);
    assert_eq!(signed["application"]["state"]["state"], "referred");
    assert_eq!(
        signed["referral"]["validUntilAt"], "2028-01-06T19:00:00Z",
        "{}",
        signed["referral"]
    );

    // Issue 10 item 2: GET /applications/{id} counts with the loaded year too (it answered
    // 503 `calendar_year_missing` while the details used the built-in 2024–2027 only).
    let details = api.get(tuesday, &format!("/applications/{id}"), &applicant).await.ok(200);
    let deadlines = &details["deadlines"];
    assert_eq!(deadlines["referralValidUntilAt"], "2028-01-06T19:00:00Z", "{deadlines}");
    assert_eq!(
        deadlines["referralValidity"]["countedDays"],
        json!(["2027-12-29", "2027-12-30", "2027-12-31", "2028-01-05", "2028-01-06"]),
        "{deadlines}"
    );
    assert_eq!(deadlines["extensionLimitAt"], "2028-02-05T19:00:00Z", "{deadlines}");
}
