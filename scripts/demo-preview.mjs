// The eligibility preview of a demo child through the WebAssembly package (pkg/node), as the
// browser page computes it: a child born 10 May 2023 whose turn came on Monday 2 March 2026.
// Usage: node scripts/demo-preview.mjs [IIN] [now]
import { createRequire } from 'node:module';

const rules = createRequire(import.meta.url)('../pkg/node/kezek_rules.js');
const iin = process.argv[2] ?? '230510500012';
const now = process.argv[3] ?? '2026-03-02T05:00:00Z';

try {
  const child = rules.checkIin({ iin });
  const state = rules.stateFromEvent({ state: 'offered', eventAt: '2026-03-02T04:00:00Z' });
  const preview = rules.previewEligibility({ childIin: child.iin, state, groupsWithFreePlaces: 1, now });
  console.log(`Demo child ${child.iin}: born ${child.birthDate}, ${child.sex}; offered a place until ${state.expiresAt}.`);
  console.log(`previewEligibility at ${now} (WebAssembly, pkg/node):`);
  console.log(JSON.stringify(preview, null, 2));
  console.log(preview.eligibility.allowed
    ? 'Allowed: the parent may choose a kindergarten now.'
    : `Not yet: ${preview.eligibility.reasons.map((reason) => `${reason.code}${reason.allowedFrom ? ` (allowed from ${reason.allowedFrom})` : ''}`).join(', ')}.`);
} catch (error) {
  console.error(`refused: ${error.code}: ${error.message}`);
  process.exitCode = 1;
}
