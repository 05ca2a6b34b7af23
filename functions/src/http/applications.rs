//! `/applications`: enqueue, the journal and details (R3), the second parent (R3), withdraw,
//! extend (R11), cancel (R12), choose and sign (R4, R7, R8). Applicants only. Enqueue, choose
//! and sign are groups of their own (their own binaries): [`enqueue_route`], [`choose_route`],
//! [`sign_route`]; [`route`] serves the rest.

use kezek_rules::application::{Application, ApplicationId, TransferRequest};
use lambda_http::http::Method;
use serde::{Deserialize, Serialize};

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::commands::actions::{self, ActionInput, ExtendInput, SecondParentInput};
use crate::commands::choose::{choose_once, ChooseInput};
use crate::commands::enqueue::{enqueue, EnqueueInput};
use crate::commands::journal;
use crate::commands::referral_verify;
use crate::commands::siblings::{self, SiblingsInput};
use crate::commands::sign::{sign_application, SignInput};
use crate::commands::transfer::{self, TransferChooseInput, TransferInput, TransferSignInput};
use crate::commands::transparency;
use crate::error::Result;
use crate::referral_pdf;
use crate::session::SessionRole;
use crate::signature::SignedChoice;

/// The body of `POST /applications/{id}/choose`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChooseBody {
    group_id: kezek_rules::places::GroupId,
}

/// The body of `POST /applications/{id}/sign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignBody {
    nonce: String,
    signature: SignedChoice,
    #[serde(default)]
    expected_version: Option<u64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Journal {
    applications: Vec<journal::JournalEntry>,
}

fn application_id(segment: &str) -> Result<ApplicationId> {
    super::identifier("the application id", segment)?;
    Ok(ApplicationId(segment.to_owned()))
}

pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Applicant)?;
    let iin = claims.sub.as_str();
    let store = &router.store;
    let now = call.now;
    match (method, path) {
        (&Method::GET, []) => {
            Reply::ok(&Journal { applications: journal::journal(store, iin).await? })
        }
        (&Method::GET, [id]) => {
            Reply::ok(&journal::details(store, iin, &application_id(id)?, now).await?)
        }
        (&Method::GET, [id, "documents", number]) => {
            Reply::ok(&journal::document(store, iin, &application_id(id)?, number).await?)
        }
        (&Method::GET, [id, "documents", number, "pdf"]) => {
            let id = application_id(id)?;
            let paper = referral_verify::paper(store, &router.session_key, iin, &id, number, now);
            let paper = paper.await?;
            let url = referral_pdf::verify_url(&referral_pdf::verify_page()?, &paper.code);
            Ok(Reply::pdf(referral_pdf::render(&paper, &url)?))
        }
        (&Method::GET, [id, "forecast"]) => {
            let item = journal::visible(store, iin, &application_id(id)?).await?;
            let (pool, id) = (&item.application.pool, &item.application.id.0);
            Reply::ok(&transparency::application_forecast(store, pool, id, now).await?)
        }
        (&Method::GET, [id, "log"]) => {
            let item = journal::visible(store, iin, &application_id(id)?).await?;
            let pool = &item.application.pool;
            let id = &item.application.id.0;
            Reply::ok(&transparency::application_log(store, pool, id, now).await?)
        }
        (&Method::POST, ["siblings"]) => {
            let input: SiblingsInput = call.body()?;
            let key = call.idempotency_key();
            Reply::ok(&siblings::mark(store, iin, &input, key, now).await?)
        }
        (&Method::GET, [id, "transfer"]) => {
            let transfer = transfer::view_transfer(store, iin, &application_id(id)?).await?;
            Reply::ok(&TransferView { transfer })
        }
        (&Method::POST, [id, "transfer", action @ ("withdraw" | "choose")]) => {
            let id = application_id(id)?;
            match *action {
                "withdraw" => {
                    let _: ActionInput = call.body()?;
                    let key = call.idempotency_key();
                    Reply::ok(&transfer::withdraw_transfer(store, iin, &id, key, now).await?)
                }
                _ => {
                    let input: TransferChooseInput = call.body()?;
                    Reply::ok(&transfer::choose_transfer(store, iin, &id, &input, now).await?)
                }
            }
        }
        (&Method::POST, [id, "transfer"]) => {
            let input: TransferInput = call.body()?;
            let (id, key) = (application_id(id)?, call.idempotency_key());
            Reply::ok(&transfer::request_transfer(store, iin, &id, &input, key, now).await?)
        }
        (&Method::POST, [id, action]) => {
            action_route(router, call, iin, application_id(id)?, action).await
        }
        (_, [_, "transfer"] | [_, "transfer", "withdraw" | "choose"]) => Err(method_not_allowed()),
        (
            _,
            [] | [_] | [_, "log" | "forecast"] | [_, "documents", _] | [_, "documents", _, "pdf"],
        ) => Err(method_not_allowed()),
        (&Method::GET, [_, _]) => Err(method_not_allowed()),
        _ => Err(no_route()),
    }
}

