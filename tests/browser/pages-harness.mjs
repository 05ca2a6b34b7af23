// What the browser tests of the pages share: the local service (scripts/serve.sh, as
// tests/e2e/ starts it), headless Debian Chromium through playwright-core, the NCALayer
// stand-in the page is pointed at through config.json, axe-core, and screenshots.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const repository = fileURLToPath(new URL('../../', import.meta.url));
export const screenshots = `${repository}tests/screenshots`;
const AXE = require.resolve('axe-core/axe.min.js');

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * A browser context (one person) at 390 px whose pages read `config.json` naming the
 * stand-in's URL (or a closed port, for "NCALayer is not running").
 */
export async function person(browser, service, ncalayerUrl) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  context.setDefaultTimeout(10_000);
  await context.route('**/config.json', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ api: '', ncalayer: ncalayerUrl }),
  }));
  // No map tiles or other outside requests in tests: only the local service and the stand-in.
  await context.route((url) => !url.href.startsWith(service.base) && url.protocol.startsWith('http'), (route) => route.abort());
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error));
  page.errors = errors;
  return { context, page };
}

/** Waits until the page has rendered its current view. */
export async function settled(page) {
  await page.waitForFunction(() => document.body.dataset.ready === 'true');
  assert.deepEqual(page.errors, [], 'no script errors on the page');
}

/** Loads a page afresh (a hash change alone would not reload the view). */
export async function open(page, service, path) {
  await page.goto('about:blank');
  await page.goto(`${service.base}/${path}`);
  await settled(page);
}

/** axe-core's serious and critical violations of the page as it is now: none allowed. */
export async function assertAccessible(page, what) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  assert.deepEqual(violations, [], `${what}: axe-core serious/critical violations`);
}

/** A full-page screenshot in each language (the page is re-rendered per language). */
export async function screenshotLanguages(page, name, check = async () => {}) {
  mkdirSync(screenshots, { recursive: true });
  for (const language of ['kk', 'ru', 'en']) {
    await page.click(`button[data-language="${language}"]`);
    await settled(page);
    assert.equal(await page.getAttribute('html', 'lang'), language);
    await check(language);
    await assertAccessible(page, `${name} (${language})`);
    await page.screenshot({ path: `${screenshots}/${name}-${language}.png`, fullPage: true });
  }
  await page.click('button[data-language="en"]');
  await settled(page);
}

/** The text of the live regions (status, alert) and the alert's code. */
export async function announced(page) {
  return page.evaluate(() => ({
    status: document.getElementById('status').textContent,
    alert: document.getElementById('alert').textContent,
    code: document.getElementById('alert').dataset.code || document.getElementById('status').dataset.code || '',
  }));
}
