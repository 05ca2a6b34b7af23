//! C2SP tlog-tiles: the tree served as tiles of 256 hashes (`tile/<L>/<N>[.p/<W>]`) and the
//! entries as bundles of 256 (`tile/entries/<N>[.p/<W>]`), so that any client can compute
//! any proof from immutable, cacheable files.
//!
//! The hash at position `i` of tile `N` of level `L` is `MTH(D[(N*256+i)*256^L ..
//! (N*256+i+1)*256^L])`, the root of a perfect subtree of height `8*L`. A bundle is a
//! sequence of entries, each prefixed with its length as a big-endian uint16.

use std::collections::HashMap;

use super::error::ProofError;
use super::merkle::{leaf_hash, node_hash, Hash, NodeSource, HASH_BYTES, TREE_SIZE_MAX};

/// Hashes in a full tile, entries in a full bundle.
pub const TILE_WIDTH: u16 = 256;
/// Tree levels one tile spans.
pub const TILE_HEIGHT: u8 = 8;
/// Highest tile level the specification allows.
pub const TILE_LEVEL_MAX: u8 = 63;
/// Longest entry a bundle can carry (its uint16 length prefix).
pub const ENTRY_BYTES_MAX: usize = u16::MAX as usize;

/// What a tile holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// Hashes of level `L` (0: the leaf hashes).
    Hashes { level: u8 },
    /// The entries themselves (the bundle whose leaf hashes are level 0's tile).
    Entries,
}

/// One tile (or bundle): its kind, index `N` and width `W` (256 when full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

impl TileId {
    pub fn is_full(&self) -> bool {
        self.width == TILE_WIDTH
    }

