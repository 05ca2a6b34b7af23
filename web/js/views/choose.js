// Seed steps 10–13 (R7, R8): the groups with free places (kindergarten, group, language of
// instruction, address, a map link with the coordinates); "Sign and send": the exact bytes
// the server issued for the choice are signed with the signing key through NCALayer (CAdES)
// and posted; a refused signature is shown with its code in words.
import { get } from '../api.js';
import { go, needSession, showRefusal } from '../context.js';
import { announce, flash, h, show } from '../dom.js';
import { config } from '../config.js';
import { signThrough } from '../signing.js';
import { fill, kindergartenName, t } from '../texts.js';

function mapLink(template, location) {
  const texts = t();
  const href = fill(template, { lat: location.lat, lon: location.lon });
  return h('a', { href, target: '_blank', rel: 'noopener', class: 'map' }, fill(texts.mapLink, { lat: location.lat, lon: location.lon }));
}

function groupRows(groups, template) {
  const texts = t();
  const c = texts.groupColumns;
  return groups.map((group) => h('tr', { dataset: { group: group.groupId } },
    h('td', { 'data-label': c.choose }, h('div', { class: 'choice' },
      h('input', { type: 'radio', name: 'group', value: group.groupId, id: `group-${group.groupId}`, 'aria-describedby': `group-${group.groupId}-kg` }),
      h('label', { for: `group-${group.groupId}`, text: group.name }))),
    h('td', { 'data-label': c.kindergarten, id: `group-${group.groupId}-kg`, text: kindergartenName(group) }),
    h('td', { 'data-label': c.language, dataset: { language: group.language }, text: texts.instructionLanguage[group.language] ?? group.language }),
    h('td', { 'data-label': c.address }, group.address, h('br'), mapLink(template, group.location)),
    h('td', { 'data-label': c.free, text: String(group.free) })));
}

async function signAndSend(id, groupId, button) {
  const texts = t();
  button.disabled = true;
  try {
    const answer = await signThrough({
      chooseRoute: `/applications/${id}/choose`,
      chooseBody: { groupId },
      signRoute: `/applications/${id}/sign`,
      signBody: (choice, signatureBase64) => ({ nonce: choice.nonce, signature: { signatureBase64 } }),
    });
    if (!answer) return;
    flash(texts.signed);
    go(`#/document/${id}/${answer.referral.number}`);
  } catch (error) {
    showRefusal(error);
  } finally {
    button.disabled = false;
  }
}

export async function chooseView(id) {
  if (!needSession()) return;
  const texts = t();
  const { application } = await get(`/applications/${id}`);
  const places = await get(`/regions/${application.pool.regionId}/pools/${application.pool.groupYear}/places`, { anonymous: true });
  const groups = places.groups.filter((group) => group.free > 0);
  const { mapUrl } = await config();
  const button = h('button', { type: 'submit', class: 'primary', id: 'sign', text: texts.signButton });
  const c = texts.groupColumns;
  const form = h('form', { id: 'choose-form', novalidate: true },
    h('fieldset', {}, h('legend', { text: texts.groupsIntro }),
      h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'groups' },
        h('thead', {}, h('tr', {}, [c.group, c.kindergarten, c.language, c.address, c.free].map((label) => h('th', { scope: 'col', text: label })))),
        h('tbody', {}, groupRows(groups, mapUrl))))),
    h('h3', { text: texts.signHeading }),
    h('p', { text: texts.signIntro }),
    button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = form.querySelector('input[name="group"]:checked');
    if (!chosen) {
      announce(texts.groupsIntro, 'alert', 'group_not_chosen');
      form.querySelector('input[name="group"]')?.focus();
      return;
    }
    signAndSend(id, chosen.value, button);
  });
  show('choose',
    h('h2', { text: texts.groupsHeading }),
    groups.length === 0 ? h('p', { id: 'no-groups', text: texts.noGroups }) : form,
    h('p', {}, h('a', { href: '#/journal', text: texts.back })));
}
