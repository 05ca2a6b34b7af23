//! EDS login and signed choices over HTTP (issue 4): the router with the real X.509/CMS
//! verifier (`with_authentication` + `with_verifier(EdsVerifier)`), API Gateway v2 events,
//! DynamoDB Local, and the test PKI of kezek-identity (`identity/tests/pki/make.sh`).
//! Seed steps 3–5 (log in with the AUTH_RSA key) and 11–13 (sign the choice with the RSA
//! key), staff and operators with organisation certificates, R2, the attack table through
//! HTTP with nothing written, the operator's calendar years, and `scripts/sign-with-p12.sh`.

#[path = "../common/api_gateway.rs"]
mod api_gateway;
#[allow(dead_code)]
#[path = "../backend/support.rs"]
mod support;
pub use api_gateway::event;

mod attacks;
mod calendar;
#[path = "../../identity/tests/support/crl_builder.rs"]
mod crl_builder;
#[path = "../../identity/tests/gost_fixture.rs"]
mod gost_fixture;
mod login;
#[path = "../../identity/tests/ocsp_responder.rs"]
mod ocsp_responder;
mod pki;
mod revocation;
mod script;
mod test_stage;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use kezek_functions::commands::login::{Directory, OrganisationRole};
use kezek_functions::http::{Authentication, Router};
use kezek_functions::rules::time::Instant;
use kezek_functions::session::SessionKey;
use kezek_functions::store::Store;
use serde_json::{json, Value};

/// The applicant of the test PKI's personal certificates (auth, sign, ...).
pub const APPLICANT: &str = "880102300702";
/// The kindergarten staff's organisation (staff_auth.pem) and person.
pub const STAFF_BIN: &str = "150440012344";
pub const STAFF_IIN: &str = "900115400018";
/// The regional operator's organisation (operator_auth.pem) and person.
pub const OPERATOR_BIN: &str = "160540023454";
pub const OPERATOR_IIN: &str = "850620300027";
/// The kindergarten staff_auth.pem is mapped to, and its Kazakh group of children born 2023.
pub const KINDERGARTEN: &str = "tk-001";
pub const GROUP: &str = "tk-001-2023-kk";

const SESSION_SECRET: [u8; 32] = [9; 32];

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A fresh idempotency key.
pub fn key(what: &str) -> String {
    format!("{what}-{}", SEQUENCE.fetch_add(1, Ordering::SeqCst))
}

/// The organisations the service knows: the kindergarten's BIN → staff of `tk-001`, the
/// education department's BIN → operator of the demo region.
pub fn directory() -> Directory {
    Directory(
        [
            (
                STAFF_BIN.to_owned(),
                OrganisationRole::Staff { kindergarten_id: KINDERGARTEN.into() },
            ),
            (
                OPERATOR_BIN.to_owned(),
                OrganisationRole::Operator { region_id: support::REGION.into() },
            ),
        ]
        .into(),
    )
}

/// A response: status and JSON body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
    pub fn refusal(&self) -> (u16, String) {
        (self.status, self.code().to_owned())
    }
    #[track_caller]
    pub fn ok(self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        self.body
    }
}

/// What was issued for signing (a login challenge or a choice).
#[derive(Debug, Clone)]
pub struct Issued {
    pub nonce: String,
    /// The exact bytes, decoded from `signedBase64`.
    pub bytes: Vec<u8>,
}

impl Issued {
    fn of(body: &Value) -> Self {
        let bytes =
            STANDARD.decode(body["signedBase64"].as_str().expect("signedBase64")).expect("base64");
        assert_eq!(
            body["signedText"].as_str().map(str::as_bytes),
            Some(bytes.as_slice()),
            "text and base64 are the same bytes"
        );
        Self { nonce: body["nonce"].as_str().expect("nonce").to_owned(), bytes }
    }
}

/// The router over a fresh table with the demo data, the EDS verifier for login and sign.
#[derive(Debug)]
pub struct Api {
    pub router: Router,
    pub store: Store,
}

impl Api {
    pub async fn new() -> Self {
        Self::with_verifier(pki::verifier()).await
    }

    /// The router over a fresh table with the demo data and `verifier` for login and sign.
    pub async fn with_verifier(verifier: kezek_functions::eds::EdsVerifier) -> Self {
        let store = support::store_with_demo().await;
        let router = Router::new(store.clone(), SessionKey::new(&SESSION_SECRET).expect("key"))
            .with_verifier(Arc::new(verifier.clone()))
            .with_authentication(Authentication { verifier, directory: directory() });
        Self { router, store }
    }

    /// One request at `now` with an optional session token, idempotency key and JSON body.
    pub async fn call(
        &self,
        now: Instant,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        if let Some(token) = token {
            headers.push(("authorization", format!("Bearer {token}")));
        }
        if method == "POST" {
            headers.push(("idempotency-key", key("request")));
        }
        let body = body.map(|body| body.to_string());
        // Boxed: the router's future is large in debug builds (keeps the test's stack small).
        let response =
            Box::pin(self.router.at(now).handle(event(method, path, &headers, body.as_deref())))
                .await;
        let status = response.status().as_u16();
        let bytes: &[u8] = response.body().as_ref();
        Answer { status, body: serde_json::from_slice(bytes).unwrap_or(Value::Null) }
    }

