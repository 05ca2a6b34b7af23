//! C2SP tlog-checkpoint: the signed head of a log, a signed note whose text is the origin
//! (the log's name), the tree size in decimal, the base64 root hash, then optional extension
//! lines. One log per pool: the origin names the pool ([`pool_origin`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::error::NoteError;
use super::merkle::{Hash, TREE_SIZE_MAX};
use super::note::{Note, VerifierKey};
use crate::places::PoolKey;

/// Most extension lines read.
pub const EXTENSIONS_MAX: usize = 16;

/// The origin line of a pool's log: `<log name>/<region id>/<group year>`, e.g.
/// `kezek.kz/transparency/kz-zhetisu-taldykorgan/2024`.
pub fn pool_origin(log_name: &str, pool: &PoolKey) -> String {
    format!("{log_name}/{}/{}", pool.region_id, pool.group_year)
}

/// A log head: which log, how many entries, the root of those entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root_hash: Hash,
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: every line ending in a newline.
    pub fn text(&self) -> String {
        let mut text =
            format!("{}\n{}\n{}\n", self.origin, self.size, STANDARD.encode(self.root_hash));
        for line in &self.extensions {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    /// Parses a checkpoint's note text (not its signatures: see [`open_checkpoint`]).
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let malformed = NoteError::CheckpointMalformed;
        let body = text.strip_suffix('\n').ok_or(malformed.clone())?;
        let lines: Vec<&str> = body.split('\n').collect();
        if lines.len() < 3 || lines.len() > 3 + EXTENSIONS_MAX || lines.iter().any(|l| l.is_empty())
        {
            return Err(malformed);
        }
        let size_line = lines[1];
        let canonical = size_line.bytes().all(|b| b.is_ascii_digit())
            && (size_line == "0" || !size_line.starts_with('0'))
            && size_line.len() <= 20;
        let size: u64 = size_line
            .parse()
            .ok()
            .filter(|size| canonical && *size <= TREE_SIZE_MAX)
            .ok_or(malformed.clone())?;
        let root = STANDARD.decode(lines[2]).map_err(|_| malformed.clone())?;
        let root_hash = Hash::try_from(root.as_slice()).map_err(|_| malformed)?;
        Ok(Self {
            origin: lines[0].to_owned(),
            size,
            root_hash,
            extensions: lines[3..].iter().map(|line| (*line).to_owned()).collect(),
        })
    }
}

/// Verifies a signed checkpoint with the trusted keys and checks it is of `origin`'s log.
pub fn open_checkpoint(
    note: &str,
    origin: &str,
    keys: &[VerifierKey],
) -> Result<Checkpoint, NoteError> {
    let note = Note::parse(note)?;
    note.verify(keys)?;
    let checkpoint = Checkpoint::parse(note.text)?;
    if checkpoint.origin != origin {
        return Err(NoteError::OriginMismatch { origin: checkpoint.origin });
    }
    Ok(checkpoint)
}
