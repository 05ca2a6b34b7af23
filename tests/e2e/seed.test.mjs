// The seed scenario end to end over HTTP on the local process (issue 3 item 6; seed steps
// quoted from ../shared/seed/translation-en.md): DynamoDB Local, moto and kezek-local started
// by scripts/serve.sh; EDS login and signatures with the test PKI; the clock moved forward
// through POST /local/clock and the schedules' work done through POST /local/sweep.
// Expected deadlines come from the rules' own WebAssembly package (pkg/node), so the dates
// the server enforces are checked against the dates the preview shows.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

import { client, holder, iinFor, sentNotices, startService } from './service.mjs';

const rules = createRequire(import.meta.url)('../../pkg/node/kezek_rules.js');
const REGION = 'kz-zhetisu-taldykorgan';
const GROUP = 'tk-001-2024-kk';
const PARENT = '880102300702'; // the test PKI's applicant (auth.pem, sign.pem)
const OTHER = '230510500012'; // another person of the test PKI (other_sign.pem)
const PHONE = '+77011234567';
const STAFF = '900115400018'; // the staff member of the test PKI (staff_auth.pem)

let service;
let api;
let parent; // the parent's session token (EDS login)
let other; // the other applicant's token
let staff; // staff of tk-001

async function ok(promise, status = 200) {
  const answer = await promise;
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  return answer.body;
}

async function refused(promise, status, code) {
  const answer = await promise;
  assert.deepEqual([answer.status, answer.body?.code], [status, code], JSON.stringify(answer.body));
}

const details = (id, token = parent) => ok(api('GET', `/applications/${id}`, { token }));
const stateOf = async (id, token) => (await details(id, token)).application.state.state;
/// Moves the local clock; sessions last 30 minutes, so everyone logs in again afterwards.
async function advance(duration) {
  const moved = await ok(api('POST', '/local/clock', { body: { advance: duration } }));
  await logIn();
  return moved;
}

/// Seed steps 3–5: log in with an authentication key (EDS) of the test PKI: the parent's
/// (`auth`) or the kindergarten's organisation key (`staff_auth`, BIN mapped to tk-001 by
/// scripts/serve.sh). The other applicant has no authentication key in the test PKI and takes
/// a local token (POST /local/token).
async function edsLogin(name = 'auth') {
  const challenge = await ok(api('POST', '/auth/challenge'), 201);
  return ok(api('POST', '/auth/login', { body: { nonce: challenge.nonce, signature: holder(service.pki, name).sign(challenge.signedText) } }));
}

async function logIn() {
  const login = await edsLogin();
  assert.equal(login.emailRequired, false, 'the profile exists');
  parent = login.token;
  other = (await ok(api('POST', '/local/token', { body: { role: 'applicant', iin: OTHER } }))).token;
  const staffLogin = await edsLogin('staff_auth');
  assert.deepEqual(staffLogin.identity, { role: 'staff', iin: STAFF, bin: '150440012344', kindergartenId: 'tk-001' });
  staff = staffLogin.token;
  if (staffLogin.emailRequired) {
    staff = (await ok(api('POST', '/auth/profile', { token: staff, body: { email: 'staff@tk-001.example.kz', language: 'kk' } }))).token;
  }
}
const sweep = () => ok(api('POST', '/local/sweep'));
const publish = (count, groupId = GROUP) => ok(api('POST', '/staff/places', { token: staff, body: { action: 'publish', groupId, count } }));
const pool = () => ok(api('GET', `/regions/${REGION}/pools/2024/places`));
const sms = async (start) => (await sentNotices(service)).sms.filter((sent) => sent.phone === PHONE && sent.message.startsWith(start));
const emailsTo = async (address) => (await sentNotices(service)).topics.filter((sent) => sent.attributes?.recipient?.Value === address);

/// Moves the local clock just past `instant` (a deadline), then runs the schedules' work.
async function passAndSweep(instant) {
  const { now } = await ok(api('GET', '/local/clock'));
  const seconds = Math.ceil((Date.parse(instant) - Date.parse(now)) / 1000) + 60;
  assert.ok(seconds > 0, `${instant} is already past (${now})`);
  await advance(`${seconds}s`);
  return sweep();
}

async function enqueue(token, childIin) {
  const body = await ok(api('POST', '/applications', { token, body: { regionId: REGION, childIin, priority: 'general' } }), 201);
  return body.application.id;
}

/// Seed steps 10–13: choose a group, sign the exact bytes with the signing key → referral.
async function chooseAndSign(token, id, signer, groupId = GROUP) {
  const choice = await ok(api('POST', `/applications/${id}/choose`, { token, body: { groupId } }));
  return ok(api('POST', `/applications/${id}/sign`, { token, body: { nonce: choice.nonce, signature: signer.sign(choice.signedText) } }));
}

