//! The Lambda loop of an HTTP binary: its router is built on the **first event**, then kept
//! for the life of the execution environment.
//!
//! The settings come through the Parameters and Secrets Lambda Extension
//! ([`crate::parameters_extension`]), which answers during invocations only (AWS: "not during
//! the INIT phase"), so the router, which needs the session key, is built inside the first
//! invocation. A router that cannot be built fails that invocation (logged, the Lambda
//! service answers 502 as for a failed cold start) and the next event tries again.

use std::future::Future;
use std::pin::Pin;

use lambda_http::{service_fn, Body, IntoResponse, Response};
use tokio::sync::OnceCell;

use super::services::Service;
use super::Router;

/// Serves `service` (a binary's group of routes) to the Lambda Runtime API until the
/// environment stops.
pub async fn run(service: &'static Service) -> Result<(), lambda_http::Error> {
    let router: OnceCell<Router> = OnceCell::new();
    let router = &router;
    lambda_http::run(service_fn(move |request| async move {
        let router = router
            .get_or_try_init(|| async move { Router::from_env_serving(&[service]).await })
            .await;
        match router {
            Ok(router) => Ok(Ready(router.handle(request).await)),
            Err(error) => {
                tracing::error!(
                    code = error.code(),
                    detail = error.detail(),
                    "the router cannot start"
                );
                Err(lambda_http::Error::from(error))
            }
        }
    }))
    .await
}

/// A response in its final form: the router already chose text (JSON, `text/plain`) or binary
/// (PDF, tiles) bodies. lambda_http's own `IntoResponse for Response<B>` would collect the body
/// again and re-decode text by the content type's charset through encoding_rs, whose decoders
/// of every legacy encoding (about 100 KB of CJK tables) then sat in every zip.
#[derive(Debug)]
pub struct Ready(pub Response<Body>);

impl IntoResponse for Ready {
    fn into_response(self) -> Pin<Box<dyn Future<Output = Response<Body>> + Send>> {
        Box::pin(std::future::ready(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Reply;

    fn parts(response: &Response<Body>) -> (u16, Option<String>, Body) {
        let content_type = response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().expect("ascii").to_owned());
        (response.status().as_u16(), content_type, response.body().clone())
    }

    /// Each kind of answer reaches API Gateway exactly as lambda_http's converting path
    /// would send it: same status, content type, and text or binary body.
    #[tokio::test]
    async fn a_ready_response_is_what_lambda_http_would_have_made_of_it() {
        let replies = [
            || Reply::ok(&serde_json::json!({"name": "Қарлығаш", "n": 1})).expect("json"),
            || Reply::error(&crate::error::Error::MethodNotAllowed),
            || Reply::text("kezek.kz/log\n42\nқазақша\n".to_owned()),
            || Reply::pdf(b"%PDF-1.7 \xff\x00".to_vec()),
            || Reply::bytes(vec![0, 159, 146, 150]),
        ];
        for reply in replies {
            let ours = Ready(reply().into_response()).into_response().await;
            let theirs = IntoResponse::into_response(reply().into_response()).await;
            assert_eq!(parts(&ours), parts(&theirs));
        }
    }
}
