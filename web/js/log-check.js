// Verifies an application's history in its pool's transparency log, in the browser (issue 13
// item 3): the rules crate's verifier module (pkg/verifier/, built by `scripts/build-wasm.sh
// transparency verifier`, loaded only here, on demand) checks the checkpoint's signature by
// the log's key and its origin, every entry's inclusion proof, and that the checkpoint is
// consistent with the last one this browser saw of the pool (kept in localStorage). Every
// check is the rules'; this file only fetches, decodes base64 and remembers.
import { get } from './api.js';
import { config } from './config.js';

const REMEMBERED = 'kezek.log.';
let verifier = null;

/** The verifier module, loaded once. */
async function loadVerifier() {
  verifier ??= import('../pkg/verifier/verifier.js').then(async (module) => {
    await module.default();
    return module;
  });
  return verifier;
}

/** A failed check: which one (`key`, `checkpoint`, `inclusion`, `consistency`) and its code. */
export class LogCheckError extends Error {
  constructor(check, code, details = {}) {
    super(code);
    this.check = check;
    this.code = code;
    this.details = details;
  }
}

const bytes = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
const base64Of = (array) => btoa(String.fromCharCode(...array));

function concatenated(hashes) {
  const decoded = hashes.map(bytes);
  const all = new Uint8Array(decoded.reduce((length, hash) => length + hash.length, 0));
  let at = 0;
  for (const hash of decoded) {
    all.set(hash, at);
    at += hash.length;
  }
  return all;
}

/** Runs one of the verifier's checks; its refusal (an Error whose message is the code) as LogCheckError. */
function checked(check, run, details) {
  try {
    return run();
  } catch (error) {
    throw new LogCheckError(check, error?.message ?? String(error), details);
  }
}

async function logKey() {
  const { api } = await config();
  let response;
  try {
    response = await fetch(`${api}/transparency/key`);
  } catch {
    throw new LogCheckError('key', 'network_unreachable');
  }
  if (!response.ok) throw new LogCheckError('key', 'log_key_unavailable');
  return (await response.text()).trim();
}

function remembered(origin) {
  try {
    const value = JSON.parse(window.localStorage.getItem(REMEMBERED + origin) ?? 'null');
    return Number.isSafeInteger(value?.size) && typeof value.root === 'string' ? value : null;
  } catch {
    return null;
  }
}

function remember(origin, head) {
  try {
    window.localStorage.setItem(REMEMBERED + origin, JSON.stringify({ size: head.size, root: base64Of(head.root) }));
  } catch {
    // Storage refused (private window): the next visit cannot compare; this one still verified.
  }
}

/** Checks the new head against the one this browser saw of the pool (same size: same root). */
async function checkConsistency(wasm, log, seen, head) {
  let proof = new Uint8Array();
  if (seen.size > 0 && seen.size < head.size) {
    const route = `/transparency/${log.regionId}/${log.groupYear}/consistency/${seen.size}/${head.size}`;
    try {
      proof = concatenated((await get(route, { anonymous: true })).proof);
    } catch (error) {
      throw new LogCheckError('consistency', error?.code ?? 'other', { seen: seen.size });
    }
  }
  checked('consistency', () => wasm.verifyConsistency(seen.size, bytes(seen.root), head.size, head.root, proof),
    { seen: seen.size });
}

function describe(wasm, entry, index) {
  const description = checked('entry', () => wasm.describeEntry(entry), { index });
  const view = {
    index,
    kind: description.kind,
    at: new Date(description.atMillis).toISOString(),
    fromState: description.fromState,
    toState: description.toState,
  };
  description.free();
  return view;
}

/**
 * Fetches the application's log and verifies it. Resolves to `{ checkpoint: false, pending }`
 * before the pool's first checkpoint, else `{ checkpoint: true, size, entries, pending, seen }`
 * (`seen`: the size of the remembered checkpoint it is consistent with, or null); throws a
 * LogCheckError naming the failed check and the rules' code.
 */
export async function verifyApplicationLog(applicationId) {
  const log = await get(`/applications/${applicationId}/log`);
  if (log.checkpoint === null) return { checkpoint: false, pending: log.pending };
  const [wasm, vkey] = await Promise.all([loadVerifier(), logKey()]);
  const origin = checked('key', () => wasm.poolOrigin(vkey, log.regionId, log.groupYear));
  const opened = checked('checkpoint', () => wasm.openCheckpoint(log.checkpoint, vkey, origin));
  const head = { size: opened.size, root: opened.root };
  opened.free();
  const entries = log.entries.map(({ index, entry, inclusionProof }) => {
    const data = bytes(entry);
    checked('inclusion', () => wasm.verifyInclusion(data, index, head.size, concatenated(inclusionProof), head.root), { index });
    return describe(wasm, data, index);
  });
  const seen = remembered(origin);
  if (seen) await checkConsistency(wasm, log, seen, head);
  remember(origin, head);
  return { checkpoint: true, size: head.size, entries, pending: log.pending, seen: seen?.size ?? null, waiting: log.waiting };
}
