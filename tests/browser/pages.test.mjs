// Browser tests of the parent's and the staff's pages (issue 12): the user guide's steps
// (../shared/seed/translation-en.md) walked in headless Debian Chromium against the local
// service (scripts/serve.sh: DynamoDB Local, moto, kezek-local), logging in and signing
// through the NCALayer stand-in with the test PKI's keys. Every page is checked with axe-core
// and photographed in kk, ru and en (tests/screenshots/).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { client, holder, iinFor, startService } from '../e2e/service.mjs';
import { startStandin } from './ncalayer-standin.mjs';
import { announced, assertAccessible, launch, open, person, screenshotLanguages, screenshots, settled } from './pages-harness.mjs';
import { languages } from '../../web/i18n/index.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const GROUP = 'tk-001-2024-kk';
const FIRST = iinFor('2024-02-10', 5, 300);
const SECOND = iinFor('2024-03-11', 6, 310);
const THIRD = iinFor('2024-04-12', 5, 320);

let service;
let api;
let browser;
let parentStandin;
let staffStandin;
let parent; // { context, page }
let staff;

before(async () => {
  service = await startService();
  api = client(service);
  parentStandin = await startStandin(service.pki);
  staffStandin = await startStandin(service.pki);
  staffStandin.keys.auth = 'staff_auth';
  browser = await launch();
  parent = await person(browser, service, parentStandin.url);
  staff = await person(browser, service, staffStandin.url);
});

after(async () => {
  await browser?.close();
  await parentStandin?.close();
  await staffStandin?.close();
  await service?.stop();
});

const page = () => parent.page;
const sweep = async () => (await api('POST', '/local/sweep')).body;
const dataset = (selector, key) => page().$eval(selector, (node, name) => node.dataset[name], key);