before(async () => {
  service = await startService();
  api = client(service);
  // Seed steps 3–5: log in with the authentication key (EDS); the first login asks for an e-mail.
  const login = await edsLogin();
  assert.deepEqual([login.identity, login.emailRequired], [{ role: 'applicant', iin: PARENT }, true]);
  await refused(api('GET', '/applications', { token: login.token }), 403, 'email_required');
  const profile = await ok(api('POST', '/auth/profile', { token: login.token, body: { email: 'parent@example.kz', phone: PHONE, language: 'en' } }));
  assert.equal(typeof profile.token, 'string');
  await logIn();
  await ok(api('POST', '/auth/profile', { token: other, body: { email: 'other@example.kz', language: 'ru' } }));
});

after(async () => {
  await service?.stop();
});

test('steps 1–2: the region list marks the three cities served elsewhere, which refuse (R1)', async () => {
  const { regions } = await ok(api('GET', '/regions'));
  const elsewhere = regions.filter((region) => !region.served).map((region) => region.id).sort();
  assert.deepEqual(elsewhere, ['kz-aktobe', 'kz-almaty', 'kz-astana']);
  const child = iinFor('2024-01-15', 5, 10);
  await refused(api('POST', '/applications', { token: parent, body: { regionId: 'kz-astana', childIin: child, priority: 'general' } }), 422, 'region_not_served');
});

