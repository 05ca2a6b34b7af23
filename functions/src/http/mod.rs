//! The HTTP API (API Gateway HTTP API, payload v2, through `lambda_http`): one router; each
//! Lambda binary runs it over its own [`Group`]'s [`services::Service`] and links only that
//! group's handlers (the local server composes every group).
//!
//! Handlers are thin: parse, authorise (a verified session token, [`crate::session`]), call
//! the command (which asks the rules), answer JSON. Errors are `{code, message}` with the
//! error's HTTP status. Every POST needs an `Idempotency-Key` header; a repeat with the same
//! key returns the first result.
//!
//! | method | path | who | binary |
//! |---|---|---|---|
//! | GET | `/regions` | anyone | catalog |
//! | GET | `/regions/{region}/kindergartens` | anyone | catalog |
//! | GET | `/regions/{region}/pools/{year}/places` | anyone | catalog |
//! | POST | `/applications` | applicant | enqueue |
//! | GET | `/applications` | applicant | applications |
//! | GET | `/applications/{id}` | applicant (own or linked) | applications |
//! | GET | `/applications/{id}/documents/{number}` | applicant (own or linked) | applications |
//! | GET | `/applications/{id}/documents/{number}/pdf` | applicant (own or linked) | applications |
//! | POST | `/applications/{id}/second-parent` | applicant (submitter) | applications |
//! | POST | `/applications/siblings` | applicant (own applications) | applications |
//! | POST | `/applications/{id}/link` | applicant (the named second parent) | applications |
//! | POST | `/applications/{id}/withdraw` | applicant (own or linked) | applications |
//! | POST | `/applications/{id}/extend` | applicant (own or linked) | applications |
//! | POST | `/applications/{id}/cancel` | applicant (own or linked) | applications |
//! | POST | `/applications/{id}/choose` | applicant (own or linked) | choose |
//! | POST | `/applications/{id}/sign` | applicant (own or linked) | sign |
//! | GET, POST | `/applications/{id}/transfer` | applicant (own) | applications |
//! | POST | `/applications/{id}/transfer/withdraw` | applicant (own) | applications |
//! | POST | `/applications/{id}/transfer/choose` | applicant (own) | applications |
//! | POST | `/applications/{id}/transfer/sign` | applicant (own) | sign |
//! | GET | `/referrals/{code}` | anyone holding the paper's code | catalog |
//! | GET | `/transparency/key` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/checkpoint` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/checkpoints/{size}` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/consistency/{from}/{to}` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/tile/{tile+}` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/context` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/daily/{from}/{to}` | anyone | catalog |
//! | GET | `/transparency/{region}/{year}/forecast/{priority}/{birthDate}` | anyone | catalog |
//! | GET | `/applications/{id}/log` | applicant (own or linked) | applications |
//! | GET | `/applications/{id}/forecast` | applicant (own or linked) | applications |
//! | POST | `/staff/places` | staff | staff |
//! | POST | `/staff/applications/{id}/enrol` | staff (referral to their kindergarten) | staff |
//! | GET | `/staff/referrals` | staff (their kindergarten's) | staff |
//! | GET | `/staff/transfers` | staff (their kindergarten's) | staff |
//! | POST | `/operator/regions` | operator (their region) | operator |
//! | POST | `/operator/regions/{region}/policy` | operator (their region) | operator |
//! | POST | `/operator/kindergartens` | operator (their region) | operator |
//! | POST | `/operator/calendar` | operator | operator |
//! | POST | `/auth/challenge` | anyone | auth |
//! | POST | `/auth/login` | anyone holding an EDS authentication key | auth |
//! | GET | `/auth/profile` | any session | auth |
//! | POST | `/auth/profile` | any session | auth |
//!
//! R2: a session issued before the person gave an e-mail address carries `emailRequired`;
//! such a session is refused (`email_required`, 403) everywhere but `/auth/profile`.

mod applications;
mod auth;
mod catalog;
mod environment;
pub mod input;
pub mod lambda;
pub mod openapi;
mod operator;
pub mod routes;
pub mod services;
mod staff;
mod transparency;

pub use auth::{Authentication, SESSION_TTL_MINUTES};
pub use environment::{authentication_from_env, eds_verifier_from_env, verifier_from_env};

use std::convert::Infallible;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use kezek_rules::time::Instant;
use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::commands::Idempotency;
use crate::error::{Error, Result};
use crate::session::{self, Claims, SessionKey, SessionRole};
use crate::signature::SignatureVerifier;
use crate::store::{Store, Transaction};
use services::Service;

/// Where `now` comes from: the system clock at the edge, a fixed instant in tests, the
/// system clock moved forward by a shared offset in the local process (so a person can
/// watch deadlines pass; never in a Lambda).
#[derive(Debug, Clone)]
pub enum Clock {
    System,
    Fixed(Instant),
    /// The system clock plus `offset` seconds (shared, changed while running).
    Shifted {
        offset_seconds: Arc<AtomicI64>,
    },
}