/** What the server says about an application, read with the parent's token from the page. */
async function serverDetails(id) {
  const token = await page().evaluate(() => JSON.parse(window.sessionStorage.getItem('kezek.session')).token);
  const answer = await api('GET', `/applications/${id}`, { token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

async function openApplication(id) {
  await open(page(), service, `parent.html#/application/${id}`);
  assert.equal(await page().getAttribute('#main', 'data-view'), 'application');
}

/** The staff publish places through their page (R14). */
async function publish(count = 1) {
  await open(staff.page, service, 'staff.html#/');
  await staff.page.fill(`#count-${GROUP}`, String(count));
  await staff.page.click(`tr[data-group="${GROUP}"] button[data-action="publish"]`);
  await staff.page.waitForFunction(() => document.getElementById('status').textContent.startsWith('Done'));
  await settled(staff.page);
}

/** Seed steps 6–7 through the enqueue form: resolves to the new application's id. */
async function enqueue(childIin) {
  await open(page(), service, 'parent.html#/journal');
  await page().fill('#child-iin', childIin);
  await page().selectOption('#priority', 'general');
  await page().click('#enqueue button[type="submit"]');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'application');
  await settled(page());
  return page().evaluate(() => window.location.hash.split('/').pop());
}

/**
 * The referral PDF as the page downloads it ("Download (PDF)" on the document view): its text
 * (pdftotext) and the URL its QR code holds (pdftoppm, then zbarimg).
 */
async function downloadReferral(name) {
  const [download] = await Promise.all([page().waitForEvent('download'), page().click('#download-pdf')]);
  const dir = mkdtempSync(join(tmpdir(), 'kezek-referral-'));
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  assert.equal(readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
  execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', file, join(dir, 'page')]);
  execFileSync('cp', [join(dir, 'page.png'), `${screenshots}/${name}.png`]);
  const url = execFileSync('zbarimg', ['--quiet', '--raw', join(dir, 'page.png')]).toString('utf8').trim();
  return { file, text, url };
}

/** The verification page the QR code opens, as a stranger sees it: its verdict. */
async function verifyPage(url, name) {
  const { context, page: stranger } = await person(browser, service, 'ws://127.0.0.1:9');
  await stranger.goto(url.replace('#', '?lang=en#'));
  await settled(stranger);
  const status = await stranger.$eval('#verdict', (node) => node.dataset.status);
  const shown = await stranger.textContent('main');
  if (name) await screenshotLanguages(stranger, name);
  else await assertAccessible(stranger, `verification (${status})`);
  await context.close();
  return { status, shown };
}

/** Seed steps 8–13 on the pages: the notice window, the groups, "Sign and send". */
async function chooseAndSign() {
  await page().click('#choose');
  await page().click('#notice-ok');
  await page().waitForSelector('#groups');
  await settled(page());
  await page().check(`#group-${GROUP}`);
  await page().click('#sign');
}

test('the stand-in speaks NCALayer through the npm package ncalayer-js-client, as copied to web/vendor/', () => {
  const vendored = readFileSync(`${repository}web/vendor/ncalayer-client.js`);
  const packaged = readFileSync(`${repository}node_modules/ncalayer-js-client/ncalayer-client.js`);
  assert.ok(vendored.equals(packaged), 'web/vendor/ncalayer-client.js is the package\'s own file');
});

test('the pages\' texts have the same keys in kk, ru and en', async () => {
  const keysOf = (value, prefix = '') => Object.entries(value).flatMap(([key, inner]) =>
    (inner && typeof inner === 'object' && !Array.isArray(inner) ? keysOf(inner, `${prefix}${key}.`) : [`${prefix}${key}`])).sort();
  const [en, kk, ru] = await Promise.all(['en', 'kk', 'ru'].map(async (language) => (await import(`../../web/i18n/pages-${language}.js`)).default));
  assert.deepEqual(keysOf(kk), keysOf(en));
  assert.deepEqual(keysOf(ru), keysOf(en));
});

test('NCALayer absent: the login says it is not running and what to do', async () => {
  const { context, page: absent } = await person(browser, service, 'ws://127.0.0.1:9');
  await open(absent, service, 'parent.html?lang=en#/login');
  await absent.click('#login');
  await absent.waitForFunction(() => document.getElementById('alert').dataset.code === 'ncalayer_missing');
  const said = await announced(absent);
  assert.match(said.alert, /NCALayer is not running/);
  await assertAccessible(absent, 'login, NCALayer absent');
  await context.close();
});

test('steps 1–2: the service page lists the regions; Astana, Almaty and Aktobe are served elsewhere (R1)', async () => {
  await open(page(), service, 'parent.html?lang=en#/');
  const regions = await page().$$eval('ul.regions button', (buttons) => buttons.map((b) => ({ id: b.dataset.region, served: b.dataset.served, disabled: b.getAttribute('aria-disabled') })));
  const elsewhere = regions.filter((region) => region.served === 'false').map((region) => region.id).sort();
  assert.deepEqual(elsewhere, ['kz-aktobe', 'kz-almaty', 'kz-astana']);
  assert.ok(regions.filter((region) => region.served === 'false').every((region) => region.disabled === 'true'));
  await page().click('button[data-region="kz-astana"]', { force: true });
  assert.equal(await page().getAttribute('#main', 'data-view'), 'service', 'a city served elsewhere cannot be chosen');
  await screenshotLanguages(page(), 'service');
  await page().click('button[data-region="kz-zhetisu-taldykorgan"]');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'login');
});

test('steps 3–5: log in with the authentication key through NCALayer; the first login asks for the e-mail (R2)', async () => {
  await settled(page());
  await screenshotLanguages(page(), 'login');
  await page().click('#login');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'profile');
  await settled(page());
  const challenge = parentStandin.requests.at(-1);
  assert.equal(challenge.module, 'kz.gov.pki.knca.basics');
  assert.deepEqual(challenge.args.signerParams.extKeyUsageOids, ['1.3.6.1.5.5.7.3.2'], 'the authentication key is asked for');
  await screenshotLanguages(page(), 'profile');
  await page().fill('#email', 'not-an-address');
  await page().click('#profile button[type="submit"]');
  await page().waitForFunction(() => document.getElementById('alert').dataset.code === 'email_invalid');
  await page().fill('#email', 'parent@example.kz');
  await page().fill('#phone', '+77011234567');
  await page().click('#profile button[type="submit"]');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'journal');
  await settled(page());
  assert.equal(await page().isVisible('#no-applications'), true);
});

let first;

