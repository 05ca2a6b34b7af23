//! The OpenAPI document (`functions/openapi.json`) and the code cannot drift:
//! - its operations are exactly `http::routes::ROUTES`, each with its path parameters, the
//!   `Idempotency-Key` header on every POST, and a session unless the route is public;
//! - real answers of the router (a realistic sequence through every route, against DynamoDB
//!   Local) validate against the schema of their route and status; a status the document
//!   does not list for its route fails.

#[path = "common/api_gateway.rs"]
mod api_gateway;
#[allow(dead_code)]
#[path = "backend/support.rs"]
mod support;
use api_gateway::event;
use kezek_functions::rules::siblings::SiblingRefusal;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::Duration;
use kezek_functions::commands::login::{Directory, OrganisationRole};
use kezek_functions::eds::EdsVerifier;
use kezek_functions::error::{Error, Role};
use kezek_functions::http::openapi::DOCUMENT;
use kezek_functions::http::routes::ROUTES;
use kezek_functions::http::{Authentication, Router};
use kezek_functions::rules::application::TransferRefusal;
use kezek_functions::rules::time::Instant;
use kezek_functions::rules::RuleError;
use kezek_functions::session::{issue, Claims, SessionKey};
use kezek_functions::signature::HmacTestVerifier;
use kezek_identity::IdentityError;
use kezek_identity::{RsaVerifier, TrustStore};
use serde_json::{json, Value};

use support::{monday, parent, store_with_demo, REGION};

fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
}

/// Routes that need no session.
fn public(path: &str) -> bool {
    path.starts_with("/regions")
        || path.starts_with("/transparency/")
        || path.starts_with("/referrals/")
        || path == "/auth/challenge"
        || path == "/auth/login"
}

fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(pointer) => document
            .pointer(pointer.trim_start_matches('#'))
            .unwrap_or_else(|| panic!("dangling $ref {pointer}")),
        None => value,
    }
}

#[test]
fn the_document_lists_exactly_the_routes_of_the_code() {
    let document = document();
    assert_eq!(
        document["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true),
        "OpenAPI 3.1"
    );
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "put", "patch", "delete", "head", "options", "trace"]
                .contains(&method.as_str())
            {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let code: BTreeSet<(String, String)> =
        ROUTES.iter().map(|(method, path, _)| ((*method).to_owned(), (*path).to_owned())).collect();
    assert_eq!(code.len(), ROUTES.len(), "ROUTES has no duplicates");
    let missing: Vec<_> = code.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&code).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "routes not documented: {missing:?}; documented but not routes: {extra:?}"
    );

    for (method, path, _) in ROUTES {
        let operation = &document["paths"][*path][method.to_lowercase()];
        let parameters: Vec<&Value> = operation["parameters"]
            .as_array()
            .map(|list| list.iter().map(|p| resolve(&document, p)).collect())
            .unwrap_or_default();
        // Path parameters: exactly the template's.
        let template: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        let declared: BTreeSet<&str> = parameters
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().expect("name"))
            .collect();
        assert_eq!(template, declared, "{method} {path}: path parameters");
        assert!(
            parameters.iter().filter(|p| p["in"] == "path").all(|p| p["required"] == true),
            "{method} {path}: path parameters are required"
        );
        // Every POST needs the Idempotency-Key header.
        let idempotency = parameters.iter().any(|p| {
            p["in"] == "header"
                && p["name"].as_str().map(str::to_lowercase).as_deref() == Some("idempotency-key")
                && p["required"] == true
        });
        assert_eq!(
            idempotency,
            *method == "POST",
            "{method} {path}: required Idempotency-Key header on every POST (and only there)"
        );
        // A session unless public.
        let security = operation.get("security").unwrap_or(&document["security"]);
        let needs_session =
            security.as_array().is_some_and(|list| list.iter().any(|s| s.get("session").is_some()));
        assert_eq!(needs_session, !public(path), "{method} {path}: bearer session");
        let responses = operation["responses"].as_object().expect("responses");
        if needs_session {
            assert!(responses.contains_key("401"), "{method} {path}: 401 documented");
        }
        if *method == "POST" {
            assert!(responses.contains_key("400"), "{method} {path}: 400 documented");
        }
        // Every error answer is the Error schema.
        for (status, response) in responses {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"],
                    "#/components/schemas/Error",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

/// Validates answers against the document and records which (method, path, status) it saw.
struct Contract {
    document: Value,
    seen: Mutex<BTreeMap<(String, String, u16), usize>>,
}

impl Contract {
    fn new() -> Self {
        Self { document: document(), seen: Mutex::new(BTreeMap::new()) }
    }

    fn check(&self, method: &str, template: &str, status: u16, body: &Value) {
        let operation = &self.document["paths"][template][method.to_lowercase()];
        assert!(operation.is_object(), "{method} {template} is not in the document");
        let response = &operation["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {template} answered {status}, which the document does not list: {body}"
        );
        let schema = &response["content"]["application/json"]["schema"];
        assert!(schema.is_object(), "{method} {template} {status}: no JSON schema");
        // The response schema with the document's components, so `#/components/...` resolves.
        let root = json!({ "allOf": [schema], "components": self.document["components"] });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| {
                panic!("{method} {template} {status}: the schema does not compile: {e}")
            });
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {template} {status}: the answer does not match its schema:\n{}\n{body:#}",
            errors.join("\n")
        );
        if status >= 400 {
            let codes = response["x-codes"].as_array().expect("x-codes");
            assert!(
                codes.contains(&body["code"]),
                "{method} {template} {status}: code {} is not among the documented {codes:?}",
                body["code"]
            );
        }
        *self
            .seen
            .lock()
            .expect("lock")
            .entry((method.to_owned(), template.to_owned(), status))
            .or_default() += 1;
    }
}

const SESSION_SECRET: [u8; 32] = [9; 32];
const SIGNING_SECRET: &[u8] = b"openapi-test-signing-secret";
const KINDERGARTEN: &str = "tk-001";
const GROUP: &str = "tk-001-2023-kk";

