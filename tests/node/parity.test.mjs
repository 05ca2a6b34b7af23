// Parity: the same generated inputs through the native crate (the api_json runner) and
// through the WebAssembly module give byte-identical JSON.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const rules = createRequire(import.meta.url)('../../pkg/node/kezek_rules.js');
const runner = `${process.env.CARGO_TARGET_DIR ?? fileURLToPath(new URL('../../target', import.meta.url))}/release/examples/api_json`;
const CASES = 4000;

/** A small seeded PRNG (mulberry32), so every run checks the same inputs. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random values from one PRNG: integers, picks, and instants across 2024–2027. */
function draws(random) {
  const int = (low, high) => low + Math.floor(random() * (high - low + 1));
  const pick = (items) => items[int(0, items.length - 1)];
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  // Mostly whole seconds in UTC; sometimes fractions of 3, 6 or 9 digits, or a UTC offset.
  const fraction = () => pick(['', '', '', '', `.${pad(int(0, 999), 3)}`, `.${pad(int(0, 999999), 6)}`, `.${pad(int(0, 999999999), 9)}`]);
  const zone = () => pick(['Z', 'Z', 'Z', 'Z', '+05:00', '-01:30']);
  const instant = () => `${int(2024, 2027)}-${pad(int(1, 12))}-${pad(int(1, 28))}T${pad(int(0, 23))}:${pad(int(0, 59))}:${pad(int(0, 59))}${fraction()}${zone()}`;
  const stateName = () => pick(['queued', 'offered', 'referred', 'stop_listed', 'enrolled', 'removed']);
  return { int, pick, pad, instant, stateName };
}

function generate(random, states) {
  const { int, pick, pad, instant, stateName } = draws(random);
  const date = () => `${int(2021, 2026)}-${pad(int(1, 12))}-${pad(int(1, 28))}`;
  const iin = () => {
    const head = `${pad(int(19, 25))}${pad(int(1, 13))}${pad(int(1, 31))}${int(0, 7)}${pad(int(0, 9999), 4)}`;
    const digits = [...head].map(Number);
    let check = digits.reduce((sum, d, i) => sum + d * (i + 1), 0) % 11;
    if (check === 10) check = digits.reduce((sum, d, i) => sum + d * [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2][i], 0) % 11;
    // Mostly valid check digits, sometimes a wrong one, sometimes nonsense.
    const roll = random();
    if (roll < 0.05) return head.slice(0, int(0, 11));
    if (roll < 0.15) return `${head}${(check + 1) % 10}`;
    return `${head}${check % 10}`;
  };
  const span = () => pick([{ unit: 'working_days', count: int(1, 15) }, { unit: 'calendar_days', count: int(1, 40) }, { unit: 'hours', count: int(1, 72) }]);
  const clock = () => pick([null, { initialOffsetSeconds: 18000 }, { initialOffsetSeconds: 21600, changes: [{ fromAt: '2024-02-29T18:00:00Z', offsetSeconds: 18000 }] }]);
  const policy = () => (random() < 0.7 ? null : {
    minAgeYears: int(1, 3), offerWindow: span(), referralValidity: span(), stopList: span(), maxLapses: int(1, 3), extensionMaxDays: int(1, 30),
    extensionsAllowed: int(0, 2), cancelWindowHours: int(1, 48), priorityRatio: { firstPriority: int(1, 3), general: int(1, 4) },
    blackouts: random() < 0.5 ? [] : [{ firstDay: { month: 8, day: 1 }, lastDay: { month: 8, day: 31 } }], ageOutYears: null,
  });
  const state = () => pick(states);
  switch (int(0, 5)) {
    case 0: return { fn: 'checkIin', input: { iin: iin() } };
    case 1: {
      const input = { state: state(), freeChoicePlaces: int(0, 3), groupsWithFreePlaces: int(0, 3), policy: policy(), clock: clock(), now: instant() };
      return { fn: 'previewEligibility', input: random() < 0.5 ? { ...input, childIin: iin() } : { ...input, birthDate: date() } };
    }
    case 2: return { fn: 'explainDeadline', input: { span: span(), eventAt: instant(), clock: clock() } };
    case 3: return { fn: 'applicationDeadlines', input: { state: state(), policy: policy(), clock: clock() } };
    case 4: return { fn: 'stateFromEvent', input: { state: stateName(), eventAt: instant(), groupId: 'g', policy: policy(), clock: clock() } };
    default: {
      const entries = Array.from({ length: int(1, 30) }, (_, i) => ({
        id: `a${i}`, priority: pick(['out_of_turn', 'first_priority', 'general']), registeredAt: instant(), birthDate: date(), waiting: pick(['queued', 'offered', 'stop_listed']),
      }));
      return { fn: 'queuePosition', input: { entries, applicationId: `a${int(0, 32)}`, priorityRatio: random() < 0.5 ? null : { firstPriority: int(1, 3), general: int(1, 4) } } };
    }
  }
}