impl Clock {
    pub fn now(&self) -> Instant {
        match self {
            Clock::Fixed(instant) => *instant,
            Clock::System => system_now(),
            Clock::Shifted { offset_seconds } => {
                system_now() + chrono::Duration::seconds(offset_seconds.load(Ordering::SeqCst))
            }
        }
    }
}

fn system_now() -> Instant {
    let since =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let seconds = i64::try_from(since.as_secs()).unwrap_or(i64::MAX);
    Instant::from_timestamp(seconds, since.subsec_nanos()).unwrap_or_default()
}

/// The routes of one Lambda binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Catalog,
    Enqueue,
    Applications,
    Choose,
    Sign,
    Staff,
    Operator,
    Auth,
}

pub const ALL_GROUPS: [Group; 8] = [
    Group::Catalog,
    Group::Enqueue,
    Group::Applications,
    Group::Choose,
    Group::Sign,
    Group::Staff,
    Group::Operator,
    Group::Auth,
];

impl Group {
    /// The Lambda binary serving this group (`functions/src/bin/<name>.rs`).
    pub fn binary(self) -> &'static str {
        match self {
            Group::Catalog => "catalog",
            Group::Enqueue => "enqueue",
            Group::Applications => "applications",
            Group::Choose => "choose",
            Group::Sign => "sign",
            Group::Staff => "staff",
            Group::Operator => "operator",
            Group::Auth => "auth",
        }
    }
}

/// The group (so the binary) a request goes to, by method and path alone; `None` for a
/// path no binary serves. The template↔code test checks every template route with this.
pub fn group_of(method: &Method, path: &str) -> Option<Group> {
    let path: Vec<&str> = path.trim_matches('/').split('/').filter(|s| !s.is_empty()).collect();
    Some(match path.first().copied() {
        Some("regions") => Group::Catalog,
        // The referral's public verification (the QR code on the paper): a public read.
        Some("referrals") => Group::Catalog,
        // The pools' public transparency logs (issue 13).
        Some("transparency") => Group::Catalog,
        Some("applications") if path.len() == 1 && method == Method::POST => Group::Enqueue,
        Some("applications") if path.get(2) == Some(&"choose") => Group::Choose,
        Some("applications") if path.get(2) == Some(&"sign") => Group::Sign,
        // Issue 15: a transfer's signature needs the verifier, which only the sign binary has.
        Some("applications") if path.get(2..4) == Some(&["transfer", "sign"][..]) => Group::Sign,
        Some("applications") => Group::Applications,
        Some("staff") => Group::Staff,
        Some("operator") => Group::Operator,
        Some("auth") => Group::Auth,
        _ => return None,
    })
}

/// The header every POST carries.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The router and what its handlers need; built once per cold start, cheap to clone.
#[derive(Debug, Clone)]
pub struct Router {
    store: Store,
    session_key: Arc<SessionKey>,
    verifier: Option<Arc<dyn SignatureVerifier>>,
    authentication: Option<Arc<Authentication>>,
    clock: Clock,
    services: Vec<&'static Service>,
}

impl Router {
    /// Every route, the system clock, no signature verifier (sign answers 500 without one).
    pub fn new(store: Store, session_key: SessionKey) -> Self {
        Self::with_services(store, session_key, services::ALL.to_vec())
    }

    /// Only the routes of `services` (a Lambda binary's); other paths answer 404.
    fn with_services(
        store: Store,
        session_key: SessionKey,
        services: Vec<&'static Service>,
    ) -> Self {
        Self {
            store,
            session_key: Arc::new(session_key),
            verifier: None,
            authentication: None,
            clock: Clock::System,
            services,
        }
    }

