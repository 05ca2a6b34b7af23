//! The Merkle tree of RFC 9162 §2.1 (same as RFC 6962 §2.1): SHA-256, leaves hashed as
//! `SHA-256(0x00 || entry)`, interior nodes as `SHA-256(0x01 || left || right)`, the left
//! subtree of `n` leaves being the largest power of two smaller than `n`.
//!
//! Proofs are *generated* over any [`NodeSource`] (the server's tiles, a [`MemoryTree`]) and
//! *verified* with nothing but hashes (§2.1.3.2, §2.1.4.2): the browser and the auditor.

use sha2::{Digest, Sha256};

use super::error::ProofError;

/// A SHA-256 hash: a leaf, a node or a root.
pub type Hash = [u8; 32];
/// Bytes of a [`Hash`].
pub const HASH_BYTES: usize = 32;
/// Largest tree the rules accept: 2^40 entries (a pool appends a few million at most).
pub const TREE_SIZE_MAX: u64 = 1 << 40;
/// Longest proof accepted: an inclusion proof has at most 40 hashes under [`TREE_SIZE_MAX`],
/// a consistency proof at most 80.
pub const PROOF_HASHES_MAX: usize = 2 * 40 + 2;

/// `SHA-256(0x00 || entry)`: the hash of a log entry.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    Sha256::new().chain_update([0x00]).chain_update(entry).finalize().into()
}

/// `SHA-256(0x01 || left || right)`: an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new().chain_update([0x01]).chain_update(left).chain_update(right).finalize().into()
}

/// The root of the empty tree: `SHA-256()` of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A hash from bytes of any length (e.g. decoded base64): refused unless 32 bytes.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, ProofError> {
    Hash::try_from(bytes).map_err(|_| ProofError::HashLength { length: bytes.len() })
}

/// The largest power of two strictly smaller than `n` (`n >= 2`): where RFC 9162 splits.
fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1 << (63 - (n - 1).leading_zeros())
}

/// Where proofs get the hashes of *perfect* subtrees: the subtree of height `level` with
/// index `index` covers entries `index * 2^level .. (index + 1) * 2^level`.
pub trait NodeSource {
    fn perfect_node(&self, level: u8, index: u64) -> Result<Hash, ProofError>;
}

/// `MTH(D[start:end])` for a range of the RFC's recursion: `start` is a multiple of the
/// largest power of two not above `end - start`. Costs one [`NodeSource::perfect_node`] per
/// set bit of the range's length.
pub fn range_hash(source: &impl NodeSource, start: u64, end: u64) -> Result<Hash, ProofError> {
    if start >= end || end > TREE_SIZE_MAX {
        return Err(ProofError::RangeInvalid { start, end });
    }
    let length = end - start;
    if length.is_power_of_two() {
        let level = length.trailing_zeros();
        // `length` is a power of two: aligned when the low bits of `start` are clear.
        if start & (length - 1) != 0 {
            return Err(ProofError::RangeInvalid { start, end });
        }
        return source.perfect_node(level as u8, start >> level);
    }
    let k = split_point(length);
    if start & (k - 1) != 0 {
        return Err(ProofError::RangeInvalid { start, end });
    }
    Ok(node_hash(&range_hash(source, start, start + k)?, &range_hash(source, start + k, end)?))
}

/// The root of a tree of `size` entries (`MTH(D[0:size])`).
pub fn root_hash(source: &impl NodeSource, size: u64) -> Result<Hash, ProofError> {
    if size == 0 {
        return Ok(empty_root());
    }
    range_hash(source, 0, size)
}

fn check_size(size: u64) -> Result<(), ProofError> {
    if size > TREE_SIZE_MAX {
        return Err(ProofError::TreeTooLarge { size });
    }
    Ok(())
}

