//! `/staff`: kindergarten staff publish or withdraw places of their groups (R14) and confirm
//! enrolment of a referral to their kindergarten (R13), listed by `GET /staff/referrals`;
//! `GET /staff/transfers` lists the children moved in or out by signed transfers (issue 15).
//! The kindergarten is the session's.

use kezek_rules::application::ApplicationId;
use lambda_http::http::Method;

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::commands::actions::{self, ActionInput};
use crate::commands::places::{change_places, PlacesInput};
use crate::commands::referrals::{staff_referrals, staff_transfers};
use crate::error::{Error, Result};
use crate::session::SessionRole;

pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Staff)?;
    let kindergarten_id = claims
        .kindergarten_id
        .as_deref()
        .ok_or_else(|| Error::forbidden("the session names no kindergarten"))?;
    let store = &router.store;
    let key = call.idempotency_key();
    match (method, path) {
        (&Method::POST, ["places"]) => {
            let input: PlacesInput = call.body()?;
            Reply::ok(&change_places(store, kindergarten_id, &input, key, call.now).await?)
        }
        (&Method::POST, ["applications", id, "enrol"]) => {
            super::identifier("the application id", id)?;
            let input: ActionInput = call.body()?;
            let id = ApplicationId((*id).to_owned());
            Reply::ok(&actions::enrol(store, kindergarten_id, &id, &input, key, call.now).await?)
        }
        (&Method::GET, ["referrals"]) => {
            Reply::ok(&staff_referrals(store, kindergarten_id, call.now).await?)
        }
        (&Method::GET, ["transfers"]) => Reply::ok(&staff_transfers(store, kindergarten_id).await?),
        (_, ["places"] | ["applications", _, "enrol"] | ["referrals"] | ["transfers"]) => {
            Err(method_not_allowed())
        }
        _ => Err(no_route()),
    }
}
