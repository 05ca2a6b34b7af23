//! C2SP tlog-tiles (github.com/C2SP/C2SP `tlog-tiles.md`): paths, the tiles of a tree size
//! (the specification's 70,000 and 256 examples), the tree hash and proofs from tiles, entry
//! bundles; and the canonical entry encoding.

use chrono::{TimeZone, Utc};
use kezek_rules::application::{PlaceSource, Priority, RemovalReason, StateName};
use kezek_rules::places::{GroupId, PlaceCounters};
use kezek_rules::transparency::entry::{AuditEntry, EntryKind, Reason, Subject, ENTRY_BYTES_MAX};
use kezek_rules::transparency::merkle::{inclusion_proof, root_hash, MemoryTree};
use kezek_rules::transparency::tiles::{
    bundle_leaf_tile, decode_bundle, encode_bundle, encode_index, tile_bytes, tiles_for_size,
    tiles_grown, TileId, TileKind, TileSet, TILE_WIDTH,
};
use kezek_rules::transparency::ProofError;
use proptest::prelude::*;

#[test]
fn tile_paths_of_the_specification() {
    assert_eq!(encode_index(1_234_067), "x001/x234/067");
    assert_eq!(encode_index(0), "000");
    assert_eq!(encode_index(999), "999");
    assert_eq!(encode_index(1000), "x001/000");
    let tile = TileId { kind: TileKind::Hashes { level: 0 }, index: 1_234_067, width: 256 };
    assert_eq!(tile.path(), "tile/0/x001/x234/067");
    let partial = TileId { kind: TileKind::Entries, index: 5, width: 17 };
    assert_eq!(partial.path(), "tile/entries/005.p/17");
    for tile in
        [tile, partial, TileId { kind: TileKind::Hashes { level: 63 }, index: u64::MAX, width: 1 }]
    {
        assert_eq!(TileId::parse(&tile.path()), Ok(tile));
    }
    for bad in [
        "tile/01/000",
        "tile/64/000",
        "tile/0/000.p/256",
        "tile/0/000.p/0",
        "tile/0/000.p/017",
        "tile/0/x067",
        "tile/0/67",
        "tile/0/001/002",
        "tile/0/x000/005",
        "tile/entries/",
        "tiles/0/000",
        "tile/0/x1000/000",
    ] {
        assert_eq!(TileId::parse(bad), Err(ProofError::TilePathInvalid), "{bad}");
    }
}

#[test]
fn the_tiles_of_a_tree_of_70000_and_of_256() {
    let tiles = tiles_for_size(70_000);
    let level = |l: u8| -> Vec<TileId> {
        tiles.iter().copied().filter(|t| t.kind == TileKind::Hashes { level: l }).collect()
    };
    let zero = level(0);
    assert_eq!(zero.iter().filter(|t| t.is_full()).count(), 273);
    assert_eq!(zero.last().map(|t| (t.index, t.width)), Some((273, 112)));
    assert_eq!(
        level(1).iter().map(|t| (t.index, t.width)).collect::<Vec<_>>(),
        [(0, 256), (1, 17)]
    );
    assert_eq!(level(2).iter().map(|t| (t.index, t.width)).collect::<Vec<_>>(), [(0, 1)]);
    assert_eq!(tiles.len(), 274 + 2 + 1);
    let small: Vec<(TileKind, u64, u16)> =
        tiles_for_size(256).iter().map(|t| (t.kind, t.index, t.width)).collect();
    assert_eq!(
        small,
        [(TileKind::Hashes { level: 0 }, 0, 256), (TileKind::Hashes { level: 1 }, 0, 1)]
    );
    assert!(tiles_for_size(0).is_empty());
    // Growing 255 → 257 completes tile 0, starts tile 1 and the first level-1 tile.
    let grown: Vec<String> = tiles_grown(255, 257).iter().map(TileId::path).collect();
    assert_eq!(grown, ["tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1"]);
}

fn tree_of(size: u32) -> MemoryTree {
    let entries: Vec<[u8; 4]> = (0..size).map(u32::to_be_bytes).collect();
    MemoryTree::from_entries(entries.iter().map(|e| e.as_slice()))
}

#[test]
fn the_tree_hash_and_proofs_from_tiles_equal_the_trees() {
    let tree = tree_of(70_000);
    for size in [1u64, 255, 256, 257, 65_536, 65_541, 70_000] {
        let mut tiles = TileSet::new();
        for tile in tiles_for_size(size) {
            tiles.insert(tile, &tile_bytes(&tree, tile).expect("in the tree")).expect("sized");
        }
        let expected = root_hash(&tree, size).expect("size");
        assert_eq!(root_hash(&tiles, size), Ok(expected), "size {size}");
        for index in [0, size / 3, size - 1] {
            assert_eq!(inclusion_proof(&tiles, index, size), inclusion_proof(&tree, index, size));
        }
    }
    // A missing tile is named, never guessed.
    let mut tiles = TileSet::new();
    let first = TileId { kind: TileKind::Hashes { level: 0 }, index: 0, width: TILE_WIDTH };
    tiles.insert(first, &tile_bytes(&tree, first).expect("full")).expect("sized");
    assert!(matches!(root_hash(&tiles, 300), Err(ProofError::NodeMissing { .. })));
    assert_eq!(tiles.insert(first, &[0; 31]), Err(ProofError::TileLength { length: 31 }));
}

