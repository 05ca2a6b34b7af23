//! What every part of the local process shares: the router, the SNS client, the notify
//! configuration, the movable clock and the options. Its own module so that the server, the
//! local routes and the schedule depend on it and not on each other.

use std::sync::atomic::AtomicI64;
use std::sync::Arc;

use kezek_functions::http::{Clock, Router};
use kezek_functions::notify::NotifyConfig;

use crate::options::Options;

#[derive(Debug)]
pub struct State {
    pub router: Router,
    pub sns: aws_sdk_sns::Client,
    pub notify: NotifyConfig,
    pub clock: Clock,
    pub offset_seconds: Arc<AtomicI64>,
    pub options: Options,
    /// The transparency logs' signing key (`KEZEK_LOG_KEY`, made by `scripts/serve.sh`).
    pub log_signer: kezek_functions::transparency::LogSigner,
}
