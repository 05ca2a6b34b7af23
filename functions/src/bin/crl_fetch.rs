//! Lambda `crl_fetch` (EventBridge schedule): downloads the CRL distribution points
//! (`KEZEK_CRL_URLS` and those the trust anchors name) and stores in the EDS bucket each CRL
//! that is signed by its CA, current and newer than the stored one
//! (`kezek_functions::crl_fetch`). A bad or older CRL never replaces a good one.

use kezek_functions::crl_fetch::handler::run;
use kezek_functions::crl_fetch::EdsBucket;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    kezek_functions::logging::init();
    let bucket = EdsBucket::from_env().ok_or("KEZEK_EDS_BUCKET is not set")?;
    let bucket = &bucket;
    lambda_runtime::run(service_fn(move |_event: LambdaEvent<serde_json::Value>| async move {
        run(bucket).await.map_err(|error| error.to_string())
    }))
    .await
}