/// The test PKI (identity/tests/pki/make.sh): an applicant and a staff organisation.
fn pki() -> PathBuf {
    let directory = std::env::temp_dir().join(format!("kezek-openapi-pki-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&directory);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("identity/tests/pki/make.sh");
    assert!(
        Process::new("bash").arg(script).arg(&directory).status().expect("bash").success(),
        "test PKI"
    );
    directory
}

fn authentication(pki: &Path) -> Authentication {
    let read = |name: &str| std::fs::read_to_string(pki.join(name)).expect("PKI file");
    let mut trust = TrustStore::from_pem_bundle(&(read("root.pem") + &read("intermediate.pem")))
        .expect("anchors");
    trust.add_crl_pem(&read("intermediate.crl.pem")).expect("CRL");
    let directory = Directory(
        [(
            "150440012344".to_owned(),
            OrganisationRole::Staff { kindergarten_id: KINDERGARTEN.into() },
        )]
        .into(),
    );
    Authentication { verifier: EdsVerifier::new(RsaVerifier::new(trust)), directory }
}

/// A detached CAdES signature by `holder`'s key over `text`, as NCALayer returns it.
fn cades(pki: &Path, holder: &str, text: &str) -> String {
    let payload = pki.join(format!("payload-{holder}-{}", text.len()));
    std::fs::write(&payload, text).expect("payload");
    let output = Process::new("openssl")
        .args([
            "cms",
            "-sign",
            "-binary",
            "-nosmimecap",
            "-md",
            "sha256",
            "-outform",
            "DER",
            "-signer",
        ])
        .arg(format!("{holder}.pem"))
        .arg("-inkey")
        .arg(format!("{holder}.key"))
        .arg("-in")
        .arg(&payload)
        .current_dir(pki)
        .output()
        .expect("openssl");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    STANDARD.encode(output.stdout)
}

/// Who calls: a session token, or none.
enum Who {
    Nobody,
    Claims(Claims),
    Token(String),
}

struct Api {
    router: Router,
    contract: Contract,
    key: SessionKey,
    signer: HmacTestVerifier,
    keys: Mutex<u32>,
}

impl Api {
    /// One request; the answer is checked against the document (route template `template`).
    #[allow(clippy::too_many_arguments)]
    async fn call(
        &self,
        now: Instant,
        method: &str,
        template: &str,
        path: &str,
        who: &Who,
        key: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut headers = vec![("content-type", "application/json".to_owned())];
        match who {
            Who::Nobody => {}
            Who::Claims(claims) => {
                headers.push(("authorization", format!("Bearer {}", issue(claims, &self.key))))
            }
            Who::Token(token) => headers.push(("authorization", format!("Bearer {token}"))),
        }
        if let Some(key) = key {
            headers.push(("idempotency-key", key.to_owned()));
        }
        let body = body.map(|body| body.to_string());
        let response =
            self.router.at(now).handle(event(method, path, &headers, body.as_deref())).await;
        let status = response.status().as_u16();
        assert_eq!(
            response.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/json"),
            "{method} {path}"
        );
        let bytes: &[u8] = response.body().as_ref();
        let body: Value = serde_json::from_slice(bytes)
            .unwrap_or_else(|e| panic!("{method} {path} answered no JSON ({e})"));
        self.contract.check(method, template, status, &body);
        (status, body)
    }

    /// A GET answered with a PDF: 200 with `application/pdf`, as the document lists it.
    async fn pdf(&self, template: &str, path: &str, who: &Who) {
        let Who::Claims(claims) = who else { panic!("a PDF needs a session") };
        let headers = vec![("authorization", format!("Bearer {}", issue(claims, &self.key)))];
        let response = self.router.at(monday()).handle(event("GET", path, &headers, None)).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let kind = response.headers().get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(kind, Some("application/pdf"), "GET {path}");
        assert!(response.body().as_ref().starts_with(b"%PDF-"));
        let operation = &self.contract.document["paths"][template]["get"];
        assert!(operation["responses"]["200"]["content"]["application/pdf"].is_object());
        let key = ("GET".to_owned(), template.to_owned(), 200);
        *self.contract.seen.lock().expect("lock").entry(key).or_default() += 1;
    }

    /// A public GET answered 200 with `kind` (not JSON), as the document lists it; its bytes.
    async fn raw(&self, template: &str, path: &str, kind: &str) -> Vec<u8> {
        let response = self.router.at(monday()).handle(event("GET", path, &[], None)).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let answered = response.headers().get("content-type").and_then(|v| v.to_str().ok());
        assert_eq!(answered, Some(kind), "GET {path}");
        let operation = &self.contract.document["paths"][template]["get"];
        let media = kind.split(';').next().expect("media type");
        assert!(operation["responses"]["200"]["content"][media].is_object(), "GET {template}");
        let key = ("GET".to_owned(), template.to_owned(), 200);
        *self.contract.seen.lock().expect("lock").entry(key).or_default() += 1;
        response.body().as_ref().to_vec()
    }

    async fn get(&self, template: &str, path: &str, who: &Who) -> (u16, Value) {
        self.call(monday(), "GET", template, path, who, None, None).await
    }

    /// A POST with a fresh idempotency key.
    async fn post(
        &self,
        now: Instant,
        template: &str,
        path: &str,
        who: &Who,
        body: Value,
    ) -> (u16, Value) {
        let key = {
            let mut keys = self.keys.lock().expect("lock");
            *keys += 1;
            format!("openapi-{}", *keys)
        };
        self.call(now, "POST", template, path, who, Some(&key), Some(body)).await
    }
}

fn applicant(iin: &str) -> Who {
    Who::Claims(Claims::applicant(iin, monday() + Duration::days(60)))
}

#[test]
fn real_answers_match_the_document() {
    // The sequence is one large future (debug builds): run it on a thread with room for it.
    let sequence = std::thread::Builder::new()
        .name("openapi-sequence".into())
        .stack_size(64 * 1024 * 1024)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(sequence())
        })
        .expect("thread");
    if let Err(panic) = sequence.join() {
        std::panic::resume_unwind(panic);
    }
}

