//! Session tokens (DESIGN §3, issue 3 item 4): who the caller is, for how long, signed with
//! HMAC-SHA256 (ring) under a key from configuration.
//!
//! Format: `base64url(claims JSON) "." base64url(HMAC-SHA256(key, first part))`, no padding.
//! The MAC is checked (in constant time, `ring::hmac::verify`) before the claims are read.
//! Refusals: `token_missing`, `token_invalid`, `token_expired`, all 401.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use kezek_rules::time::Instant;
use ring::hmac;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Shortest key accepted (bytes): HMAC-SHA256 wants at least its output length.
pub const KEY_MIN_BYTES: usize = 32;

/// What a session may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionRole {
    /// A parent or legal representative (IIN).
    Applicant,
    /// Staff of one kindergarten.
    Staff,
    /// A regional operator.
    Operator,
}

/// The claims of a session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Claims {
    /// The person's IIN (the certificate subject's SERIALNUMBER).
    pub sub: String,
    pub role: SessionRole,
    /// Staff: the kindergarten they act for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kindergarten_id: Option<String>,
    /// Operator: the region they administer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_id: Option<String>,
    /// The token is refused from this instant on.
    pub expires_at: Instant,
    /// R2: the person has not given an e-mail address yet; only `/auth/profile` answers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub email_required: bool,
}

impl Claims {
    pub fn applicant(iin: impl Into<String>, expires_at: Instant) -> Self {
        Self {
            sub: iin.into(),
            role: SessionRole::Applicant,
            kindergarten_id: None,
            region_id: None,
            expires_at,
            email_required: false,
        }
    }
    pub fn staff(
        iin: impl Into<String>,
        kindergarten_id: impl Into<String>,
        expires_at: Instant,
    ) -> Self {
        Self {
            sub: iin.into(),
            role: SessionRole::Staff,
            kindergarten_id: Some(kindergarten_id.into()),
            region_id: None,
            expires_at,
            email_required: false,
        }
    }
    pub fn operator(
        iin: impl Into<String>,
        region_id: impl Into<String>,
        expires_at: Instant,
    ) -> Self {
        Self {
            sub: iin.into(),
            role: SessionRole::Operator,
            kindergarten_id: None,
            region_id: Some(region_id.into()),
            expires_at,
            email_required: false,
        }
    }

    /// A staff session without a kindergarten, or an operator one without a region, is unusable.
    fn well_formed(&self) -> bool {
        match self.role {
            SessionRole::Applicant => self.kindergarten_id.is_none() && self.region_id.is_none(),
            SessionRole::Staff => self.kindergarten_id.as_deref().is_some_and(|k| !k.is_empty()),
            SessionRole::Operator => self.region_id.as_deref().is_some_and(|r| !r.is_empty()),
        }
    }
}

/// The HMAC key of session tokens.
pub struct SessionKey {
    key: hmac::Key,
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionKey(..)")
    }
}

impl SessionKey {
    pub fn new(secret: &[u8]) -> Result<Self> {
        if secret.len() < KEY_MIN_BYTES {
            return Err(Error::internal(format!(
                "the session key must have at least {KEY_MIN_BYTES} bytes"
            )));
        }
        Ok(Self { key: hmac::Key::new(hmac::HMAC_SHA256, secret) })
    }

    /// A key given as base64 (standard or URL-safe), at least 32 bytes decoded.
    pub fn from_base64(value: &str) -> Result<Self> {
        let value = value.trim();
        let secret = STANDARD
            .decode(value)
            .or_else(|_| URL_SAFE_NO_PAD.decode(value.trim_end_matches('=')))
            .map_err(|_| Error::internal("the session key is not base64"))?;
        Self::new(&secret)
    }

    /// `KEZEK_SESSION_KEY` alone ([`SessionKey::from_base64`]): for local processes, which
    /// have no SSM. The Lambda binaries use [`SessionKey::from_settings`].
    pub fn from_env() -> Result<Self> {
        let value = std::env::var("KEZEK_SESSION_KEY")
            .map_err(|_| Error::internal("KEZEK_SESSION_KEY is not set"))?;
        Self::from_base64(&value)
    }

    /// The setting `SESSION_KEY` ([`crate::config`]): `KEZEK_SESSION_KEY` itself, or in AWS
    /// the SSM SecureString named by `KEZEK_SESSION_KEY_PARAMETER`. Read once per cold start.
    pub async fn from_settings() -> Result<Self> {
        Self::from_base64(&crate::config::required_setting(crate::config::SESSION_KEY).await?)
    }

