//! The HTTP API through the router, with API Gateway HTTP API (v2) events, against a real
//! DynamoDB Local (the backend tests' harness): every route's happy path and refusals.

#[path = "../common/api_gateway.rs"]
mod api_gateway;
#[allow(dead_code)]
#[path = "../backend/support.rs"]
mod support;
pub use api_gateway::event;

mod actions;
mod applications;
mod audit;
mod catalog_and_auth;
mod edge;
mod forecast;
mod referral_pdf;
mod staff_and_operator;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::Duration;
use kezek_functions::http::Router;
use kezek_functions::rules::time::Instant;
use kezek_functions::session::{issue, Claims, SessionKey};
use kezek_functions::signature::HmacTestVerifier;
use kezek_functions::store::Store;
use serde_json::{json, Value};

use support::{monday, store_with_demo};

/// Distinct registration times and idempotency keys across a test's helper calls.
static SEQUENCE: AtomicI64 = AtomicI64::new(0);

fn next() -> i64 {
    SEQUENCE.fetch_add(1, Ordering::SeqCst)
}

const SESSION_SECRET: [u8; 32] = [7; 32];
const SIGNING_SECRET: &[u8] = b"http-test-signing-secret";

/// A router over a fresh table with the demo data, plus what a client needs.
#[derive(Debug)]
pub struct Api {
    pub router: Router,
    pub store: Store,
    pub signer: HmacTestVerifier,
}

/// A response: status and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
    /// `(status, code)` of a refusal.
    pub fn refusal(&self) -> (u16, &str) {
        (self.status, self.code())
    }
}

/// The state name of a serialized application.
pub fn state(application: &Value) -> String {
    application["state"]["state"].as_str().unwrap_or_default().to_owned()
}

pub fn applicant(iin: &str) -> Claims {
    Claims::applicant(iin, monday() + Duration::days(60))
}
pub fn staff(kindergarten: &str) -> Claims {
    Claims::staff(support::parent(90), kindergarten, monday() + Duration::days(60))
}
pub fn operator(region: &str) -> Claims {
    Claims::operator(support::parent(91), region, monday() + Duration::days(60))
}

pub fn token(claims: &Claims) -> String {
    issue(claims, &SessionKey::new(&SESSION_SECRET).expect("key"))
}

impl Api {
    pub async fn new() -> Self {
        let store = store_with_demo().await;
        let router = Router::new(store.clone(), SessionKey::new(&SESSION_SECRET).expect("key"))
            .with_verifier(Arc::new(HmacTestVerifier::new(SIGNING_SECRET)));
        Self { router, store, signer: HmacTestVerifier::new(SIGNING_SECRET) }
    }

    /// One request at `now`, as `who`, with an optional idempotency key and JSON body.
    pub async fn call(
        &self,
        now: Instant,
        method: &str,
        path: &str,
        who: Option<&Claims>,
        key: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(claims) = who {
            headers.push(("authorization", format!("Bearer {}", token(claims))));
        }
        if let Some(key) = key {
            headers.push(("idempotency-key", key.to_owned()));
        }
        let body = body.map(|body| body.to_string());
        self.raw(now, event(method, path, &headers, body.as_deref())).await
    }

    pub async fn raw(&self, now: Instant, request: lambda_http::Request) -> Answer {
        let response = self.router.at(now).handle(request).await;
        let status = response.status().as_u16();
        let bytes: &[u8] = response.body().as_ref();
        let body = serde_json::from_slice(bytes).unwrap_or(Value::Null);
        Answer { status, body }
    }

    pub async fn get(&self, now: Instant, path: &str, who: &Claims) -> Answer {
        self.call(now, "GET", path, Some(who), None, None).await
    }

    pub async fn post(
        &self,
        now: Instant,
        path: &str,
        who: &Claims,
        key: &str,
        body: Value,
    ) -> Answer {
        self.call(now, "POST", path, Some(who), Some(key), Some(body)).await
    }

    /// Enqueues `child` for `parent` a few days before Monday (later calls register later);
    /// returns the application id.
    pub async fn enqueue(&self, parent: &str, child: &str) -> String {
        let body = json!({ "regionId": support::REGION, "childIin": child, "priority": "general" });
        let answer = self
            .post(
                monday() - Duration::days(3) + Duration::seconds(next()),
                "/applications",
                &applicant(parent),
                &format!("enqueue-{child}"),
                body,
            )
            .await;
        assert_eq!(answer.status, 201, "{:?}", answer.body);
        answer.body["application"]["id"].as_str().expect("id").to_owned()
    }

    /// Staff of `kindergarten` publish `count` places in `group` at Monday.
    pub async fn publish(&self, kindergarten: &str, group: &str, count: u32) -> Answer {
        let body = json!({ "action": "publish", "groupId": group, "count": count });
        self.post(
            monday(),
            "/staff/places",
            &staff(kindergarten),
            &format!("publish-{group}-{count}-{}", next()),
            body,
        )
        .await
    }

    /// Choose `group` and sign it at `now`; the sign answer.
    pub async fn choose_and_sign(
        &self,
        now: Instant,
        parent: &str,
        id: &str,
        group: &str,
    ) -> Answer {
        let who = applicant(parent);
        let choice = self
            .post(
                now,
                &format!("/applications/{id}/choose"),
                &who,
                &format!("choose-{id}"),
                json!({ "groupId": group }),
            )
            .await;
        assert_eq!(choice.status, 200, "{:?}", choice.body);
        let text = choice.body["signedText"].as_str().expect("text");
        let body = json!({
            "nonce": choice.body["nonce"],
            "signature": { "signatureBase64": self.signer.sign_as(parent, text.as_bytes()) },
        });
        self.post(now, &format!("/applications/{id}/sign"), &who, &format!("sign-{id}"), body).await
    }

    /// An application of `parent` referred to `tk-001-2023-kk`, signed at `signed_at`.
    pub async fn referred(&self, parent: &str, child: &str, signed_at: Instant) -> String {
        let id = self.enqueue(parent, child).await;
        let published = self.publish("tk-001", "tk-001-2023-kk", 1).await;
        assert_eq!(published.status, 200, "{:?}", published.body);
        let signed = self.choose_and_sign(signed_at, parent, &id, "tk-001-2023-kk").await;
        assert_eq!(signed.status, 200, "{:?}", signed.body);
        assert_eq!(state(&signed.body["application"]), "referred");
        id
    }
}

/// A child born 4 April 2023: two years old on Monday 2 March 2026, group year 2023.
pub fn child_2023(n: u16) -> String {
    support::child((2023, 4, 4), n)
}

pub fn support_pool(year: i32) -> kezek_functions::rules::places::PoolKey {
    kezek_functions::rules::places::PoolKey { region_id: support::REGION.into(), group_year: year }
}