async fn sequence() {
    let store = store_with_demo().await;
    let pki = pki();
    let key = SessionKey::new(&SESSION_SECRET).expect("key");
    let router = Router::new(store, SessionKey::new(&SESSION_SECRET).expect("key"))
        .with_verifier(Arc::new(HmacTestVerifier::new(SIGNING_SECRET)))
        .with_authentication(authentication(&pki));
    let api = Api {
        router,
        contract: Contract::new(),
        key,
        signer: HmacTestVerifier::new(SIGNING_SECRET),
        keys: Mutex::new(0),
    };
    let now = monday();
    let mother = parent(1);
    let father = parent(2);
    let stranger = parent(3);
    let staff = Who::Claims(Claims::staff(parent(90), KINDERGARTEN, now + Duration::days(60)));
    let other_staff = Who::Claims(Claims::staff(parent(92), "ks-001", now + Duration::days(60)));
    let operator = Who::Claims(Claims::operator(parent(91), REGION, now + Duration::days(60)));

    // Catalog (public).
    assert_eq!(api.get("/regions", "/regions", &Who::Nobody).await.0, 200);
    let kindergartens = "/regions/{region}/kindergartens";
    assert_eq!(
        api.get(kindergartens, &format!("/regions/{REGION}/kindergartens"), &Who::Nobody).await.0,
        200
    );
    assert_eq!(api.get(kindergartens, "/regions/nowhere/kindergartens", &Who::Nobody).await.0, 200);
    let places = "/regions/{region}/pools/{year}/places";
    assert_eq!(
        api.get(places, &format!("/regions/{REGION}/pools/2023/places"), &Who::Nobody).await.0,
        200
    );
    assert_eq!(
        api.get(places, &format!("/regions/{REGION}/pools/abc/places"), &Who::Nobody).await.0,
        400
    );
    assert_eq!(
        api.get(places, &format!("/regions/{REGION}/pools/1999/places"), &Who::Nobody).await.0,
        404
    );

    // Auth: challenge, login (applicant without a profile, then staff), profile.
    let (status, challenge) = api
        .call(
            now,
            "POST",
            "/auth/challenge",
            "/auth/challenge",
            &Who::Nobody,
            Some("challenge-1"),
            None,
        )
        .await;
    assert_eq!(status, 201);
    let signature = cades(&pki, "auth", challenge["signedText"].as_str().expect("text"));
    let login =
        json!({ "nonce": challenge["nonce"], "signature": { "signatureBase64": signature } });
    let (status, session) =
        api.post(now, "/auth/login", "/auth/login", &Who::Nobody, login.clone()).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["emailRequired"], true);
    assert_eq!(
        api.post(now, "/auth/login", "/auth/login", &Who::Nobody, login).await.0,
        401,
        "a challenge is single-use"
    );
    let bad = json!({ "nonce": "nope", "signature": { "signatureBase64": "AAAA" } });
    assert_eq!(api.post(now, "/auth/login", "/auth/login", &Who::Nobody, bad).await.0, 401);
    let (_, challenge) = api
        .call(
            now,
            "POST",
            "/auth/challenge",
            "/auth/challenge",
            &Who::Nobody,
            Some("challenge-2"),
            None,
        )
        .await;
    let garbage =
        json!({ "nonce": challenge["nonce"], "signature": { "signatureBase64": "bm90IGNtcw==" } });
    assert!([400, 422]
        .contains(&api.post(now, "/auth/login", "/auth/login", &Who::Nobody, garbage).await.0));
    let (_, challenge) = api
        .call(
            now,
            "POST",
            "/auth/challenge",
            "/auth/challenge",
            &Who::Nobody,
            Some("challenge-3"),
            None,
        )
        .await;
    let staff_login = json!({ "nonce": challenge["nonce"], "signature": { "signatureBase64": cades(&pki, "staff_auth", challenge["signedText"].as_str().expect("text")) } });
    let (status, staff_session) =
        api.post(now, "/auth/login", "/auth/login", &Who::Nobody, staff_login).await;
    assert_eq!(status, 200, "{staff_session}");
    let fresh = Who::Token(session["token"].as_str().expect("token").to_owned());
    assert_eq!(
        api.get("/applications", "/applications", &fresh).await,
        (
            403,
            json!({ "code": "email_required", "message": "give your e-mail address first (POST /auth/profile)" })
        )
    );
    assert_eq!(api.get("/auth/profile", "/auth/profile", &fresh).await.0, 404);
    assert_eq!(
        api.post(
            now,
            "/auth/profile",
            "/auth/profile",
            &fresh,
            json!({ "email": "not-an-address" })
        )
        .await
        .0,
        400
    );
    let (status, profile) = api
        .post(
            now,
            "/auth/profile",
            "/auth/profile",
            &fresh,
            json!({ "email": "aigerim@example.kz", "phone": "+77011234567", "language": "ru" }),
        )
        .await;
    assert_eq!(status, 200, "{profile}");
    let me = Who::Token(profile["token"].as_str().expect("token").to_owned());
    assert_eq!(api.get("/auth/profile", "/auth/profile", &me).await.0, 200);
    assert_eq!(api.get("/auth/profile", "/auth/profile", &Who::Nobody).await.0, 401);
    assert_eq!(
        api.get("/auth/profile", "/auth/profile", &Who::Token("garbage".into())).await.0,
        401
    );

    // Enqueue, with refusals.
    let child = support::child((2023, 4, 4), 1);
    let enqueue = json!({ "regionId": REGION, "childIin": child, "priority": "general" });
    assert_eq!(
        api.post(now, "/applications", "/applications", &Who::Nobody, enqueue.clone()).await.0,
        401
    );
    assert_eq!(
        api.call(
            now,
            "POST",
            "/applications",
            "/applications",
            &applicant(&mother),
            None,
            Some(enqueue.clone())
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(now, "/applications", "/applications", &staff, enqueue.clone()).await.0,
        403
    );
    assert_eq!(
        api.post(
            now,
            "/applications",
            "/applications",
            &applicant(&mother),
            json!({ "regionId": REGION, "childIin": "123", "priority": "general" })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(
            now,
            "/applications",
            "/applications",
            &applicant(&mother),
            json!({ "regionId": "kz-almaty", "childIin": child, "priority": "general" })
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            "/applications",
            "/applications",
            &applicant(&mother),
            json!({ "regionId": "nowhere", "childIin": child, "priority": "general" })
        )
        .await
        .0,
        404
    );
    let (status, enqueued) = api
        .call(
            now - Duration::days(3),
            "POST",
            "/applications",
            "/applications",
            &applicant(&mother),
            Some("enqueue-1"),
            Some(enqueue.clone()),
        )
        .await;
    assert_eq!(status, 201, "{enqueued}");
    let id = enqueued["application"]["id"].as_str().expect("id").to_owned();
    assert_eq!(
        api.call(
            now,
            "POST",
            "/applications",
            "/applications",
            &applicant(&mother),
            Some("enqueue-1"),
            Some(enqueue.clone())
        )
        .await
        .0,
        201,
        "replay"
    );
    assert_eq!(
        api.post(now, "/applications", "/applications", &applicant(&mother), enqueue).await.0,
        409
    );
    let other = support::child((2023, 5, 5), 2);
    let (status, second) = api.post(now - Duration::days(2), "/applications", "/applications", &applicant(&stranger), json!({ "regionId": REGION, "childIin": other, "priority": "first_priority", "secondParentIin": father })).await;
    assert_eq!(status, 201, "{second}");
    let second = second["application"]["id"].as_str().expect("id").to_owned();

    // Journal and details.
    let details = "/applications/{id}";
    assert_eq!(api.get("/applications", "/applications", &applicant(&mother)).await.0, 200);
    assert_eq!(api.get(details, &format!("/applications/{id}"), &applicant(&mother)).await.0, 200);
    assert_eq!(
        api.get(details, &format!("/applications/{id}"), &applicant(&stranger)).await.0,
        403
    );
    assert_eq!(api.get(details, "/applications/nope", &applicant(&mother)).await.0, 404);
    assert_eq!(api.get(details, "/applications/no.pe", &applicant(&mother)).await.0, 400);

    // Issue 15: twins marked one sibling set by their parent; a set of one is refused.
    let twins_parent = parent(4);
    let mut twins = Vec::new();
    for n in [5, 6] {
        let body = json!({
            "regionId": REGION,
            "childIin": support::child((2023, 7, 7), n),
            "priority": "general"
        });
        let (status, twin) =
            api.post(now, "/applications", "/applications", &applicant(&twins_parent), body).await;
        assert_eq!(status, 201, "{twin}");
        twins.push(twin["application"]["id"].as_str().expect("id").to_owned());
    }
    let siblings = "/applications/siblings";
    let (status, set) = api
        .post(
            now,
            siblings,
            siblings,
            &applicant(&twins_parent),
            json!({ "applicationIds": twins }),
        )
        .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["together"], json!(twins));
    let one = json!({ "applicationIds": [twins[0]] });
    assert_eq!(api.post(now, siblings, siblings, &applicant(&twins_parent), one).await.0, 422);
    let theirs = json!({ "applicationIds": twins });
    assert_eq!(api.post(now, siblings, siblings, &applicant(&stranger), theirs).await.0, 403);

    // The second parent (R3).
    let name = "/applications/{id}/second-parent";
    let link = "/applications/{id}/link";
    assert_eq!(
        api.post(
            now,
            name,
            &format!("/applications/{id}/second-parent"),
            &applicant(&mother),
            json!({ "secondParentIin": father })
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            name,
            &format!("/applications/{id}/second-parent"),
            &applicant(&father),
            json!({ "secondParentIin": father })
        )
        .await
        .0,
        400,
        "naming oneself as the second parent is refused at the edge, before any read"
    );
    assert_eq!(
        api.post(
            now,
            name,
            &format!("/applications/{id}/second-parent"),
            &applicant(&mother),
            json!({ "secondParentIin": "1" })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(
            now,
            name,
            &format!("/applications/{id}/second-parent"),
            &applicant(&mother),
            json!({ "second": 1 })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(now, link, &format!("/applications/{id}/link"), &applicant(&stranger), json!({}))
            .await
            .0,
        403
    );
    assert_eq!(
        api.post(now, link, &format!("/applications/{id}/link"), &applicant(&father), json!({}))
            .await
            .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            link,
            &format!("/applications/{second}/link"),
            &applicant(&father),
            json!({})
        )
        .await
        .0,
        200
    );

    // Staff publish places; the turn engine offers one; choose and sign (R4, R7, R8).
    let publish = |count: u32| json!({ "action": "publish", "groupId": GROUP, "count": count });
    assert_eq!(
        api.post(now, "/staff/places", "/staff/places", &applicant(&mother), publish(1)).await.0,
        403
    );
    assert_eq!(
        api.post(now, "/staff/places", "/staff/places", &other_staff, publish(1)).await.0,
        403
    );
    assert_eq!(
        api.post(
            now,
            "/staff/places",
            "/staff/places",
            &staff,
            json!({ "action": "withdraw", "groupId": GROUP, "count": 5 })
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            "/staff/places",
            "/staff/places",
            &staff,
            json!({ "action": "open", "groupId": GROUP, "count": 1 })
        )
        .await
        .0,
        400
    );
    let (status, published) =
        api.post(now, "/staff/places", "/staff/places", &staff, publish(2)).await;
    assert_eq!(status, 200, "{published}");
    assert_eq!(
        api.get(places, &format!("/regions/{REGION}/pools/2023/places"), &Who::Nobody).await.0,
        200
    );
    let choose = "/applications/{id}/choose";
    let sign = "/applications/{id}/sign";
    assert_eq!(
        api.post(
            now,
            choose,
            &format!("/applications/{id}/choose"),
            &applicant(&mother),
            json!({ "groupId": "tk-001-2022-kk" })
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            choose,
            &format!("/applications/{id}/choose"),
            &applicant(&stranger),
            json!({ "groupId": GROUP })
        )
        .await
        .0,
        403
    );
    let (status, choice) = api
        .post(
            now,
            choose,
            &format!("/applications/{id}/choose"),
            &applicant(&mother),
            json!({ "groupId": GROUP }),
        )
        .await;
    assert_eq!(status, 200, "{choice}");
    let text = choice["signedText"].as_str().expect("text");
    let signed = |signature: String| json!({ "nonce": choice["nonce"], "signature": { "signatureBase64": signature } });
    assert_eq!(
        api.post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&mother),
            signed("***".into())
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&mother),
            signed(api.signer.sign_as(&stranger, text.as_bytes()))
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&stranger),
            signed(api.signer.sign_as(&stranger, text.as_bytes()))
        )
        .await
        .0,
        403
    );
    assert_eq!(
        api.post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&mother),
            json!({ "nonce": "unknown", "signature": { "signatureBase64": "AAAA" } })
        )
        .await
        .0,
        404
    );
    let (status, referral) = api
        .post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&mother),
            signed(api.signer.sign_as(&mother, text.as_bytes())),
        )
        .await;
    assert_eq!(status, 200, "{referral}");
    assert_eq!(
        api.post(
            now,
            sign,
            &format!("/applications/{id}/sign"),
            &applicant(&mother),
            signed(api.signer.sign_as(&mother, text.as_bytes()))
        )
        .await
        .0,
        409
    );
    let late = now + Duration::hours(1);
    let (_, choice) = api
        .post(
            now,
            choose,
            &format!("/applications/{second}/choose"),
            &applicant(&stranger),
            json!({ "groupId": GROUP }),
        )
        .await;
    let expired = json!({ "nonce": choice["nonce"], "signature": { "signatureBase64": api.signer.sign_as(&stranger, choice["signedText"].as_str().unwrap_or_default().as_bytes()) } });
    assert!([200, 422].contains(
        &api.post(
            late,
            sign,
            &format!("/applications/{second}/sign"),
            &applicant(&stranger),
            expired
        )
        .await
        .0
    ));

    // Documents and details of a referred application.
    let number = referral["referral"]["number"].as_str().expect("number");
    let download = "/applications/{id}/documents/{number}";
    assert_eq!(
        api.get(download, &format!("/applications/{id}/documents/{number}"), &applicant(&mother))
            .await
            .0,
        200
    );
    assert_eq!(
        api.get(download, &format!("/applications/{id}/documents/{number}"), &applicant(&father))
            .await
            .0,
        200
    );
    assert_eq!(
        api.get(download, &format!("/applications/{id}/documents/KZ-NONE"), &applicant(&mother))
            .await
            .0,
        404
    );
    assert_eq!(api.get(details, &format!("/applications/{id}"), &applicant(&father)).await.0, 200);
    assert_eq!(api.get("/applications", "/applications", &applicant(&father)).await.0, 200);

    // The referral PDF (binary, documented as application/pdf) and its public verification.
    std::env::set_var("KEZEK_VERIFY_URL", "http://127.0.0.1:9/verify.html");
    let pdf = "/applications/{id}/documents/{number}/pdf";
    api.pdf(pdf, &format!("/applications/{id}/documents/{number}/pdf"), &applicant(&mother)).await;
    let stranger_pdf = format!("/applications/{id}/documents/{number}/pdf");
    assert_eq!(api.get(pdf, &stranger_pdf, &applicant(&stranger)).await.0, 403);
    let verify = "/referrals/{code}";
    let code = kezek_functions::commands::referral_verify::code(
        &api.key,
        &kezek_functions::rules::application::ApplicationId(id.to_owned()),
        number,
    );
    let verified = api.get(verify, &format!("/referrals/{code}"), &Who::Nobody).await;
    assert_eq!((verified.0, verified.1["status"].as_str()), (200, Some("valid")));
    assert_eq!(api.get(verify, "/referrals/AAAAAAAAAAAAAAAAAAAAAAnone", &Who::Nobody).await.0, 404);

    // Issue 13: the pool's transparency log, public, after the sweep's checkpoint.
    let signer = kezek_functions::transparency::LogSigner::from_key_text(
        &kezek_functions::transparency::LogSigner::generate("kezek.test").expect("key"),
    )
    .expect("signer");
    assert_eq!(api.get("/transparency/key", "/transparency/key", &Who::Nobody).await.0, 404);
    kezek_functions::commands::transparency::checkpoint_pools(api.router.store(), &signer, now)
        .await
        .expect("checkpoints");
    let vkey = api.raw("/transparency/key", "/transparency/key", "text/plain; charset=utf-8").await;
    assert_eq!(String::from_utf8(vkey).expect("text").trim(), signer.vkey());
    let log_path = format!("/transparency/{REGION}/2023");
    let note = api
        .raw(
            "/transparency/{region}/{year}/checkpoint",
            &format!("{log_path}/checkpoint"),
            "text/plain; charset=utf-8",
        )
        .await;
    let note = String::from_utf8(note).expect("text");
    let size: u64 = note.lines().nth(1).and_then(|line| line.parse().ok()).expect("size line");
    api.raw(
        "/transparency/{region}/{year}/checkpoints/{size}",
        &format!("{log_path}/checkpoints/{size}"),
        "text/plain; charset=utf-8",
    )
    .await;
    let tile = "/transparency/{region}/{year}/tile/{tile+}";
    api.raw(tile, &format!("{log_path}/tile/0/000.p/{size}"), "application/octet-stream").await;
    api.raw(tile, &format!("{log_path}/tile/entries/000.p/{size}"), "application/octet-stream")
        .await;
    assert_eq!(api.get(tile, &format!("{log_path}/tile/9/x"), &Who::Nobody).await.0, 400);
    assert_eq!(api.get(tile, &format!("{log_path}/tile/0/001"), &Who::Nobody).await.0, 404);
    let consistency = "/transparency/{region}/{year}/consistency/{from}/{to}";
    let proof =
        api.get(consistency, &format!("{log_path}/consistency/1/{size}"), &Who::Nobody).await;
    assert_eq!(proof.0, 200, "{}", proof.1);
    assert_eq!(
        api.get(consistency, &format!("{log_path}/consistency/0/{size}"), &Who::Nobody).await.0,
        400
    );
    let context = "/transparency/{region}/{year}/context";
    let answered = api.get(context, &format!("{log_path}/context"), &Who::Nobody).await;
    assert_eq!(answered.0, 200, "{}", answered.1);
    let daily = "/transparency/{region}/{year}/daily/{from}/{to}";
    let (from, to) = ((now - Duration::days(60)).date_naive(), now.date_naive());
    let lists = api.get(daily, &format!("{log_path}/daily/{from}/{to}"), &Who::Nobody).await;
    assert_eq!(lists.0, 200, "{}", lists.1);
    assert!(!lists.1["days"].as_array().expect("days").is_empty(), "{}", lists.1);
    let far = (now - Duration::days(100)).date_naive();
    assert_eq!(api.get(daily, &format!("{log_path}/daily/{far}/{to}"), &Who::Nobody).await.0, 400);
    let newcomer = "/transparency/{region}/{year}/forecast/{priority}/{birthDate}";
    let answered =
        api.get(newcomer, &format!("{log_path}/forecast/general/2023-05-05"), &Who::Nobody).await;
    assert_eq!(answered.0, 200, "{}", answered.1);
    let forecast = "/applications/{id}/forecast";
    let answered =
        api.get(forecast, &format!("/applications/{id}/forecast"), &applicant(&mother)).await;
    assert_eq!(answered.0, 200, "{}", answered.1);
    let log = "/applications/{id}/log";
    let logged = api.get(log, &format!("/applications/{id}/log"), &applicant(&mother)).await;
    assert_eq!(logged.0, 200, "{}", logged.1);
    assert!(!logged.1["entries"].as_array().expect("entries").is_empty());
    assert_eq!(
        api.get(log, &format!("/applications/{id}/log"), &applicant(&stranger)).await.0,
        403
    );

    // Extend, cancel, withdraw, enrol.
    let extend = "/applications/{id}/extend";
    let cancel = "/applications/{id}/cancel";
    let withdraw = "/applications/{id}/withdraw";
    let enrol = "/staff/applications/{id}/enrol";
    assert_eq!(
        api.post(
            now,
            extend,
            &format!("/applications/{id}/extend"),
            &applicant(&mother),
            json!({ "days": 400 })
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            extend,
            &format!("/applications/{id}/extend"),
            &applicant(&mother),
            json!({ "days": 5, "expectedVersion": 0 })
        )
        .await
        .0,
        409
    );
    assert_eq!(
        api.post(
            now,
            extend,
            &format!("/applications/{id}/extend"),
            &applicant(&mother),
            json!({ "days": 5 })
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            cancel,
            &format!("/applications/{second}/cancel"),
            &applicant(&stranger),
            json!({})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(now, enrol, &format!("/staff/applications/{id}/enrol"), &other_staff, json!({}))
            .await
            .0,
        403
    );
    // R13: the staff find the referral to enrol in their list.
    let (status, listed) = api.get("/staff/referrals", "/staff/referrals", &staff).await;
    assert_eq!(status, 200, "{listed}");
    let waiting = listed["referrals"].as_array().expect("referrals");
    assert!(waiting.iter().any(|referral| referral["applicationId"] == json!(id)), "{listed}");
    assert_eq!(
        api.post(now, enrol, &format!("/staff/applications/{id}/enrol"), &staff, json!({})).await.0,
        200
    );
    assert_eq!(
        api.post(now, enrol, &format!("/staff/applications/{id}/enrol"), &staff, json!({})).await.0,
        422
    );

    // Issue 15: the enrolled child moves to tk-002 (request, a place there, choose, sign), then
    // asks again and withdraws.
    let transfer = "/applications/{id}/transfer";
    let at = |path: &str| format!("/applications/{id}/transfer{path}");
    let (status, none) = api.get(transfer, &at(""), &applicant(&mother)).await;
    assert_eq!((status, none["transfer"].clone()), (200, json!(null)));
    assert_eq!(api.get(transfer, &at(""), &applicant(&stranger)).await.0, 403);
    let bad = json!({ "kindergartens": ["tk-001"] });
    assert_eq!(api.post(now, transfer, &at(""), &applicant(&mother), bad).await.0, 400);
    let asked = json!({ "kindergartens": ["tk-002"] });
    let (status, request) = api.post(now, transfer, &at(""), &applicant(&mother), asked).await;
    assert_eq!(status, 200, "{request}");
    assert_eq!(request["state"]["state"], "waiting");
    let tk002 = Who::Claims(Claims::staff(parent(93), "tk-002", now + Duration::days(60)));
    let there = "tk-002-2023-kk";
    let mut offered = false;
    for _ in 0..6 {
        let places = json!({ "action": "publish", "groupId": there, "count": 1 });
        assert_eq!(api.post(now, "/staff/places", "/staff/places", &tk002, places).await.0, 200);
        let (_, seen) = api.get(transfer, &at(""), &applicant(&mother)).await;
        if seen["transfer"]["state"]["state"] == "offered" {
            offered = true;
            break;
        }
    }
    assert!(offered, "the transfer is offered once the new children have their places");
    let choose_transfer = "/applications/{id}/transfer/choose";
    let wrong = json!({ "groupId": GROUP });
    assert_eq!(
        api.post(now, choose_transfer, &at("/choose"), &applicant(&mother), wrong).await.0,
        400
    );
    let (status, text) = api
        .post(
            now,
            choose_transfer,
            &at("/choose"),
            &applicant(&mother),
            json!({ "groupId": there }),
        )
        .await;
    assert_eq!(status, 200, "{text}");
    let signed = api.signer.sign_as(&mother, text["signedText"].as_str().expect("text").as_bytes());
    let sign_transfer = "/applications/{id}/transfer/sign";
    let body = json!({ "groupId": there, "signature": { "signatureBase64": signed } });
    let (status, moved) =
        api.post(now, sign_transfer, &at("/sign"), &applicant(&mother), body.clone()).await;
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["application"]["state"]["referral"]["groupId"], there);
    assert_eq!(api.post(now, sign_transfer, &at("/sign"), &applicant(&mother), body).await.0, 409);
    // Both kindergartens' staff see the move: tk-002 the child arrived, tk-001 it left.
    for (who, side) in [(&tk002, "arrived"), (&staff, "left")] {
        let (status, lines) = api.get("/staff/transfers", "/staff/transfers", who).await;
        assert_eq!(status, 200, "{lines}");
        let line = &lines["transfers"][0];
        assert_eq!(
            (line["side"].as_str(), line["applicationId"].as_str()),
            (Some(side), Some(id.as_str()))
        );
        assert_eq!(line["to"]["groupId"], there);
    }
    assert_eq!(api.get("/staff/transfers", "/staff/transfers", &applicant(&mother)).await.0, 403);
    let withdraw_transfer = "/applications/{id}/transfer/withdraw";
    assert_eq!(
        api.post(now, withdraw_transfer, &at("/withdraw"), &applicant(&mother), json!({})).await.0,
        409,
        "a done request is not open"
    );
    // Asked again with an idempotency key: a repeat answers the first result, the key used
    // for another body is refused.
    let again = json!({ "kindergartens": ["tk-001"] });
    let (who, key) = (applicant(&mother), Some("transfer-again"));
    let (status, first) =
        api.call(now, "POST", transfer, &at(""), &who, key, Some(again.clone())).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        api.call(now, "POST", transfer, &at(""), &who, key, Some(again)).await,
        (200, first)
    );
    let other = json!({ "kindergartens": ["tk-002"] });
    let (status, reused) = api.call(now, "POST", transfer, &at(""), &who, key, Some(other)).await;
    assert_eq!((status, reused["code"].as_str()), (422, Some("idempotency_key_reused")));
    let (status, withdrawn) =
        api.post(now, withdraw_transfer, &at("/withdraw"), &applicant(&mother), json!({})).await;
    assert_eq!((status, withdrawn["state"]["state"].clone()), (200, json!("withdrawn")));
    assert_eq!(
        api.post(
            now,
            cancel,
            &format!("/applications/{id}/cancel"),
            &applicant(&mother),
            json!({})
        )
        .await
        .0,
        422
    );
    assert_eq!(
        api.post(
            now,
            withdraw,
            &format!("/applications/{second}/withdraw"),
            &applicant(&father),
            json!({})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(now, withdraw, "/applications/nope/withdraw", &applicant(&father), json!({}))
            .await
            .0,
        404
    );
    // A third child gets a referral then cancels it within the window (R12).
    let third = support::child((2023, 6, 6), 3);
    let (_, enqueued) = api
        .post(
            now - Duration::days(1),
            "/applications",
            "/applications",
            &applicant(&stranger),
            json!({ "regionId": REGION, "childIin": third, "priority": "general" }),
        )
        .await;
    let third = enqueued["application"]["id"].as_str().expect("id").to_owned();
    assert_eq!(api.post(now, "/staff/places", "/staff/places", &staff, publish(1)).await.0, 200);
    let (status, choice) = api
        .post(
            now,
            choose,
            &format!("/applications/{third}/choose"),
            &applicant(&stranger),
            json!({ "groupId": GROUP }),
        )
        .await;
    assert_eq!(status, 200, "{choice}");
    let body = json!({ "nonce": choice["nonce"], "signature": { "signatureBase64": api.signer.sign_as(&stranger, choice["signedText"].as_str().expect("text").as_bytes()) } });
    assert_eq!(
        api.post(now, sign, &format!("/applications/{third}/sign"), &applicant(&stranger), body)
            .await
            .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            cancel,
            &format!("/applications/{third}/cancel"),
            &applicant(&stranger),
            json!({})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.get(details, &format!("/applications/{third}"), &applicant(&stranger)).await.0,
        200
    );

    // Operator loads.
    let region = json!({ "id": REGION, "nameKk": "Талдықорған қаласы", "nameRu": "город Талдыкорган", "served": true, "clock": { "initialOffsetSeconds": 18000 } });
    let policy = json!({ "versions": [{ "effectiveFrom": "2026-01-01", "policy": {
        "minAgeYears": 2, "offerWindow": { "unit": "working_days", "count": 3 }, "referralValidity": { "unit": "working_days", "count": 5 },
        "stopList": { "unit": "working_days", "count": 10 }, "maxLapses": 2, "extensionMaxDays": 30, "extensionsAllowed": 1,
        "cancelWindowHours": 24, "priorityRatio": { "firstPriority": 1, "general": 1 }, "blackouts": [] } }] });
    assert_eq!(
        api.post(
            now,
            "/operator/regions",
            "/operator/regions",
            &operator,
            json!({ "region": region })
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            "/operator/regions",
            "/operator/regions",
            &operator,
            json!({ "region": region, "policy": policy })
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            "/operator/regions",
            "/operator/regions",
            &operator,
            json!({ "region": region, "extra": 1 })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(
            now,
            "/operator/regions",
            "/operator/regions",
            &staff,
            json!({ "region": region })
        )
        .await
        .0,
        403
    );
    let policy_route = "/operator/regions/{region}/policy";
    assert_eq!(
        api.post(
            now,
            policy_route,
            &format!("/operator/regions/{REGION}/policy"),
            &operator,
            policy.clone()
        )
        .await
        .0,
        200
    );
    assert_eq!(
        api.post(
            now,
            policy_route,
            &format!("/operator/regions/{REGION}/policy"),
            &operator,
            json!({ "versions": [] })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(now, policy_route, "/operator/regions/kz-astana/policy", &operator, policy)
            .await
            .0,
        403
    );
    let kindergarten = json!({ "id": "tk-009", "regionId": REGION, "nameKk": "№9", "nameRu": "№9", "address": "Талдыкорган", "location": { "lat": 45.0, "lon": 78.4 },
        "groups": [{ "groupId": "tk-009-2023-ru", "name": "Солнышко", "groupYear": 2023, "language": "ru" }] });
    assert_eq!(
        api.post(
            now,
            "/operator/kindergartens",
            "/operator/kindergartens",
            &operator,
            kindergarten.clone()
        )
        .await
        .0,
        200
    );
    let mut german = kindergarten;
    german["groups"][0]["language"] = json!("de");
    assert_eq!(
        api.post(now, "/operator/kindergartens", "/operator/kindergartens", &operator, german)
            .await
            .0,
        400
    );
    assert_eq!(
        api.get(kindergartens, &format!("/regions/{REGION}/kindergartens"), &Who::Nobody).await.0,
        200
    );
    assert_eq!(api.get("/regions", "/regions", &Who::Nobody).await.0, 200);
    let holiday = |date: &str, code: &str, moves: bool| json!({ "date": date, "code": code, "movesWhenOnWeekend": moves });
    let mut calendar = json!({ "year": 2028, "holidays": [
        holiday("2028-01-01", "new_year", true), holiday("2028-01-02", "new_year", true), holiday("2028-01-07", "orthodox_christmas", false),
        holiday("2028-03-08", "womens_day", true), holiday("2028-03-21", "nauryz", true), holiday("2028-03-22", "nauryz", true),
        holiday("2028-03-23", "nauryz", true), holiday("2028-05-01", "unity_day", true), holiday("2028-05-05", "kurban_ait", false),
        holiday("2028-05-07", "defenders_day", true), holiday("2028-05-09", "victory_day", true), holiday("2028-07-06", "capital_day", true),
        holiday("2028-08-30", "constitution_day", true), holiday("2028-10-25", "republic_day", true), holiday("2028-12-16", "independence_day", true)
    ], "swaps": [], "source": "test data" });
    assert_eq!(
        api.post(
            now,
            "/operator/calendar",
            "/operator/calendar",
            &operator,
            json!({ "year": 2028 })
        )
        .await
        .0,
        400
    );
    assert_eq!(
        api.post(
            now,
            "/operator/calendar",
            "/operator/calendar",
            &applicant(&mother),
            calendar.clone()
        )
        .await
        .0,
        403
    );
    let (status, loaded) = api
        .post(now, "/operator/calendar", "/operator/calendar", &operator, calendar.clone())
        .await;
    assert_eq!(status, 200, "{loaded}");
    calendar["swaps"] = json!([{ "workedOn": "2028-01-05", "dayOff": "2028-01-06" }]);
    assert_eq!(
        api.post(now, "/operator/calendar", "/operator/calendar", &operator, calendar).await.0,
        400
    );

    // Every operation's success answer was checked at least once.
    let seen = api.contract.seen.lock().expect("lock").clone();
    let document = document();
    let mut unchecked = Vec::new();
    for (method, path, _) in ROUTES {
        let responses = document["paths"][*path][method.to_lowercase()]["responses"]
            .as_object()
            .expect("responses");
        let success: Vec<u16> = responses
            .keys()
            .filter_map(|s| s.parse().ok())
            .filter(|s| (200..300).contains(s))
            .collect();
        if !success
            .iter()
            .any(|status| seen.contains_key(&((*method).to_owned(), (*path).to_owned(), *status)))
        {
            unchecked.push(format!("{method} {path}"));
        }
    }
    assert!(unchecked.is_empty(), "no success answer checked for: {unchecked:?}");
    eprintln!(
        "checked {} answers over {} (route, status) pairs",
        seen.values().sum::<usize>(),
        seen.len()
    );
}

/// One value of every variant of the service's error enum, with every rules and identity
/// refusal wrapped. The matches below have no wildcard: a new variant (here, in the rules or
/// in the identity crate) does not compile until it is listed, so it cannot go undocumented.
fn every_error() -> Vec<Error> {
    let mut errors: Vec<Error> = every_rule_error().into_iter().map(Error::Rule).collect();
    errors.extend(every_identity_error().into_iter().map(Error::Identity));
    errors.extend(ROLES.iter().copied().map(Error::Condition));
    // The rules' refusals of data an operator loads (policies, calendar years).
    errors.extend(
        [
            RuleError::PolicyInvalid { field: "x" },
            RuleError::PolicyMissing,
            RuleError::CalendarDataInvalid { year: 2028, detail: "x" },
            RuleError::CalendarYearMissing { year: 2028 },
            RuleError::DateOutOfRange,
        ]
        .map(Error::RuleInput),
    );
    let detail = || "x".to_owned();
    errors.extend([
        Error::TransactionConflict,
        Error::Throttled { detail: detail() },
        Error::StoreTimeout { detail: detail() },
        Error::StoreUnavailable { detail: detail() },
        Error::invalid("x"),
        Error::IdempotencyKeyMissing,
        Error::EmailInvalid,
        Error::PhoneInvalid,
        Error::LanguageInvalid,
        Error::SignatureMalformed,
        Error::TokenMissing,
        Error::TokenInvalid,
        Error::TokenExpired,
        Error::EmailRequired,
        Error::forbidden("x"),
        Error::OrganisationNotRegistered,
        Error::not_found("x"),
        Error::RouteNotFound,
        Error::MethodNotAllowed,
        Error::ChallengeUnknown,
        Error::ChallengeUsed,
        Error::ChallengeExpired,
        Error::NonceUnknown,
        Error::NonceUsed,
        Error::NonceExpired,
        Error::NonceApplicationMismatch,
        Error::SecondParentLinked,
        Error::IdempotencyKeyReused,
        Error::ContactMissing,
        Error::DeliveryFailed { detail: detail() },
        Error::internal("x"),
    ]);
    errors.extend(every_sibling_refusal().into_iter().map(Error::Siblings));
    errors.extend(every_transfer_refusal().into_iter().map(Error::Transfer));
    for error in &errors {
        listed(error);
    }
    errors
}

/// Every refusal of a transfer (issue 15).
fn every_transfer_refusal() -> Vec<TransferRefusal> {
    let refusals = vec![
        TransferRefusal::NotEnrolled,
        TransferRefusal::ChoicesOutOfRange { count: 4 },
        TransferRefusal::DuplicateKindergarten,
        TransferRefusal::KindergartenIdInvalid,
        TransferRefusal::KindergartenNotInRegion,
        TransferRefusal::CurrentKindergarten,
        TransferRefusal::TransferOpen,
        TransferRefusal::TransferNotOpen,
        TransferRefusal::TransferNotOffered,
        TransferRefusal::TransferOfferExpired,
        TransferRefusal::TransferOfferNotExpired,
        TransferRefusal::GroupNotRequested,
        TransferRefusal::TransferPlaceTaken,
        TransferRefusal::NoFreePlaces,
    ];
    refusals.iter().for_each(transfer_listed);
    refusals
}

/// Compiles only while every transfer refusal is listed in [`every_transfer_refusal`].
fn transfer_listed(refusal: &TransferRefusal) {
    match refusal {
        TransferRefusal::NotEnrolled
        | TransferRefusal::ChoicesOutOfRange { .. }
        | TransferRefusal::DuplicateKindergarten
        | TransferRefusal::KindergartenIdInvalid
        | TransferRefusal::KindergartenNotInRegion
        | TransferRefusal::CurrentKindergarten
        | TransferRefusal::TransferOpen
        | TransferRefusal::TransferNotOpen
        | TransferRefusal::TransferNotOffered
        | TransferRefusal::TransferOfferExpired
        | TransferRefusal::TransferOfferNotExpired
        | TransferRefusal::GroupNotRequested
        | TransferRefusal::TransferPlaceTaken
        | TransferRefusal::NoFreePlaces => {}
    }
}

/// Compiles only while every variant of the service's enum is listed in [`every_error`].
fn listed(error: &Error) {
    match error {
        Error::Rule(rule) | Error::RuleInput(rule) => rule_listed(rule),
        Error::Identity(identity) => identity_listed(identity),
        Error::Siblings(refusal) => sibling_listed(refusal),
        Error::Transfer(refusal) => transfer_listed(refusal),
        Error::Condition(_)
        | Error::TransactionConflict
        | Error::Throttled { .. }
        | Error::StoreTimeout { .. }
        | Error::StoreUnavailable { .. }
        | Error::InvalidInput { .. }
        | Error::IdempotencyKeyMissing
        | Error::EmailInvalid
        | Error::PhoneInvalid
        | Error::LanguageInvalid
        | Error::SignatureMalformed
        | Error::TokenMissing
        | Error::TokenInvalid
        | Error::TokenExpired
        | Error::EmailRequired
        | Error::Forbidden(_)
        | Error::OrganisationNotRegistered
        | Error::NotFound(_)
        | Error::RouteNotFound
        | Error::MethodNotAllowed
        | Error::ChallengeUnknown
        | Error::ChallengeUsed
        | Error::ChallengeExpired
        | Error::NonceUnknown
        | Error::NonceUsed
        | Error::NonceExpired
        | Error::NonceApplicationMismatch
        | Error::SecondParentLinked
        | Error::IdempotencyKeyReused
        | Error::ContactMissing
        | Error::DeliveryFailed { .. }
        | Error::Internal { .. } => {}
    }
}

fn every_sibling_refusal() -> Vec<SiblingRefusal> {
    use SiblingRefusal::*;
    let all = vec![
        SiblingCount { count: 1 },
        SiblingDuplicate,
        SiblingNotOwn,
        SiblingOtherRegion,
        SiblingNotQueued,
        SiblingAlreadyMarked,
        SiblingYearsApart,
    ];
    all.iter().for_each(sibling_listed);
    all
}

/// Compiles only while every sibling refusal is listed in [`every_sibling_refusal`].
fn sibling_listed(refusal: &SiblingRefusal) {
    use SiblingRefusal::*;
    match refusal {
        SiblingCount { .. }
        | SiblingDuplicate
        | SiblingNotOwn
        | SiblingOtherRegion
        | SiblingNotQueued
        | SiblingAlreadyMarked
        | SiblingYearsApart => {}
    }
}

const ROLES: [Role; 8] = [
    Role::Idempotency,
    Role::Child,
    Role::Nonce,
    Role::Application,
    Role::Group,
    Role::Pool,
    Role::Log,
    Role::Record,
];

fn every_rule_error() -> Vec<RuleError> {
    use RuleError::*;
    vec![
        InvalidInput { detail: "x".into() },
        IinLength { length: 1 },
        IinNotDigits,
        IinCenturyDigit { digit: 0 },
        IinBirthDate,
        IinCheckDigit,
        BinLength { length: 1 },
        BinNotDigits,
        BinCheckDigit,
        CalendarYearMissing { year: 2028 },
        CalendarDataInvalid { year: 2028, detail: "x" },
        DateOutOfRange,
        PolicyInvalid { field: "x" },
        PolicyMissing,
        RegionNotServed { region_id: "x".into() },
        CommandNotAllowed { command: "x", state: "y" },
        VersionConflict { expected: 1, actual: 2 },
        ChildTooYoung,
        ChildTooOld,
        ChildTooOldToEnqueue { limit_years: 6, reached_on: chrono::NaiveDate::MIN },
        ChildNotBorn,
        AgeOutNotDue,
        TurnNotCome,
        NoFreePlaces,
        GroupNotInPool,
        GroupFull,
        StopListed,
        BlackoutPeriod,
        OfferExpired,
        OfferNotExpired,
        ReferralExpired,
        ReferralNotExpired,
        StopListNotEnded,
        CancelWindowClosed,
        ExtensionAlreadyUsed,
        ExtensionDaysOutOfRange { days: 0 },
        PlaceCountOutOfRange { count: 0 },
        NotEnoughUnreservedPlaces,
        CounterUnderflow { counter: "x" },
        ApplicationNotInQueue,
        QueueTooLarge { length: 0 },
    ]
}

/// Compiles only while every rules refusal is listed in [`every_rule_error`].
fn rule_listed(error: &RuleError) {
    use RuleError::*;
    match error {
        InvalidInput { .. }
        | IinLength { .. }
        | IinNotDigits
        | IinCenturyDigit { .. }
        | IinBirthDate
        | IinCheckDigit
        | BinLength { .. }
        | BinNotDigits
        | BinCheckDigit
        | CalendarYearMissing { .. }
        | CalendarDataInvalid { .. }
        | DateOutOfRange
        | PolicyInvalid { .. }
        | PolicyMissing
        | RegionNotServed { .. }
        | CommandNotAllowed { .. }
        | VersionConflict { .. }
        | ChildTooYoung
        | ChildTooOld
        | ChildTooOldToEnqueue { .. }
        | ChildNotBorn
        | AgeOutNotDue
        | TurnNotCome
        | NoFreePlaces
        | GroupNotInPool
        | GroupFull
        | StopListed
        | BlackoutPeriod
        | OfferExpired
        | OfferNotExpired
        | ReferralExpired
        | ReferralNotExpired
        | StopListNotEnded
        | CancelWindowClosed
        | ExtensionAlreadyUsed
        | ExtensionDaysOutOfRange { .. }
        | PlaceCountOutOfRange { .. }
        | NotEnoughUnreservedPlaces
        | CounterUnderflow { .. }
        | ApplicationNotInQueue
        | QueueTooLarge { .. } => {}
    }
}

fn every_identity_error() -> Vec<IdentityError> {
    use IdentityError::*;
    vec![
        EncodingInvalid,
        DerInvalid { what: "x" },
        CmsUnsupported { detail: "x" },
        AlgorithmNotAllowed,
        KeyTooWeak { bits: 1 },
        KeyTypeNotSupported,
        CertificateUntrusted,
        CertificateExpired,
        CertificateNotYetValid,
        CertificateRevoked,
        WrongKeyPurpose { expected: "x" },
        SubjectIinMissing,
        SignerMismatch,
        OrganisationCertificate,
        NotOrganisationCertificate,
        ContentMismatch,
        MessageDigestMismatch,
        SignatureInvalid,
        InputTooLarge,
        GostCurveNotSupported,
        RevocationUnknown,
        OcspResponseInvalid,
        OcspResponseStale,
        CrlInvalid,
    ]
}

/// Compiles only while every identity refusal is listed in [`every_identity_error`].
fn identity_listed(error: &IdentityError) {
    use IdentityError::*;
    match error {
        EncodingInvalid
        | DerInvalid { .. }
        | CmsUnsupported { .. }
        | AlgorithmNotAllowed
        | KeyTooWeak { .. }
        | KeyTypeNotSupported
        | CertificateUntrusted
        | CertificateExpired
        | CertificateNotYetValid
        | CertificateRevoked
        | WrongKeyPurpose { .. }
        | SubjectIinMissing
        | SignerMismatch
        | OrganisationCertificate
        | NotOrganisationCertificate
        | ContentMismatch
        | MessageDigestMismatch
        | SignatureInvalid
        | InputTooLarge
        | GostCurveNotSupported
        | RevocationUnknown
        | OcspResponseInvalid
        | OcspResponseStale
        | CrlInvalid => {}
    }
}

/// Errors no operation answers: the notify run's (it records them on the notice), the
/// refusals of the sweep's commands (no route issues them), and a method a path does not take
/// (no operation of that method exists to document it). The glossary still lists them.
fn answered_over_http(error: &Error) -> bool {
    !matches!(
        error,
        Error::ContactMissing
            | Error::DeliveryFailed { .. }
            | Error::MethodNotAllowed
            // Issue 15: the sweep's `transfer_offer_not_expired` never reaches HTTP.
            | Error::Transfer(TransferRefusal::TransferOfferNotExpired)
            | Error::Rule(
                RuleError::AgeOutNotDue
                    | RuleError::OfferNotExpired
                    | RuleError::ReferralNotExpired
                    | RuleError::StopListNotEnded
            )
    )
}

#[test]
fn every_code_of_the_error_enum_is_documented_with_its_status() {
    let document = document();
    let glossary = document["x-error-codes"].as_object().expect("x-error-codes");
    // (status, code) pairs some route documents.
    let mut documented = BTreeSet::new();
    for item in document["paths"].as_object().expect("paths").values() {
        for operation in item.as_object().expect("path item").values() {
            let Some(responses) = operation["responses"].as_object() else { continue };
            for (status, response) in responses {
                for code in response["x-codes"].as_array().into_iter().flatten() {
                    documented.insert((status.clone(), code.as_str().expect("code").to_owned()));
                }
            }
        }
    }
    let mut missing = Vec::new();
    for error in every_error() {
        let (code, status) = (error.code(), error.status().to_string());
        let explained = glossary.get(code).and_then(Value::as_str);
        if !explained.is_some_and(|text| text.contains(&status)) {
            missing.push(format!("{code} ({status}) in x-error-codes: {explained:?}"));
        }
        if answered_over_http(&error) && !documented.contains(&(status.clone(), code.to_owned())) {
            missing.push(format!("{code} under {status} on some route"));
        }
        let message = error.message();
        assert!(!message.is_empty(), "{code}: a message");
    }
    assert!(missing.is_empty(), "undocumented error codes:\n{}", missing.join("\n"));
}