test('steps 6–7: put a child in the queue from the journal; the application shows "In queue" and its position', async () => {
  await screenshotLanguages(page(), 'journal-empty');
  await page().fill('#child-iin', FIRST.slice(0, 11) + String((Number(FIRST[11]) + 1) % 10));
  assert.notEqual(await page().getAttribute('#child-iin', 'aria-invalid'), null, 'a mistyped IIN is marked as typed');
  first = await enqueue(FIRST);
  assert.equal(await dataset('#state', 'state'), 'queued');
  const server = await serverDetails(first);
  assert.equal(await dataset('#position', 'ahead'), String(server.position.ahead));
  assert.equal(await dataset('#position', 'waiting'), String(server.position.waiting));
  assert.equal(await dataset('#decision', 'allowed'), String(server.eligibility.allowed), 'the page\'s rules and the server agree');
  assert.equal(await dataset('#decision', 'allowed'), 'false');
  assert.deepEqual((await dataset('#decision', 'reasons')).split(' '), server.eligibility.reasons.map((reason) => reason.code));
  assert.equal(await page().isVisible('#choose'), false, '"Choose a state kindergarten" is not shown');
  // Issue 15 item 1: the forecast, as the server's rules computed it from the pool's log (a
  // new pool: too little history, said plainly), with how it is computed.
  const token = await page().evaluate(() => JSON.parse(window.sessionStorage.getItem('kezek.session')).token);
  const forecast = (await api('GET', `/applications/${first}/forecast`, { token })).body.forecast;
  await page().waitForSelector('#forecast-too-little, #forecast-likely');
  if (forecast.kind === 'too_little_history') {
    assert.equal(await dataset('#forecast-too-little', 'have'), String(forecast.monthsOfHistory));
    assert.match(await page().textContent('#forecast-too-little'), new RegExp(`${forecast.monthsNeeded} needed`));
  } else {
    assert.equal(await dataset('#forecast-likely', 'from'), forecast.likelyFrom);
    assert.equal(await dataset('#forecast-likely', 'to'), forecast.likelyTo);
  }
  assert.match(await page().textContent('#forecast-how'), /played forward 400 times/);
  await screenshotLanguages(page(), 'application-queued');
  await open(page(), service, 'parent.html#/journal');
  assert.equal(await page().textContent(`tr[data-application="${first}"] [data-state]`), 'In queue');
  await screenshotLanguages(page(), 'journal');
});

test('step 8: staff publish a place through their page; the turn comes; the notice window gives the exact deadline (step 9)', async () => {
  await open(staff.page, service, 'staff.html?lang=en#/');
  await staff.page.click('#login');
  await staff.page.waitForFunction(() => ['profile', 'staff'].includes(document.getElementById('main').dataset.view));
  await settled(staff.page);
  if (await staff.page.getAttribute('#main', 'data-view') === 'profile') {
    await staff.page.fill('#email', 'staff@tk-001.example.kz');
    await staff.page.click('#profile button[type="submit"]');
    await staff.page.waitForFunction(() => document.getElementById('main').dataset.view === 'staff');
    await settled(staff.page);
  }
  await screenshotLanguages(staff.page, 'staff');
  await publish(1);
  const rounds = await sweep();
  assert.ok(rounds.notify.sent >= 1, JSON.stringify(rounds.notify));
  await openApplication(first);
  const server = await serverDetails(first);
  assert.equal(server.application.state.state, 'offered');
  assert.equal(await dataset('#state', 'state'), 'offered');
  assert.equal(await dataset('#decision', 'allowed'), 'true');
  assert.equal(await dataset('#decision', 'serverAllowed'), 'true');
  assert.equal(server.eligibility.allowed, true);
  const offer = await page().$eval('[data-deadline="offerExpiresAt"]', (li) => li.dataset.at);
  assert.equal(offer, server.application.state.expiresAt);
  await screenshotLanguages(page(), 'application-offered');
  await page().click('#choose');
  const notice = await page().textContent('#notice-text');
  assert.match(notice, /3 working days/);
  assert.match(notice, /You stay in the queue/);
  await assertAccessible(page(), 'notice window');
  await page().screenshot({ path: `${repository}tests/screenshots/notice-en.png` });
  await page().click('#notice-cancel');
});

let referral;