test('steps 6–13 and enrolment: queue, turn came with its deadline by SMS, choose, sign, referral, enrol', async () => {
  const id = await enqueue(parent, iinFor('2024-02-10', 5, 100));
  assert.equal(await stateOf(id), 'queued');
  // Step 8: staff publish a place; the turn engine offers it; the notice says until when.
  await publish(1);
  const offered = await details(id);
  assert.equal(offered.application.state.state, 'offered');
  const offeredAt = offered.application.state.offeredAt;
  const expected = rules.explainDeadline({ span: { unit: 'working_days', count: 3 }, eventAt: offeredAt });
  assert.equal(offered.application.state.expiresAt, expected.deadlineAt, 'server and rules agree on the offer window (R6)');
  const rounds = await sweep();
  assert.ok(rounds.notify.sent >= 1, JSON.stringify(rounds.notify));
  const { sms, topics } = await sentNotices(service);
  const lastDay = new Date(Date.parse(expected.deadlineAt) + 5 * 3600_000 - 1000).toISOString().slice(0, 10);
  const [year, month, day] = lastDay.split('-').map(Number);
  const monthName = new Date(Date.UTC(year, month - 1, day)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const turn = sms.filter((sent) => sent.phone === PHONE && sent.message.startsWith('Your turn has come'));
  assert.equal(turn.length, 1, JSON.stringify(sms));
  assert.ok(turn[0].message.includes(`until the end of ${day} ${monthName} ${year}`), turn[0].message);
  assert.ok(topics.some((sent) => sent.message.includes(id) && sent.attributes?.recipient?.Value === 'parent@example.kz'), JSON.stringify(topics));
  // Sweeping again sends nothing twice (delivery is per outbox item).
  await sweep();
  assert.equal((await sentNotices(service)).sms.filter((sent) => sent.message.startsWith('Your turn has come')).length, 1);

  // Step 10 (R7): the choice list shows the group, its language, address and location.
  const { groups } = await pool();
  const group = groups.find((g) => g.groupId === GROUP);
  assert.deepEqual([group.language, typeof group.address, typeof group.location.lat], ['kk', 'string', 'number']);
  // Steps 11–13: sign with the signing key; the referral appears among the documents.
  const signed = await chooseAndSign(parent, id, holder(service.pki, 'sign'));
  assert.equal(signed.application.state.state, 'referred');
  const number = signed.referral.number;
  const document = await ok(api('GET', `/applications/${id}/documents/${encodeURIComponent(number)}`, { token: parent }));
  assert.deepEqual([document.evidence.signerIin, document.evidence.signedText.startsWith('kezek choice v1')], [PARENT, true]);
  assert.ok(document.evidence.certificateSerial && document.evidence.certificateIssuer.includes('TEST NCA INTERMEDIATE'), JSON.stringify(document.evidence));
  // R13: staff confirm the child came.
  const enrolled = await ok(api('POST', `/applications/${id}/enrol`.replace('/applications', '/staff/applications'), { token: staff, body: {} }));
  assert.equal(enrolled.application.state.state, 'enrolled');
});

// Children of the unhappy branches (group year 2024, the same pool): A's C2 ahead of B's C3.
const state = {};

test('step 9 (R6): the offer window passes, the place becomes free choice and another child takes it', async () => {
  state.c2 = await enqueue(parent, iinFor('2024-03-01', 6, 200));
  state.c3 = await enqueue(other, iinFor('2024-04-01', 5, 300));
  const [before] = [(await pool()).counters];
  await publish(1);
  const offer = (await details(state.c2)).application.state;
  assert.equal(offer.state, 'offered');
  assert.equal(await stateOf(state.c3, other), 'queued');
  await refused(api('POST', `/applications/${state.c3}/choose`, { token: other, body: { groupId: GROUP } }), 422, 'turn_not_come');
  // One second before the deadline nothing happens; after it the sweep applies it.
  await passAndSweep(new Date(Date.parse(offer.expiresAt) - 120_000).toISOString());
  assert.equal(await stateOf(state.c2), 'offered');
  await passAndSweep(offer.expiresAt);
  const back = await details(state.c2);
  assert.equal(back.application.state.state, 'queued', 'keeps its position');
  assert.deepEqual((await pool()).counters, { ...before, freeChoice: before.freeChoice + 1 });
  // R4: free choice lets a queued child choose; no notice is sent for free-choice places (R5).
  const signed = await chooseAndSign(other, state.c3, holder(service.pki, 'other_sign'));
  assert.equal(signed.application.state.state, 'referred');
  assert.deepEqual((await pool()).counters, before);
  await refused(api('POST', `/applications/${state.c2}/choose`, { token: parent, body: { groupId: GROUP } }), 422, 'turn_not_come');
});

test('R9–R10: a referral lapses, the child is stop-listed 10 working days, returns, lapses again and is removed', async () => {
  const referral = (await details(state.c3, other)).application.state.referral;
  await passAndSweep(referral.validUntilAt);
  const stopListed = (await details(state.c3, other)).application.state;
  assert.equal(stopListed.state, 'stop_listed');
  const expected = rules.explainDeadline({ span: { unit: 'working_days', count: 10 }, eventAt: referral.validUntilAt });
  assert.equal(stopListed.untilAt, expected.deadlineAt, 'stop-list end as the rules count it');
  await refused(api('POST', `/applications/${state.c3}/choose`, { token: other, body: { groupId: GROUP } }), 422, 'stop_listed');
  assert.ok((await emailsTo('other@example.kz')).some((sent) => sent.message.includes(state.c3)), 'lapse notice by e-mail');
  await passAndSweep(stopListed.untilAt);
  assert.equal(await stateOf(state.c3, other), 'queued');
  // Two places: C2 (ahead) and C3 are both offered.
  await publish(2);
  assert.equal(await stateOf(state.c2), 'offered');
  const signed = await chooseAndSign(other, state.c3, holder(service.pki, 'other_sign'));
  await passAndSweep(signed.application.state.referral.validUntilAt);
  assert.equal(await stateOf(state.c3, other), 'removed');
  // The child may be put in the queue again: the uniqueness item was released.
  assert.equal(typeof (await enqueue(other, iinFor('2024-04-01', 5, 300))), 'string');
});

test('R12 cancel within 24 hours but not after; R11 extend once, not twice', async () => {
  const first = await chooseAndSign(parent, state.c2, holder(service.pki, 'sign'));
  assert.equal(first.application.state.state, 'referred');
  const cancelled = await ok(api('POST', `/applications/${state.c2}/cancel`, { token: parent, body: {} }));
  assert.equal(cancelled.application.state.state, 'queued');
  // The released place went back to the pool and the turn engine offered it to C2 again.
  assert.equal(await stateOf(state.c2), 'offered');
  const second = await chooseAndSign(parent, state.c2, holder(service.pki, 'sign'));
  await advance('25h');
  await refused(api('POST', `/applications/${state.c2}/cancel`, { token: parent, body: {} }), 422, 'cancel_window_closed');
  const extended = await ok(api('POST', `/applications/${state.c2}/extend`, { token: parent, body: { days: 10 } }));
  const validUntil = Date.parse(second.application.state.referral.validUntilAt);
  assert.equal(Date.parse(extended.application.state.referral.validUntilAt), validUntil + 10 * 86_400_000);
  await refused(api('POST', `/applications/${state.c2}/extend`, { token: parent, body: { days: 1 } }), 422, 'extension_already_used');
  // Notices by SMS, in the parent's language: cancelled once, extended once.
  await sweep();
  assert.equal((await sms('The referral was cancelled')).length, 1);
  assert.equal((await sms('The referral was extended')).length, 1);
});
