//! A real SNS endpoint for the tests: one moto server per test binary (or
//! `KEZEK_SNS_ENDPOINT`), and what it received, read from its `/moto-api/data.json`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant as StdInstant};

use kezek_functions::notify::deliver::local_sns_client;

static ENDPOINT: OnceLock<String> = OnceLock::new();
static TOPICS: AtomicU32 = AtomicU32::new(0);

/// Starts `moto_server` on a free loopback port. As with DynamoDB Local, a shell watchdog
/// ends it as soon as this test process is gone (hence no `wait`).
#[allow(clippy::zombie_processes)]
fn start_moto() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let log = std::env::temp_dir().join(format!("kezek-moto-{port}.log"));
    let script = format!(
        "moto_server -H 127.0.0.1 -p {port} >\"$LOG\" 2>&1 & m=$!; \
         while kill -0 {parent} 2>/dev/null && kill -0 $m 2>/dev/null; do sleep 0.5; done; kill $m 2>/dev/null",
        parent = std::process::id()
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("LOG", &log)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server (PyPI `moto[server]`) must be on PATH");
    let started = StdInstant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "moto_server did not start; see {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    format!("http://127.0.0.1:{port}")
}

pub fn endpoint() -> &'static str {
    ENDPOINT.get_or_init(|| std::env::var("KEZEK_SNS_ENDPOINT").unwrap_or_else(|_| start_moto()))
}

/// A new e-mail topic of its own for one test; its ARN.
pub async fn topic() -> String {
    let name =
        format!("kezek-email-{}-{}", std::process::id(), TOPICS.fetch_add(1, Ordering::SeqCst));
    let client = local_sns_client(endpoint());
    let mut attempts = 0;
    loop {
        match client.create_topic().name(&name).send().await {
            Ok(output) => return output.topic_arn.expect("topic arn"),
            Err(error) => {
                attempts += 1;
                assert!(
                    attempts < 50,
                    "cannot create the topic: {}",
                    aws_sdk_sns::error::DisplayErrorContext(&error)
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

/// An SMS moto received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sms {
    pub phone: String,
    pub message: String,
}

/// A message published to a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub subject: String,
    pub message: String,
    pub attributes: std::collections::BTreeMap<String, String>,
}

fn data() -> serde_json::Value {
    let address = endpoint().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(&address).expect("moto is up");
    write!(stream, "GET /moto-api/data.json HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("response");
    let response = String::from_utf8(response).expect("utf-8");
    let (_, body) = response.split_once("\r\n\r\n").expect("an HTTP response");
    serde_json::from_str(body).expect("moto's data is JSON")
}

/// Every SMS moto received for `phone`.
pub fn sms_to(phone: &str) -> Vec<Sms> {
    let data = data();
    data["sns"]["SMS"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|sms| sms["phone_number"] == phone)
        .map(|sms| Sms {
            phone: phone.to_owned(),
            message: sms["message"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// Every message published to the topic `arn`, in order.
pub fn published_to(arn: &str) -> Vec<Published> {
    let data = data();
    let topic = data["sns"]["Topic"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|topic| topic["arn"] == arn)
        .cloned();
    let Some(topic) = topic else { return Vec::new() };
    // Each sent notification: [message id, message, subject, attributes, group id].
    topic["sent_notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|sent| Published {
            message: sent[1].as_str().unwrap_or_default().to_owned(),
            subject: sent[2].as_str().unwrap_or_default().to_owned(),
            attributes: sent[3]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, value)| {
                    (name.clone(), value["Value"].as_str().unwrap_or_default().to_owned())
                })
                .collect(),
        })
        .collect()
}