/// `POST /applications/{id}/{action}`: the applicant's actions on one application.
async fn action_route(
    router: &Router,
    call: &Call,
    iin: &str,
    id: ApplicationId,
    action: &str,
) -> Result<Reply> {
    let store = &router.store;
    let now = call.now;
    let key = call.idempotency_key();
    match action {
        "second-parent" => {
            let input: SecondParentInput = call.body()?;
            Reply::ok(&actions::name_second_parent(store, iin, &id, &input, key, now).await?)
        }
        "link" => {
            let _: ActionInput = call.body()?;
            Reply::ok(&actions::link(store, iin, &id, key, now).await?)
        }
        "withdraw" => {
            Reply::ok(&actions::withdraw(store, iin, &id, &call.body()?, key, now).await?)
        }
        "cancel" => Reply::ok(&actions::cancel(store, iin, &id, &call.body()?, key, now).await?),
        "extend" => {
            let input: ExtendInput = call.body()?;
            Reply::ok(&actions::extend(store, iin, &id, &input, key, now).await?)
        }
        "choose" => {
            let body: ChooseBody = call.body()?;
            let input = ChooseInput { application_id: id, group_id: body.group_id };
            let key = call.idempotency_key().unwrap_or_default();
            Reply::ok(&choose_once(store, iin, &input, key, now).await?)
        }
        "sign" => {
            let body: SignBody = call.body()?;
            let input = SignInput {
                nonce: body.nonce,
                signature: body.signature,
                expected_version: body.expected_version,
            };
            // The nonce names the application it was issued for (to this applicant
            // only); signing it under another application's path is refused.
            Reply::ok(
                &sign_application(store, router.verifier()?, iin, &id, &input, key, now).await?,
            )
        }
        _ => Err(no_route()),
    }
}

/// `POST /applications` (group `enqueue`; its own binary links only this).
pub(super) async fn enqueue_route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Applicant)?;
    match (method, path) {
        (&Method::POST, []) => {
            let input: EnqueueInput = call.body()?;
            let key = call.idempotency_key();
            Reply::json(201, &enqueue(&router.store, &claims.sub, &input, key, call.now).await?)
        }
        _ => Err(no_route()),
    }
}

/// `POST /applications/{id}/choose` (group `choose`), answered as `route` answers its other
/// methods and paths.
pub(super) async fn choose_route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Applicant)?;
    let iin = claims.sub.as_str();
    match (method, path) {
        (&Method::POST, [id, "choose"]) => {
            let id = application_id(id)?;
            let body: ChooseBody = call.body()?;
            let input = ChooseInput { application_id: id, group_id: body.group_id };
            let key = call.idempotency_key().unwrap_or_default();
            Reply::ok(&choose_once(&router.store, iin, &input, key, call.now).await?)
        }
        (&Method::GET, [_, _]) => Err(method_not_allowed()),
        _ => Err(no_route()),
    }
}

/// `POST /applications/{id}/sign` (group `sign`), answered as `route` answers its other
/// methods and paths.
pub(super) async fn sign_route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Applicant)?;
    match (method, path) {
        (&Method::POST, [id, "sign"]) => {
            let id = application_id(id)?;
            let body: SignBody = call.body()?;
            let input = SignInput {
                nonce: body.nonce,
                signature: body.signature,
                expected_version: body.expected_version,
            };
            // The nonce names the application it was issued for (to this applicant
            // only); signing it under another application's path is refused.
            let (store, verifier, key) =
                (&router.store, router.verifier()?, call.idempotency_key());
            Reply::ok(
                &sign_application(store, verifier, &claims.sub, &id, &input, key, call.now).await?,
            )
        }
        (&Method::POST, [id, "transfer", "sign"]) => {
            let id = application_id(id)?;
            let input: TransferSignInput = call.body()?;
            let (store, verifier) = (&router.store, router.verifier()?);
            let key = call.idempotency_key();
            let item =
                transfer::sign_transfer(store, verifier, &claims.sub, &id, &input, key, call.now)
                    .await?;
            Reply::ok(&TransferSigned { application: item.application })
        }
        (&Method::GET, [_, _] | [_, "transfer", "sign"]) => Err(method_not_allowed()),
        _ => Err(no_route()),
    }
}

/// `GET /applications/{id}/transfer`: the application's latest transfer request, if any.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TransferView {
    transfer: Option<TransferRequest>,
}

/// `POST /applications/{id}/transfer/sign`: the application as moved (enrolled in the new group).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TransferSigned {
    application: Application,
}

/// `GET /referrals/{code}`: the public verification of a referral (the QR code on its
/// paper): no session; only what the paper shows, never an IIN or a name.
pub(super) async fn verification(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    match (method, path) {
        (&Method::GET, [code]) => Reply::ok(
            &referral_verify::verify(&router.store, &router.session_key, code, call.now).await?,
        ),
        (_, [_]) => Err(method_not_allowed()),
        _ => Err(no_route()),
    }
}
