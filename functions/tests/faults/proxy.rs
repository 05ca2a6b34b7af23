//! A fault-injecting HTTP/1.1 forwarder between the service and DynamoDB Local or moto (SNS):
//! every k-th request is answered with a fault instead of being forwarded — throttling (400
//! with `ProvisionedThroughputExceededException`/`ThrottlingException`, or SNS's `Throttling`),
//! a 500, a timeout (the connection is held past the client's bound, then dropped), a
//! connection reset. The fault's body is in the protocol of the request: JSON for DynamoDB
//! (`application/x-amz-json-1.0`), the AWS Query protocol's XML for SNS. Every other request
//! goes upstream as it is. Test code: plain threads over std TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The faults, in the order they are injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ProvisionedThroughputExceeded,
    Throttling,
    InternalServerError,
    Timeout,
    Reset,
}

const FAULTS: [Fault; 5] = [
    Fault::ProvisionedThroughputExceeded,
    Fault::Throttling,
    Fault::InternalServerError,
    Fault::Timeout,
    Fault::Reset,
];

#[derive(Debug, Default)]
pub struct Counts {
    pub requests: AtomicU64,
    pub faults: AtomicU64,
    /// Every k-th request is a fault; 0 forwards everything.
    pub every: AtomicU64,
    /// The highest attempt number a request carried (`amz-sdk-request: attempt=N; max=M`).
    pub attempt_highest: AtomicU64,
    /// The highest bound `max=M` a request announced.
    pub attempts_announced: AtomicU64,
    /// Requests that were a retry (attempt 2 or later).
    pub retries: AtomicU64,
}

impl Counts {
    fn attempt(&self, head: &str) {
        let Some(line) =
            head.lines().find(|l| l.to_ascii_lowercase().starts_with("amz-sdk-request:"))
        else {
            return;
        };
        let number = |name: &str| -> u64 {
            line.split([':', ';'])
                .filter_map(|part| part.trim().strip_prefix(name))
                .find_map(|value| value.parse().ok())
                .unwrap_or(0)
        };
        let attempt = number("attempt=");
        self.attempt_highest.fetch_max(attempt, Ordering::SeqCst);
        self.attempts_announced.fetch_max(number("max="), Ordering::SeqCst);
        if attempt >= 2 {
            self.retries.fetch_add(1, Ordering::SeqCst);
        }
    }
}

pub struct Proxy {
    pub url: String,
    pub counts: Arc<Counts>,
}

/// Starts the forwarder to `upstream` (`http://host:port`); `hold` is how long a timeout holds.
pub fn start(upstream: &str, every: u64, hold: Duration) -> Proxy {
    let upstream: SocketAddr =
        upstream.trim_start_matches("http://").parse().expect("upstream host:port");
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let counts = Arc::new(Counts::default());
    counts.every.store(every, Ordering::SeqCst);
    let shared = Arc::clone(&counts);
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let counts = Arc::clone(&shared);
            std::thread::spawn(move || connection(client, upstream, &counts, hold));
        }
    });
    Proxy { url, counts }
}

/// One HTTP message: head (through the blank line) and body (by Content-Length; a response
/// without one, `until_closed`, runs to the end of the connection).
fn read_message(reader: &mut BufReader<TcpStream>, until_closed: bool) -> Option<Vec<u8>> {
    let mut message = Vec::new();
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(value) = lower.strip_prefix("content-length:") {
            length = Some(value.trim().parse().ok()?);
        }
        assert!(!lower.starts_with("transfer-encoding"), "chunked messages are not forwarded");
        message.extend_from_slice(line.as_bytes());
        if line == "\r\n" {
            break;
        }
    }
    match length {
        Some(length) => {
            let mut body = vec![0u8; length];
            reader.read_exact(&mut body).ok()?;
            message.extend_from_slice(&body);
        }
        None if until_closed => {
            reader.read_to_end(&mut message).ok()?;
        }
        None => {}
    }
    Some(message)
}

fn connection(client: TcpStream, upstream: SocketAddr, counts: &Counts, hold: Duration) {
    let mut writer = client.try_clone().expect("clone");
    let mut reader = BufReader::new(client);
    while let Some(request) = read_message(&mut reader, false) {
        let n = counts.requests.fetch_add(1, Ordering::SeqCst) + 1;
        let head = String::from_utf8_lossy(&request).to_ascii_lowercase();
        counts.attempt(&head);
        let protocol =
            if head.contains("application/x-amz-json") { Protocol::Json } else { Protocol::Query };
        let every = counts.every.load(Ordering::SeqCst);
        if every > 0 && n.is_multiple_of(every) {
            counts.faults.fetch_add(1, Ordering::SeqCst);
            let fault = FAULTS[usize::try_from((n / every) % 5).expect("index")];
            let Some(answer) = injected(fault, protocol, hold) else { return };
            if writer.write_all(answer.as_bytes()).is_err() {
                return;
            }
            continue;
        }
        let Some(response) = forward(&request, upstream) else { return };
        if writer.write_all(&response).is_err() {
            return;
        }
    }
}

/// The wire protocol of a request, by its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    /// DynamoDB: AWS JSON 1.0.
    Json,
    /// SNS: the AWS Query protocol (form-encoded requests, XML answers).
    Query,
}

/// The answer of a fault, or `None` when the connection is to be dropped (after `hold` for a
/// timeout, at once for a reset).
fn injected(fault: Fault, protocol: Protocol, hold: Duration) -> Option<String> {
    let (status, json_type, query_code) = match fault {
        Fault::ProvisionedThroughputExceeded => (
            "400 Bad Request",
            "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
            "Throttling",
        ),
        Fault::Throttling => (
            "400 Bad Request",
            "com.amazon.coral.availability#ThrottlingException",
            "ThrottlingException",
        ),
        Fault::InternalServerError => (
            "500 Internal Server Error",
            "com.amazonaws.dynamodb.v20120810#InternalServerError",
            "InternalError",
        ),
        Fault::Timeout => {
            std::thread::sleep(hold);
            return None;
        }
        Fault::Reset => return None,
    };
    let (content_type, body) = match protocol {
        Protocol::Json => (
            "application/x-amz-json-1.0",
            format!(r#"{{"__type":"{json_type}","message":"injected by the test proxy"}}"#),
        ),
        Protocol::Query => (
            "text/xml",
            format!(
                r#"<ErrorResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>{}</Type><Code>{query_code}</Code><Message>injected by the test proxy</Message></Error><RequestId>injected</RequestId></ErrorResponse>"#,
                if status.starts_with('5') { "Receiver" } else { "Sender" }
            ),
        ),
    };
    Some(format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nx-amzn-RequestId: injected\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ))
}

fn forward(request: &[u8], upstream: SocketAddr) -> Option<Vec<u8>> {
    let mut stream = TcpStream::connect(upstream).ok()?;
    stream.write_all(request).ok()?;
    let mut reader = BufReader::new(stream);
    read_message(&mut reader, true)
}
