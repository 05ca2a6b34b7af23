// Seed steps 6–7 and 14: the applications journal (tab "Applications": rows open the
// application; the enqueue form) and the tab "General documents" (the referrals). Issue 15:
// twins and siblings — the applicant marks two to four of their queued applications one set.
import { get, post } from '../api.js';
import { go, loadRegions, needSession, regionOf, showRefusal } from '../context.js';
import { flash, h, show } from '../dom.js';
import { formatDate, formatInstant } from '../format.js';
import { regionName, t } from '../texts.js';
import { enqueueForm } from './enqueue.js';
import { stateWords } from './state.js';

function tabs(selected) {
  const texts = t();
  const tab = (id, label, href) => h('a', {
    role: 'tab', id: `tab-${id}`, href, 'aria-selected': String(selected === id), 'aria-controls': 'tab-panel',
    text: label,
  });
  return h('div', { role: 'tablist', 'aria-label': texts.journalHeading },
    tab('applications', texts.tabApplications, '#/journal'),
    tab('documents', texts.tabDocuments, '#/journal/documents'));
}

async function applicationsPanel(entries) {
  const texts = t();
  if (entries.length === 0) return [h('p', { id: 'no-applications', text: texts.noApplications }), h('p', { class: 'hint', text: texts.linkedNote })];
  const rows = [];
  for (const { relation, application } of entries) {
    const region = await regionOf(application.pool.regionId);
    const cells = [
      [texts.columns.child, h('a', { href: `#/application/${application.id}`, dataset: { application: application.id } }, application.childIin)],
      [texts.columns.birth, formatDate(texts, application.childBirthDate)],
      [texts.columns.region, region ? regionName(region) : application.pool.regionId],
      [texts.columns.state, h('span', { dataset: { state: application.state.state } }, stateWords(application.state, region?.clock)), h('span', { class: 'detail', text: texts.relation[relation] }),
        application.siblings ? h('span', { class: 'detail', dataset: { siblings: application.siblings }, text: texts.siblingsBadge }) : null],
      [texts.columns.registered, formatInstant(texts, application.registeredAt, region?.clock)],
    ];
    rows.push(h('tr', { dataset: { application: application.id } }, cells.map(([label, ...value]) => h('td', { 'data-label': label }, value))));
  }
  return [h('div', { class: 'table-wrap' }, h('table', { class: 'stack', id: 'applications' },
    h('caption', { class: 'hint', text: texts.linkedNote }),
    h('thead', {}, h('tr', {}, Object.values(texts.columns).map((label) => h('th', { scope: 'col', text: label })))),
    h('tbody', {}, rows)))];
}

/** Issue 15: the applicant's own queued applications, two or more, may be marked one set. */
function siblingsForm(entries) {
  const texts = t();
  const candidates = entries.filter(({ relation, application }) => relation === 'submitted' && application.state.state === 'queued' && !application.siblings);
  if (candidates.length < 2) return null;
  const boxes = candidates.map(({ application }) => h('div', { class: 'choice' },
    h('input', { type: 'checkbox', id: `sibling-${application.id}`, value: application.id, name: 'siblings' }),
    h('label', { for: `sibling-${application.id}`, text: `${application.childIin} — ${formatDate(texts, application.childBirthDate)}` })));
  const form = h('form', { id: 'siblings', 'aria-labelledby': 'siblings-heading' },
    h('h3', { id: 'siblings-heading', text: texts.siblingsHeading }),
    h('p', { class: 'hint', id: 'siblings-intro', text: texts.siblingsIntro }),
    h('fieldset', {}, h('legend', { text: texts.siblingsLegend }), boxes),
    h('button', { type: 'submit', text: texts.siblingsButton }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const applicationIds = [...form.querySelectorAll('input[name="siblings"]:checked')].map((box) => box.value);
    try {
      const answer = await post('/applications/siblings', { applicationIds });
      flash(answer.together.length > 0 ? texts.siblingsMarkedTogether : texts.siblingsMarked);
      go(window.location.hash);
    } catch (error) {
      showRefusal(error);
    }
  });
  return form;
}

async function documentsPanel(entries) {
  const texts = t();
  const withReferral = entries.filter(({ application }) => ['referred', 'enrolled'].includes(application.state.state) || application.lapses > 0);
  const documents = [];
  for (const { application } of withReferral) {
    const details = await get(`/applications/${application.id}`);
    const region = await regionOf(application.pool.regionId);
    for (const document of details.documents) documents.push({ document, clock: region?.clock });
  }
  if (documents.length === 0) return [h('p', { id: 'no-documents', text: texts.noDocuments })];
  return [h('ul', { id: 'documents' }, documents.map(({ document, clock }) => h('li', { dataset: { number: document.number } },
    h('a', { href: `#/document/${document.applicationId}/${document.number}` }, `${texts.documentHeading.replace('{number}', document.number)}`),
    h('span', { class: 'detail', text: `${document.groupName} — ${formatInstant(texts, document.issuedAt, clock)}` }))))];
}

export async function journalView(tab) {
  if (!needSession()) return;
  const texts = t();
  await loadRegions();
  const { applications } = await get('/applications');
  const selected = tab === 'documents' ? 'documents' : 'applications';
  const panel = selected === 'documents' ? await documentsPanel(applications) : await applicationsPanel(applications);
  show('journal',
    h('h2', { text: texts.journalHeading }),
    tabs(selected),
    h('section', { id: 'tab-panel', role: 'tabpanel', 'aria-labelledby': `tab-${selected}` }, panel,
      selected === 'applications' ? siblingsForm(applications) : null),
    selected === 'applications' ? await enqueueForm() : null);
}
