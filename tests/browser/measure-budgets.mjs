// The pages' budgets (issue 12), measured, not asserted by a timed test:
//   1. the JavaScript + WebAssembly the pages load, gzip -9, in all (budget 150 KB);
//   2. each page's first view (the parent's service page with its region list from the API,
//      the staff's login, the verification page, the preview) usable — rendered,
//      body[data-ready=true] — in headless Chromium, cold (a new context each run, so no
//      cache), median of 9 (budget 1 s).
// Run: node tests/browser/measure-budgets.mjs (starts the local service like tests/e2e/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { startService } from '../e2e/service.mjs';
import { launch } from './pages-harness.mjs';

const web = fileURLToPath(new URL('../../web/', import.meta.url));
const RUNS = 9;

function files(directory) {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    return statSync(file).isDirectory() ? files(file) : [file];
  });
}

const shipped = files(web).filter((file) => /\.(js|wasm)$/.test(file));
let raw = 0;
let gzip = 0;
for (const file of shipped) {
  const bytes = readFileSync(file);
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
}
const wasm = shipped.filter((file) => file.endsWith('.wasm')).reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
console.log(`pages' JS + WebAssembly: ${shipped.length} files, ${(raw / 1024).toFixed(1)} KB raw, ${(gzip / 1024).toFixed(1)} KB gzip (of which WebAssembly ${(wasm / 1024).toFixed(1)} KB; budget 150 KB)`);

// Each page's first view, usable: the parent's service page with its region list from the
// API (the budget's page), the staff's login, the verification page (no code: its message),
// the anonymous preview.
const pages = [
  ['parent.html?lang=kk#/', 'body[data-ready="true"] ul.regions button'],
  ['staff.html?lang=kk#/login', 'body[data-ready="true"] #login'],
  ['verify.html?lang=kk', 'body[data-ready="true"] main h2'],
  ['index.html?lang=kk', 'body[data-ready="true"]'],
];
const service = await startService();
const browser = await launch();
const medians = [];
try {
  for (const [address, ready] of pages) {
    const loads = [];
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${service.base}/${address}`);
      await page.waitForSelector(ready);
      loads.push(performance.now() - start);
      await context.close();
    }
    medians.push([address, [...loads].sort((a, b) => a - b)[Math.floor(RUNS / 2)]]);
  }
} finally {
  await browser.close();
  await service.stop();
}
for (const [address, median] of medians) {
  console.log(`first page usable, cold: ${address} ${median.toFixed(0)} ms (median of ${RUNS}; budget 1000 ms)`);
}
