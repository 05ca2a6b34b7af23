// Browser test of the application page's "Verify in your browser" (issue 13 item 3): headless
// Debian Chromium against the local service (scripts/serve.sh), after the seed steps (EDS
// login with the test PKI, enqueue, staff publish a place, the turn engine's offer, choose and
// sign) and POST /local/sweep (which signs the pools' checkpoints). The page loads the rules'
// verifier module (web/pkg/verifier/) and checks the checkpoint's signature, every inclusion
// proof and the consistency with the checkpoint it remembered; then the attacks: another root
// at the same size remembered, a checkpoint from another key, a tampered entry, a rewritten
// checkpoint. Each asserts the exact message shown, and axe-core runs on each state.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';

import { client, holder, iinFor, startService } from '../e2e/service.mjs';
import { assertAccessible, launch, open, person, screenshotLanguages } from './pages-harness.mjs';

const REGION = 'kz-zhetisu-taldykorgan';
const GROUP = 'tk-001-2024-kk';
const CHILD = iinFor('2024-02-10', 5, 400);
const SECOND_CHILD = iinFor('2024-03-11', 6, 410);

let service;
let api;
let browser;
let parent; // { context, page }
let parentToken;
let staffToken;
let application;

async function ok(promise, status = 200) {
  const answer = await promise;
  assert.equal(answer.status, status, JSON.stringify(answer.body));
  return answer.body;
}

async function edsLogin(name) {
  const challenge = await ok(api('POST', '/auth/challenge'), 201);
  return ok(api('POST', '/auth/login', { body: { nonce: challenge.nonce, signature: holder(service.pki, name).sign(challenge.signedText) } }));
}

/** Seed steps 3–5 for the parent and the staff; the page gets the parent's session as its login keeps it. */
async function logIn() {
  const login = await edsLogin('auth');
  const profile = await ok(api('POST', '/auth/profile', { token: login.token, body: { email: 'parent@example.kz', language: 'en' } }));
  parentToken = profile.token;
  const staffLogin = await edsLogin('staff_auth');
  staffToken = staffLogin.emailRequired
    ? (await ok(api('POST', '/auth/profile', { token: staffLogin.token, body: { email: 'staff@tk-001.example.kz', language: 'kk' } }))).token
    : staffLogin.token;
  const session = { token: parentToken, expiresAt: profile.expiresAt ?? login.expiresAt, identity: login.identity, name: login.name ?? '', emailRequired: false, skewMs: 0 };
  await parent.context.addInitScript((value) => {
    if (window.location.protocol.startsWith('http')) window.sessionStorage.setItem('kezek.session', value);
  }, JSON.stringify(session));
}

const sweep = () => ok(api('POST', '/local/sweep'));
const enqueue = async (childIin) => (await ok(api('POST', '/applications', { token: parentToken, body: { regionId: REGION, childIin, priority: 'general' } }), 201)).application.id;
const page = () => parent.page;

before(async () => {
  service = await startService();
  api = client(service);
  browser = await launch();
  parent = await person(browser, service, 'ws://127.0.0.1:9');
  await logIn();
});

after(async () => {
  await browser?.close();
  await service?.stop();
});

/** Opens the application's page in English, presses "Verify in your browser", returns the verdict. */
async function verify() {
  await open(page(), service, `parent.html?lang=en#/application/${application}`);
  await page().click('#verify-log');
  await page().waitForFunction(() => ['verified', 'failed', 'waiting'].includes(document.getElementById('log-verdict')?.dataset.state));
  assert.deepEqual(page().errors, [], 'no script errors on the page');
  return page().$eval('#log-verdict', (node) => ({ state: node.dataset.state, code: node.dataset.code, text: node.textContent }));
}

async function serverLog() {
  return ok(api('GET', `/applications/${application}/log`, { token: parentToken }));
}

async function logKey() {
  const response = await fetch(`${service.base}/transparency/key`);
  assert.equal(response.status, 200);
  return (await response.text()).trim();
}

