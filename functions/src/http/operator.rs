//! `/operator`: a regional operator loads their region (with its policy), a new policy
//! history for it (§1.3; deadlines already set are never rewritten), kindergartens of
//! the region with their groups, and calendar years (the country's working days, in the
//! rules' format; validated by the rules). Loads are upserts; place counters are never reset.

use kezek_rules::application::Region;
use kezek_rules::calendar::CalendarYear;
use kezek_rules::policy::PolicyHistory;
use lambda_http::http::Method;
use serde::{Deserialize, Serialize};

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::commands::calendar::load_calendar_year;
use crate::error::{Error, Result};
use crate::session::SessionRole;
use crate::store::items::{Kindergarten, RegionItem};
use crate::store::keys;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RegionBody {
    region: Region,
    /// Absent: the region keeps its policy (the seed's for a new region).
    #[serde(default)]
    policy: Option<PolicyHistory>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Loaded {
    region_id: String,
    loaded: String,
}

/// A policy history as the rules accept it (non-empty, valid, distinct dates).
fn validated(policy: &PolicyHistory) -> Result<PolicyHistory> {
    // An operator's policy is input: every refusal of the rules is the caller's (400).
    PolicyHistory::new(policy.versions().to_vec()).map_err(Error::RuleInput)
}

fn own_region(claims_region: &str, region_id: &str) -> Result<()> {
    if claims_region == region_id {
        Ok(())
    } else {
        Err(Error::forbidden("operators load data of their own region only"))
    }
}

pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let claims = router.claims(call, SessionRole::Operator)?;
    let region_id = claims
        .region_id
        .as_deref()
        .ok_or_else(|| Error::forbidden("the session names no region"))?;
    let scope = format!("operator:{}", claims.sub);
    let store = &router.store;
    match (method, path) {
        (&Method::POST, ["regions"]) => load_region(router, call, &scope, region_id).await,
        (&Method::POST, ["regions", region, "policy"]) => {
            own_region(region_id, region)?;
            let policy: PolicyHistory = call.body()?;
            let policy = validated(&policy)?;
            let run = async {
                let item: RegionItem = store
                    .get(&keys::region(region))
                    .await?
                    .ok_or_else(|| Error::not_found("region"))?;
                store.load_region(item.region, policy.clone()).await?;
                Ok(Loaded { region_id: (*region).to_owned(), loaded: "policy".to_owned() })
            };
            Reply::ok(&router.once(&scope, call, "load_policy", &policy, run).await?)
        }
        (&Method::POST, ["kindergartens"]) => {
            let kindergarten: Kindergarten = call.body()?;
            own_region(region_id, &kindergarten.region_id)?;
            super::identifier("the kindergarten id", &kindergarten.id)?;
            for group in &kindergarten.groups {
                super::identifier("a group id", &group.group_id.0)?;
            }
            let run = async {
                store.load_kindergarten(kindergarten.clone()).await?;
                Ok(Loaded {
                    region_id: kindergarten.region_id.clone(),
                    loaded: format!("kindergarten {}", kindergarten.id),
                })
            };
            Reply::ok(&router.once(&scope, call, "load_kindergarten", &kindergarten, run).await?)
        }
        (&Method::POST, ["calendar"]) => {
            // One year of the country's calendar: any operator may load it.
            let data: CalendarYear = call.body()?;
            let run = load_calendar_year(store, &data, &claims.sub, call.now);
            Reply::ok(&router.once(&scope, call, "load_calendar", &data, run).await?)
        }
        (_, ["regions"] | ["regions", _, "policy"] | ["kindergartens"] | ["calendar"]) => {
            Err(method_not_allowed())
        }
        _ => Err(no_route()),
    }
}

/// `POST /operator/regions`: a region of the operator's own, with its policy history (kept if
/// the body has none, the seed's defaults for a new region).
async fn load_region(router: &Router, call: &Call, scope: &str, region_id: &str) -> Result<Reply> {
    let store = &router.store;
    let body: RegionBody = call.body()?;
    own_region(region_id, &body.region.id)?;
    // The region's clock is the operator's input too: a refusal is theirs (400).
    body.region.clock.validate().map_err(Error::RuleInput)?;
    let run = async {
        let policy = match body.policy.clone() {
            Some(policy) => validated(&policy)?,
            None => match store.get::<RegionItem>(&keys::region(&body.region.id)).await? {
                Some(item) => item.policy,
                None => PolicyHistory::seed_defaults(),
            },
        };
        store.load_region(body.region.clone(), policy).await?;
        Ok(Loaded { region_id: body.region.id.clone(), loaded: "region".to_owned() })
    };
    Reply::ok(&router.once(scope, call, "load_region", &body, run).await?)
}