test('steps 10–13: the free places list; a refused signature is shown in words; "Sign and send" issues the referral', async () => {
  await openApplication(first);
  await page().click('#choose');
  await page().click('#notice-ok');
  await page().waitForSelector('#groups');
  await settled(page());
  const row = await page().$eval(`tr[data-group="${GROUP}"]`, (tr) => ({ text: tr.textContent, map: tr.querySelector('a.map').href }));
  assert.match(row.text, /Kazakh/);
  assert.match(row.map, /mlat=[\d.]+&mlon=[\d.]+/);
  await screenshotLanguages(page(), 'groups');
  await page().check(`#group-${GROUP}`);
  // A refused signature: the choice signed with the authentication key.
  parentStandin.keys.sign = 'auth';
  await page().click('#sign');
  await page().waitForFunction(() => document.getElementById('alert').dataset.code === 'wrong_key_purpose');
  assert.match((await announced(page())).alert, /signing key/);
  await page().screenshot({ path: `${repository}tests/screenshots/sign-refused-en.png`, fullPage: true });
  parentStandin.keys.sign = 'sign';
  await page().click('#sign');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'document');
  await settled(page());
  const signing = parentStandin.requests.at(-1);
  assert.deepEqual(signing.args.signerParams.extKeyUsageOids, ['1.3.6.1.5.5.7.3.4'], 'the signing key is asked for');
  assert.equal(signing.args.signingParams.encapsulate, false, 'a detached CMS');
  assert.match(Buffer.from(signing.args.data, 'base64').toString('utf8'), new RegExp(first), 'the exact bytes of the choice were signed');
  referral = await page().textContent('[data-field="number"]');
  const server = await serverDetails(first);
  assert.equal(server.application.state.state, 'referred');
  assert.equal(server.documents[0].number, referral);
  await screenshotLanguages(page(), 'document');
});

let paper;

test('step 14: the referral downloads as a PDF in Kazakh and Russian; its QR code opens the verification page, which says it is valid', async () => {
  paper = await downloadReferral('referral-pdf');
  for (const text of ['Мемлекеттік балабақшаға жолдама', 'Направление в государственный детский сад', referral, FIRST, 'қазақ тілі / казахский язык']) {
    assert.ok(paper.text.includes(text), `${text} in the PDF's text:\n${paper.text}`);
  }
  for (const letter of 'әғқңөұүі') assert.ok(paper.text.includes(letter), `${letter} in the PDF's text`);
  assert.match(paper.url, new RegExp(`^${service.base}/verify\\.html#[A-Za-z0-9_-]{23,64}$`));
  const { status, shown } = await verifyPage(paper.url, 'verify-valid');
  assert.equal(status, 'valid');
  assert.ok(shown.includes(referral));
  assert.ok(!shown.includes(FIRST), 'the verification page shows no IIN');
});

test('step 14: the referral is in the journal\'s "General documents" tab', async () => {
  await open(page(), service, 'parent.html#/journal/documents');
  assert.equal(await page().getAttribute('#tab-documents', 'aria-selected'), 'true');
  assert.equal(await page().isVisible(`#documents li[data-number="${referral}"]`), true);
  await screenshotLanguages(page(), 'documents');
});

test('R11–R12 on the referral: time left to cancel shown; one extension', async () => {
  await openApplication(first);
  const left = await page().textContent('#cancel-left');
  assert.match(left, /(23|24) h \d+ min left/);
  await page().fill('#extend-days', '5');
  await page().click('#extend button[type="submit"]');
  await page().waitForSelector('#extend-used');
  await settled(page());
  const server = await serverDetails(first);
  assert.equal(server.application.state.referral.extensionsUsed, 1);
  assert.equal(await dataset('#valid-until', 'at'), server.application.state.referral.validUntilAt);
  const [, extendedLast] = (await page().textContent('#valid-until')).match(/by the end of (.+)\.$/);
  assert.match(await page().textContent('[data-deadline="referralValidUntilAt"]'), new RegExp(`by the end of ${extendedLast} `), 'the deadlines list says the extended last day');
  await screenshotLanguages(page(), 'application-referred');
});

