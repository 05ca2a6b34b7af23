// Times JS calls of the WebAssembly rules from Node: an eligibility preview, a deadline and
// an IIN check, in microseconds per call (median of 25 batches of 2,000 calls, after 20,000
// warm-up calls so that V8 has tiered the module up from its baseline compiler).
//
//   node scripts/bench-preview.mjs                 the package in pkg/node
//   node scripts/bench-preview.mjs DIR [DIR ...]   several builds side by side (e.g. a checkout
//                                                  of the previous commit's pkg/node): batches
//                                                  alternate between them, so a busy machine
//                                                  slows every build alike.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dirs = process.argv.length > 2 ? process.argv.slice(2) : [fileURLToPath(new URL('../pkg/node', import.meta.url))];
const builds = dirs.map((dir) => ({ dir, rules: require(resolve(dir, 'kezek_rules.js')) }));

const calls = {
  previewEligibility: { birthDate: '2024-03-14', state: { state: 'queued' }, freeChoicePlaces: 2, groupsWithFreePlaces: 3, now: '2026-03-02T05:00:00Z' },
  explainDeadline: { span: { unit: 'working_days', count: 3 }, eventAt: '2026-03-19T10:00:00Z' },
  checkIin: { iin: '230510500012' },
};
const BATCHES = 25;
const SIZE = 2000;
const WARM_UP = 20000;

function batch(call, input) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < SIZE; i += 1) call(input);
  return Number(process.hrtime.bigint() - start) / SIZE / 1000;
}

for (const [name, input] of Object.entries(calls)) {
  const answers = builds.map(({ rules }) => JSON.stringify(rules[name](input)));
  if (new Set(answers).size !== 1) throw new Error(`${name}: the builds answer differently`);
  for (const { rules } of builds) for (let i = 0; i < WARM_UP; i += 1) rules[name](input);
  const perCall = builds.map(() => []);
  for (let round = 0; round < BATCHES; round += 1) {
    builds.forEach(({ rules }, index) => perCall[index].push(batch(rules[name], input)));
  }
  builds.forEach(({ dir }, index) => {
    const sorted = perCall[index].sort((a, b) => a - b);
    console.log(`${name} via WebAssembly (${dir}): ${sorted[Math.floor(BATCHES / 2)].toFixed(2)} µs/call (median)`);
  });
}
