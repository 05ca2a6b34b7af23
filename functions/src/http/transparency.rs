//! `/transparency`: the pools' public logs (issue 13), unauthenticated, in the C2SP formats:
//! the verifier key (`GET /transparency/key`, signed-note `vkey`), each pool's latest signed
//! checkpoint and the ones before it, its tiles and entry bundles (tlog-tiles), and
//! consistency proofs between two of its tree sizes; what an auditor needs besides the log
//! (the region's public configuration) and the public daily lists. Served by the catalog group.

use chrono::Datelike;
use kezek_rules::application::Priority;
use kezek_rules::places::PoolKey;
use kezek_rules::transparency::TileId;
use lambda_http::http::Method;
use serde::Serialize;

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::commands::transparency;
use crate::error::{Error, Result};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Consistency {
    from: u64,
    to: u64,
    /// The proof's hashes, base64 (RFC 9162 §2.1.4).
    proof: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Daily {
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    /// The local dates in `from..=to` that had entries, in order.
    days: Vec<kezek_rules::transparency::daily::DailyList>,
}

/// Whether `path` is a tile's: its last segments are a C2SP path (`x001`, `005.p`), which the
/// route checks with [`TileId::parse`] instead of the identifier rule of every other path.
pub(super) fn is_tile_path(path: &[&str]) -> bool {
    path.first() == Some(&"transparency") && path.get(3) == Some(&"tile")
}

fn pool_of(region: &str, year: &str) -> Result<PoolKey> {
    super::input::identifier("the region id", region)?;
    let group_year = year
        .parse::<i32>()
        .ok()
        .filter(|year| (1900..=2200).contains(year))
        .ok_or_else(|| Error::invalid("the group year is a year"))?;
    Ok(PoolKey { region_id: region.to_owned(), group_year })
}

fn date(text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::invalid("a date is YYYY-MM-DD"))
}

/// A priority class by its JSON name (serde's spelling, as everywhere else).
fn priority_of(text: &str) -> Result<Priority> {
    use serde::de::{value::Error as ValueError, Deserialize, IntoDeserializer};
    Priority::deserialize(IntoDeserializer::<ValueError>::into_deserializer(text)).map_err(|_| {
        Error::invalid_field("priority", "the priority is out_of_turn, first_priority or general")
    })
}

fn size(text: &str) -> Result<u64> {
    text.parse().map_err(|_| Error::invalid("a tree size is a whole number"))
}

/// The routes below `/transparency`.
pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    if method != Method::GET {
        return Err(method_not_allowed());
    }
    let store = &router.store;
    match path {
        ["key"] => {
            let vkey = store.log_vkey().await?.ok_or_else(|| Error::not_found("log key"))?;
            Ok(Reply::text(format!("{vkey}\n")))
        }
        [region, year, "checkpoint"] => {
            let pool = pool_of(region, year)?;
            let latest = store.latest_checkpoint(&pool).await?;
            Ok(Reply::text(latest.ok_or_else(|| Error::not_found("checkpoint"))?.note))
        }
        [region, year, "checkpoints", tree_size] => {
            let pool = pool_of(region, year)?;
            let stored = store.checkpoint_at(&pool, size(tree_size)?).await?;
            Ok(Reply::text(stored.ok_or_else(|| Error::not_found("checkpoint"))?.note))
        }
        [region, year, "consistency", from, to] => {
            let pool = pool_of(region, year)?;
            let (from, to) = (size(from)?, size(to)?);
            let proof = transparency::consistency(store, &pool, from, to).await?;
            Reply::ok(&Consistency { from, to, proof })
        }
        [region, year, "context"] => {
            let pool = pool_of(region, year)?;
            Reply::ok(&transparency::audit_context(store, &pool.region_id, call.now).await?)
        }
        [region, year, "daily", from, to] => {
            let pool = pool_of(region, year)?;
            let (from, to) = (date(from)?, date(to)?);
            let days = transparency::daily(store, &pool, from, to, call.now).await?;
            Reply::ok(&Daily { from, to, days })
        }
        [region, year, "forecast", priority, birth_date] => {
            let pool = pool_of(region, year)?;
            let priority = priority_of(priority)?;
            let birth_date = date(birth_date)?;
            if birth_date.year() != pool.group_year {
                return Err(Error::invalid_field(
                    "birthDate",
                    "the birth date is in the pool's year",
                ));
            }
            let forecast =
                transparency::newcomer_forecast(store, &pool, priority, birth_date, call.now)
                    .await?;
            Reply::ok(&forecast)
        }
        [region, year, "tile", rest @ ..] if !rest.is_empty() => {
            let pool = pool_of(region, year)?;
            let tile_path = format!("tile/{}", rest.join("/"));
            TileId::parse(&tile_path)
                .map_err(|error| Error::invalid_field("tile", error.code().to_owned()))?;
            let bytes = store.log_tile(&pool, &tile_path).await?;
            Ok(Reply::bytes(bytes.ok_or_else(|| Error::not_found("tile"))?))
        }
        _ => Err(no_route()),
    }
}
