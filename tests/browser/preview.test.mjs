// Browser test of the eligibility preview (issue 6): headless Debian Chromium driven by
// playwright-core. Every decision and date the page shows is compared with the native
// rules (the api_json runner) for the same input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveWeb } from './static-server.mjs';
import { languages } from '../../web/i18n/index.js';

const repository = fileURLToPath(new URL('../../', import.meta.url));
const nativeRunner = `${process.env.CARGO_TARGET_DIR ?? `${repository}target`}/release/examples/api_json`;
const screenshots = `${repository}tests/screenshots`;
// Mon 2 Mar 2026, 10:00 in Kazakhstan.
const NOW = '2026-03-02T05:00:00Z';
const TALDYKORGAN = {
  initialOffsetSeconds: 21600,
  changes: [{ fromAt: '2024-02-29T18:00:00Z', offsetSeconds: 18000 }],
};

/** Runs inputs through the native rules: one `{ok}` or `{error}` per input. */
function native(calls) {
  const input = calls.map((call) => JSON.stringify(call)).join('\n');
  const run = spawnSync(nativeRunner, { input, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

let server;
let browser;
let page;

before(async () => {
  server = await serveWeb(0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (error) => { throw error; });
  await page.goto(`http://127.0.0.1:${server.address().port}/?now=${NOW}&lang=en&region=zhetisu-taldykorgan`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function fill(selector, value) {
  await page.fill(selector, value);
  await page.dispatchEvent(selector, 'input');
}

async function shown() {
  return page.evaluate(() => ({
    allowed: document.getElementById('decision').dataset.allowed,
    decision: document.getElementById('decision').textContent,
    reasons: [...document.querySelectorAll('#reasons li')].map((li) => ({ code: li.dataset.code, allowedFrom: li.dataset.allowedFrom })),
    fields: Object.fromEntries([...document.querySelectorAll('#child dd')].map((dd) => [dd.dataset.field, dd.dataset.value])),
    deadlines: [...document.querySelectorAll('#deadlines li')].map((li) => ({ key: li.dataset.deadline, at: li.dataset.at, text: li.textContent })),
    iinCode: document.getElementById('iin-status').dataset.code ?? null,
  }));
}

function expectedReasons(preview) {
  return preview.eligibility.reasons.map((reason) => ({ code: reason.code, allowedFrom: reason.allowedFrom ?? '' }));
}

test('an eligible child whose turn came may choose, as the native rules say (seed step 8)', async () => {
  await page.selectOption('#state', 'offered');
  await fill('#event-at', '2026-03-02T09:00');
  await fill('#groups-free', '2');
  await fill('#iin', '230510500012');
  const [state] = native([{ fn: 'stateFromEvent', input: { state: 'offered', eventAt: '2026-03-02T04:00:00.000Z', clock: TALDYKORGAN } }]);
  const [preview, deadlines] = native([
    { fn: 'previewEligibility', input: { childIin: '230510500012', state: state.ok, freeChoicePlaces: 0, groupsWithFreePlaces: 2, clock: TALDYKORGAN, now: NOW } },
    { fn: 'applicationDeadlines', input: { state: state.ok, clock: TALDYKORGAN } },
  ]);
  const page_ = await shown();
  assert.equal(page_.allowed, 'true');
  assert.equal(preview.ok.eligibility.allowed, true);
  assert.equal(page_.decision, languages.en.allowed);
  assert.deepEqual(page_.fields, { birthDate: '2023-05-10', groupYear: '2023', ageYears: '2', turnsMinAgeOn: '2025-05-10' });
  assert.equal(page_.deadlines[0].key, 'offerExpiresAt');
  assert.equal(page_.deadlines[0].at, deadlines.ok.offerExpiresAt);
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: `${screenshots}/preview-eligible-en.png`, fullPage: true });
});

test('a bad check digit is reported as typed, with its code', async () => {
  await fill('#iin', '230510500013');
  const page_ = await shown();
  assert.equal(page_.iinCode, 'iin_check_digit');
  assert.equal(await page.getAttribute('#iin', 'aria-invalid'), 'true');
  assert.equal(await page.isHidden('#result'), true);
  await fill('#iin', '23051');
  assert.equal((await shown()).iinCode, 'iin_length');
});

test('a child under two is told the date they become eligible (R4)', async () => {
  await page.selectOption('#state', 'queued');
  await fill('#free-choice', '1');
  await fill('#iin', '240601600015');
  const [preview] = native([
    { fn: 'previewEligibility', input: { childIin: '240601600015', state: { state: 'queued' }, freeChoicePlaces: 1, groupsWithFreePlaces: 2, clock: TALDYKORGAN, now: NOW } },
  ]);
  const page_ = await shown();
  assert.equal(page_.allowed, 'false');
  assert.deepEqual(page_.reasons, expectedReasons(preview.ok));
  assert.deepEqual(page_.reasons, [{ code: 'child_too_young', allowedFrom: '2026-06-01' }]);
});

test('a stop-listed application shows every reason and the stop-list end with skipped holidays named', async () => {
  await page.selectOption('#state', 'stop_listed');
  await fill('#free-choice', '0');
  await fill('#event-at', '2026-03-14T00:00');
  await fill('#iin', '240229500037');
  const [state] = native([{ fn: 'stateFromEvent', input: { state: 'stop_listed', eventAt: '2026-03-13T19:00:00.000Z', clock: TALDYKORGAN } }]);
  const [preview, deadlines] = native([
    { fn: 'previewEligibility', input: { childIin: '240229500037', state: state.ok, freeChoicePlaces: 0, groupsWithFreePlaces: 2, clock: TALDYKORGAN, now: NOW } },
    { fn: 'applicationDeadlines', input: { state: state.ok, clock: TALDYKORGAN } },
  ]);
  const page_ = await shown();
  assert.deepEqual(page_.reasons, expectedReasons(preview.ok));
  // Born 29 Feb 2024: two full years on 1 March 2026 (no 29 Feb that year), so on 2 March
  // only the stop-list and the missing turn block.
  assert.deepEqual(page_.reasons.map((reason) => reason.code), ['stop_listed', 'turn_not_come']);
  assert.equal(page_.fields.turnsMinAgeOn, '2026-03-01');
  assert.equal(page_.fields.ageYears, '2');
  const stopList = page_.deadlines.find((deadline) => deadline.key === 'stopListUntilAt');
  assert.equal(stopList.at, deadlines.ok.stopListUntilAt);
  assert.match(stopList.text, /Nauryz/);
});

test('switching languages changes every text, not the decision', async () => {
  await page.selectOption('#state', 'offered');
  await fill('#event-at', '2026-03-02T09:00');
  await fill('#iin', '230510500012');
  for (const language of ['ru', 'kk', 'en']) {
    await page.click(`button[data-language="${language}"]`);
    const page_ = await shown();
    assert.equal(page_.allowed, 'true');
    assert.equal(page_.decision, languages[language].allowed);
    assert.equal(await page.getAttribute('html', 'lang'), language);
    assert.equal(await page.getAttribute(`button[data-language="${language}"]`, 'aria-pressed'), 'true');
    assert.equal(await page.textContent('label[for="iin"]'), languages[language].iinLabel);
  }
  await page.click('button[data-language="kk"]');
  await page.screenshot({ path: `${screenshots}/preview-eligible-kk.png`, fullPage: true });
});

test('regions served by their own systems say so (R1, seed step 2)', async () => {
  await page.selectOption('#region', 'astana');
  assert.equal(await page.getAttribute('#region-status', 'data-served'), 'false');
  assert.equal(await page.textContent('#region-status'), languages.kk.regionNotServed);
  assert.equal(await page.isHidden('#result'), true);
  await page.selectOption('#region', 'zhetisu-taldykorgan');
  assert.equal(await page.isHidden('#result'), false);
});
