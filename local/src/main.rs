//! `kezek-local`: the service on 127.0.0.1 in one process, for people trying it and for the
//! end-to-end tests. The HTTP API is the very router the Lambda binaries run
//! (`kezek_functions::http::Router`, every group); around it: the eligibility preview page,
//! `/openapi.json`, a sweep + notify loop, and local-only `/local/*` routes (a movable clock,
//! a token for a role, a sweep now). `scripts/serve.sh` starts DynamoDB Local and moto and
//! then this binary; the README explains both.

mod local_routes;
mod options;
mod schedule;
mod server;
mod setup;
mod state;
mod static_files;

use std::sync::atomic::AtomicI64;
use std::sync::Arc;

use kezek_functions::http::{Clock, Router, ALL_GROUPS};
use kezek_functions::notify::deliver::sns_client;

use crate::options::Options;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    kezek_functions::logging::init();
    // `kezek-local --generate-log-key NAME`: prints a new transparency log signing key.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, name] = args.as_slice() {
        if flag == "--generate-log-key" {
            let key = kezek_functions::transparency::LogSigner::generate(name)
                .map_err(|error| error.code())?;
            println!("{key}");
            return Ok(());
        }
    }
    let options = Options::from_args(std::env::args().skip(1))?;
    let offset_seconds = Arc::new(AtomicI64::new(options.clock_offset_seconds));
    let clock = Clock::Shifted { offset_seconds: offset_seconds.clone() };
    // The same environment the Lambdas read (KEZEK_TABLE, KEZEK_SESSION_KEY, KEZEK_TRUST_ANCHORS,
    // KEZEK_ORGANISATIONS, KEZEK_DYNAMODB_ENDPOINT), set by scripts/serve.sh.
    let router = Router::from_env(&ALL_GROUPS).await?.with_clock(clock.clone());
    let sns = sns_client(Some(&options.sns_endpoint)).await;
    let notify = setup::prepare(router.store(), &sns, &options).await?;
    let log_key =
        kezek_functions::config::required_setting(kezek_functions::config::LOG_KEY).await?;
    let log_signer = kezek_functions::transparency::LogSigner::from_key_text(&log_key)
        .map_err(|error| format!("KEZEK_LOG_KEY: {}", error.code()))?;
    let state =
        Arc::new(state::State { router, sns, notify, clock, offset_seconds, options, log_signer });
    schedule::spawn(state.clone());
    server::serve(state).await
}
