//! Benchmarks of the verifiable queue (issue 13): `cargo bench -p kezek-rules --bench
//! transparency`. Aims: inclusion proof verification for a 1,000,000-entry tree ≤ 50 µs (in
//! WebAssembly; measured here natively), the auditor's replay ≥ 100,000 entries/s on one
//! core; the forecast of issue 15 over a 50,000-entry pool ≤ 50 ms. Proof, entry and tile
//! sizes are printed once.

#[path = "../tests/transparency_sim/mod.rs"]
mod transparency_sim;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kezek_rules::transparency::merkle::{
    consistency_proof, inclusion_proof, leaf_hash, verify_consistency, verify_inclusion, MemoryTree,
};
use kezek_rules::transparency::replay::replay_log;
use kezek_rules::transparency::tiles::{encode_bundle, tiles_for_size};
use kezek_rules::transparency::AuditEntry;

const TREE_SIZE: u64 = 1_000_000;

fn million_tree() -> MemoryTree {
    let mut tree = MemoryTree::new();
    for i in 0..TREE_SIZE {
        tree.push_leaf_hash(leaf_hash(&i.to_be_bytes()));
    }
    tree
}

fn proofs(c: &mut Criterion) {
    let tree = million_tree();
    let root = tree.root();
    let index = 765_432;
    let leaf = tree.leaf_hashes()[index as usize];
    let proof = inclusion_proof(&tree, index, TREE_SIZE).expect("in range");
    let old = 999_000;
    let old_root = kezek_rules::transparency::root_hash(&tree, old).expect("size");
    let consistency = consistency_proof(&tree, old, TREE_SIZE).expect("sizes");
    println!(
        "sizes: inclusion proof of a 1,000,000-entry tree {} hashes = {} bytes; consistency \
         999,000 -> 1,000,000 {} hashes = {} bytes; {} tiles for 1,000,000 entries",
        proof.len(),
        proof.len() * 32,
        consistency.len(),
        consistency.len() * 32,
        tiles_for_size(TREE_SIZE).len()
    );
    c.bench_function("verify inclusion, 1,000,000 entries", |b| {
        b.iter(|| verify_inclusion(black_box(&leaf), index, TREE_SIZE, black_box(&proof), &root))
    });
    c.bench_function("verify consistency, 999,000 -> 1,000,000", |b| {
        b.iter(|| verify_consistency(old, TREE_SIZE, &old_root, &root, black_box(&consistency)))
    });
    c.bench_function("generate inclusion proof, 1,000,000 entries", |b| {
        b.iter(|| inclusion_proof(&tree, black_box(index), TREE_SIZE))
    });
}

fn replay(c: &mut Criterion) {
    let sim = transparency_sim::busy_pool(5_000, 40);
    let bytes: Vec<Vec<u8>> = sim.bytes();
    let total: usize = bytes.iter().map(Vec::len).sum();
    let bundle = encode_bundle(bytes[..256].iter().map(Vec::as_slice)).expect("256 entries");
    println!(
        "sizes: {} entries, {:.1} bytes per entry on average, largest {}; a full entry bundle \
         {} bytes, a full hash tile 8192 bytes",
        bytes.len(),
        total as f64 / bytes.len() as f64,
        bytes.iter().map(Vec::len).max().unwrap_or(0),
        bundle.len()
    );
    assert!(replay_log(sim.replay_context(), bytes.iter().map(Vec::as_slice)).is_empty());
    let mut group = c.benchmark_group("replay");
    group.throughput(Throughput::Elements(bytes.len() as u64));
    group.sample_size(10);
    group.bench_function("decode + replay a busy pool's log", |b| {
        b.iter(|| replay_log(sim.replay_context(), bytes.iter().map(Vec::as_slice)))
    });
    group.bench_function("decode only", |b| {
        b.iter(|| bytes.iter().filter_map(|e| AuditEntry::decode(e).ok()).count())
    });
    group.finish();
}

/// Issue 15: the forecast of an application at the back of a 50,000-entry pool (aim ≤ 50 ms
/// in WebAssembly; measured here natively).
fn forecast_50000(c: &mut Criterion) {
    use kezek_rules::forecast::forecast;
    let input = kezek_rules::forecast::bench_pool::forecast_pool(42_000);
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("50,000 applications ahead, 400 runs", |b| {
        b.iter(|| forecast(black_box(&input)))
    });
    group.finish();
    eprintln!("forecast of the 50,000-entry pool: {:?}", forecast(&input));
}

criterion_group!(benches, proofs, replay, forecast_50000);
criterion_main!(benches);