    /// HMAC-SHA256 of `message` under this key, for another purpose than tokens: `domain`
    /// (which contains a `/`, so no token payload — base64url — can equal it) goes first, so
    /// a tag of one purpose is never a valid tag of another.
    pub fn tag(&self, domain: &str, message: &[u8]) -> hmac::Tag {
        debug_assert!(domain.contains('/'));
        let mut context = hmac::Context::with_key(&self.key);
        context.update(domain.as_bytes());
        context.update(&[0]);
        context.update(message);
        context.sign()
    }
}

fn invalid() -> Error {
    Error::TokenInvalid
}

/// The token of `claims`.
pub fn issue(claims: &Claims, key: &SessionKey) -> String {
    // Serializing a struct of strings and an instant cannot fail.
    let json = serde_json::to_vec(claims).unwrap_or_default();
    let payload = URL_SAFE_NO_PAD.encode(json);
    let tag = hmac::sign(&key.key, payload.as_bytes());
    format!("{payload}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
}

/// The claims of a token whose MAC is right and which has not expired at `now`.
pub fn verify(token: &str, key: &SessionKey, now: Instant) -> Result<Claims> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Error::TokenMissing);
    }
    let (payload, tag) = token.split_once('.').ok_or_else(invalid)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
    hmac::verify(&key.key, payload.as_bytes(), &tag).map_err(|_| invalid())?;
    let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
    let claims: Claims = serde_json::from_slice(&json).map_err(|_| invalid())?;
    if !claims.well_formed() {
        return Err(invalid());
    }
    if now >= claims.expires_at {
        return Err(Error::TokenExpired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn now() -> Instant {
        Utc.with_ymd_and_hms(2026, 3, 2, 5, 0, 0).single().expect("instant")
    }

    fn key(byte: u8) -> SessionKey {
        SessionKey::new(&[byte; 32]).expect("key")
    }

    #[test]
    fn a_token_round_trips_until_it_expires() {
        let claims = Claims::staff("900115400020", "tk-001", now() + Duration::hours(1));
        let token = issue(&claims, &key(1));
        assert_eq!(verify(&token, &key(1), now()).expect("valid"), claims);
        assert_eq!(
            verify(&token, &key(1), now() + Duration::hours(1)).expect_err("expired").code(),
            "token_expired"
        );
    }

    #[test]
    fn forged_altered_and_empty_tokens_are_refused() {
        let token = issue(&Claims::applicant("900115400020", now() + Duration::hours(1)), &key(1));
        assert_eq!(verify(&token, &key(2), now()).expect_err("other key").code(), "token_invalid");
        let (payload, tag) = token.split_once('.').expect("two parts");
        let other = URL_SAFE_NO_PAD.encode(br#"{"sub":"900115400020","role":"operator","regionId":"x","expiresAt":"2030-01-01T00:00:00Z"}"#);
        assert_eq!(
            verify(&format!("{other}.{tag}"), &key(1), now()).expect_err("altered").code(),
            "token_invalid"
        );
        assert_eq!(verify(payload, &key(1), now()).expect_err("no mac").code(), "token_invalid");
        assert_eq!(verify("", &key(1), now()).expect_err("empty").code(), "token_missing");
        assert!(SessionKey::new(b"short").is_err());
    }

    #[test]
    fn a_base64_key_is_read_in_either_alphabet() {
        // 32 bytes whose base64 differs between the standard and URL-safe alphabets.
        let secret = [0xfb_u8; 32];
        let token = issue(
            &Claims::applicant("900115400020", now() + Duration::hours(1)),
            &SessionKey::new(&secret).expect("key"),
        );
        for text in [
            STANDARD.encode(secret),
            URL_SAFE_NO_PAD.encode(secret),
            format!("  {}\n", STANDARD.encode(secret)),
        ] {
            let key = SessionKey::from_base64(&text).expect("base64 key");
            assert!(verify(&token, &key, now()).is_ok(), "{text:?}");
        }
        assert!(SessionKey::from_base64("not base64!").is_err());
        assert!(SessionKey::from_base64(&STANDARD.encode([1u8; 16])).is_err(), "too short");
    }

    #[test]
    fn a_staff_token_without_a_kindergarten_is_refused() {
        let mut claims = Claims::staff("900115400020", "tk-001", now() + Duration::hours(1));
        claims.kindergarten_id = None;
        assert_eq!(
            verify(&issue(&claims, &key(1)), &key(1), now()).expect_err("malformed").code(),
            "token_invalid"
        );
    }
}
