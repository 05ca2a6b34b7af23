//! Lambda `notify` (EventBridge schedule, every minute, and the table stream's inserts of
//! notices, so a publish is delivered at once; either event only starts a run): delivers due outbox notices through
//! SNS — SMS by phone, e-mail through the topic — with retries, backoff and a dead-letter
//! state (`kezek_functions::notify`). At-least-once; deduplicated by notice id.

use kezek_functions::http::Clock;
use kezek_functions::notify::{deliver::sns_client, run_notify, NotifyConfig, NotifyReport};
use kezek_functions::store::Store;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kezek_functions::logging::init();
    // Clients are built once per cold start; every run reuses them.
    let table = std::env::var("KEZEK_TABLE").map_err(|_| "KEZEK_TABLE is not set")?;
    let config = NotifyConfig::from_env()?;
    let store = Store::from_env(table).await;
    let sns = sns_client(config.endpoint_url.as_deref()).await;
    let (store, sns, config) = (&store, &sns, &config);
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| async move {
        let report: Result<NotifyReport, String> =
            run_notify(store, sns, config, Clock::System.now())
                .await
                .map_err(|error| error.to_string());
        if let Ok(report) = &report {
            tracing::info!(?report, "notify done");
        }
        report
    }))
    .await
}
