//! The OpenAPI 3.1 document of the HTTP API (`functions/openapi.json`), served by the local
//! process at `/openapi.json`. `tests/openapi.rs` keeps it in sync with [`super::routes::ROUTES`]
//! and validates real responses against its schemas.

/// The document, as JSON text.
pub const DOCUMENT: &str = include_str!("../../openapi.json");
