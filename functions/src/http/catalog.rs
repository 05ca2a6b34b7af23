//! `/regions`: the region list (R1), a region's kindergartens, and the free places of a pool
//! for choosing (R7: group, language, kindergarten name, address and location). Public.

use kezek_rules::application::Region;
use kezek_rules::places::{GroupId, PlaceCounters, PoolKey};
use lambda_http::http::Method;
use serde::Serialize;

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::error::{Error, Result};
use crate::store::items::{Kindergarten, Location};

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Regions {
    regions: Vec<Region>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Kindergartens {
    kindergartens: Vec<Kindergarten>,
}

/// One group with a free place, as the choice list shows it (R7).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FreeGroup {
    group_id: GroupId,
    name: String,
    group_year: i32,
    language: String,
    free: u32,
    kindergarten_id: String,
    kindergarten_name_kk: String,
    kindergarten_name_ru: String,
    address: String,
    location: Location,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FreePlaces {
    pool: PoolKey,
    counters: PlaceCounters,
    groups: Vec<FreeGroup>,
}

/// The catalog group's public reads by their first segment: `/regions/...`, the referral's
/// verification `/referrals/{code}` and the pools' logs `/transparency/...`.
pub(super) async fn public_route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    match path {
        ["referrals", rest @ ..] => {
            super::applications::verification(router, call, method, rest).await
        }
        ["transparency", rest @ ..] => super::transparency::route(router, call, method, rest).await,
        [_, rest @ ..] => route(router, call, method, rest).await,
        [] => Err(no_route()),
    }
}

pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let _ = call;
    if method != Method::GET {
        return Err(method_not_allowed());
    }
    let store = &router.store;
    match path {
        [] => Reply::ok(&Regions {
            regions: store.regions().await?.into_iter().map(|item| item.region).collect(),
        }),
        [region, "kindergartens"] => Reply::ok(&Kindergartens {
            kindergartens: store
                .kindergartens(region)
                .await?
                .into_iter()
                .map(|item| item.kindergarten)
                .collect(),
        }),
        [region, "pools", year, "places"] => {
            let group_year: i32 =
                year.parse().map_err(|_| Error::invalid("the group year is a number"))?;
            let view =
                store.load_pool(&PoolKey { region_id: (*region).to_owned(), group_year }).await?;
            if view.item.is_none() {
                return Err(Error::not_found("pool"));
            }
            let mut groups: Vec<FreeGroup> = view
                .groups
                .into_iter()
                .filter(|item| item.free > 0)
                .map(|item| FreeGroup {
                    group_id: item.group.group_id,
                    name: item.group.name,
                    group_year: item.group.group_year,
                    language: item.group.language,
                    free: item.free,
                    kindergarten_id: item.kindergarten_id,
                    kindergarten_name_kk: item.kindergarten_name_kk,
                    kindergarten_name_ru: item.kindergarten_name_ru,
                    address: item.address,
                    location: item.location,
                })
                .collect();
            groups.sort_by(|a, b| {
                a.kindergarten_id
                    .cmp(&b.kindergarten_id)
                    .then_with(|| a.group_id.0.cmp(&b.group_id.0))
            });
            Reply::ok(&FreePlaces { pool: view.pool.key, counters: view.pool.counters, groups })
        }
        _ => Err(no_route()),
    }
}