    pub async fn post(&self, now: Instant, path: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(now, "POST", path, token, Some(body)).await
    }

    pub async fn get(&self, now: Instant, path: &str, token: &str) -> Answer {
        self.call(now, "GET", path, Some(token), None).await
    }

    /// `POST /auth/challenge`.
    pub async fn challenge(&self, now: Instant) -> Issued {
        Issued::of(&self.post(now, "/auth/challenge", None, json!({})).await.ok(201))
    }

    /// `POST /auth/login` with `signature` (the `{signatureBase64, certificateBase64?}` object).
    pub async fn login(&self, now: Instant, nonce: &str, signature: Value) -> Answer {
        self.post(now, "/auth/login", None, json!({ "nonce": nonce, "signature": signature })).await
    }

    /// Logs `holder` (a PKI file stem with an authentication key) in at `now` with a
    /// detached CMS; gives an e-mail address when asked (R2). The session token.
    pub async fn session(&self, now: Instant, holder: &str) -> String {
        let challenge = self.challenge(now).await;
        let login = self
            .login(now, &challenge.nonce, pki::cms(holder, &challenge.bytes, pki::Shape::Detached))
            .await
            .ok(200);
        let token = login["token"].as_str().expect("token").to_owned();
        if login["emailRequired"] == true {
            let profile = json!({ "email": format!("{holder}@example.kz"), "phone": "+77011234567", "language": "kk" });
            return self.post(now, "/auth/profile", Some(&token), profile).await.ok(200)["token"]
                .as_str()
                .expect("token")
                .to_owned();
        }
        token
    }

    /// `POST /applications` by the applicant for `child`; the application id.
    pub async fn enqueue(&self, now: Instant, token: &str, child: &str) -> String {
        let body = json!({ "regionId": support::REGION, "childIin": child, "priority": "general" });
        self.post(now, "/applications", Some(token), body).await.ok(201)["application"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Staff publish `count` places in [`GROUP`].
    pub async fn publish(&self, now: Instant, staff_token: &str, count: u32) {
        let body = json!({ "action": "publish", "groupId": GROUP, "count": count });
        self.post(now, "/staff/places", Some(staff_token), body).await.ok(200);
    }

    /// `POST /applications/{id}/choose` of [`GROUP`]: the bytes to sign.
    pub async fn choose(&self, now: Instant, token: &str, id: &str) -> Issued {
        Issued::of(
            &self
                .post(
                    now,
                    &format!("/applications/{id}/choose"),
                    Some(token),
                    json!({ "groupId": GROUP }),
                )
                .await
                .ok(200),
        )
    }

    /// `POST /applications/{id}/sign`.
    pub async fn sign(
        &self,
        now: Instant,
        token: &str,
        id: &str,
        nonce: &str,
        signature: Value,
    ) -> Answer {
        self.post(
            now,
            &format!("/applications/{id}/sign"),
            Some(token),
            json!({ "nonce": nonce, "signature": signature }),
        )
        .await
    }

    /// Every item of the table, each as canonical JSON, sorted (a Scan: tests only).
    pub async fn snapshot(&self) -> Vec<String> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .store
                .client()
                .scan()
                .table_name(self.store.table())
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .expect("scan");
            for item in page.items() {
                // Binary attributes (the transparency log's bundles and tiles) as base64 text.
                let item: std::collections::HashMap<_, _> = item
                    .iter()
                    .map(|(name, value)| match value {
                        aws_sdk_dynamodb::types::AttributeValue::B(bytes) => {
                            use base64::Engine;
                            let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                            (name.clone(), aws_sdk_dynamodb::types::AttributeValue::S(text))
                        }
                        value => (name.clone(), value.clone()),
                    })
                    .collect();
                let value: BTreeMap<String, Value> =
                    serde_dynamo::from_item(item).expect("item as JSON");
                items.push(serde_json::to_string(&value).expect("JSON"));
            }
            start = page.last_evaluated_key().cloned();
            if start.is_none() {
                break;
            }
        }
        items.sort();
        items
    }
}

/// Fails with the items that differ when `after` is not `before` (nothing was to be written).
#[track_caller]
pub fn assert_unchanged(before: &[String], after: &[String], what: &str) {
    if before != after {
        let gone: Vec<&String> = before.iter().filter(|item| !after.contains(item)).collect();
        let new: Vec<&String> = after.iter().filter(|item| !before.contains(item)).collect();
        panic!("{what}: items changed\nbefore: {gone:#?}\nafter: {new:#?}");
    }
}

/// A child born 4 April 2023 (two on Monday 2 March 2026: group year 2023), distinct per `n`.
pub fn child(n: u16) -> String {
    support::child((2023, 4, 4), n)
}