/** A C2SP signed-note Ed25519 verifier key of `name` that is not the log's. */
function otherVkey(name) {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const keyBytes = Buffer.concat([Buffer.from([0x01]), raw]);
  const id = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n`), keyBytes])).digest().subarray(0, 4);
  return `${name}+${id.toString('hex')}+${keyBytes.toString('base64')}`;
}

test('before the first checkpoint the page says the history will be verifiable after the next one', async () => {
  application = await enqueue(CHILD);
  const log = await serverLog();
  assert.equal(log.checkpoint, null);
  const verdict = await verify();
  assert.equal(verdict.state, 'waiting');
  assert.equal(verdict.text, 'This application\'s history will be verifiable after the log\'s next checkpoint (every 5 minutes). Try again in a few minutes.');
  await assertAccessible(page(), 'log verification, no checkpoint');
});

test('after the seed steps and a sweep the page verifies the log in the browser and shows the history', async () => {
  // Seed steps 8–13: a place is published, the turn engine offers it, the parent signs.
  await ok(api('POST', '/staff/places', { token: staffToken, body: { action: 'publish', groupId: GROUP, count: 1 } }));
  await sweep();
  const choice = await ok(api('POST', `/applications/${application}/choose`, { token: parentToken, body: { groupId: GROUP } }));
  await ok(api('POST', `/applications/${application}/sign`, { token: parentToken, body: { nonce: choice.nonce, signature: holder(service.pki, 'sign').sign(choice.signedText) } }));
  await sweep();
  const log = await serverLog();
  assert.notEqual(log.checkpoint, null);
  assert.deepEqual([log.entries.length, log.pending], [3, 0]);
  const verdict = await verify();
  assert.equal(verdict.state, 'verified', verdict.text);
  assert.equal(verdict.text, `✓ Verified in your browser: 3 entries of this application are in the log's signed checkpoint of ${log.treeSize} entries.`);
  const kinds = await page().$$eval('#log-history li', (items) => items.map((item) => item.dataset.kind));
  assert.deepEqual(kinds, ['enqueue', 'offer', 'sign']);
  assert.match(await page().textContent('#log-history li[data-kind="sign"]'), /^Referral issued — \d{1,2} \w+ \d{4}, \d\d:\d\d$/);
  // Issue 13 item 4: the rules' answer over the pool's log, shown beside the verification.
  assert.equal(await page().getAttribute('#log-waiting', 'data-state'), 'clean');
  const places = log.waiting.placements.length;
  assert.equal((await page().textContent('#log-waiting p')).trim(),
    `No: of the ${places} places given while this application waited, none went to an application behind it without a lawful reason.`);
  await screenshotLanguages(page(), 'application-log-verified', async (language) => {
    if (language !== 'en') {
      await page().click('#verify-log');
      await page().waitForFunction(() => document.getElementById('log-verdict')?.dataset.state === 'verified');
    }
  });
});

test('a grown log is checked consistent with the checkpoint this browser remembered', async () => {
  const before = (await serverLog()).treeSize;
  await enqueue(SECOND_CHILD);
  await sweep();
  const log = await serverLog();
  assert.ok(log.treeSize > before, 'the log grew');
  const verdict = await verify();
  assert.equal(verdict.text, `✓ Verified in your browser: 3 entries of this application are in the log's signed checkpoint of ${log.treeSize} entries. The log is consistent with the checkpoint of ${before} entries this browser saw before.`);
});

test('(a) a remembered checkpoint with another root at the same size: the log is not consistent with what it saw before', async () => {
  const log = await serverLog();
  const origin = `${(await logKey()).split('+')[0]}/${REGION}/2024`;
  const stored = JSON.parse(await page().evaluate((key) => window.localStorage.getItem(key), `kezek.log.${origin}`));
  assert.equal(stored.size, log.treeSize, 'the page remembered the checkpoint it verified');
  const otherRoot = Buffer.alloc(32, 7).toString('base64');
  await page().evaluate(([key, value]) => window.localStorage.setItem(key, value), [`kezek.log.${origin}`, JSON.stringify({ size: log.treeSize, root: otherRoot })]);
  const verdict = await verify();
  assert.deepEqual([verdict.state, verdict.code], ['failed', 'root_mismatch']);
  assert.equal(verdict.text, `✗ The log is not consistent with what this browser saw before (a checkpoint of ${log.treeSize} entries): the proof leads to another root hash.`);
  await assertAccessible(page(), 'log verification, inconsistent');
  // What it saw is kept, not overwritten by the checkpoint it refused.
  const kept = JSON.parse(await page().evaluate((key) => window.localStorage.getItem(key), `kezek.log.${origin}`));
  assert.equal(kept.root, otherRoot);
  await page().evaluate((key) => window.localStorage.removeItem(key), `kezek.log.${origin}`);
});

