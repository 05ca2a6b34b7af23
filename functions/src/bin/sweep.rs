//! Lambda `sweep` (EventBridge schedule, every 5 minutes): due deadlines and the turn engine
//! (`kezek_functions::commands::sweep`), then the transparency logs' checkpoints and, once a
//! day per pool, the replay of its log (`commands::transparency`), whose findings it
//! publishes as the metric `kezek/ReplayFindings` (CloudWatch embedded metric format) that
//! the template's alarm watches. Idempotent; safe to run twice at once.

use kezek_functions::commands::sweep::{sweep, SweepReport};
use kezek_functions::commands::transparency::{checkpoint_pools, daily_check, CheckpointReport};
use kezek_functions::config::required_setting;
use kezek_functions::http::Clock;
use kezek_functions::store::Store;
use kezek_functions::transparency::LogSigner;
use lambda_runtime::{service_fn, LambdaEvent};
use tokio::sync::OnceCell;

#[derive(Debug, serde::Serialize)]
struct Report {
    sweep: SweepReport,
    checkpoints: CheckpointReport,
    replay_findings: usize,
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kezek_functions::logging::init();
    let table = std::env::var("KEZEK_TABLE").map_err(|_| "KEZEK_TABLE is not set")?;
    let store = Store::from_env(table).await;
    // The signing key comes through the Parameters and Secrets extension, which answers
    // during invocations only: read on the first run, kept for the later ones.
    let signer: OnceCell<LogSigner> = OnceCell::new();
    let (store, signer) = (&store, &signer);
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| async move {
        let now = Clock::System.now();
        let run = async {
            let signer = signer
                .get_or_try_init(|| async {
                    let key = required_setting(kezek_functions::config::LOG_KEY).await?;
                    LogSigner::from_key_text(&key).map_err(|error| {
                        kezek_functions::error::Error::internal(format!(
                            "LOG_KEY: {}",
                            error.code()
                        ))
                    })
                })
                .await?;
            let sweep = sweep(store, now).await?;
            let checkpoints = checkpoint_pools(store, signer, now).await?;
            let findings = daily_check(store, now).await?;
            Ok::<_, kezek_functions::error::Error>(Report {
                sweep,
                checkpoints,
                replay_findings: findings.len(),
            })
        };
        let report = run.await.map_err(|error| error.to_string())?;
        println!(
            "{}",
            serde_json::json!({
                "_aws": { "Timestamp": now.timestamp_millis(), "CloudWatchMetrics": [{
                    "Namespace": "kezek", "Dimensions": [[]],
                    "Metrics": [{ "Name": "ReplayFindings", "Unit": "Count" }] }] },
                "ReplayFindings": report.replay_findings,
            })
        );
        tracing::info!(?report, "sweep done");
        Ok::<_, String>(report)
    }))
    .await
}