test('R13: the staff see the referral with its valid-until date and confirm "the child came"', async () => {
  await open(staff.page, service, 'staff.html?lang=en#/');
  const row = `#referrals tr[data-number="${referral}"]`;
  assert.equal(await staff.page.isVisible(row), true);
  await screenshotLanguages(staff.page, 'staff-referrals');
  await staff.page.click(`${row} button[data-enrol]`);
  await staff.page.waitForSelector(row, { state: 'detached' });
  await settled(staff.page);
  assert.match(await staff.page.textContent('#status'), new RegExp(`Enrolled: ${referral}`));
  assert.equal((await serverDetails(first)).application.state.state, 'enrolled');
  assert.equal((await verifyPage(paper.url)).status, 'used', 'the used referral is no longer valid');
});

test('R12: a second child\'s referral is cancelled within 24 hours; the child is back in the queue', async () => {
  const second = await enqueue(SECOND);
  // Enough places for everyone ahead in the pool (the demo applications may wait there too).
  await publish((await serverDetails(second)).position.ahead + 1);
  await openApplication(second);
  assert.equal(await dataset('#state', 'state'), 'offered');
  await chooseAndSign();
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'document');
  await settled(page());
  const { url } = await downloadReferral('referral-pdf-second');
  assert.equal((await verifyPage(url)).status, 'valid');
  await openApplication(second);
  await page().click('#cancel-referral');
  await page().click('#confirm-cancel-ok');
  await page().waitForFunction(() => document.getElementById('status').textContent.includes('back in the queue'));
  await settled(page());
  // Back in the queue with its position; the released place goes to the turn engine, which
  // may offer it to this same child again when it is first in line (README, Decisions).
  const back = await serverDetails(second);
  assert.ok(['queued', 'offered'].includes(back.application.state.state), back.application.state.state);
  assert.notEqual(back.position, null);
  const cancelled = await verifyPage(url, 'verify-cancelled');
  assert.equal(cancelled.status, 'cancelled', 'after the cancel the verification page says not valid');
  assert.match(cancelled.shown, /Not valid: the referral was cancelled/);
  await page().click('#withdraw');
  await page().click('#confirm-withdraw-ok');
  await page().waitForFunction(() => document.getElementById('status').textContent.includes('withdrawn'));
});

test('a lapsed referral: the stop-listed child\'s page gives every reason and date; the expired session comes back', async () => {
  const third = await enqueue(THIRD);
  await publish((await serverDetails(third)).position.ahead + 1);
  await openApplication(third);
  await chooseAndSign();
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'document');
  const { application } = await serverDetails(third);
  const { now } = (await api('GET', '/local/clock')).body;
  const seconds = Math.ceil((Date.parse(application.state.referral.validUntilAt) - Date.parse(now)) / 1000) + 60;
  await api('POST', '/local/clock', { body: { advance: `${seconds}s` } });
  await sweep();
  // The session ran out with the clock: the page asks to log in again and returns here.
  await openApplication(third).catch(() => {});
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'login');
  assert.equal((await announced(page())).code, 'session_ended');
  await page().click('#login');
  await page().waitForFunction(() => document.getElementById('main').dataset.view === 'application');
  await settled(page());
  assert.equal(await page().evaluate(() => window.location.hash), `#/application/${third}`);
  const server = await serverDetails(third);
  assert.equal(server.application.state.state, 'stop_listed');
  assert.equal(await dataset('#state', 'state'), 'stop_listed');
  assert.match(await page().textContent('#state'), /^Stop-list until \d+ \w+ \d{4}$/);
  const reasons = await page().$$eval('#reasons li', (items) => items.map((li) => ({ code: li.dataset.code, allowedFrom: li.dataset.allowedFrom })));
  assert.deepEqual(reasons, server.eligibility.reasons.map((reason) => ({ code: reason.code, allowedFrom: reason.allowedFrom ?? '' })));
  assert.ok(reasons.some((reason) => reason.code === 'stop_listed' && reason.allowedFrom), JSON.stringify(reasons));
  assert.equal(await dataset('[data-deadline="stopListUntilAt"]', 'at'), server.deadlines.stopListUntilAt);
  await screenshotLanguages(page(), 'application-stop-listed');
});

