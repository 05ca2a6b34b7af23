//! Lambda `choose` (API Gateway HTTP API): the routes of [`services::CHOOSE`] (see `kezek_functions::http`).

use kezek_functions::http::{services, Router};
use lambda_http::service_fn;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    kezek_functions::logging::init();
    // Clients are built once per cold start; every request reuses them.
    let router = Router::from_env_serving(&[&services::CHOOSE]).await?;
    let router = &router;
    lambda_http::run(service_fn(move |request| router.serve(request))).await
}
