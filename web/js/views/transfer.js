// Issue 15 item 2: an enrolled child's transfer to other kindergartens of the region — ask
// (up to three, best first), see where the request stands, withdraw it at any time, and when
// a place came, choose a group of a requested kindergarten and sign the move with the EDS
// signing key through NCALayer. The child keeps its place until the new one is signed.
import { get, post } from '../api.js';
import { go, showRefusal } from '../context.js';
import { field, flash, h } from '../dom.js';
import { formatInstant } from '../format.js';
import { session } from '../session.js';
import { signThrough } from '../signing.js';
import { fill, kindergartenName, t } from '../texts.js';

const CHOICES_MAX = 3;

async function send(route, body, message) {
  try {
    await post(route, body);
    flash(message);
    go(window.location.hash);
  } catch (error) {
    showRefusal(error);
  }
}

function requestForm(id, others) {
  const texts = t().transfer;
  const selects = Array.from({ length: CHOICES_MAX }, (_, rank) => {
    const select = h('select', { name: `choice-${rank}` },
      h('option', { value: '', text: rank === 0 ? texts.choose : texts.none }),
      others.map((item) => h('option', { value: item.id, text: kindergartenName(item) })));
    return field(`transfer-choice-${rank}`, fill(texts.choiceLabel, { rank: rank + 1 }), select);
  });
  const form = h('form', { id: 'transfer-request', novalidate: true }, selects,
    h('button', { type: 'submit', class: 'secondary', text: texts.askButton }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const kindergartens = [...form.querySelectorAll('select')].map((select) => select.value).filter(Boolean);
    send(`/applications/${id}/transfer`, { kindergartens }, texts.asked);
  });
  return form;
}

/** A place came: the requested kindergartens' groups with a free place; sign the move. */
async function offerForm(application, transfer) {
  const texts = t().transfer;
  const places = await get(`/regions/${application.pool.regionId}/pools/${application.pool.groupYear}/places`, { anonymous: true });
  const groups = places.groups.filter((group) => group.free > 0 && transfer.kindergartens.includes(group.kindergartenId));
  if (groups.length === 0) return h('p', { id: 'transfer-no-group', text: texts.noGroup });
  const radios = groups.map((group, index) => h('div', { class: 'choice' },
    h('input', { type: 'radio', name: 'transfer-group', id: `transfer-group-${group.groupId}`, value: group.groupId, checked: index === 0 }),
    h('label', { for: `transfer-group-${group.groupId}`, text: `${kindergartenName(group)} — ${group.name}` })));
  const button = h('button', { type: 'submit', id: 'transfer-sign', text: texts.signButton });
  const form = h('form', { id: 'transfer-offer' }, h('fieldset', {}, h('legend', { text: texts.groupLegend }), radios), button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const groupId = form.querySelector('input[name="transfer-group"]:checked')?.value;
    button.disabled = true;
    try {
      const moved = await signThrough({
        chooseRoute: `/applications/${application.id}/transfer/choose`,
        chooseBody: { groupId },
        signRoute: `/applications/${application.id}/transfer/sign`,
        signBody: (_, signatureBase64) => ({ groupId, signature: { signatureBase64 } }),
      });
      if (!moved) return;
      flash(texts.moved);
      go(window.location.hash);
    } catch (error) {
      showRefusal(error);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** The transfer card of an enrolled application (the submitting applicant's only). */
export async function transferCard(details, clock) {
  const { application } = details;
  if (application.state.state !== 'enrolled' || details.applicantIin !== session()?.identity?.iin) return null;
  const texts = t().transfer;
  const [{ transfer }, { kindergartens }] = await Promise.all([
    get(`/applications/${application.id}/transfer`),
    get(`/regions/${application.pool.regionId}/kindergartens`, { anonymous: true }),
  ]);
  const current = application.state.referral.groupId;
  const currentKindergarten = kindergartens.find((item) => item.groups.some((group) => group.groupId === current));
  const name = (id) => kindergartenName(kindergartens.find((item) => item.id === id) ?? { nameKk: id, nameRu: id });
  const children = [h('h3', { id: 'transfer-heading', text: texts.heading }), h('p', { class: 'hint', text: texts.intro })];
  const state = transfer?.state.state;
  if (transfer) {
    const at = { waiting: transfer.requestedAt, offered: transfer.state.expiresAt, withdrawn: transfer.state.withdrawnAt, done: transfer.state.movedAt, expired: transfer.state.expiredAt }[state];
    children.push(h('p', { id: 'transfer-state', dataset: { state }, text: fill(texts.state[state], { at: formatInstant(t(), at, clock), kindergartens: transfer.kindergartens.map(name).join(', ') }) }));
  }
  if (state === 'offered') children.push(await offerForm(application, transfer));
  if (state === 'waiting' || state === 'offered') {
    children.push(h('button', {
      type: 'button', class: 'secondary', id: 'transfer-withdraw', text: texts.withdrawButton,
      onclick: () => send(`/applications/${application.id}/transfer/withdraw`, {}, texts.withdrawn),
    }));
  } else {
    const others = kindergartens.filter((item) => item.id !== currentKindergarten?.id);
    if (others.length > 0) children.push(requestForm(application.id, others));
  }
  return h('section', { class: 'card', id: 'transfer', 'aria-labelledby': 'transfer-heading' }, children);
}
