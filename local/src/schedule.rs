//! The local stand-in for the EventBridge schedules: sweep (with the logs' checkpoints and
//! daily replay), then notify, every
//! `--sweep-every` (default 30 s), at the local clock's `now`.

use std::sync::Arc;
use std::time::Duration;

use kezek_functions::commands::sweep::{sweep, SweepReport};
use kezek_functions::commands::transparency::{checkpoint_pools, daily_check, CheckpointReport};
use kezek_functions::notify::{run_notify, NotifyReport};
use serde::Serialize;

use crate::state::State;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    pub sweep: SweepReport,
    pub notify: NotifyReport,
    pub checkpoints: CheckpointReport,
    pub replay_findings: usize,
}

/// One sweep and one notify run, as the two schedules would do them.
pub async fn round(state: &State) -> kezek_functions::Result<Round> {
    let now = state.clock.now();
    let sweep = sweep(state.router.store(), now).await?;
    let store = state.router.store();
    let checkpoints = checkpoint_pools(store, &state.log_signer, now).await?;
    let replay_findings = daily_check(store, now).await?.len();
    let notify = run_notify(store, &state.sns, &state.notify, state.clock.now()).await?;
    Ok(Round { sweep, notify, checkpoints, replay_findings })
}

pub fn spawn(state: Arc<State>) {
    let every = state.options.sweep_every_seconds;
    if every == 0 {
        return;
    }
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(Duration::from_secs(every));
        loop {
            ticker.tick().await;
            match round(&state).await {
                Ok(round) => tracing::info!(?round, "scheduled sweep and notify"),
                Err(error) => {
                    tracing::warn!(%error, "scheduled sweep or notify failed; the next round retries")
                }
            }
        }
    });
}
