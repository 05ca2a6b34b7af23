//! Refusals of the transparency log's verifier, each with a stable snake_case code (the
//! browser shows exactly what failed; the auditor prints it).

use std::fmt;

/// A Merkle proof, a tree or a tile that does not verify or is malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// A hash that is not 32 bytes.
    HashLength { length: usize },
    /// The entry index is not inside the tree.
    IndexBeyondSize { index: u64, size: u64 },
    /// Tree sizes that no consistency proof can join (old > new, or old = 0 < new).
    SizesInvalid { old_size: u64, new_size: u64 },
    /// Larger than the trees the rules accept.
    TreeTooLarge { size: u64 },
    /// More hashes than any proof under the size limit has.
    ProofTooLong { hashes: usize },
    /// The proof has too few or too many hashes for its sizes.
    ProofLength,
    /// The proof leads to another root.
    RootMismatch,
    /// A subtree range that is not one of the tree's own.
    RangeInvalid { start: u64, end: u64 },
    /// The source (tiles, memory) does not hold a node a proof needs.
    NodeMissing { level: u8, index: u64 },
    /// A tile whose length is not a whole number of hashes, or not the width its path says.
    TileLength { length: usize },
    /// A tile path that is not of the C2SP tlog-tiles form.
    TilePathInvalid,
    /// An entry bundle that does not parse (truncated length prefix or entry, too many).
    BundleInvalid,
    /// An entry longer than the 65,535 bytes a bundle's uint16 prefix can say.
    EntryTooLong { length: usize },
}

impl ProofError {
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::HashLength { .. } => "hash_length",
            ProofError::IndexBeyondSize { .. } => "index_beyond_size",
            ProofError::SizesInvalid { .. } => "tree_sizes_invalid",
            ProofError::TreeTooLarge { .. } => "tree_too_large",
            ProofError::ProofTooLong { .. } => "proof_too_long",
            ProofError::ProofLength => "proof_length",
            ProofError::RootMismatch => "root_mismatch",
            ProofError::RangeInvalid { .. } => "range_invalid",
            ProofError::NodeMissing { .. } => "node_missing",
            ProofError::TileLength { .. } => "tile_length",
            ProofError::TilePathInvalid => "tile_path_invalid",
            ProofError::BundleInvalid => "bundle_invalid",
            ProofError::EntryTooLong { .. } => "entry_too_long",
        }
    }
}

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {self:?}", self.code())
    }
}

impl std::error::Error for ProofError {}

/// A signed note, verifier key or checkpoint that does not parse or does not verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteError {
    /// Not valid UTF-8, a control character, no blank line before the signatures, an empty
    /// text or a signature line not of the form `— <name> <base64>`.
    NoteMalformed,
    /// Longer than the notes the verifier reads.
    NoteTooLarge { bytes: usize },
    /// More signature lines than the verifier reads.
    TooManySignatures { count: usize },
    /// A key name that is empty or holds a space or `+`.
    KeyNameInvalid,
    /// A verifier key not of the form `<name>+<hex key id>+<base64(0x01 || key)>`.
    VerifierKeyMalformed,
    /// A verifier key whose type byte is not Ed25519 (0x01).
    KeyTypeUnsupported { key_type: u8 },
    /// A verifier key whose id is not the one its name and key hash to.
    KeyIdMismatch,
    /// Two trusted keys with the same name and id.
    KeyAmbiguous,
    /// A signature by a trusted key that does not verify: the whole note is refused.
    SignatureInvalid { key_name: String },
    /// No signature by any trusted key.
    NoTrustedSignature,
    /// A checkpoint text that is not origin, size, base64 root hash and extension lines.
    CheckpointMalformed,
    /// The checkpoint is of another log than the one expected.
    OriginMismatch { origin: String },
}

impl NoteError {
    pub fn code(&self) -> &'static str {
        match self {
            NoteError::NoteMalformed => "note_malformed",
            NoteError::NoteTooLarge { .. } => "note_too_large",
            NoteError::TooManySignatures { .. } => "note_too_many_signatures",
            NoteError::KeyNameInvalid => "key_name_invalid",
            NoteError::VerifierKeyMalformed => "verifier_key_malformed",
            NoteError::KeyTypeUnsupported { .. } => "key_type_unsupported",
            NoteError::KeyIdMismatch => "key_id_mismatch",
            NoteError::KeyAmbiguous => "key_ambiguous",
            NoteError::SignatureInvalid { .. } => "signature_invalid",
            NoteError::NoTrustedSignature => "no_trusted_signature",
            NoteError::CheckpointMalformed => "checkpoint_malformed",
            NoteError::OriginMismatch { .. } => "origin_mismatch",
        }
    }
}

impl fmt::Display for NoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {self:?}", self.code())
    }
}

impl std::error::Error for NoteError {}