/** Runs calls through the native runner in one process: one output line per call. */
function runNative(calls) {
  const run = spawnSync(runner, { input: calls.map((call) => JSON.stringify(call)).join('\n'), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, calls.length);
  return lines;
}

/** Application states as the server would set them, at instants across 2024–2027. */
function statePool(random, size = 400) {
  const { instant, stateName } = draws(random);
  const calls = Array.from({ length: size }, () => ({ fn: 'stateFromEvent', input: { state: stateName(), eventAt: instant() } }));
  return runNative(calls).map((line) => JSON.parse(line).ok ?? { state: 'queued' });
}

function runWasm(call) {
  try {
    return JSON.stringify({ ok: rules[call.fn](call.input) });
  } catch (error) {
    assert.ok(error instanceof Error && typeof error.code === 'string', `${call.fn} threw a coded Error`);
    return JSON.stringify({ error: { code: error.code, message: error.message } });
  }
}

/** Inputs of the wrong shape and unusual spellings: the refusals' messages match too. */
const EDGES = [
  { fn: 'checkIin', input: { iin: '230510500012', foo: 1 } },
  { fn: 'checkIin', input: {} },
  { fn: 'checkIin', input: { iin: 42 } },
  { fn: 'checkIin', input: { iin: '２３０５１０５０００１２' } },
  { fn: 'previewEligibility', input: { birthDate: '2024-03-14' } },
  { fn: 'previewEligibility', input: { birthDate: '2024-02-30', now: '2026-03-02T05:00:00Z' } },
  { fn: 'previewEligibility', input: { birthDate: '2024-3-14', now: '2026-03-02T05:00:00Z' } },
  { fn: 'previewEligibility', input: { birthDate: '2024-03-14', now: '2026-03-02T05:00:00.5+05:00' } },
  { fn: 'previewEligibility', input: { birthDate: '2024-03-14', now: '2026-03-02T05:00:00Z', freeChoicePlaces: -1 } },
  { fn: 'previewEligibility', input: { birthDate: '2024-03-14', now: '2026-03-02T05:00:00Z', freeChoicePlaces: 1.5 } },
  { fn: 'previewEligibility', input: { birthDate: '2024-03-14', now: '2026-03-02T05:00:00Z', state: null } },
  { fn: 'previewEligibility', input: { now: '2026-03-02T05:00:00Z' } },
  { fn: 'stateFromEvent', input: { state: 'offered', eventAt: '2026-03-02T10:00:00.123456789-01:30' } },
  { fn: 'stateFromEvent', input: { state: 'bogus', eventAt: '2026-03-02T10:00:00Z' } },
  { fn: 'stateFromEvent', input: { state: 'queued', eventAt: '2026-03-02 10:00:00Z' } },
  { fn: 'applicationDeadlines', input: { state: { state: 'offered', offeredAt: '2026-03-02T10:00:00Z' } } },
  { fn: 'applicationDeadlines', input: { state: { state: 'queued', untilAt: '2026-03-02T10:00:00Z' } } },
  { fn: 'explainDeadline', input: { span: { unit: 'weeks', count: 3 }, eventAt: '2026-03-02T10:00:00Z' } },
  { fn: 'explainDeadline', input: { span: { unit: 'working_days', count: 3 }, eventAt: '2028-03-02T10:00:00Z' } },
  { fn: 'queuePosition', input: { entries: [], applicationId: 'x' } },
  { fn: 'queuePosition', input: { entries: [{ id: 'a', priority: 'general', registeredAt: '2025-01-10T09:00:00Z', birthDate: '2023-01-01', waiting: 'queued' }], applicationId: 'a', priorityRatio: { firstPriority: 0, general: 3 } } },
];

test('edge inputs (wrong shapes, offsets, fractions, full-width digits) give byte-identical JSON', () => {
  const nativeLines = runNative(EDGES);
  EDGES.forEach((call, index) => assert.equal(runWasm(call), nativeLines[index], JSON.stringify(call)));
});

test(`${CASES} generated inputs give byte-identical JSON natively and in WebAssembly`, () => {
  const random = prng(20261125);
  const states = statePool(random);
  const calls = Array.from({ length: CASES }, () => generate(random, states));
  const nativeLines = runNative(calls);
  const outcomes = { ok: 0, error: 0 };
  calls.forEach((call, index) => {
    const wasmLine = runWasm(call);
    outcomes[wasmLine.startsWith('{"ok"') ? 'ok' : 'error'] += 1;
    assert.equal(wasmLine, nativeLines[index], `case ${index}: ${JSON.stringify(call)}`);
  });
  // The generator must exercise both answers and refusals.
  assert.ok(outcomes.ok > CASES / 2 && outcomes.error > CASES / 50, JSON.stringify(outcomes));
});
