// The kindergarten staff's pages (organisation key through NCALayer): their groups with free
// places, publish and withdraw places (R14), the referrals to their kindergarten and "the
// child came" → enrolled (R13), which referrals are of twins or siblings, and the children
// moved in or out by signed transfers (issue 15).
import { get, post } from './api.js';
import { go, loadRegions, needSession, showRefusal } from './context.js';
import { announce, flash, h, show } from './dom.js';
import { formatInstant, lastDay } from './format.js';
import { startPages } from './frame.js';
import { loadRules } from './rules.js';
import { session } from './session.js';
import { currentLanguage, fill, kindergartenName, t } from './texts.js';
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

/** Twins or siblings (issue 15): the other referrals of the child's set waiting here. */
function siblingsNote(referral, referrals) {
  if (!referral.siblingSetId) return null;
  const texts = t();
  const others = referrals.filter((other) => other.siblingSetId === referral.siblingSetId && other.number !== referral.number);
  const text = others.length === 0 ? texts.staff.siblingsElsewhere : fill(texts.staff.siblingsWith, { numbers: others.map((other) => other.number).join(', ') });
  return h('span', { class: 'detail', dataset: { siblings: referral.siblingSetId }, text });
}

async function referralsSection(clock) {
  const texts = t();
  const c = texts.staff.referralColumns;
  const { referrals } = await get('/staff/referrals');
  const rows = referrals.map((referral) => h('tr', { dataset: { number: referral.number, application: referral.applicationId } },
    h('td', { 'data-label': c.number, text: referral.number }),
    h('td', { 'data-label': c.child }, referral.childIin, siblingsNote(referral, referrals)),
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

/** The children moved in or out by signed transfers (issue 15), latest first. */
async function transfersSection(clock) {
  const texts = t();
  const c = texts.staff.transferColumns;
  const { transfers } = await get('/staff/transfers');
  const rows = transfers.map((line) => {
    const arrived = line.side === 'arrived';
    const here = arrived ? line.to : line.from;
    const there = arrived ? line.from : line.to;
    return h('tr', { dataset: { transfer: line.applicationId, side: line.side } },
      h('td', { 'data-label': c.date, text: formatInstant(texts, line.signedAt, clock) }),
      h('td', { 'data-label': c.child }, line.childIin, line.siblingSetId ? h('span', { class: 'detail', dataset: { siblings: line.siblingSetId }, text: texts.staff.siblingsElsewhere }) : null),
      h('td', { 'data-label': c.move, text: fill(arrived ? texts.staff.arrivedFrom : texts.staff.leftFor, { kindergarten: kindergartenName(there) }) }),
      h('td', { 'data-label': c.group, text: fill(arrived ? texts.staff.groupTaken : texts.staff.groupReleased, { group: here.groupName }) }),
      h('td', { 'data-label': c.number, text: line.referralNumber }));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'transfers-heading' },
    h('h3', { id: 'transfers-heading', text: texts.staff.transfersHeading }),
    h('p', { class: 'hint', text: texts.staff.transfersIntro }),
    rows.length === 0 ? h('p', { id: 'no-transfers', text: texts.staff.noTransfers }) : h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'transfers' },
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
    await referralsSection(region.clock),
    await transfersSection(region.clock));
}

const routes = [
  [/^#\/login/, () => loginView({ intro: (texts) => texts.staff.loginIntro, home: '#/' })],
  [/^#\/profile/, () => profileView('#/')],
  [/.*/, groupsView],
];

startPages({ routes, title: (texts) => texts.staff.title, loggedOut: '#/login', before: loadRules });
