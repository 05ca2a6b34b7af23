//! Lambda `sweep` (EventBridge schedule, every few minutes): due deadlines and the turn
//! engine (`kezek_functions::commands::sweep`). Idempotent; safe to run twice at once.

use kezek_functions::commands::sweep::{sweep, SweepReport};
use kezek_functions::http::Clock;
use kezek_functions::store::Store;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    lambda_runtime::tracing::init_default_subscriber();
    let table = std::env::var("KEZEK_TABLE").map_err(|_| "KEZEK_TABLE is not set")?;
    let store = Store::from_env(table).await;
    let store = &store;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| async move {
        let report: Result<SweepReport, String> =
            sweep(store, Clock::System.now()).await.map_err(|error| error.to_string());
        if let Ok(report) = &report {
            tracing::info!(?report, "sweep done");
        }
        report
    }))
    .await
}
