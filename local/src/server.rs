//! The HTTP/1.1 server: each request goes to the local routes, `/openapi.json`, the API
//! router (converted to the `lambda_http::Request` the Lambdas receive) or the page.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use kezek_functions::http::{group_of, Router};
use kezek_functions::Error;
use tokio::net::TcpListener;

use crate::state::State;
use crate::{local_routes, static_files};

/// Largest request body read (the API's own limits are smaller).
const BODY_BYTES_MAX: usize = 1 << 20;

type Failure = Box<dyn std::error::Error + Send + Sync>;

pub async fn serve(state: Arc<State>) -> Result<(), Failure> {
    let address = SocketAddr::from(([127, 0, 0, 1], state.options.port));
    let listener = TcpListener::bind(address).await?;
    // scripts/serve.sh and the end-to-end tests wait for this exact line.
    println!("kezek: listening on http://{address}");
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => accepted?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(answer(&state, request).await) }
            });
            if let Err(error) =
                http1::Builder::new().serve_connection(TokioIo::new(stream), service).await
            {
                tracing::debug!(%error, "connection ended");
            }
        });
    }
}

fn json_response(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    response
        .headers_mut()
        .insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

fn error_response(error: &Error) -> Response<Full<Bytes>> {
    json_response(error.status(), serde_json::to_string(error).unwrap_or_default())
}

async fn answer(state: &State, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, BODY_BYTES_MAX).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return error_response(&Error::invalid(format!(
                "the request body exceeds {BODY_BYTES_MAX} bytes"
            )))
        }
    };
    let path = parts.uri.path().to_owned();
    if let Some(result) = local_routes::handle(state, parts.method.as_str(), &path, &body).await {
        return match result {
            Ok((status, value)) => json_response(status, value.to_string()),
            Err(error) => error_response(&error),
        };
    }
    if path == "/openapi.json" {
        return openapi();
    }
    if group_of(&parts.method, &path).is_some() {
        return api(&state.router, parts, body).await;
    }
    if parts.method == hyper::Method::GET {
        if let Some(file) = static_files::resolve(&state.options.web_dir, &path) {
            if let Ok(bytes) = tokio::fs::read(&file).await {
                let mut response = Response::new(Full::new(Bytes::from(bytes)));
                response.headers_mut().insert(
                    "content-type",
                    hyper::header::HeaderValue::from_static(static_files::content_type(&file)),
                );
                return response;
            }
        }
    }
    error_response(&Error::RouteNotFound)
}

/// The API through the Lambdas' router, with the request they would receive.
async fn api(
    router: &Router,
    parts: hyper::http::request::Parts,
    body: Bytes,
) -> Response<Full<Bytes>> {
    let body = if body.is_empty() {
        lambda_http::Body::Empty
    } else {
        match String::from_utf8(body.to_vec()) {
            Ok(text) => lambda_http::Body::Text(text),
            Err(bytes) => lambda_http::Body::Binary(bytes.into_bytes()),
        }
    };
    let response = router.handle(lambda_http::Request::from_parts(parts, body)).await;
    let (parts, body) = response.into_parts();
    let bytes = match body {
        lambda_http::Body::Empty => Bytes::new(),
        lambda_http::Body::Text(text) => Bytes::from(text),
        lambda_http::Body::Binary(bytes) => Bytes::from(bytes),
        _ => Bytes::new(),
    };
    Response::from_parts(parts, Full::new(bytes))
}

/// The OpenAPI 3.1 document of the API (`functions/openapi.json`, kept in sync with the
/// routes and the handlers' answers by `functions/tests/openapi.rs`).
fn openapi() -> Response<Full<Bytes>> {
    json_response(200, kezek_functions::http::openapi::DOCUMENT.to_owned())
}