    /// The path below the log's prefix: `tile/0/x001/x234/067`, `tile/entries/005.p/17`.
    pub fn path(&self) -> String {
        let level = match self.kind {
            TileKind::Hashes { level } => level.to_string(),
            TileKind::Entries => "entries".to_owned(),
        };
        let mut path = format!("tile/{level}/{}", encode_index(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a path of [`TileId::path`]'s form; refuses every other spelling (leading
    /// zeroes, a `.p/256`, an `x` on the last element, a level above 63).
    pub fn parse(path: &str) -> Result<Self, ProofError> {
        let invalid = ProofError::TilePathInvalid;
        let rest = path.strip_prefix("tile/").ok_or(invalid.clone())?;
        let (level, rest) = rest.split_once('/').ok_or(invalid.clone())?;
        let kind = if level == "entries" {
            TileKind::Entries
        } else {
            let level = parse_decimal(level).filter(|l| *l <= u64::from(TILE_LEVEL_MAX));
            TileKind::Hashes { level: level.ok_or(invalid.clone())? as u8 }
        };
        let (index, width) = match rest.split_once(".p/") {
            None => (rest, TILE_WIDTH),
            Some((index, width)) => {
                let width = parse_decimal(width).filter(|w| (1..u64::from(TILE_WIDTH)).contains(w));
                (index, width.ok_or(invalid.clone())? as u16)
            }
        };
        Ok(Self { kind, index: decode_index(index).ok_or(invalid)?, width })
    }
}

fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.len() <= 20
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

/// `N` as zero-padded 3-digit path elements, all but the last prefixed with `x`:
/// 1234067 → `x001/x234/067`.
pub fn encode_index(index: u64) -> String {
    let mut groups = vec![index % 1000];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let last = groups.len() - 1;
    groups
        .iter()
        .rev()
        .enumerate()
        .map(|(i, group)| if i == last { format!("{group:03}") } else { format!("x{group:03}") })
        .collect::<Vec<_>>()
        .join("/")
}

fn decode_index(text: &str) -> Option<u64> {
    let elements: Vec<&str> = text.split('/').collect();
    if elements.len() > 7 {
        return None;
    }
    let last = elements.len() - 1;
    let mut index: u64 = 0;
    for (i, element) in elements.iter().enumerate() {
        let digits = if i == last { Some(*element) } else { element.strip_prefix('x') }?;
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
    }
    // One spelling per index: no leading all-zero element.
    (elements.len() == 1 || !elements[0].eq("x000")).then_some(index)
}

/// 256^level as a number of entries (`None` past the tree limit).
fn entries_per_hash(level: u8) -> Option<u64> {
    1u64.checked_shl(u32::from(level) * u32::from(TILE_HEIGHT)).filter(|n| *n <= TREE_SIZE_MAX)
}

/// Every tile of the tree of `size` entries, level by level (full tiles, then the partial
/// one if any); the entry bundles are the level-0 tiles with [`TileKind::Entries`].
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut tiles = Vec::new();
    for level in 0..=TILE_LEVEL_MAX {
        let Some(per_hash) = entries_per_hash(level) else { break };
        let hashes = size / per_hash;
        if hashes == 0 {
            break;
        }
        let width = u64::from(TILE_WIDTH);
        let kind = TileKind::Hashes { level };
        tiles.extend((0..hashes / width).map(|index| TileId { kind, index, width: TILE_WIDTH }));
        let partial = hashes % width;
        if partial > 0 {
            tiles.push(TileId { kind, index: hashes / width, width: partial as u16 });
        }
    }
    tiles
}

/// The tiles a log writes when it grows from `old_size` to `new_size`: every tile of the new
/// tree that did not exist, or was narrower, in the old one.
pub fn tiles_grown(old_size: u64, new_size: u64) -> Vec<TileId> {
    let old: std::collections::HashSet<TileId> = tiles_for_size(old_size).into_iter().collect();
    tiles_for_size(new_size).into_iter().filter(|tile| !old.contains(tile)).collect()
}

/// The bytes of a hash tile, read from any source of perfect nodes (a [`super::MemoryTree`]
/// on the server).
pub fn tile_bytes(source: &impl NodeSource, tile: TileId) -> Result<Vec<u8>, ProofError> {
    let TileKind::Hashes { level } = tile.kind else { return Err(ProofError::TilePathInvalid) };
    let mut bytes = Vec::with_capacity(usize::from(tile.width) * HASH_BYTES);
    let first = tile.index.checked_mul(u64::from(TILE_WIDTH)).ok_or(ProofError::TilePathInvalid)?;
    for i in 0..u64::from(tile.width) {
        bytes.extend_from_slice(&source.perfect_node(level * TILE_HEIGHT, first + i)?);
    }
    Ok(bytes)
}

/// A bundle of entries: each prefixed with its length, big-endian uint16.
pub fn encode_bundle<'a>(
    entries: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<u8>, ProofError> {
    let mut bytes = Vec::new();
    for (count, entry) in entries.into_iter().enumerate() {
        if count >= usize::from(TILE_WIDTH) {
            return Err(ProofError::BundleInvalid);
        }
        let length = u16::try_from(entry.len())
            .map_err(|_| ProofError::EntryTooLong { length: entry.len() })?;
        bytes.extend_from_slice(&length.to_be_bytes());
        bytes.extend_from_slice(entry);
    }
    Ok(bytes)
}

/// The entries of a bundle, in order; refuses a truncated prefix or entry and more than 256.
pub fn decode_bundle(bytes: &[u8]) -> Result<Vec<&[u8]>, ProofError> {
    let mut entries = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if entries.len() >= usize::from(TILE_WIDTH) || rest.len() < 2 {
            return Err(ProofError::BundleInvalid);
        }
        let length = usize::from(u16::from_be_bytes([rest[0], rest[1]]));
        let entry = rest.get(2..2 + length).ok_or(ProofError::BundleInvalid)?;
        entries.push(entry);
        rest = &rest[2 + length..];
    }
    Ok(entries)
}

/// The level-0 tile that a bundle hashes to.
pub fn bundle_leaf_tile(bundle: &[u8]) -> Result<Vec<u8>, ProofError> {
    Ok(decode_bundle(bundle)?.into_iter().flat_map(leaf_hash).collect())
}

/// Hash tiles as fetched (full, or the partial ones of one tree size): a source of perfect
/// nodes, so the root and any proof can be computed from them ("tree hash from tiles").
#[derive(Debug, Clone, Default)]
pub struct TileSet {
    tiles: HashMap<(u8, u64), Vec<Hash>>,
}

impl TileSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a fetched tile; its bytes must be exactly `width` hashes. A wider tile of the
    /// same place replaces a narrower one.
    pub fn insert(&mut self, tile: TileId, bytes: &[u8]) -> Result<(), ProofError> {
        let TileKind::Hashes { level } = tile.kind else { return Err(ProofError::TilePathInvalid) };
        if bytes.len() != usize::from(tile.width) * HASH_BYTES {
            return Err(ProofError::TileLength { length: bytes.len() });
        }
        let hashes: Vec<Hash> = bytes
            .chunks_exact(HASH_BYTES)
            .map(|chunk| Hash::try_from(chunk).expect("chunks of 32"))
            .collect();
        let slot = self.tiles.entry((level, tile.index)).or_default();
        if hashes.len() > slot.len() {
            *slot = hashes;
        }
        Ok(())
    }
}

impl NodeSource for TileSet {
    fn perfect_node(&self, level: u8, index: u64) -> Result<Hash, ProofError> {
        let missing = ProofError::NodeMissing { level, index };
        let (tile_level, height) = (level / TILE_HEIGHT, level % TILE_HEIGHT);
        // The node spans 2^height consecutive hashes of one tile of `tile_level`.
        let span = 1u64 << height;
        let first = index.checked_mul(span).ok_or(missing.clone())?;
        let width = u64::from(TILE_WIDTH);
        let tile = self.tiles.get(&(tile_level, first / width)).ok_or(missing.clone())?;
        let start = (first % width) as usize;
        let hashes = tile.get(start..start + span as usize).ok_or(missing)?;
        Ok(perfect_root(hashes))
    }
}

/// The root of a perfect subtree over a power-of-two number of hashes.
fn perfect_root(hashes: &[Hash]) -> Hash {
    debug_assert!(hashes.len().is_power_of_two());
    let mut row: Vec<Hash> = hashes.to_vec();
    while row.len() > 1 {
        row = row.chunks_exact(2).map(|pair| node_hash(&pair[0], &pair[1])).collect();
    }
    row[0]
}
