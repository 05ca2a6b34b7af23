// The kindergarten staff's pages (organisation key through NCALayer): their groups with free
// places, publish and withdraw places (R14), the referrals to their kindergarten and "the
// child came" → enrolled (R13).
import { get, post, whenSessionEnds } from './api.js';
import { go, loadRegions, needSession, sessionEnded, showRefusal } from './context.js';
import { announce, clearAnnouncements, flash, h, show } from './dom.js';
import { lastDay } from './format.js';
import { logIn } from './login.js';
import { loadRules } from './rules.js';
import { forget, lastSession, session, takeReturn } from './session.js';
import { currentLanguage, fill, setLanguage, startLanguage, t } from './texts.js';
import { profileView } from './views/profile.js';

function applyTexts() {
  const texts = t();
  document.documentElement.lang = currentLanguage();
  document.title = texts.staff.title;
  for (const node of document.querySelectorAll('[data-text]')) {
    node.textContent = node.dataset.text.split('.').reduce((value, key) => value?.[key], texts) ?? '';
  }
  for (const button of document.querySelectorAll('button.language')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === currentLanguage()));
  }
  const current = session();
  document.getElementById('logout').hidden = !current;
  document.getElementById('who').textContent = current?.name ? fill(texts.loggedIn, { name: current.name }) : '';
}

function loginView() {
  const texts = t();
  const button = h('button', { type: 'button', class: 'primary', id: 'login', text: texts.loginButton });
  button.addEventListener('click', async () => {
    button.disabled = true;
    const current = await logIn();
    button.disabled = false;
    if (current) go(current.emailRequired ? '#/profile' : takeReturn() ?? '#/');
  });
  show('login', h('h2', { text: texts.loginHeading }), h('p', { text: texts.staff.loginIntro }), button);
  if (window.location.hash.includes('again=1')) announce(texts.sessionEnded, 'alert', 'session_ended');
}

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

const routes = [[/^#\/login/, loginView], [/^#\/profile/, () => profileView('#/')], [/.*/, groupsView]];

async function route() {
  const hash = window.location.hash.split('?')[0];
  const [, view] = routes.find(([pattern]) => pattern.test(hash));
  applyTexts();
  document.body.dataset.ready = 'false';
  try {
    await view();
  } catch (error) {
    console.error(error);
    showRefusal(error);
  }
  document.body.dataset.ready = 'true';
}

async function start() {
  startLanguage();
  await loadRules();
  whenSessionEnds(() => sessionEnded());
  for (const button of document.querySelectorAll('button.language')) {
    button.addEventListener('click', () => {
      setLanguage(button.dataset.language);
      clearAnnouncements();
      route();
    });
  }
  document.getElementById('logout').addEventListener('click', () => {
    forget();
    go('#/login');
  });
  window.addEventListener('hashchange', () => {
    clearAnnouncements();
    route();
  });
  window.setInterval(() => {
    if (lastSession() && !session() && !window.location.hash.startsWith('#/login')) sessionEnded();
  }, 15_000);
  await route();
}

start();