test('(b) a checkpoint from another key is refused with the signature\'s code', async () => {
  const name = (await logKey()).split('+')[0];
  await page().route('**/transparency/key', (route) => route.fulfill({ contentType: 'text/plain', body: `${otherVkey(name)}\n` }));
  try {
    const verdict = await verify();
    assert.deepEqual([verdict.state, verdict.code], ['failed', 'no_trusted_signature']);
    assert.equal(verdict.text, '✗ The log\'s checkpoint is refused: it is not signed by the log\'s key.');
    await assertAccessible(page(), 'log verification, another key');
  } finally {
    await page().unroute('**/transparency/key');
  }
});

test('(b) a checkpoint whose text was changed under the log\'s signature is refused: the signature does not verify', async () => {
  await page().route('**/applications/*/log', async (route) => {
    const body = await (await route.fetch()).json();
    const [origin, size, ...rest] = body.checkpoint.split('\n');
    body.checkpoint = [origin, String(Number(size) + 1), ...rest].join('\n');
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify(body) });
  });
  try {
    const verdict = await verify();
    assert.deepEqual([verdict.state, verdict.code], ['failed', 'signature_invalid']);
    assert.equal(verdict.text, '✗ The log\'s checkpoint is refused: its signature does not verify.');
  } finally {
    await page().unroute('**/applications/*/log');
  }
});

test('(c) a tampered entry (one byte flipped in the /log answer) fails its inclusion proof', async () => {
  const log = await serverLog();
  const index = log.entries[1].index;
  await page().route('**/applications/*/log', async (route) => {
    const body = await (await route.fetch()).json();
    const entry = Buffer.from(body.entries[1].entry, 'base64');
    entry[12] ^= 0x01;
    body.entries[1].entry = entry.toString('base64');
    await route.fulfill({ contentType: 'application/json', body: JSON.stringify(body) });
  });
  try {
    const verdict = await verify();
    assert.deepEqual([verdict.state, verdict.code], ['failed', 'root_mismatch']);
    assert.equal(verdict.text, `✗ Entry ${index} of this application is not in the signed log: the proof leads to another root hash.`);
    await assertAccessible(page(), 'log verification, tampered entry');
  } finally {
    await page().unroute('**/applications/*/log');
  }
  // Untouched again, it verifies (and the refusals stored nothing).
  assert.equal((await verify()).state, 'verified');
});

test('the pool\'s public daily lists show the days\' places, offers and referrals from the log (issue 13 item 5)', async () => {
  // A range around today: the pool's local date (UTC+5 here) may be tomorrow's UTC date.
  const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const [from, to] = [day(-1), day(1)];
  const answer = await ok(api('GET', `/transparency/${REGION}/2024/daily/${from}/${to}`));
  const offers = answer.days.flatMap((list) => list.offers);
  const referrals = answer.days.flatMap((list) => list.referrals);
  assert.ok(offers.length >= 1 && referrals.length >= 1, JSON.stringify(answer));
  await open(page(), service, `daily.html?lang=en#/${REGION}/2024/${from}/${to}`);
  assert.equal(await page().textContent('main h2'), `Daily lists: ${REGION}, children born in 2024`);
  const shown = await page().$$eval('[data-list="offers"] li', (items) => items.map((item) => item.textContent));
  assert.equal(shown.length, offers.length);
  assert.ok(shown[0].startsWith(`${offers[0].applicationId.slice(0, 8)}: position ${offers[0].position + 1}, General queue`), shown[0]);
  const referralsShown = await page().$$eval('[data-list="referrals"] li', (items) => items.length);
  assert.equal(referralsShown, referrals.length);
  const published = await page().$$eval('[data-list="placesPublished"] li', (items) => items.map((item) => item.textContent));
  assert.ok(published.some((line) => line.startsWith(`1 in group ${GROUP}`)), JSON.stringify(published));
  await assertAccessible(page(), 'daily lists');
  await screenshotLanguages(page(), 'daily-lists');
  // A range the API refuses is said, with its code.
  await open(page(), service, `daily.html?lang=en#/${REGION}/2024/2020-01-01/${to}`);
  assert.equal(await page().getAttribute('#alert', 'data-code'), 'invalid_input');
});
