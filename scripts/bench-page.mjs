// Page load to first decision in headless Chromium: the median of 9 cold loads (new
// context each time) of the preview page with an IIN in the URL-less form typed at once.
import { chromium } from 'playwright-core';
import { serveWeb } from '../tests/browser/static-server.mjs';

const RUNS = 9;
const server = await serveWeb(0);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const url = `http://127.0.0.1:${server.address().port}/?now=2026-03-02T05:00:00Z&lang=en`;
const loads = [];
const calls = [];
for (let run = 0; run < RUNS; run += 1) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const start = performance.now();
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  await page.fill('#iin', '230510500012');
  await page.dispatchEvent('#iin', 'input');
  await page.waitForSelector('#decision[data-allowed]');
  loads.push(performance.now() - start);
  calls.push(await page.evaluate(async () => {
    const rules = await import('./pkg/kezek_rules.js');
    const input = { birthDate: '2024-03-14', state: { state: 'queued' }, freeChoicePlaces: 2, groupsWithFreePlaces: 3, now: '2026-03-02T05:00:00Z' };
    for (let i = 0; i < 500; i += 1) rules.previewEligibility(input);
    const start = performance.now();
    for (let i = 0; i < 5000; i += 1) rules.previewEligibility(input);
    return ((performance.now() - start) / 5000) * 1000;
  }));
  await context.close();
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`page load to first decision: ${median(loads).toFixed(0)} ms (median of ${RUNS})`);
console.log(`previewEligibility in Chromium: ${median(calls).toFixed(2)} µs/call (median of ${RUNS} runs of 5,000)`);
await browser.close();
server.close();
