// Times one eligibility preview and one deadline through WebAssembly from Node: the median
// of 25 batches of 2,000 calls, in microseconds per call.
import { createRequire } from 'node:module';

const rules = createRequire(import.meta.url)('../pkg/node/kezek_rules.js');
const preview = { birthDate: '2024-03-14', state: { state: 'queued' }, freeChoicePlaces: 2, groupsWithFreePlaces: 3, now: '2026-03-02T05:00:00Z' };
const deadline = { span: { unit: 'working_days', count: 3 }, eventAt: '2026-03-19T10:00:00Z' };

function median(call, input, batches = 25, size = 2000) {
  for (let i = 0; i < size; i += 1) call(input);
  const perCall = [];
  for (let batch = 0; batch < batches; batch += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < size; i += 1) call(input);
    perCall.push(Number(process.hrtime.bigint() - start) / size / 1000);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(batches / 2)];
}

console.log(`previewEligibility via WebAssembly: ${median(rules.previewEligibility, preview).toFixed(2)} µs/call (median)`);
console.log(`explainDeadline via WebAssembly: ${median(rules.explainDeadline, deadline).toFixed(2)} µs/call (median)`);
