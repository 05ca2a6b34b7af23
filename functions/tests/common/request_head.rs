//! The head of one HTTP/1.1 request, read by the tests' small local servers (`serve.rs`, the
//! parameters extension's stand-in): up to the blank line, or `None` when the client went away.

use std::io::Read;
use std::net::TcpStream;

pub fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut request = Vec::new();
    let mut buffer = [0u8; 1024];
    while !request.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    Some(String::from_utf8_lossy(&request).into_owned())
}