    pub fn with_verifier(mut self, verifier: Arc<dyn SignatureVerifier>) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// The EDS login (`/auth/*`): the verifier of authentication keys and the organisations.
    pub fn with_authentication(mut self, authentication: Authentication) -> Self {
        self.authentication = Some(Arc::new(authentication));
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The same router answering at a fixed instant (tests, the local clock offset).
    pub fn at(&self, now: Instant) -> Self {
        self.clone().with_clock(Clock::Fixed(now))
    }

    /// Serves only `groups` (the routes of one binary); other paths answer 404.
    pub fn serving(mut self, groups: &[Group]) -> Self {
        self.services = services::of(groups);
        self
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The Lambda service function: never fails, every error is a JSON response.
    pub async fn serve(&self, request: Request) -> std::result::Result<Response<Body>, Infallible> {
        Ok(self.handle(request).await)
    }

    pub async fn handle(&self, request: Request) -> Response<Body> {
        let call = Call { request, now: self.clock.now() };
        match self.route(&call).await {
            Ok(reply) => reply.into_response(),
            Err(error) => {
                if error.status() >= 500 {
                    tracing::error!(code = error.code(), detail = %error.detail(), "request failed");
                }
                Reply::error(&error).into_response()
            }
        }
    }

    async fn route(&self, call: &Call) -> Result<Reply> {
        let path: Vec<&str> = call
            .request
            .uri()
            .path()
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let method = call.request.method();
        let group = group_of(method, call.request.uri().path()).ok_or_else(no_route)?;
        let service =
            self.services.iter().find(|service| service.group == group).ok_or_else(no_route)?;
        if !transparency::is_tile_path(&path) {
            input::path(&path)?;
        }
        if method == Method::POST && call.idempotency_key().is_none() {
            return Err(Error::IdempotencyKeyMissing);
        }
        (service.route)(self, call, method, &path).await
    }

    /// The verified claims of the caller, who must have `role` and (R2) an e-mail address.
    fn claims(&self, call: &Call, role: SessionRole) -> Result<Claims> {
        let claims = self.session(call)?;
        if claims.email_required {
            return Err(Error::EmailRequired);
        }
        if claims.role != role {
            return Err(Error::forbidden(format!("this needs the {role:?} role").to_lowercase()));
        }
        Ok(claims)
    }

    /// The verified claims of any session, with or without an e-mail address.
    fn session(&self, call: &Call) -> Result<Claims> {
        let Some(header) = call.header("authorization").filter(|header| !header.is_empty()) else {
            return Err(Error::TokenMissing);
        };
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(Error::TokenInvalid)?;
        session::verify(token, &self.session_key, call.now)
    }

    fn verifier(&self) -> Result<&dyn SignatureVerifier> {
        self.verifier
            .as_deref()
            .ok_or_else(|| Error::internal("no signature verifier is configured"))
    }

    /// Idempotency for commands that do not write one in their own transaction (choose,
    /// operator loads): the first result is replayed; a new one is recorded afterwards.
    async fn once<I, O, F>(
        &self,
        scope: &str,
        call: &Call,
        route: &str,
        input: &I,
        run: F,
    ) -> Result<O>
    where
        I: Serialize,
        O: Serialize + DeserializeOwned,
        F: std::future::Future<Output = Result<O>>,
    {
        let key = call.idempotency_key().unwrap_or_default();
        let idempotency = Idempotency::new(scope, key, &(route, input))?;
        if let Some(first) = idempotency.replay(&self.store).await? {
            return Ok(first);
        }
        let output = run.await?;
        let mut transaction = Transaction::new();
        idempotency.put(&mut transaction, self.store.table(), &output, call.now)?;
        match self.store.commit(transaction).await {
            Ok(()) => Ok(output),
            Err(error @ Error::Condition(crate::store::Role::Idempotency)) => {
                idempotency.replay(&self.store).await?.ok_or(error)
            }
            Err(error) => Err(error),
        }
    }
}

pub(crate) use input::identifier;

fn no_route() -> Error {
    Error::RouteNotFound
}

/// One request with the instant it is handled at.
#[derive(Debug)]
pub(crate) struct Call {
    request: Request,
    now: Instant,
}

impl Call {
    fn header(&self, name: &str) -> Option<&str> {
        self.request.headers().get(name).and_then(|value| value.to_str().ok()).map(str::trim)
    }

    fn idempotency_key(&self) -> Option<&str> {
        self.header(IDEMPOTENCY_KEY).filter(|key| !key.is_empty())
    }

    /// The JSON body, checked as every body is ([`input::body`]).
    fn body<T: DeserializeOwned>(&self) -> Result<T> {
        input::body(self.request.body().as_ref())
    }
}

/// An answer: JSON, or a file (the referral PDF).
#[derive(Debug)]
pub(crate) struct Reply {
    status: u16,
    body: Body,
    content_type: &'static str,
}

impl Reply {
    fn json<T: Serialize>(status: u16, value: &T) -> Result<Self> {
        let body = serde_json::to_string(value).map_err(|e| Error::internal(e.to_string()))?;
        Ok(Self { status, body: Body::Text(body), content_type: "application/json" })
    }
    /// A PDF file, 200.
    fn pdf(bytes: Vec<u8>) -> Self {
        Self { status: 200, body: Body::Binary(bytes), content_type: "application/pdf" }
    }
    /// Plain text (a signed note, a verifier key), 200.
    fn text(text: String) -> Self {
        Self { status: 200, body: Body::Text(text), content_type: "text/plain; charset=utf-8" }
    }
    /// Bytes (a tile, an entry bundle), 200.
    fn bytes(bytes: Vec<u8>) -> Self {
        Self { status: 200, body: Body::Binary(bytes), content_type: "application/octet-stream" }
    }
    fn ok<T: Serialize>(value: &T) -> Result<Self> {
        Self::json(200, value)
    }
    fn error(error: &Error) -> Self {
        Self {
            status: error.status(),
            body: Body::Text(
                serde_json::to_string(error)
                    .unwrap_or_else(|_| r#"{"code":"internal","message":""}"#.to_owned()),
            ),
            content_type: "application/json",
        }
    }
    fn into_response(self) -> Response<Body> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = Response::new(self.body);
        *response.status_mut() = status;
        response
            .headers_mut()
            .insert("content-type", lambda_http::http::HeaderValue::from_static(self.content_type));
        response
    }
}

fn method_not_allowed() -> Error {
    Error::MethodNotAllowed
}
