// Node tests of the built WebAssembly package (pkg/node): every export on known cases,
// refusals as real Errors carrying their stable code.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const rules = createRequire(import.meta.url)('../../pkg/node/kezek_rules.js');
const NOW = '2026-03-02T05:00:00Z';

function codeOf(call) {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof Error, 'a refusal is a real Error');
    return error.code;
  }
  assert.fail('expected a refusal');
}

test('checkIin reads the birth date, century and sex (DESIGN §3)', () => {
  assert.deepEqual(rules.checkIin({ iin: '230510500012' }), { iin: '230510500012', birthDate: '2023-05-10', century: 2000, sex: 'male' });
  assert.equal(rules.checkIin({ iin: '240601600015' }).sex, 'female');
  assert.equal(rules.checkIin({ iin: '880102300702' }).century, 1900, 'second weight round');
});

test('checkIin refusals carry distinct codes', () => {
  assert.equal(codeOf(() => rules.checkIin({ iin: '230510500013' })), 'iin_check_digit');
  assert.equal(codeOf(() => rules.checkIin({ iin: '2305' })), 'iin_length');
  assert.equal(codeOf(() => rules.checkIin({ iin: '2305105000x2' })), 'iin_not_digits');
  assert.equal(codeOf(() => rules.checkIin({ iin: '230510900012' })), 'iin_century_digit');
  assert.equal(codeOf(() => rules.checkIin({ iin: '231310500012' })), 'iin_birth_date');
  assert.equal(codeOf(() => rules.checkIin({ iin: 42 })), 'invalid_input');
  assert.equal(codeOf(() => rules.checkIin({})), 'invalid_input');
});

test('previewEligibility: too young, with the date of the second birthday (seed step 8)', () => {
  const preview = rules.previewEligibility({ childIin: '240601600015', freeChoicePlaces: 1, groupsWithFreePlaces: 2, now: NOW });
  assert.equal(preview.eligibility.allowed, false);
  assert.deepEqual(preview.eligibility.reasons, [{ code: 'child_too_young', allowedFrom: '2026-06-01' }]);
  assert.equal(preview.turnsMinAgeOn, '2026-06-01');
  assert.equal(preview.groupYear, 2024);
});

test('previewEligibility: every reason at once, each with its date where knowable', () => {
  const state = rules.stateFromEvent({ state: 'stop_listed', eventAt: '2026-02-27T19:00:00Z' });
  const policy = { ...rules.defaultPolicy(), blackouts: [{ firstDay: { month: 3, day: 1 }, lastDay: { month: 3, day: 10 } }] };
  const preview = rules.previewEligibility({ birthDate: '2024-06-01', state, freeChoicePlaces: 0, groupsWithFreePlaces: 0, policy, now: NOW });
  assert.deepEqual(preview.eligibility.reasons.map((reason) => reason.code), ['stop_listed', 'child_too_young', 'blackout_period', 'turn_not_come', 'no_free_places']);
  assert.equal(preview.eligibility.reasons[0].allowedFrom, '2026-03-17');
  assert.equal(preview.eligibility.reasons[2].allowedFrom, '2026-03-11');
});

test('previewEligibility: an offered child of two may choose', () => {
  const state = rules.stateFromEvent({ state: 'offered', eventAt: '2026-03-02T04:00:00Z' });
  assert.equal(state.expiresAt, '2026-03-05T19:00:00Z', 'Tue 3, Wed 4, Thu 5 March → 00:00 local Fri 6 March');
  const preview = rules.previewEligibility({ childIin: '230510500012', state, groupsWithFreePlaces: 1, now: NOW });
  assert.deepEqual(preview.eligibility, { allowed: true, reasons: [] });
});

test('explainDeadline names Nauryz 2026 among the skipped days (seed step 9)', () => {
  const explained = rules.explainDeadline({ span: { unit: 'working_days', count: 3 }, eventAt: '2026-03-20T05:00:00Z' });
  assert.deepEqual(explained.countedDays, ['2026-03-26', '2026-03-27', '2026-03-30']);
  assert.equal(explained.deadlineAt, '2026-03-30T19:00:00Z');
  assert.deepEqual(explained.skippedDays.map((day) => day.day.holiday ?? day.day.kind), ['nauryz', 'nauryz', 'nauryz', 'nauryz', 'nauryz', 'weekend', 'weekend']);
  assert.equal(codeOf(() => rules.explainDeadline({ span: { unit: 'working_days', count: 5 }, eventAt: '2027-12-29T05:00:00Z' })), 'calendar_year_missing');
});

test('applicationDeadlines of a referral: validity, cancel-by, extension limit', () => {
  const state = rules.stateFromEvent({ state: 'referred', eventAt: '2025-10-23T05:00:00Z', groupId: 'g-1' });
  const deadlines = rules.applicationDeadlines({ state });
  assert.equal(deadlines.referralValidUntilAt, '2025-10-31T19:00:00Z');
  assert.equal(deadlines.cancelUntilAt, '2025-10-24T05:00:00Z');
  assert.equal(deadlines.extensionLimitAt, '2025-11-30T19:00:00Z');
  assert.equal(deadlines.offerExpiresAt, null);
  assert.ok(deadlines.referralValidity.skippedDays.some((day) => day.day.kind === 'moved_day_off' && day.day.holiday === 'republic_day'));
});

test('queuePosition interleaves one first-priority child with three general ones (§1.4)', () => {
  const entry = (id, priority, second) => ({ id, priority, registeredAt: `2025-01-10T09:00:0${second}Z`, birthDate: '2023-01-01', waiting: 'queued' });
  const entries = [entry('g1', 'general', 1), entry('g2', 'general', 2), entry('p1', 'first_priority', 3), entry('g3', 'general', 4), entry('g4', 'general', 5), entry('o1', 'out_of_turn', 6)];
  assert.deepEqual(rules.queuePosition({ entries, applicationId: 'o1' }), { ahead: 0, waiting: 6 });
  assert.deepEqual(rules.queuePosition({ entries, applicationId: 'p1' }), { ahead: 1, waiting: 6 });
  assert.deepEqual(rules.queuePosition({ entries, applicationId: 'g4' }), { ahead: 5, waiting: 6 });
  assert.equal(codeOf(() => rules.queuePosition({ entries, applicationId: 'zz' })), 'application_not_in_queue');
});

test('defaultPolicy is the seed and calendarYears are 2024–2027', () => {
  const policy = rules.defaultPolicy();
  assert.deepEqual(policy.offerWindow, { unit: 'working_days', count: 3 });
  assert.deepEqual(policy.referralValidity, { unit: 'working_days', count: 5 });
  assert.deepEqual(policy.stopList, { unit: 'working_days', count: 10 });
  assert.equal(policy.maxLapses, 2);
  assert.deepEqual(rules.calendarYears(), [2024, 2025, 2026, 2027]);
});
