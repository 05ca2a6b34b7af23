// A typed use of the npm package: `tsc --noEmit` must accept it against the shipped .d.ts.
import init, { applicationDeadlines, checkIin, previewEligibility, stateFromEvent } from '../../../pkg/web/kezek_rules.js';
import type { ApplicationState, BlockingReason, Iin, PreviewOutput, RuleError } from '../../../pkg/web/kezek_rules.js';

export async function explain(iin: string, now: string): Promise<string[]> {
  await init();
  let child: Iin;
  try {
    child = checkIin({ iin });
  } catch (error) {
    return [(error as RuleError).code];
  }
  const state: ApplicationState = stateFromEvent({ state: 'offered', eventAt: now });
  const preview: PreviewOutput = previewEligibility({ childIin: child.iin, state, groupsWithFreePlaces: 1, now });
  const reasons: BlockingReason[] = preview.eligibility.reasons;
  const deadlines = applicationDeadlines({ state });
  const until: string | null = deadlines.offerExpiresAt;
  return [...reasons.map((reason) => reason.code), until ?? 'no deadline', String(preview.ageYears)];
}
