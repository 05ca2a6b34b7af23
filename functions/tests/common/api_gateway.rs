//! The request the Lambdas receive: an API Gateway HTTP API (payload 2.0) event, built the
//! way API Gateway sends it, for the test binaries that drive the router.

use serde_json::{json, Value};

/// An API Gateway HTTP API (payload 2.0) event, as `lambda_http` receives it.
pub fn event(
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Option<&str>,
) -> lambda_http::Request {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), Value::String(value.clone())))
        .collect();
    let event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "kezek",
            "domainName": "kezek.execute-api.eu-central-1.amazonaws.com",
            "domainPrefix": "kezek",
            "http": { "method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "kezek-test" },
            "requestId": "test",
            "routeKey": "$default",
            "stage": "$default",
            "time": "02/Mar/2026:05:00:00 +0000",
            "timeEpoch": 1_772_427_600_000u64
        },
        "body": body,
        "isBase64Encoded": false
    });
    lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event")
}
