//! A stand-in for the AWS Parameters and Secrets Lambda Extension on a loopback port, speaking
//! its published protocol
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-integration-lambda-extensions.html>):
//! `GET /systemsmanager/parameters/get?name=<percent-encoded>&withDecryption=true` with the
//! header `X-Aws-Parameters-Secrets-Token: <AWS_SESSION_TOKEN>`; the answer is GetParameter's
//! JSON output. Like the extension, it reads the parameter from SSM itself: here moto's, with
//! the SSM SDK (a dev-dependency only). A request without the function's token is refused
//! (401), a parameter SSM does not have is SSM's error text (400).

use std::io::Write;
use std::net::{TcpListener, TcpStream};

use aws_sdk_ssm::error::DisplayErrorContext;
use serde_json::json;

/// The running stand-in; its thread ends with the test process.
#[derive(Debug, Clone, Copy)]
pub struct Extension {
    pub port: u16,
}

impl Extension {
    /// Serves on a free loopback port, reading parameters from the SSM at `ssm_endpoint` and
    /// accepting only requests carrying `token`.
    pub fn start(ssm_endpoint: &str, token: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let ssm = kezek_functions::sdk_config::local(ssm_endpoint);
        let token = token.to_owned();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            let client = aws_sdk_ssm::Client::new(&ssm);
            for stream in listener.incoming().map_while(Result::ok) {
                runtime.block_on(answer(stream, &client, &token));
            }
        });
        Self { port }
    }
}

async fn answer(mut stream: TcpStream, ssm: &aws_sdk_ssm::Client, token: &str) {
    let Some(text) = crate::request_head::read_head(&mut stream) else { return };
    let mut lines = text.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let (method, target) = (first.next().unwrap_or_default(), first.next().unwrap_or_default());
    let given = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("x-aws-parameters-secrets-token"))
        .map(|(_, value)| value.trim().to_owned());
    let (status, body) = if given.as_deref() != Some(token) {
        ("401 Unauthorized", "missing or wrong X-Aws-Parameters-Secrets-Token".to_owned())
    } else if method != "GET" {
        ("405 Method Not Allowed", "GET only".to_owned())
    } else {
        match target.split_once('?') {
            Some(("/systemsmanager/parameters/get", query)) => read(ssm, query).await,
            _ => ("404 Not Found", "unknown path".to_owned()),
        }
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
}

async fn read(ssm: &aws_sdk_ssm::Client, query: &str) -> (&'static str, String) {
    let mut name = None;
    let mut decrypt = false;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("name", value)) => name = Some(percent_decoded(value)),
            Some(("withDecryption", value)) => decrypt = value == "true",
            _ => {}
        }
    }
    let Some(Some(name)) = name else {
        return ("400 Bad Request", "the name is missing or not percent-encoded UTF-8".to_owned());
    };
    match ssm.get_parameter().name(&name).with_decryption(decrypt).send().await {
        Ok(output) => {
            let parameter = output.parameter.expect("GetParameter answers a parameter");
            let body = json!({
                "Parameter": {
                    "ARN": parameter.arn,
                    "DataType": parameter.data_type,
                    "Name": parameter.name,
                    "Type": parameter.r#type.map(|t| t.as_str().to_owned()),
                    "Value": parameter.value,
                    "Version": parameter.version,
                },
                "ResultMetadata": {}
            });
            ("200 OK", body.to_string())
        }
        Err(error) => ("400 Bad Request", format!("{}", DisplayErrorContext(&error))),
    }
}

fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
