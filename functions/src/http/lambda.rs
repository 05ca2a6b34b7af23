//! The Lambda loop of an HTTP binary: its router is built on the **first event**, then kept
//! for the life of the execution environment.
//!
//! The settings come through the Parameters and Secrets Lambda Extension
//! ([`crate::parameters_extension`]), which answers during invocations only (AWS: "not during
//! the INIT phase"), so the router, which needs the session key, is built inside the first
//! invocation. A router that cannot be built fails that invocation (logged, the Lambda
//! service answers 502 as for a failed cold start) and the next event tries again.

use lambda_http::service_fn;
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
            Ok(router) => router.serve(request).await.map_err(lambda_http::Error::from),
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
