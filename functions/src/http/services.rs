//! The route groups as data: each [`Service`] is one group's routes and what the group needs
//! at cold start. A Lambda binary runs a router over its one service
//! ([`Router::from_env_serving`]), so it links its own handlers and commands only — not every
//! group's, nor the EDS verifier unless the group signs or logs in. The local all-in-one
//! server and the tests compose [`ALL`] ([`Router::new`], [`Router::from_env`]).
//!
//! Adding a route to a group: one line in its module's `route` match (and its line in
//! [`super::routes::ROUTES`], which the OpenAPI document and the template are checked
//! against); a new group: one `service!` line here and its binary.

use std::future::Future;
use std::pin::Pin;

use lambda_http::http::Method;

use super::environment::{authentication_from_env, verifier_from_env};
use super::{applications, auth, catalog, operator, staff};
use super::{Call, Group, Reply, Router};
use crate::error::Result;

/// The answer of a group's routes to one request.
pub(super) type RouteFuture<'a> = Pin<Box<dyn Future<Output = Result<Reply>> + Send + 'a>>;
/// A group's routes: the request and its whole path (its first segment names the group).
pub(super) type RouteFn =
    for<'a> fn(&'a Router, &'a Call, &'a Method, &'a [&'a str]) -> RouteFuture<'a>;
/// What a group loads at cold start besides the store and the session key.
pub(super) type PrepareFn = fn() -> Pin<Box<dyn Future<Output = Result<Extras>> + Send>>;

/// One group's routes.
#[derive(Debug)]
pub struct Service {
    pub group: Group,
    pub(super) route: RouteFn,
    pub(super) prepare: Option<PrepareFn>,
}

/// What groups load at cold start: the signature verifier (sign), the EDS login (auth).
#[derive(Debug, Default)]
pub(super) struct Extras {
    pub verifier: Option<std::sync::Arc<dyn crate::signature::SignatureVerifier>>,
    pub authentication: Option<super::Authentication>,
}

macro_rules! service {
    (@ $(#[$doc:meta])* $name:ident, $group:expr, $route:path, $prepare:expr, $skip:literal) => {
        $(#[$doc])*
        pub static $name: Service = Service {
            group: $group,
            route: {
                fn route<'a>(
                    router: &'a Router,
                    call: &'a Call,
                    method: &'a Method,
                    path: &'a [&'a str],
                ) -> RouteFuture<'a> {
                    Box::pin($route(router, call, method, &path[$skip..]))
                }
                route
            },
            prepare: $prepare,
        };
    };
    // The group's routes take the path below its first segment.
    ($(#[$doc:meta])* $name:ident, $group:expr, $route:path, $prepare:expr) => {
        service!(@ $(#[$doc])* $name, $group, $route, $prepare, 1);
    };
    // The group's routes take the whole path.
    ($(#[$doc:meta])* $name:ident, $group:expr, whole $route:path, $prepare:expr) => {
        service!(@ $(#[$doc])* $name, $group, $route, $prepare, 0);
    };
}

service!(
    /** `/regions` and `/referrals/{code}`: public. */
    CATALOG,
    Group::Catalog,
    whole catalog::public_route,
    None
);
service!(/** `POST /applications`. */ ENQUEUE, Group::Enqueue, applications::enqueue_route, None);
service!(
    /** `/applications` but enqueue, choose and sign. */
    APPLICATIONS,
    Group::Applications,
    applications::route,
    None
);
service!(/** `POST /applications/{id}/choose`. */ CHOOSE, Group::Choose, applications::choose_route, None);
service!(
    /** `POST /applications/{id}/sign`: with the signature verifier. */
    SIGN,
    Group::Sign,
    applications::sign_route,
    Some(|| Box::pin(async { Ok(Extras { verifier: Some(verifier_from_env().await?), authentication: None }) }))
);
service!(/** `/staff`. */ STAFF, Group::Staff, staff::route, None);
service!(/** `/operator`. */ OPERATOR, Group::Operator, operator::route, None);
service!(
    /** `/auth`: with the EDS login. */
    AUTH,
    Group::Auth,
    auth::route,
    Some(|| Box::pin(async { Ok(Extras { verifier: None, authentication: Some(authentication_from_env().await?) }) }))
);

/// Every group, in the order of [`super::ALL_GROUPS`].
pub static ALL: [&Service; 8] =
    [&CATALOG, &ENQUEUE, &APPLICATIONS, &CHOOSE, &SIGN, &STAFF, &OPERATOR, &AUTH];

/// The services of `groups` (links every group: for the local server and tests).
pub fn of(groups: &[Group]) -> Vec<&'static Service> {
    ALL.iter().copied().filter(|service| groups.contains(&service.group)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_has_its_service_in_order() {
        let groups: Vec<Group> = ALL.iter().map(|service| service.group).collect();
        assert_eq!(groups, super::super::ALL_GROUPS);
    }
}
