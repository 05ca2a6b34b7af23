// Seed steps 8–9 (R4): the decision the rules give on the page, shown beside the server's,
// the button "Choose a state kindergarten" when allowed, else every reason and its end date;
// the notice window (3 working days, then free choice; you stay in the queue).
import { go } from '../context.js';
import { dialog, h } from '../dom.js';
import { formatDate, formatInstant, lastDay } from '../format.js';
import { defaultPolicy } from '../rules.js';
import { fill, t } from '../texts.js';

function reasonItems(eligibility) {
  const texts = t();
  const years = defaultPolicy().minAgeYears;
  return eligibility.reasons.map((reason) => {
    const words = fill(texts.reason[reason.code] ?? reason.code, { years });
    const when = reason.allowedFrom ? ` — ${fill(texts.from, { date: formatDate(texts, reason.allowedFrom) })}` : '';
    return h('li', { dataset: { code: reason.code, allowedFrom: reason.allowedFrom ?? '' } }, words + when);
  });
}

async function noticeWindow(details, clock) {
  const texts = t();
  const { state } = details.application;
  const message = state.state === 'offered'
    ? fill(texts.noticeText, { last: lastDay(texts, state.expiresAt, clock), at: formatInstant(texts, state.expiresAt, clock) })
    : texts.noticeFreeChoice;
  if (await dialog('notice', texts.noticeHeading, message, { ok: texts.ok, cancel: texts.cancel })) {
    go(`#/choose/${details.application.id}`);
  }
}

export function chooseCard(details, eligibility, freePlaces, clock) {
  const texts = t();
  const agrees = eligibility.allowed === details.eligibility.allowed;
  const decision = h('p', {
    id: 'decision',
    class: `decision ${eligibility.allowed ? 'allowed' : 'blocked'}`,
    dataset: { allowed: String(eligibility.allowed), serverAllowed: String(details.eligibility.allowed), reasons: eligibility.reasons.map((reason) => reason.code).join(' '), freeChoice: String(freePlaces.counters.freeChoice), groups: String(freePlaces.groups.filter((group) => group.free > 0).length) },
  }, eligibility.allowed ? texts.decisionAllowed : texts.decisionBlocked);
  const children = [h('h3', { id: 'choose-heading', text: texts.chooseHeading }), decision];
  if (!agrees) children.push(h('p', { class: 'hint', id: 'disagreement', text: texts.serverDisagrees }));
  if (eligibility.allowed) {
    children.push(h('button', { type: 'button', class: 'primary', id: 'choose', text: texts.chooseButton, onclick: () => noticeWindow(details, clock) }));
  } else {
    children.push(h('h4', { text: texts.reasonsHeading }), h('ul', { id: 'reasons' }, reasonItems(eligibility)));
  }
  return h('section', { class: 'card', 'aria-labelledby': 'choose-heading', 'aria-live': 'polite' }, children);
}