test('the anonymous preview uses the pool\'s real free places from the public read', async () => {
  const { context, page: visitor } = await person(browser, service, 'ws://127.0.0.1:9');
  await visitor.goto(`${service.base}/index.html?lang=en&region=kz-zhetisu-taldykorgan`);
  await visitor.waitForSelector('body[data-ready="true"]');
  await visitor.fill('#iin', iinFor('2024-05-20', 5, 400));
  await visitor.dispatchEvent('#iin', 'input');
  await visitor.waitForSelector('#preview[data-pool="kz-zhetisu-taldykorgan/2024"]');
  const places = (await api('GET', '/regions/kz-zhetisu-taldykorgan/pools/2024/places')).body;
  assert.equal(await visitor.inputValue('#free-choice'), String(places.counters.freeChoice));
  assert.equal(await visitor.inputValue('#groups-free'), String(places.groups.filter((group) => group.free > 0).length));
  assert.equal(await visitor.getAttribute('#groups-free', 'readonly'), '');
  assert.ok(['true', 'false'].includes(await visitor.getAttribute('#decision', 'data-allowed')));
  // Issue 15 item 1: "if we applied today", from the public forecast route.
  assert.equal(await visitor.isVisible('#forecast'), true, 'the forecast section is shown with the service');
  await visitor.selectOption('#forecast-priority', 'first_priority');
  await visitor.click('#forecast-button');
  await visitor.waitForSelector('#forecast-too-little, #forecast-likely');
  const expected = (await api('GET', '/transparency/kz-zhetisu-taldykorgan/2024/forecast/first_priority/2024-05-20')).body.forecast;
  if (expected.kind === 'range') {
    assert.equal(await visitor.getAttribute('#forecast-likely', 'data-from'), expected.likelyFrom);
  } else {
    assert.equal(await visitor.getAttribute('#forecast-too-little', 'data-have'), String(expected.monthsOfHistory));
  }
  await visitor.click('button.language[data-language="kk"]');
  assert.equal(await visitor.textContent('#forecast-heading'), languages.kk.forecast.previewHeading);
  assert.equal(await visitor.isVisible('#forecast-too-little, #forecast-likely'), true, 'the answer stays, in Kazakh');
  await visitor.click('button.language[data-language="en"]');
  await assertAccessible(visitor, 'preview with the public read');
  await visitor.screenshot({ path: `${repository}tests/screenshots/preview-live-en.png`, fullPage: true });
  await context.close();
});

test('issue 15: twins put in the queue are marked siblings from the journal; the server keeps one set', async () => {
  const twins = [iinFor('2025-01-20', 5, 500), iinFor('2025-01-20', 6, 510)];
  const ids = [];
  for (const twin of twins) ids.push(await enqueue(twin));
  await open(page(), service, 'parent.html#/journal');
  await page().waitForSelector('#siblings');
  await assertAccessible(page(), 'journal with the siblings form');
  // A set of one is refused in words, with its stable code.
  await page().check(`#sibling-${ids[0]}`);
  await page().click('#siblings button[type="submit"]');
  await page().waitForFunction(() => document.getElementById('alert').dataset.code === 'sibling_count');
  assert.match(await page().textContent('#alert'), /two to four/);
  await page().check(`#sibling-${ids[1]}`);
  await page().click('#siblings button[type="submit"]');
  await page().waitForFunction(() => document.getElementById('status').textContent.startsWith('Marked as siblings'));
  await settled(page());
  const sets = [];
  for (const id of ids) {
    const server = await serverDetails(id);
    sets.push(server.siblingSetId);
    assert.equal(server.application.siblings, server.siblingSetId, 'born the same day: placed together');
    assert.equal(await dataset(`tr[data-application="${id}"] [data-siblings]`, 'siblings'), server.siblingSetId);
  }
  assert.ok(sets[0] && sets[0] === sets[1], 'one set');
  assert.equal(await page().$(`#sibling-${ids[0]}`), null, 'marked children are not offered again');
  await screenshotLanguages(page(), 'journal-siblings');
});

