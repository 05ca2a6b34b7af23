//! Local-only routes (never in a Lambda, not in the OpenAPI document):
//!
//! - `GET /local/clock` → `{now, offsetSeconds}`; `POST /local/clock` `{"advance": "3d"}` or
//!   `{"offsetSeconds": n}` moves the clock every handler, the sweep and notify read, so a
//!   person can watch deadlines pass. It never moves back behind the system clock.
//! - `POST /local/sweep` → runs sweep and notify now (what the schedules do) and reports.
//! - `POST /local/token` `{"role": "applicant", "iin": "..."}` (or `staff` + `kindergartenId`,
//!   `operator` + `regionId`) → a session token without the EDS login, for trying routes
//!   and for schemathesis. The login itself is `POST /auth/challenge` + `/auth/login`.

use std::sync::atomic::Ordering;

use chrono::Duration;
use kezek_functions::session::{issue, Claims, SessionKey};
use kezek_functions::Error;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::options::parse_duration_seconds;
use crate::schedule;
use crate::state::State;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockBody {
    advance: Option<String>,
    offset_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(
    tag = "role",
    rename_all = "snake_case",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
enum TokenBody {
    Applicant { iin: String },
    Staff { iin: String, kindergarten_id: String },
    Operator { iin: String, region_id: String },
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    let body = if body.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { body };
    serde_json::from_slice(body)
        .map_err(|e| Error::invalid(format!("the request body is not valid: {e}")))
}

fn clock_answer(state: &State) -> Value {
    json!({ "now": state.clock.now(), "offsetSeconds": state.offset_seconds.load(Ordering::SeqCst) })
}

/// `(status, JSON)` of a local route, or `None` when the path is not one.
pub async fn handle(
    state: &State,
    method: &str,
    path: &str,
    body: &[u8],
) -> Option<Result<(u16, Value), Error>> {
    Some(match (method, path) {
        ("GET", "/local/clock") => Ok((200, clock_answer(state))),
        ("POST", "/local/clock") => set_clock(state, body),
        ("POST", "/local/sweep") => schedule::round(state)
            .await
            .and_then(|round| {
                serde_json::to_value(round).map_err(|e| Error::internal(e.to_string()))
            })
            .map(|v| (200, v)),
        ("POST", "/local/token") => token(state, body),
        (_, "/local/clock" | "/local/sweep" | "/local/token") => Err(Error::MethodNotAllowed),
        _ => return None,
    })
}

fn set_clock(state: &State, body: &[u8]) -> Result<(u16, Value), Error> {
    let body: ClockBody = parse(body)?;
    let current = state.offset_seconds.load(Ordering::SeqCst);
    let offset = match (body.advance, body.offset_seconds) {
        (Some(advance), None) => {
            current + parse_duration_seconds(&advance).map_err(Error::invalid)?
        }
        (None, Some(offset)) => offset,
        _ => return Err(Error::invalid("give either advance (e.g. \"3d\") or offsetSeconds")),
    };
    if offset < 0 {
        return Err(Error::invalid("the local clock never goes behind the system clock"));
    }
    state.offset_seconds.store(offset, Ordering::SeqCst);
    tracing::info!(offset_seconds = offset, now = %state.clock.now(), "local clock moved");
    Ok((200, clock_answer(state)))
}

fn token(state: &State, body: &[u8]) -> Result<(u16, Value), Error> {
    let body: TokenBody = parse(body)?;
    let expires_at = state.clock.now() + Duration::hours(12);
    let claims = match body {
        TokenBody::Applicant { iin } => Claims::applicant(iin, expires_at),
        TokenBody::Staff { iin, kindergarten_id } => {
            Claims::staff(iin, kindergarten_id, expires_at)
        }
        TokenBody::Operator { iin, region_id } => Claims::operator(iin, region_id, expires_at),
    };
    let key = SessionKey::from_env()?;
    Ok((200, json!({ "token": issue(&claims, &key), "expiresAt": expires_at })))
}
