//! Known-answer tests of the RFC 9162 §2.1 tree hash and proofs (issue 13, "How it is
//! checked"), and a property test against `ct-merkle`, an independent implementation.
//!
//! The known answers are the RFC 6962 reference tree published by transparency-dev
//! (github.com/transparency-dev/merkle at commit 417fb0c314750d94e53942e9f92e79b6d35915db,
//! Apache-2.0): the eight leaf inputs and root hashes of `testonly/constants.go`, the hasher
//! vectors of `rfc6962/rfc6962_test.go`, and the happy paths of `testdata/inclusion/{0..4}`
//! and `testdata/consistency/{0..4}`; each invalid case of those directories is a mutation
//! of a happy path (index ±1 or XOR 2, size ×2 or ÷2, a bit flipped in one proof hash or the
//! root, a hash added before or after, one removed, a wrong leaf), generated here.

use kezek_rules::transparency::merkle::{
    consistency_proof, empty_root, hash_from_slice, inclusion_proof, leaf_hash, node_hash,
    root_hash, verify_consistency, verify_inclusion, Hash, MemoryTree, PROOF_HASHES_MAX,
};
use kezek_rules::transparency::ProofError;
use proptest::prelude::*;

fn hex(text: &str) -> Hash {
    assert_eq!(text.len(), 64, "a hash is 64 hex digits");
    let bytes: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex digit"))
        .collect();
    hash_from_slice(&bytes).expect("32 bytes")
}

fn leaf_inputs() -> Vec<Vec<u8>> {
    let inputs = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657"];
    let mut leaves: Vec<Vec<u8>> = inputs
        .iter()
        .map(|text| {
            (0..text.len() / 2)
                .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).expect("hex"))
                .collect()
        })
        .collect();
    leaves.push((0x60..=0x6f).collect());
    leaves
}

const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_tree(size: usize) -> MemoryTree {
    let leaves = leaf_inputs();
    MemoryTree::from_entries(leaves[..size].iter().map(Vec::as_slice))
}