test('issue 15: the enrolled child\'s parent asks for a transfer to another kindergarten, sees it wait, and withdraws it', async () => {
  await openApplication(first);
  assert.equal(await dataset('#state', 'state'), 'enrolled');
  await page().waitForSelector('#transfer-request');
  await assertAccessible(page(), 'application with the transfer form');
  await page().selectOption('#transfer-choice-0', 'tk-002');
  await page().click('#transfer-request button[type="submit"]');
  await page().waitForSelector('#transfer-state[data-state="waiting"]');
  await settled(page());
  const token = await page().evaluate(() => JSON.parse(window.sessionStorage.getItem('kezek.session')).token);
  const asked = (await api('GET', `/applications/${first}/transfer`, { token })).body.transfer;
  assert.equal(asked.state.state, 'waiting');
  assert.deepEqual(asked.kindergartens, ['tk-002']);
  assert.match(await page().textContent('#transfer-state'), /waits since/);
  await screenshotLanguages(page(), 'application-transfer-waiting');
  await page().click('#transfer-withdraw');
  await page().waitForSelector('#transfer-state[data-state="withdrawn"]');
  const withdrawn = (await api('GET', `/applications/${first}/transfer`, { token })).body.transfer;
  assert.equal(withdrawn.state.state, 'withdrawn');
  assert.equal((await serverDetails(first)).application.state.state, 'enrolled', 'the child keeps its place');
  assert.equal(await page().isVisible('#transfer-request'), true, 'a new request may be made');
});

test('issue 15: a place comes in the requested kindergarten; the parent signs the move through NCALayer; the old place is released', async () => {
  await openApplication(first);
  await page().selectOption('#transfer-choice-0', 'tk-002');
  await page().click('#transfer-request button[type="submit"]');
  await page().waitForSelector('#transfer-state[data-state="waiting"]');
  const token = await page().evaluate(() => JSON.parse(window.sessionStorage.getItem('kezek.session')).token);
  const before = (await serverDetails(first)).application.state.referral.groupId;
  const staffToken = (await api('POST', '/local/token', { body: { role: 'staff', iin: iinFor('1985-05-05', 3, 700), kindergartenId: 'tk-002' } })).body.token;
  let state = 'waiting';
  for (let round = 0; round < 5 && state !== 'offered'; round += 1) {
    // New children first (transferSharing's default): the queue's children take places before the transfer.
    const published = await api('POST', '/staff/places', { token: staffToken, body: { action: 'publish', groupId: 'tk-002-2024-kk', count: 1 } });
    assert.equal(published.status, 200, JSON.stringify(published.body));
    state = (await api('GET', `/applications/${first}/transfer`, { token })).body.transfer.state.state;
  }
  assert.equal(state, 'offered');
  await openApplication(first);
  await page().waitForSelector('#transfer-offer');
  await assertAccessible(page(), 'application with a transfer offer');
  await screenshotLanguages(page(), 'application-transfer-offered');
  await page().click('#transfer-sign');
  await page().waitForSelector('#transfer-state[data-state="done"]');
  await settled(page());
  const moved = await serverDetails(first);
  assert.equal(moved.application.state.state, 'enrolled');
  assert.equal(moved.application.state.referral.groupId, 'tk-002-2024-kk');
  assert.notEqual(before, 'tk-002-2024-kk');
  const places = (await api('GET', '/regions/kz-zhetisu-taldykorgan/pools/2024/places')).body;
  const old = places.groups.find((group) => group.groupId === before);
  assert.ok(old && old.free >= 1, 'the old place is free again');
});

/** A staff member of `kindergartenId` on a page of their own: the session a login would keep. */
async function staffOf(kindergartenId) {
  const answer = (await api('POST', '/local/token', { body: { role: 'staff', iin: iinFor('1985-05-05', 3, 700), kindergartenId } })).body;
  const session = {
    token: answer.token, expiresAt: answer.expiresAt, name: '', emailRequired: false,
    identity: { role: 'staff', iin: iinFor('1985-05-05', 3, 700), bin: '000000000000', kindergartenId },
  };
  const member = await person(browser, service, staffStandin.url);
  // The page's clock follows the service's (the session's expiry is 30 minutes after its now).
  await member.context.addInitScript((value) => {
    const kept = JSON.parse(value);
    kept.skewMs = Date.parse(kept.expiresAt) - 30 * 60_000 - Date.now();
    if (window.location.protocol.startsWith('http')) window.sessionStorage.setItem('kezek.session', JSON.stringify(kept));
  }, JSON.stringify(session));
  return member;
}