#[test]
fn entry_bundles_hash_to_their_level_zero_tile() {
    let entries: Vec<Vec<u8>> = (0..300u32).map(|i| vec![i as u8; (i % 7) as usize]).collect();
    let tree = MemoryTree::from_entries(entries.iter().map(Vec::as_slice));
    let bundle = encode_bundle(entries[..256].iter().map(Vec::as_slice)).expect("256 entries");
    assert_eq!(&bundle[..4], &[0, 0, 0, 1], "big-endian uint16 lengths");
    let decoded = decode_bundle(&bundle).expect("parses");
    assert_eq!(decoded, entries[..256].iter().map(Vec::as_slice).collect::<Vec<_>>());
    let tile = TileId { kind: TileKind::Hashes { level: 0 }, index: 0, width: TILE_WIDTH };
    assert_eq!(bundle_leaf_tile(&bundle), tile_bytes(&tree, tile));
    assert_eq!(encode_bundle(entries.iter().map(Vec::as_slice)), Err(ProofError::BundleInvalid));
    assert_eq!(decode_bundle(&bundle[..bundle.len() - 1]), Err(ProofError::BundleInvalid));
    assert_eq!(decode_bundle(&[0]), Err(ProofError::BundleInvalid));
    let long = vec![0u8; 65_536];
    assert_eq!(encode_bundle([long.as_slice()]), Err(ProofError::EntryTooLong { length: 65_536 }));
}

fn at(second: i64) -> chrono::DateTime<Utc> {
    Utc.timestamp_opt(1_767_225_600 + second, 123_456_789).single().expect("valid")
}

fn sample_entries() -> Vec<AuditEntry> {
    let subject = |from: Option<StateName>, to: StateName| Subject {
        application_id: "0123456789abcdef0123456789abcdef".into(),
        priority: Priority::FirstPriority,
        registered_at: at(-86_400),
        eligible_from: chrono::NaiveDate::from_ymd_opt(2026, 3, 14).expect("date"),
        from_state: from,
        to_state: to,
    };
    let counters = PlaceCounters { unreserved: 3, offered: 1, free_choice: 0 };
    let base = AuditEntry {
        kind: EntryKind::Enqueue,
        at: at(0),
        subject: Some(subject(None, StateName::Queued)),
        counters_before: counters,
        counters_after: counters,
        group_id: None,
        reason: Reason::None,
    };
    vec![
        base.clone(),
        AuditEntry {
            kind: EntryKind::Offer,
            subject: Some(subject(Some(StateName::Queued), StateName::Offered)),
            counters_after: PlaceCounters { unreserved: 2, offered: 2, free_choice: 0 },
            reason: Reason::Offer { position: 17, class_rank: 4, ratio_step: 0 },
            ..base.clone()
        },
        AuditEntry {
            kind: EntryKind::Sign,
            group_id: Some(GroupId("tk-001-2024-kk".into())),
            reason: Reason::Referral { source: PlaceSource::FreeChoice },
            ..base.clone()
        },
        AuditEntry {
            kind: EntryKind::Withdraw,
            reason: Reason::Removal { reason: RemovalReason::AgedOut },
            ..base.clone()
        },
        AuditEntry {
            kind: EntryKind::Extend,
            reason: Reason::Extension { days: 30 },
            ..base.clone()
        },
        AuditEntry {
            kind: EntryKind::PublishPlaces,
            subject: None,
            group_id: Some(GroupId("tk-001-2024-kk".into())),
            reason: Reason::Places { count: 10_000 },
            ..base
        },
    ]
}

#[test]
fn entries_round_trip_and_only_canonical_bytes_decode() {
    for entry in sample_entries() {
        let bytes = entry.encode().expect("valid");
        assert!(bytes.len() <= ENTRY_BYTES_MAX);
        assert_eq!(AuditEntry::decode(&bytes), Ok(entry.clone()));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(AuditEntry::decode(&trailing).is_err());
        assert!(AuditEntry::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut version = bytes.clone();
        version[0] = 2;
        assert!(AuditEntry::decode(&version).is_err());
    }
    // Nothing personal fits: identifiers are [0-9A-Za-z._:-] only, and places have no subject.
    let mut entry = sample_entries().remove(0);
    entry.subject.as_mut().expect("subject").application_id = "Айгерим Сапарова".into();
    assert!(entry.encode().is_err());
    let mut places = sample_entries().pop().expect("places");
    places.subject = sample_entries()[0].subject.clone();
    assert!(places.encode().is_err());
}

proptest! {
    /// Any bytes either fail to decode or are exactly the encoding of what they decode to.
    #[test]
    fn decoding_is_canonical(bytes in prop::collection::vec(any::<u8>(), 0..160), seed in 0usize..6) {
        if let Ok(entry) = AuditEntry::decode(&bytes) {
            prop_assert_eq!(entry.encode().expect("decoded entries encode"), bytes.clone());
        }
        // Single-byte changes of a valid entry never decode to the same entry.
        let valid = sample_entries()[seed].encode().expect("valid");
        let position = bytes.len() % valid.len();
        let mut changed = valid.clone();
        changed[position] ^= 1 + (bytes.first().copied().unwrap_or(0) % 255);
        if let Ok(entry) = AuditEntry::decode(&changed) {
            prop_assert_ne!(Some(entry), AuditEntry::decode(&valid).ok());
        }
    }
}
