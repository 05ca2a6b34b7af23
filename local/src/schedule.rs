//! The local stand-in for the EventBridge schedules: sweep, then notify, every
//! `--sweep-every` (default 30 s), at the local clock's `now`.

use std::sync::Arc;
use std::time::Duration;

use kezek_functions::commands::sweep::{sweep, SweepReport};
use kezek_functions::notify::{run_notify, NotifyReport};
use serde::Serialize;

use crate::state::State;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Round {
    pub sweep: SweepReport,
    pub notify: NotifyReport,
}

/// One sweep and one notify run, as the two schedules would do them.
pub async fn round(state: &State) -> kezek_functions::Result<Round> {
    let now = state.clock.now();
    let sweep = sweep(state.router.store(), now).await?;
    let notify =
        run_notify(state.router.store(), &state.sns, &state.notify, state.clock.now()).await?;
    Ok(Round { sweep, notify })
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