/// RFC 9162 §2.1.3.1 `PATH(index, D[0:size])`: the audit path of entry `index`, the leaf's
/// sibling first.
pub fn inclusion_proof(
    source: &impl NodeSource,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, ProofError> {
    check_size(size)?;
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    let (mut start, mut end, mut path) = (0u64, size, Vec::new());
    while end - start > 1 {
        let k = split_point(end - start);
        if index < start + k {
            path.push(range_hash(source, start + k, end)?);
            end = start + k;
        } else {
            path.push(range_hash(source, start, start + k)?);
            start += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// RFC 9162 §2.1.4.1 `PROOF(old_size, D[0:new_size])`: the consistency proof between two
/// sizes of one log, `0 < old_size <= new_size` (empty when they are equal).
pub fn consistency_proof(
    source: &impl NodeSource,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProofError> {
    check_size(new_size)?;
    if old_size == 0 || old_size > new_size {
        return Err(ProofError::SizesInvalid { old_size, new_size });
    }
    let (mut m, mut start, mut end, mut whole, mut path) =
        (old_size, 0, new_size, true, Vec::new());
    // SUBPROOF(m, D[start:end], whole), walked from the top; `m` counts inside the range.
    while m < end - start {
        let k = split_point(end - start);
        if m <= k {
            path.push(range_hash(source, start + k, end)?);
            end = start + k;
        } else {
            path.push(range_hash(source, start, start + k)?);
            start += k;
            m -= k;
            whole = false;
        }
    }
    if !whole {
        path.push(range_hash(source, start, end)?);
    }
    path.reverse();
    Ok(path)
}

fn check_proof_length(proof: &[Hash]) -> Result<(), ProofError> {
    if proof.len() > PROOF_HASHES_MAX {
        return Err(ProofError::ProofTooLong { hashes: proof.len() });
    }
    Ok(())
}

/// RFC 9162 §2.1.3.2: the root an inclusion proof leads to from `leaf` at `index`.
pub fn root_from_inclusion_proof(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
) -> Result<Hash, ProofError> {
    check_size(size)?;
    check_proof_length(proof)?;
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    let (mut f, mut s, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if s == 0 {
            return Err(ProofError::ProofLength);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::ProofLength);
    }
    Ok(r)
}

/// RFC 9162 §2.1.3.2: whether `proof` shows `leaf` at `index` in the tree of `size` with `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if root_from_inclusion_proof(leaf, index, size, proof)? == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// RFC 9162 §2.1.4.2: whether `proof` shows the tree of `old_size` with `old_root` is a prefix
/// of the tree of `new_size` with `new_root`. Equal sizes need an empty proof and equal roots;
/// a proof from the empty tree is meaningless and refused.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    check_size(new_size)?;
    check_proof_length(proof)?;
    if old_size > new_size || (old_size == 0 && new_size > 0) {
        return Err(ProofError::SizesInvalid { old_size, new_size });
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::ProofLength);
        }
        return if old_root == new_root { Ok(()) } else { Err(ProofError::RootMismatch) };
    }
    let (first, rest) = match proof.split_first() {
        None => return Err(ProofError::ProofLength),
        Some(split) => split,
    };
    // Step 2: a power-of-two old tree is itself the first node of the path.
    let (seed, path) = if old_size.is_power_of_two() { (old_root, proof) } else { (first, rest) };
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in path {
        if s == 0 {
            return Err(ProofError::ProofLength);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(ProofError::ProofLength);
    }
    if fr != *old_root || sr != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// A whole tree in memory, every perfect node kept: level 0 holds the leaf hashes, level
/// `l` the hashes of the perfect subtrees of `2^l` leaves. For the server's tests, the
/// auditor (which rebuilds the tree from the entry bundles) and the benchmarks.
#[derive(Debug, Clone, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    pub fn new() -> Self {
        Self::default()
    }

    /// A tree of these entries, in order.
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a [u8]>) -> Self {
        let mut tree = Self::new();
        for entry in entries {
            tree.push_leaf_hash(leaf_hash(entry));
        }
        tree
    }

    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Appends one leaf hash and every perfect node it completes.
    pub fn push_leaf_hash(&mut self, leaf: Hash) {
        assert!(self.size() < TREE_SIZE_MAX, "a tree holds at most 2^40 entries");
        let mut node = leaf;
        let mut level = 0;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(node);
            let row = &self.levels[level];
            if row.len() % 2 == 1 {
                return;
            }
            node = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    pub fn leaf_hashes(&self) -> &[Hash] {
        self.levels.first().map_or(&[], Vec::as_slice)
    }

    pub fn root(&self) -> Hash {
        root_hash(self, self.size()).expect("a memory tree holds every perfect node")
    }
}

impl NodeSource for MemoryTree {
    fn perfect_node(&self, level: u8, index: u64) -> Result<Hash, ProofError> {
        self.levels
            .get(usize::from(level))
            .and_then(|row| row.get(usize::try_from(index).ok()?))
            .copied()
            .ok_or(ProofError::NodeMissing { level, index })
    }
}
