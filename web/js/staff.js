// The kindergarten staff's pages (organisation key through NCALayer): their groups with free
// places, publish and withdraw places (R14), the referrals to their kindergarten and "the
// child came" → enrolled (R13).
import { get, post } from './api.js';
import { go, loadRegions, needSession, showRefusal } from './context.js';
import { announce, flash, h, show } from './dom.js';
import { lastDay } from './format.js';
import { startPages } from './frame.js';
import { loadRules } from './rules.js';
import { session } from './session.js';
import { currentLanguage, fill, t } from './texts.js';
import { loginView } from './views/login.js';
import { profileView } from './views/profile.js';

/** The staff member's kindergarten, found in the catalogue of the served regions. */
async function ownKindergarten(kindergartenId) {
  for (const region of (await loadRegions()).filter((item) => item.served)) {
    const { kindergartens } = await get(`/regions/${region.id}/kindergartens`, { anonymous: true });
    const found = kindergartens.find((item) => item.id === kindergartenId);
    if (found) return { kindergarten: found, region };
  }
  return null;
}

async function freeByGroup(regionId, groups) {
  const free = new Map();
  for (const year of new Set(groups.map((group) => group.groupYear))) {
    const places = await get(`/regions/${regionId}/pools/${year}/places`, { anonymous: true });
    for (const group of places.groups) free.set(group.groupId, group.free);
  }
  return free;
}

function groupRow(group, free) {
  const texts = t();
  const c = texts.staff.columns;
  const count = h('input', { type: 'number', min: 1, max: 100, value: 1, inputmode: 'numeric', name: 'count', id: `count-${group.groupId}`, 'aria-label': fill(texts.staff.countLabel, { group: group.name }) });
  const move = (action) => async () => {
    try {
      const answer = await post('/staff/places', { action, groupId: group.groupId, count: Number(count.value) });
      flash(fill(texts.staff.published, { free: answer.counters.unreserved + answer.counters.freeChoice, year: group.groupYear }));
      go(window.location.hash || '#/');
    } catch (error) {
      showRefusal(error);
    }
  };
  return h('tr', { dataset: { group: group.groupId } },
    h('td', { 'data-label': c.group, text: group.name }),
    h('td', { 'data-label': c.year, text: String(group.groupYear) }),
    h('td', { 'data-label': c.language, text: texts.instructionLanguage[group.language] ?? group.language }),
    h('td', { 'data-label': c.free, dataset: { free: String(free ?? 0) }, text: String(free ?? 0) }),
    h('td', { 'data-label': c.count }, count),
    h('td', { 'data-label': c.action }, h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'primary', dataset: { action: 'publish' }, text: texts.staff.publish, onclick: move('publish') }),
      h('button', { type: 'button', class: 'secondary', dataset: { action: 'withdraw' }, text: texts.staff.withdraw, onclick: move('withdraw') }))));
}

async function referralsSection(clock) {
  const texts = t();
  const c = texts.staff.referralColumns;
  const { referrals } = await get('/staff/referrals');
  const rows = referrals.map((referral) => h('tr', { dataset: { number: referral.number, application: referral.applicationId } },
    h('td', { 'data-label': c.number, text: referral.number }),
    h('td', { 'data-label': c.child, text: referral.childIin }),
    h('td', { 'data-label': c.group, text: referral.groupName }),
    h('td', { 'data-label': c.validUntil, text: lastDay(texts, referral.validUntilAt, clock) }),
    h('td', { 'data-label': c.action }, h('button', {
      type: 'button', class: 'primary', dataset: { enrol: referral.applicationId }, text: texts.staff.came,
      onclick: async () => {
        try {
          await post(`/staff/applications/${referral.applicationId}/enrol`, {});
          flash(fill(texts.staff.enrolled, { number: referral.number }));
          go(window.location.hash || '#/');
        } catch (error) {
          showRefusal(error);
        }
      },
    }))));
  return h('section', { class: 'card', 'aria-labelledby': 'referrals-heading' },
    h('h3', { id: 'referrals-heading', text: texts.staff.referralsHeading }),
    rows.length === 0 ? h('p', { id: 'no-referrals', text: texts.staff.noReferrals }) : h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'referrals' },
      h('thead', {}, h('tr', {}, Object.values(c).map((label) => h('th', { scope: 'col', text: label })))),
      h('tbody', {}, rows))));
}

async function groupsView() {
  if (!needSession('#/login')) return;
  const texts = t();
  const found = await ownKindergarten(session().identity.kindergartenId);
  if (!found) return announce(fill(texts.refused, { reason: 'not_found' }), 'alert', 'not_found');
  const { kindergarten, region } = found;
  const free = await freeByGroup(region.id, kindergarten.groups);
  const c = texts.staff.columns;
  show('staff',
    h('h2', { text: currentLanguage() === 'kk' ? kindergarten.nameKk : kindergarten.nameRu }),
    h('p', { class: 'hint', text: kindergarten.address }),
    h('section', { class: 'card', 'aria-labelledby': 'groups-heading' },
      h('h3', { id: 'groups-heading', text: texts.staff.groupsHeading }),
      h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'staff-groups' },
        h('thead', {}, h('tr', {}, Object.values(c).map((label) => h('th', { scope: 'col', text: label })))),
        h('tbody', {}, kindergarten.groups.map((group) => groupRow(group, free.get(group.groupId))))))),
    await referralsSection(region.clock));
}

const routes = [
  [/^#\/login/, () => loginView({ intro: (texts) => texts.staff.loginIntro, home: '#/' })],
  [/^#\/profile/, () => profileView('#/')],
  [/.*/, groupsView],
];

startPages({ routes, title: (texts) => texts.staff.title, loggedOut: '#/login', before: loadRules });
