//! Lambda `catalog` (API Gateway HTTP API): the routes of [`kezek_functions::http::services::CATALOG`] (see `kezek_functions::http`).

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    kezek_functions::logging::init();
    // The router (clients, session key, what the services prepare) is built on the first
    // event and reused by every later one (`http::lambda`).
    kezek_functions::http::lambda::run(&kezek_functions::http::services::CATALOG).await
}
