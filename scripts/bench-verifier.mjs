// Benchmark of the browser's verifier module (issue 13: inclusion proof verification in
// WebAssembly for a 1,000,000-entry tree, aim ≤ 50 µs): builds an RFC 9162 tree of 1,000,000
// entries here with Node's SHA-256 (independently of the rules), takes the inclusion proofs
// of a few entries spread over the tree, and times the module's `verifyInclusion` (the call
// as the page makes it: entry bytes, index, size, concatenated proof, root), median over many
// batches. Needs `bash scripts/build-wasm.sh transparency verifier` first.
//
//   node scripts/bench-verifier.mjs [pkg/verifier] [entries]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? 'pkg/verifier');
const size = Number(process.argv[3] ?? 1_000_000);
const verifier = await import(pathToFileURL(`${dir}/verifier.js`).href);
await verifier.default({ module_or_path: readFileSync(`${dir}/verifier_bg.wasm`) });

const sha256 = (...parts) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const entryBytes = (index) => Buffer.from(`kezek bench entry ${index}`);

// levels[l][i]: the hash of the perfect subtree of 2^l leaves starting at leaf i·2^l.
const levels = [Array.from({ length: size }, (_, index) => sha256(LEAF, entryBytes(index)))];
while (levels.at(-1).length > 1) {
  const below = levels.at(-1);
  const level = [];
  for (let i = 0; i + 1 < below.length; i += 2) level.push(sha256(NODE, below[i], below[i + 1]));
  levels.push(level);
}
const split = (k) => 2 ** Math.floor(Math.log2(k - 1));
function rangeHash(start, end) {
  const k = end - start;
  const level = Math.log2(k);
  if (Number.isInteger(level) && start % k === 0) return levels[level][start / k];
  const s = split(k);
  return sha256(NODE, rangeHash(start, start + s), rangeHash(start + s, end));
}
function path(m, start, end) {
  if (end - start === 1) return [];
  const s = split(end - start);
  return m - start < s
    ? [...path(m, start, start + s), rangeHash(start + s, end)]
    : [...path(m, start + s, end), rangeHash(start, start + s)];
}
const root = rangeHash(0, size);

const indices = [0, 1, 4_095, 262_143, 499_999, 777_777, size - 2, size - 1].filter((i) => i < size);
const cases = indices.map((index) => ({ index, entry: entryBytes(index), proof: Buffer.concat(path(index, 0, size)) }));
for (const { index, entry, proof } of cases) verifier.verifyInclusion(entry, index, size, proof, root);
let refused = null;
try {
  verifier.verifyInclusion(entryBytes(1), 0, size, cases[0].proof, root);
} catch (error) {
  refused = error.message;
}
if (refused !== 'root_mismatch') throw new Error(`a wrong entry was not refused with root_mismatch (${refused})`);

const perBatch = 200;
const batches = 300;
const times = [];
for (let batch = 0; batch < batches + 20; batch++) {
  const { index, entry, proof } = cases[batch % cases.length];
  const started = process.hrtime.bigint();
  for (let i = 0; i < perBatch; i++) verifier.verifyInclusion(entry, index, size, proof, root);
  if (batch >= 20) times.push(Number(process.hrtime.bigint() - started) / perBatch / 1000);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const hashes = cases.map((c) => c.proof.length / 32);
console.log(`verifyInclusion, ${size.toLocaleString('en')}-entry tree, proofs of ${Math.min(...hashes)}–${Math.max(...hashes)} hashes: ` +
  `median ${median.toFixed(2)} µs per call (min ${times[0].toFixed(2)}, p10 ${times[Math.floor(times.length / 10)].toFixed(2)}, p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)}; ` +
  `${batches} batches × ${perBatch} calls; Node ${process.version}, ${dir})`);