#[test]
fn hasher_vectors_of_rfc6962() {
    assert_eq!(empty_root(), hex(ROOTS[0]));
    assert_eq!(
        leaf_hash(b""),
        hex("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    );
    assert_eq!(
        leaf_hash(b"L123456"),
        hex("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
    );
    // A node is not a leaf of the same bytes (second-preimage resistance of the prefixes).
    let (a, b) = (leaf_hash(b"a"), leaf_hash(b"b"));
    let mut preimage = a.to_vec();
    preimage.extend_from_slice(&b);
    assert_ne!(node_hash(&a, &b), leaf_hash(&preimage));
    assert_ne!(node_hash(&a, &b), node_hash(&b, &a));
}

#[test]
fn roots_of_the_reference_tree_for_every_size() {
    for (size, root) in ROOTS.iter().enumerate() {
        let tree = reference_tree(size);
        assert_eq!(tree.root(), hex(root), "size {size}");
        assert_eq!(root_hash(&tree, size as u64), Ok(hex(root)), "size {size}");
    }
}

struct InclusionVector {
    index: u64,
    size: u64,
    root: &'static str,
    leaf: &'static str,
    proof: &'static [&'static str],
}

const INCLUSION: [InclusionVector; 5] = [
    InclusionVector { index: 0, size: 1, root: ROOTS[1], leaf: ROOTS[1], proof: &[] },
    InclusionVector {
        index: 0,
        size: 8,
        root: ROOTS[8],
        leaf: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        proof: &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    },
    InclusionVector {
        index: 5,
        size: 8,
        root: ROOTS[8],
        leaf: "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        proof: &[
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
    InclusionVector {
        index: 2,
        size: 3,
        root: ROOTS[3],
        leaf: "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        proof: &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"],
    },
    InclusionVector {
        index: 1,
        size: 5,
        root: ROOTS[5],
        leaf: "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        proof: &[
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    },
];

struct ConsistencyVector {
    old_size: u64,
    new_size: u64,
    proof: &'static [&'static str],
}

const CONSISTENCY: [ConsistencyVector; 5] = [
    ConsistencyVector { old_size: 1, new_size: 1, proof: &[] },
    ConsistencyVector {
        old_size: 1,
        new_size: 8,
        proof: &[
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    },
    ConsistencyVector {
        old_size: 6,
        new_size: 8,
        proof: &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
    ConsistencyVector {
        old_size: 2,
        new_size: 5,
        proof: &[
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    },
    ConsistencyVector {
        old_size: 6,
        new_size: 7,
        proof: &[
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    },
];

fn flipped(hash: &Hash, bit: usize) -> Hash {
    let mut out = *hash;
    out[bit / 8] ^= 1 << (bit % 8);
    out
}

/// The invalid variants of a proof: every hash with a bit flipped, a hash before, after,
/// inserted in the middle, the last one removed.
fn proof_mutations(proof: &[Hash]) -> Vec<Vec<Hash>> {
    let garbage = leaf_hash(b"garbage");
    let mut out = Vec::new();
    for i in 0..proof.len() {
        let mut modified = proof.to_vec();
        modified[i] = flipped(&modified[i], 3 + 8 * i);
        out.push(modified);
    }
    out.push([&[garbage][..], proof].concat());
    out.push([proof, &[garbage][..]].concat());
    if !proof.is_empty() {
        out.push(proof[..proof.len() - 1].to_vec());
        let mut inserted = proof.to_vec();
        inserted.insert(proof.len() / 2, garbage);
        out.push(inserted);
    }
    out
}

#[test]
fn inclusion_vectors_are_generated_and_verified_and_every_mutation_fails() {
    for v in &INCLUSION {
        let (leaf, root) = (hex(v.leaf), hex(v.root));
        let proof: Vec<Hash> = v.proof.iter().map(|h| hex(h)).collect();
        let tree = reference_tree(v.size as usize);
        assert_eq!(tree.leaf_hashes()[v.index as usize], leaf);
        assert_eq!(inclusion_proof(&tree, v.index, v.size).as_ref(), Ok(&proof));
        assert_eq!(verify_inclusion(&leaf, v.index, v.size, &proof, &root), Ok(()));

        let fails = |leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash| {
            verify_inclusion(leaf, index, size, proof, root).is_err()
        };
        let label = format!("index {} size {}", v.index, v.size);
        assert!(fails(&leaf, v.index + 1, v.size, &proof, &root), "{label}: index + 1");
        if v.index > 0 {
            assert!(fails(&leaf, v.index - 1, v.size, &proof, &root), "{label}: index - 1");
        }
        assert!(fails(&leaf, v.index ^ 2, v.size, &proof, &root), "{label}: index ^ 2");
        assert!(fails(&leaf, v.index, v.size * 2, &proof, &root), "{label}: size * 2");
        assert!(fails(&leaf, v.index, v.size / 2, &proof, &root), "{label}: size / 2");
        assert!(fails(&leaf_hash(b"WrongLeaf"), v.index, v.size, &proof, &root), "{label}: leaf");
        assert!(fails(&leaf, v.index, v.size, &proof, &flipped(&root, 5)), "{label}: root");
        assert!(fails(&leaf, v.index, v.size, &proof, &empty_root()), "{label}: empty root");
        for mutated in proof_mutations(&proof) {
            assert!(fails(&leaf, v.index, v.size, &mutated, &root), "{label}: {mutated:?}");
        }
    }
}

#[test]
fn consistency_vectors_are_generated_and_verified_and_every_mutation_fails() {
    for v in &CONSISTENCY {
        let (old_root, new_root) =
            (hex(ROOTS[v.old_size as usize]), hex(ROOTS[v.new_size as usize]));
        let proof: Vec<Hash> = v.proof.iter().map(|h| hex(h)).collect();
        let tree = reference_tree(v.new_size as usize);
        assert_eq!(consistency_proof(&tree, v.old_size, v.new_size).as_ref(), Ok(&proof));
        assert_eq!(
            verify_consistency(v.old_size, v.new_size, &old_root, &new_root, &proof),
            Ok(())
        );

        let label = format!("{} -> {}", v.old_size, v.new_size);
        let fails = |old: u64, new: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]| {
            verify_consistency(old, new, old_root, new_root, proof).is_err()
        };
        if v.old_size != v.new_size {
            assert!(
                fails(v.old_size + 1, v.new_size, &old_root, &new_root, &proof),
                "{label}: old + 1"
            );
            assert!(
                fails(v.old_size ^ 2, v.new_size, &old_root, &new_root, &proof),
                "{label}: old ^ 2"
            );
            assert!(
                fails(v.old_size, v.new_size * 2, &old_root, &new_root, &proof),
                "{label}: new * 2"
            );
            assert!(
                fails(v.old_size, v.new_size / 2, &old_root, &new_root, &proof),
                "{label}: new / 2"
            );
            assert!(
                fails(v.old_size, v.new_size, &new_root, &old_root, &proof),
                "{label}: swapped roots"
            );
        }
        if v.old_size > 1 {
            assert!(
                fails(v.old_size - 1, v.new_size, &old_root, &new_root, &proof),
                "{label}: old - 1"
            );
        }
        assert!(
            fails(v.old_size, v.new_size, &flipped(&old_root, 7), &new_root, &proof),
            "{label}: root1"
        );
        assert!(
            fails(v.old_size, v.new_size, &old_root, &flipped(&new_root, 7), &proof),
            "{label}: root2"
        );
        for mutated in proof_mutations(&proof) {
            assert!(
                fails(v.old_size, v.new_size, &old_root, &new_root, &mutated),
                "{label}: {mutated:?}"
            );
        }
    }
}

#[test]
fn edge_cases_of_the_additional_vectors() {
    let empty = empty_root();
    let one = hex(ROOTS[1]);
    // Nothing is included in an empty tree.
    assert_eq!(
        verify_inclusion(&one, 0, 0, &[], &empty),
        Err(ProofError::IndexBeyondSize { index: 0, size: 0 })
    );
    // A single entry is its own root.
    assert_eq!(verify_inclusion(&one, 0, 1, &[], &one), Ok(()));
    assert_eq!(verify_inclusion(&empty, 0, 1, &[], &one), Err(ProofError::RootMismatch));
    // Consistency from the empty tree is meaningless; equal sizes need equal roots and no proof.
    assert!(verify_consistency(0, 1, &empty, &empty, &[empty]).is_err());
    assert!(verify_consistency(0, 1, &empty, &one, &[]).is_err());
    assert!(verify_consistency(1, 0, &one, &one, &[]).is_err());
    assert!(verify_consistency(2, 1, &one, &one, &[]).is_err());
    assert_eq!(verify_consistency(1, 1, &one, &one, &[]), Ok(()));
    assert_eq!(verify_consistency(0, 0, &empty, &empty, &[]), Ok(()));
    assert_eq!(verify_consistency(1, 1, &empty, &one, &[]), Err(ProofError::RootMismatch));
    assert_eq!(verify_consistency(1, 1, &one, &one, &[one]), Err(ProofError::ProofLength));
    assert_eq!(verify_consistency(1, 2, &one, &one, &[]), Err(ProofError::ProofLength));
    // Hashes of the wrong length (the vectors' "ZG9uJ3QgY2FyZSAx") are refused when read.
    assert_eq!(hash_from_slice(b"don't care 1"), Err(ProofError::HashLength { length: 12 }));
    let long = vec![one; PROOF_HASHES_MAX + 1];
    assert_eq!(
        verify_inclusion(&one, 0, 8, &long, &one),
        Err(ProofError::ProofTooLong { hashes: PROOF_HASHES_MAX + 1 })
    );
}

#[test]
fn every_proof_of_every_small_tree_verifies() {
    let leaves: Vec<Vec<u8>> = (0u32..70).map(|i| i.to_be_bytes().to_vec()).collect();
    let mut tree = MemoryTree::new();
    let mut roots = vec![empty_root()];
    for leaf in &leaves {
        tree.push_leaf_hash(leaf_hash(leaf));
        roots.push(tree.root());
    }
    for size in 1..=leaves.len() as u64 {
        for index in 0..size {
            let proof = inclusion_proof(&tree, index, size).expect("in range");
            let leaf = tree.leaf_hashes()[index as usize];
            assert_eq!(verify_inclusion(&leaf, index, size, &proof, &roots[size as usize]), Ok(()));
        }
        for old in 1..=size {
            let proof = consistency_proof(&tree, old, size).expect("in range");
            let (a, b) = (&roots[old as usize], &roots[size as usize]);
            assert_eq!(verify_consistency(old, size, a, b, &proof), Ok(()), "{old} -> {size}");
        }
    }
}

fn oracle(
    entries: &[Vec<u8>],
) -> ct_merkle::mem_backed_tree::MemoryBackedTree<sha2::Sha256, Vec<u8>> {
    let mut tree = ct_merkle::mem_backed_tree::MemoryBackedTree::new();
    for entry in entries {
        tree.push(entry.clone());
    }
    tree
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Same roots, same inclusion and consistency proofs, byte for byte, as ct-merkle.
    #[test]
    fn agrees_with_ct_merkle(
        entries in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..40), 1..300),
        pick in any::<prop::sample::Index>(),
        old_pick in any::<prop::sample::Index>(),
    ) {
        let ours = MemoryTree::from_entries(entries.iter().map(Vec::as_slice));
        let theirs = oracle(&entries);
        let size = entries.len() as u64;
        let their_root = theirs.root();
        prop_assert_eq!(&ours.root()[..], &their_root.as_bytes()[..]);

        let index = pick.index(entries.len());
        let proof = inclusion_proof(&ours, index as u64, size).expect("in range");
        let bytes: Vec<u8> = proof.iter().flatten().copied().collect();
        let their_proof = theirs.prove_inclusion(index);
        prop_assert_eq!(&bytes[..], their_proof.as_bytes());

        let old = old_pick.index(entries.len()) + 1;
        let proof = consistency_proof(&ours, old as u64, size).expect("in range");
        let old_root = MemoryTree::from_entries(entries[..old].iter().map(Vec::as_slice)).root();
        prop_assert_eq!(verify_consistency(old as u64, size, &old_root, &ours.root(), &proof), Ok(()));
        if old < entries.len() {
            let bytes: Vec<u8> = proof.iter().flatten().copied().collect();
            let their_proof = theirs.prove_consistency(entries.len() - old);
            prop_assert_eq!(&bytes[..], their_proof.as_bytes());
        }
    }
}
