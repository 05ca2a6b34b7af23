//! `kezek-audit <region> <year> [--url URL] [--vkey VKEY]`: the auditor's replay of a pool's
//! transparency log through the service's public routes only (`kezek_functions::audit`):
//! the checkpoint's signature, the tree from the entry bundles and from the hash tiles, then
//! every entry through the rules. Prints the report as JSON; exits 0 when the log replays
//! clean, 1 when an entry does not follow from the state before it, 2 when the log cannot be
//! verified at all (bad signature, a tree that does not match, a route that does not answer).
//! `npm run audit -- <region> <year>` runs it against the local service (`KEZEK_URL`, default
//! `http://127.0.0.1:8080`). Plain HTTP, as the local service speaks.

use std::process::ExitCode;
use std::time::Duration;

use kezek_functions::audit::{audit, Fetch};
use kezek_functions::crl_fetch::download;
use kezek_functions::rules::places::PoolKey;

/// Longest one GET may take.
const GET_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest answer read (a tile or bundle is at most a few tens of KiB).
const GET_BYTES_MAX: usize = 4 << 20;
const USAGE: &str = "usage: kezek-audit <region> <year> [--url URL] [--vkey VKEY]";

struct Http {
    base: String,
}

impl Fetch for Http {
    async fn get(&self, path: &str) -> Result<Vec<u8>, String> {
        let url = format!("{}{path}", self.base.trim_end_matches('/'));
        tokio::task::spawn_blocking(move || download::get(&url, GET_TIMEOUT, GET_BYTES_MAX))
            .await
            .map_err(|error| error.to_string())?
    }
}

fn arguments() -> Result<(PoolKey, String, Option<String>), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut url = std::env::var("KEZEK_URL").unwrap_or_else(|_| "http://127.0.0.1:8080".into());
    let mut vkey = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = args.next().ok_or(USAGE)?,
            "--vkey" => vkey = Some(args.next().ok_or(USAGE)?),
            _ => positional.push(arg),
        }
    }
    let [region_id, year] = <[String; 2]>::try_from(positional).map_err(|_| USAGE)?;
    let group_year = year.parse().map_err(|_| format!("{year}: not a year\n{USAGE}"))?;
    Ok((PoolKey { region_id, group_year }, url, vkey))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let (pool, base, vkey) = match arguments() {
        Ok(parsed) => parsed,
        Err(usage) => {
            eprintln!("{usage}");
            return ExitCode::from(2);
        }
    };
    match audit(&Http { base }, &pool, vkey.as_deref()).await {
        Ok(report) => {
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            if report.findings.is_empty() {
                eprintln!("kezek-audit: {} entries replay clean", report.tree_size);
                ExitCode::SUCCESS
            } else {
                eprintln!("kezek-audit: {} findings", report.findings.len());
                ExitCode::from(1)
            }
        }
        Err(error) => {
            eprintln!("kezek-audit: {error}");
            ExitCode::from(2)
        }
    }
}
