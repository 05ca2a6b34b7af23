// An application's state in the guide's words ("In queue", "Notification sent", "Referral
// issued", "Stop-list until …"), and the deadlines with their dates and skipped days.
import { h } from '../dom.js';
import { describeSkipped, formatDate, formatInstant, lastDay } from '../format.js';
import { DEADLINES, explanations as explained } from '../states.js';
import { fill, t } from '../texts.js';

export function stateWords(state, clock) {
  const texts = t();
  if (state.state === 'stop_listed') return fill(texts.stopListUntil, { date: lastDay(texts, state.untilAt, clock) });
  return texts.state[state.state] ?? state.state;
}

/** The deadlines the rules explain (GET /applications/{id} `deadlines`), one item each. */
export function deadlineList(deadlines, clock) {
  const texts = t();
  const explanations = explained(deadlines);
  const items = [];
  for (const key of DEADLINES) {
    const at = deadlines[key];
    if (!at) continue;
    // An extended referral's validity is no longer the counted span: its last day is the deadline's.
    const explanation = explanations[key]?.deadlineAt && Date.parse(explanations[key].deadlineAt) !== Date.parse(at) ? null : explanations[key];
    const counted = explanation?.countedDays ?? [];
    const last = counted.length > 0 ? formatDate(texts, counted[counted.length - 1]) : lastDay(texts, at, clock);
    const detail = [];
    if (counted.length > 0) detail.push(fill(texts.countedDays, { days: counted.map((day) => formatDate(texts, day)).join(', ') }));
    if (explanation?.skippedDays?.length > 0) {
      detail.push(fill(texts.skippedDays, { days: explanation.skippedDays.map((day) => describeSkipped(texts, day)).join('; ') }));
    }
    items.push(h('li', { dataset: { deadline: key, at } },
      fill(texts.deadline[key], { at: formatInstant(texts, at, clock), last }),
      detail.map((line) => h('span', { class: 'detail', text: line }))));
  }
  if (items.length === 0) items.push(h('li', { dataset: { deadline: 'none' }, text: texts.noDeadlines }));
  return h('ul', { id: 'deadlines' }, items);
}
