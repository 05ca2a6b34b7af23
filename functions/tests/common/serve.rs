//! A small HTTP/1.1 server on a loopback port for the tests (a CRL distribution point):
//! GET of a path answers the bytes put there, or 404.

use std::collections::HashMap;
use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

type Files = Arc<Mutex<HashMap<String, Vec<u8>>>>;

/// The running server; its thread ends with the test process.
#[derive(Debug, Clone)]
pub struct Server {
    port: u16,
    files: Files,
}

impl Server {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let files: Files = Arc::default();
        let served = files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                answer(stream, &served);
            }
        });
        Self { port, files }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// From now on `path` answers `bytes`.
    pub fn put(&self, path: &str, bytes: Vec<u8>) {
        self.files.lock().expect("files").insert(path.to_owned(), bytes);
    }
}

fn answer(mut stream: std::net::TcpStream, files: &Files) {
    let Some(text) = crate::request_head::read_head(&mut stream) else { return };
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let body = files.lock().expect("files").get(&path).cloned();
    let (status, body) = match body {
        Some(body) => ("200 OK", body),
        None => ("404 Not Found", b"not found".to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/pkix-crl\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
