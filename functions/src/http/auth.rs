//! `/auth`: the EDS login (seed steps 3–5, DESIGN §3) and the profile (R2).
//!
//! - `POST /auth/challenge` → a one-time challenge: the exact bytes to sign with the
//!   authentication key, valid for five minutes.
//! - `POST /auth/login` with the signed challenge → a session token. A person without a
//!   profile gets a token marked `emailRequired`, which only `/auth/profile` accepts.
//! - `GET /auth/profile`, `POST /auth/profile` (e-mail required, phone for SMS, language) →
//!   the profile and a fresh token without the mark.
//!
//! These POSTs carry an `Idempotency-Key` like every other, but nothing is replayed: a
//! challenge is single-use by itself, and a login answer holds a token that must never be
//! handed out twice.

use chrono::Duration;
use kezek_rules::time::Instant;
use lambda_http::http::Method;
use serde::Serialize;

use super::{method_not_allowed, no_route, Call, Reply, Router};
use crate::commands::login::{self, Directory, Identity, LoginInput};
use crate::commands::profile::{self, ProfileInput, ProfileItem};
use crate::eds::EdsVerifier;
use crate::error::{Error, Result};
use crate::session::{self, Claims};

/// How long a session lasts.
pub const SESSION_TTL_MINUTES: i64 = 30;

/// What the login needs: the verifier of authentication keys and the known organisations.
#[derive(Debug, Clone)]
pub struct Authentication {
    pub verifier: EdsVerifier,
    pub directory: Directory,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    token: String,
    expires_at: Instant,
    identity: Identity,
    name: String,
    email_required: bool,
}

/// A person's profile as the API shows it (the stored item without its keys).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ProfileView {
    iin: String,
    email: String,
    phone: Option<String>,
    language: String,
    updated_at: Instant,
}

impl From<ProfileItem> for ProfileView {
    fn from(item: ProfileItem) -> Self {
        Self {
            iin: item.iin,
            email: item.email,
            phone: item.phone,
            language: item.language,
            updated_at: item.updated_at,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Profile {
    profile: ProfileView,
    /// A token without the `emailRequired` mark, valid as long as the one presented.
    token: String,
}

fn claims_of(identity: &Identity, expires_at: Instant, email_required: bool) -> Claims {
    let mut claims = match identity {
        Identity::Applicant { iin } => Claims::applicant(iin, expires_at),
        Identity::Staff { iin, kindergarten_id, .. } => {
            Claims::staff(iin, kindergarten_id, expires_at)
        }
        Identity::Operator { iin, region_id, .. } => Claims::operator(iin, region_id, expires_at),
    };
    claims.email_required = email_required;
    claims
}

pub(super) async fn route(
    router: &Router,
    call: &Call,
    method: &Method,
    path: &[&str],
) -> Result<Reply> {
    let store = &router.store;
    let now = call.now;
    match (method, path) {
        (&Method::POST, ["challenge"]) => Reply::json(201, &login::challenge(store, now).await?),
        (&Method::POST, ["login"]) => {
            let authentication = router
                .authentication
                .as_deref()
                .ok_or_else(|| Error::internal("the EDS login is not configured"))?;
            let input: LoginInput = call.body()?;
            let output = login::login(
                store,
                &authentication.verifier,
                &authentication.directory,
                &input,
                now,
            )
            .await?;
            let expires_at = now + Duration::minutes(SESSION_TTL_MINUTES);
            let claims = claims_of(&output.identity, expires_at, output.email_required);
            let token = session::issue(&claims, &router.session_key);
            Reply::ok(&Session {
                token,
                expires_at,
                identity: output.identity,
                name: output.name,
                email_required: output.email_required,
            })
        }
        (&Method::GET, ["profile"]) => {
            let claims = router.session(call)?;
            let profile = profile::profile(store, &claims.sub)
                .await?
                .ok_or_else(|| Error::not_found("profile"))?;
            Reply::ok(&ProfileView::from(profile))
        }
        (&Method::POST, ["profile"]) => {
            let mut claims = router.session(call)?;
            let input: ProfileInput = call.body()?;
            let profile = profile::set_profile(store, &claims.sub, &input, now).await?;
            claims.email_required = false;
            Reply::ok(&Profile {
                profile: profile.into(),
                token: session::issue(&claims, &router.session_key),
            })
        }
        (_, ["challenge" | "login" | "profile"]) => Err(method_not_allowed()),
        _ => Err(no_route()),
    }
}
