//! The verifiable queue (issue 13): the pure core of a pool's public, append-only log.
//!
//! - [`merkle`]: RFC 9162 §2.1 tree hash, inclusion and consistency proofs (generate, verify)
//! - [`tiles`]: C2SP tlog-tiles paths, tiles and entry bundles; the tree hash from tiles
//! - [`note`], [`checkpoint`]: C2SP signed-note (Ed25519) and tlog-checkpoint, parse + verify
//! - [`entry`]: the audit entry and its canonical bytes; [`record`]: entries of each change
//! - [`replay`]: the auditor's replay through the rules, with typed findings;
//!   [`fairness`]: "nobody behind me got a place first"; [`daily`]: the public daily lists
//!
//! Behind the cargo feature `transparency`, so the browser's first module stays small; the
//! verifier is a second build of this crate, loaded when a family opens the verification.
//! Signing is the server's (ring, `functions/src/transparency`); this crate only verifies.

pub mod checkpoint;
pub mod daily;
pub mod entry;
pub mod error;
pub mod fairness;
pub mod forecast_input;
pub mod merkle;
pub mod note;
pub mod queue_view;
pub mod record;
pub mod replay;
pub mod tiles;

pub use checkpoint::{open_checkpoint, pool_origin, Checkpoint};
pub use entry::{AuditEntry, EntryError, EntryKind, Reason, Subject};
pub use error::{NoteError, ProofError};
pub use merkle::{
    consistency_proof, inclusion_proof, leaf_hash, root_hash, verify_consistency, verify_inclusion,
    Hash, MemoryTree, NodeSource,
};
pub use note::{Note, NoteSignature, VerifierKey};
pub use replay::{replay_log, Finding, Replay, ReplayContext, ReplayFinding};
pub use tiles::{TileId, TileKind, TileSet};
