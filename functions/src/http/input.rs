//! Every input checked at the edge, the same way for every route, before anything reaches a
//! key or a command:
//! - a path segment is an id: 1–64 letters, digits, `-` or `_` ([`identifier`]);
//! - a body is at most [`BODY_BYTES_MAX`] bytes of JSON whose fields are all known to the
//!   route (an unknown field is refused with `invalid_input` naming it);
//! - in a body, every string field named `id` or `…Id` is an id, and every string field
//!   named `…Iin` is a valid IIN (the rules' check, with its own codes).

use kezek_rules::iin::Iin;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, Result};

/// The largest request body (a CMS signature with its certificate chain is a few KB).
pub const BODY_BYTES_MAX: usize = 64 * 1024;

/// The longest id.
pub const ID_BYTES_MAX: usize = 64;

/// Nesting of a body's JSON checked at most (deeper bodies are refused).
const DEPTH_MAX: usize = 16;

/// An id from a path or a body (application, kindergarten, group, region): 1–64 letters,
/// digits, `-` or `_`. Anything else is refused before it reaches a key (DynamoDB keys have
/// their own limits, and an id is never free text).
pub(crate) fn identifier(what: &str, value: &str) -> Result<()> {
    if value.is_empty()
        || value.len() > ID_BYTES_MAX
        || !value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(Error::invalid_field(
            what,
            format!("{what} must be 1–{ID_BYTES_MAX} letters, digits, '-' or '_'"),
        ));
    }
    Ok(())
}

/// Every segment of a request's path (the route's names and its parameters) is an id.
pub(crate) fn path(segments: &[&str]) -> Result<()> {
    segments.iter().try_for_each(|segment| identifier("a path segment", segment))
}

/// The body as `T`: bounded, JSON, no unknown field, ids and IINs valid. An empty body reads
/// as `{}`.
pub(crate) fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    if bytes.len() > BODY_BYTES_MAX {
        return Err(Error::invalid(format!("the request body exceeds {BODY_BYTES_MAX} bytes")));
    }
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) { b"{}".as_slice() } else { bytes };
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Error::invalid(format!("the request body is not JSON: {e}")))?;
    let mut unknown = Vec::new();
    let typed: T = serde_ignored::deserialize(value.clone(), |path| unknown.push(path.to_string()))
        .map_err(|e| Error::invalid(format!("the request body is not valid: {e}")))?;
    if let Some(field) = unknown.first() {
        return Err(Error::invalid_field(field, format!("unknown field `{field}`")));
    }
    fields(&value, 0)?;
    Ok(typed)
}

/// The id and IIN checks over every field of `value`.
fn fields(value: &Value, depth: usize) -> Result<()> {
    if depth > DEPTH_MAX {
        return Err(Error::invalid(format!("the request body nests deeper than {DEPTH_MAX}")));
    }
    match value {
        Value::Object(map) => map.iter().try_for_each(|(name, value)| {
            if let Value::String(text) = value {
                field(name, text)
            } else {
                fields(value, depth + 1)
            }
        }),
        Value::Array(items) => items.iter().try_for_each(|item| fields(item, depth + 1)),
        _ => Ok(()),
    }
}

fn field(name: &str, text: &str) -> Result<()> {
    if name == "id" || name.ends_with("Id") {
        identifier(name, text)
    } else if name.ends_with("Iin") {
        Iin::parse(text).map(|_| ()).map_err(Error::from)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    #[allow(dead_code)]
    struct Body {
        region_id: String,
        #[serde(default)]
        second_parent_iin: Option<String>,
    }

    fn refused(body: &str) -> (String, String) {
        let error = super::body::<Body>(body.as_bytes()).expect_err("refused");
        (error.code().to_owned(), error.message())
    }

    #[test]
    fn an_unknown_field_is_refused_by_name() {
        let (code, message) = refused(r#"{"regionId":"r-1","colour":"red"}"#);
        assert_eq!(code, "invalid_input");
        assert!(message.contains("colour"), "{message}");
    }

    #[test]
    fn ids_and_iins_in_a_body_are_checked() {
        assert_eq!(
            refused(&format!(r#"{{"regionId":"{}"}}"#, "x".repeat(10_000))).0,
            "invalid_input"
        );
        assert_eq!(refused(r#"{"regionId":"a#b"}"#).0, "invalid_input");
        assert_eq!(refused(r#"{"regionId":"r","secondParentIin":"1"}"#).0, "iin_length");
        assert!(super::body::<Body>(br#"{"regionId":"kz-1_a"}"#).is_ok());
    }

    #[test]
    fn a_body_over_the_limit_is_refused_before_it_is_parsed() {
        let big = format!(r#"{{"regionId":"r","x":"{}"}}"#, "y".repeat(BODY_BYTES_MAX));
        let (code, message) = refused(&big);
        assert_eq!(code, "invalid_input");
        assert!(message.contains("exceeds"), "{message}");
    }
}