test('issue 15: the staff of both kindergartens see the move: tk-001 the child left and its place released, tk-002 the child came with its new referral', async () => {
  const moved = await serverDetails(first);
  const number = moved.documents.at(-1).number;
  assert.equal(moved.documents.at(-1).groupId, 'tk-002-2024-kk');
  // The tests' clock has moved past the staff's login: each kindergarten's member anew.
  const here = await staffOf('tk-001');
  await open(here.page, service, 'staff.html?lang=en#/');
  const left = `#transfers tr[data-transfer="${first}"][data-side="left"]`;
  await here.page.waitForSelector(left);
  assert.match(await here.page.textContent(left), /Left for .*Куншуак/);
  assert.match(await here.page.textContent(left), /place released/);
  assert.match(await here.page.textContent(left), new RegExp(number));
  await assertAccessible(here.page, 'staff page with a transfer out');
  await screenshotLanguages(here.page, 'staff-transfer-left');

  const there = await staffOf('tk-002');
  try {
    await open(there.page, service, 'staff.html?lang=en#/');
    const arrived = `#transfers tr[data-transfer="${first}"][data-side="arrived"]`;
    await there.page.waitForSelector(arrived);
    const text = await there.page.textContent(arrived);
    assert.match(text, /Came from .*Акбота/);
    assert.match(text, /place taken/);
    assert.match(text, new RegExp(number));
    assert.equal(await there.page.$(`#referrals tr[data-application="${first}"]`), null, 'the child came enrolled: no referral waits for it');
    await assertAccessible(there.page, 'staff page with a transfer in');
    await screenshotLanguages(there.page, 'staff-transfer-arrived');
    assert.deepEqual([...here.page.errors, ...there.page.errors], []);
  } finally {
    await here.context.close();
    await there.context.close();
  }
});

test('issue 15: twins\' referrals are marked for the kindergarten\'s staff, each naming the other', async () => {
  const token = await page().evaluate(() => JSON.parse(window.sessionStorage.getItem('kezek.session')).token);
  const twins = [iinFor('2022-06-15', 5, 520), iinFor('2022-06-15', 6, 530)];
  const ids = [];
  for (const twin of twins) {
    const answer = await api('POST', '/applications', { token, body: { regionId: 'kz-zhetisu-taldykorgan', childIin: twin, priority: 'general' } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    ids.push(answer.body.application.id);
  }
  const marked = await api('POST', '/applications/siblings', { token, body: { applicationIds: ids } });
  assert.equal(marked.status, 200, JSON.stringify(marked.body));
  const staffToken = (await api('POST', '/local/token', { body: { role: 'staff', iin: iinFor('1985-05-05', 3, 700), kindergartenId: 'tk-001' } })).body.token;
  const published = await api('POST', '/staff/places', { token: staffToken, body: { action: 'publish', groupId: 'tk-001-2022-kk', count: 2 } });
  assert.equal(published.status, 200, JSON.stringify(published.body));
  const numbers = [];
  for (const id of ids) {
    assert.equal((await serverDetails(id)).application.state.state, 'offered');
    // Seed steps 11–14 for each twin (the parent's signing key, as NCALayer would use it).
    const choice = await api('POST', `/applications/${id}/choose`, { token, body: { groupId: 'tk-001-2022-kk' } });
    assert.equal(choice.status, 200, JSON.stringify(choice.body));
    const signed = await api('POST', `/applications/${id}/sign`, { token, body: { nonce: choice.body.nonce, signature: holder(service.pki, 'sign').sign(choice.body.signedText) } });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    numbers.push((await serverDetails(id)).documents.at(-1).number);
  }
  const member = await staffOf('tk-001');
  await open(member.page, service, 'staff.html?lang=en#/');
  for (const [index, id] of ids.entries()) {
    const note = `#referrals tr[data-application="${id}"] [data-siblings]`;
    await member.page.waitForSelector(note);
    assert.equal(await member.page.$eval(note, (node) => node.dataset.siblings), marked.body.siblingSetId);
    assert.equal(await member.page.textContent(note), `Twin or sibling of ${numbers[1 - index]}`);
  }
  await assertAccessible(member.page, 'staff referrals with twins');
  await screenshotLanguages(member.page, 'staff-referrals-twins');
  await member.context.close();
});
