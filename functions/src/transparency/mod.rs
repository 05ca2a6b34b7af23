//! The server's side of the verifiable queue (issue 13): the checkpoint signer (C2SP
//! signed-note, Ed25519 with ring) and the tile files a log publishes as it grows. Pure: no
//! store access; the rules crate (`kezek_rules::transparency`) does every hash and format,
//! and verifies what is signed here.

mod signer;
mod tiles;

pub use signer::{LogSigner, SignerError, PRIVATE_KEY_PREFIX};
pub use tiles::{grown_files, TileFile};
