//! Revocation data NCA publishes, kept in S3 (issue 14): the scheduled `crl_fetch` function
//! downloads each CRL distribution point, checks the CRL (signed by its CA, current, newer
//! than the stored copy) and only then replaces the stored copy; `sign` and `auth` read the
//! trust anchors and the CRLs from the bucket at a cold start and again every
//! `KEZEK_EDS_REFRESH_SECONDS` ([`refresh`]). S3 rather than the table: NCA's CRLs are
//! megabytes, an item holds 400 KB.
//!
//! | object | what | written by |
//! |---|---|---|
//! | `trust/anchors.pem` | PEM bundle of NCA's root and intermediate certificates | the operator, at deployment |
//! | `crl/<sha256 of the issuer's name, hex>-base.crl`, `...-delta.crl` | the newest checked CRL of each CA, DER | `crl_fetch` |

pub mod bucket;
pub mod download;
pub mod handler;
pub mod refresh;

pub use bucket::EdsBucket;
pub use handler::{fetch_all, FetchOutcome, FetchReport};
