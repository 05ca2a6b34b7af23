//! The files a pool's log publishes when it grows from one checkpoint to the next: every
//! new or wider hash tile and entry bundle (C2SP tlog-tiles), with its path below
//! `/transparency/{region}/{year}/`. Written once, immutable, except partial tiles that a
//! wider one later joins (old partials stay readable, so old checkpoints can be checked).

use kezek_rules::transparency::merkle::MemoryTree;
use kezek_rules::transparency::tiles::{
    encode_bundle, tile_bytes, tiles_grown, TileKind, TILE_WIDTH,
};
use kezek_rules::transparency::{ProofError, TileId};

/// One file to store: its path (`tile/0/x001/234`, `tile/entries/005.p/17`) and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TileFile {
    pub tile: TileId,
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The hash tiles and entry bundles that growing `tree` (whose leaves are `entries`) from
/// `old_size` to its size adds.
pub fn grown_files(
    tree: &MemoryTree,
    entries: &[Vec<u8>],
    old_size: u64,
) -> Result<Vec<TileFile>, ProofError> {
    let size = tree.size();
    if entries.len() as u64 != size || old_size > size {
        return Err(ProofError::SizesInvalid { old_size, new_size: size });
    }
    let mut files = Vec::new();
    for tile in tiles_grown(old_size, size) {
        files.push(TileFile { tile, path: tile.path(), bytes: tile_bytes(tree, tile)? });
        if tile.kind == (TileKind::Hashes { level: 0 }) {
            let start = (tile.index * u64::from(TILE_WIDTH)) as usize;
            let bundle = &entries[start..start + usize::from(tile.width)];
            let bundle_tile = TileId { kind: TileKind::Entries, ..tile };
            let bytes = encode_bundle(bundle.iter().map(Vec::as_slice))?;
            files.push(TileFile { tile: bundle_tile, path: bundle_tile.path(), bytes });
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kezek_rules::transparency::merkle::root_hash;
    use kezek_rules::transparency::tiles::{bundle_leaf_tile, TileSet};

    #[test]
    fn the_files_of_each_growth_rebuild_the_tree() {
        let entries: Vec<Vec<u8>> = (0..1000u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let mut tree = MemoryTree::new();
        let mut tiles = TileSet::new();
        let mut old_size = 0;
        for size in [1usize, 255, 256, 300, 513, 1000] {
            for entry in &entries[tree.size() as usize..size] {
                tree.push_leaf_hash(kezek_rules::transparency::leaf_hash(entry));
            }
            let files = grown_files(&tree, &entries[..size], old_size).expect("grows");
            for file in &files {
                match file.tile.kind {
                    TileKind::Hashes { .. } => tiles.insert(file.tile, &file.bytes).expect("sized"),
                    TileKind::Entries => {
                        let leaf_tile = TileId { kind: TileKind::Hashes { level: 0 }, ..file.tile };
                        assert_eq!(bundle_leaf_tile(&file.bytes), tile_bytes(&tree, leaf_tile));
                    }
                }
            }
            assert_eq!(root_hash(&tiles, size as u64), Ok(tree.root()), "size {size}");
            old_size = size as u64;
        }
        assert!(grown_files(&tree, &entries[..10], 0).is_err());
    }
}
