// The eligibility preview: reads the form, asks the rules (WebAssembly, the same crate the
// server runs) and shows the answer. No rule is decided here.
import init, * as rules from './pkg/kezek_rules.js';
import { fill, languages } from './i18n/index.js';
import { config } from './js/config.js';
import { describeSkipped, formatDate as formatDateIn, formatInstant as formatInstantIn, offsetAt } from './js/format.js';
import { setupPreviewForecast } from './js/preview-forecast.js';
import { DEADLINES, explanations as explained, STATES, STATES_WITHOUT_EVENT } from './js/states.js';

const params = new URLSearchParams(window.location.search);
const element = (id) => document.getElementById(id);
const form = element('preview');

let language = 'kk';
let regions = [];
let policy = null;
/** The API's base URL when its public reads answer (regions, pools' free places), else null. */
let api = null;
let poolKey = '';
/** Relabels the forecast section (js/preview-forecast.js) in the current language. */
let relabelForecast = () => {};

/** `now` is the browser's clock unless the page is opened with ?now=<RFC 3339 instant>. */
function now() {
  return params.get('now') ?? new Date().toISOString();
}

function storedLanguage() {
  try {
    return window.localStorage.getItem('kezek.language');
  } catch {
    return null;
  }
}

function texts() {
  return languages[language];
}

function currentRegion() {
  return regions.find((region) => region.id === element('region').value) ?? regions[0];
}

/** A `datetime-local` value read as the region's local time, as an RFC 3339 UTC instant. */
function localInputToInstant(value, clock) {
  const asUtc = Date.parse(`${value}:00Z`);
  const offset = offsetAt(clock, asUtc - clock.initialOffsetSeconds * 1000);
  return new Date(asUtc - offset * 1000).toISOString();
}

// Dates in the preview's language and the region's local time (js/format.js, as the pages).
const formatDate = (isoDate) => formatDateIn(texts(), isoDate);
const formatInstant = (instant, clock) => formatInstantIn(texts(), instant, clock);
const describeDay = (skipped) => describeSkipped(texts(), skipped);

function errorText(error) {
  const code = error?.code ?? 'other';
  return fill(texts().error[code] ?? texts().error.other, { code });
}

function applyTexts() {
  const t = texts();
  document.documentElement.lang = language;
  document.title = t.title;
  for (const node of document.querySelectorAll('[data-text]')) node.textContent = t[node.dataset.text];
  const chosen = element('state').value || 'none';
  element('state').replaceChildren(...STATES.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = t.state[name];
    return option;
  }));
  element('state').value = chosen;
  for (const button of document.querySelectorAll('button.language')) {
    button.setAttribute('aria-pressed', String(button.dataset.language === language));
  }
  const selected = element('region').value;
  element('region').replaceChildren(...regions.map((region) => {
    const option = document.createElement('option');
    option.value = region.id;
    option.textContent = { kk: region.nameKk, ru: region.nameRu, en: region.nameEn }[language];
    return option;
  }));
  if (selected) element('region').value = selected;
}

function showIinStatus() {
  const input = element('iin');
  const status = element('iin-status');
  status.classList.remove('error');
  input.removeAttribute('aria-invalid');
  status.textContent = '';
  status.removeAttribute('data-code');
  if (input.value.length === 0) return null;
  try {
    const child = rules.checkIin({ iin: input.value });
    const sex = child.sex === 'male' ? texts().sexMale : texts().sexFemale;
    status.textContent = `${texts().birthDate}: ${formatDate(child.birthDate)}, ${sex}`;
    status.dataset.birthDate = child.birthDate;
    return child;
  } catch (error) {
    status.classList.add('error');
    status.dataset.code = error.code;
    status.textContent = errorText(error);
    input.setAttribute('aria-invalid', 'true');
    return undefined;
  }
}

function listItem(text, attributes = {}, detail = []) {
  const item = document.createElement('li');
  item.textContent = text;
  for (const [name, value] of Object.entries(attributes)) item.dataset[name] = value;
  for (const line of detail) {
    const span = document.createElement('span');
    span.className = 'detail';
    span.textContent = line;
    item.append(span);
  }
  return item;
}

function renderDeadlines(deadlines, clock) {
  const t = texts();
  const explanations = explained(deadlines);
  const items = [];
  for (const key of DEADLINES) {
    const at = deadlines[key];
    if (!at) continue;
    const explanation = explanations[key];
    const counted = explanation?.countedDays ?? [];
    const last = counted.length > 0 ? formatDate(counted[counted.length - 1]) : formatInstant(at, clock);
    const detail = [];
    if (counted.length > 0) detail.push(fill(t.countedDays, { days: counted.map(formatDate).join(', ') }));
    if (explanation?.skippedDays?.length > 0) detail.push(fill(t.skippedDays, { days: explanation.skippedDays.map(describeDay).join('; ') }));
    items.push(listItem(fill(t.deadline[key], { at: formatInstant(at, clock), last }), { deadline: key, at }, detail));
  }
  if (items.length === 0) items.push(listItem(t.noDeadlines, { deadline: 'none' }));
  element('deadlines').replaceChildren(...items);
}

function render() {
  const t = texts();
  const region = currentRegion();
  const regionStatus = element('region-status');
  regionStatus.textContent = region.served ? '' : t.regionNotServed;
  regionStatus.classList.toggle('error', !region.served);
  regionStatus.dataset.served = String(region.served);
  const stateName = element('state').value;
  element('event-field').hidden = STATES_WITHOUT_EVENT.includes(stateName);
  const child = showIinStatus();
  const birthDate = element('birth-date').value;
  const result = element('result');
  if (!region.served || child === undefined || (child === null && !birthDate)) {
    result.hidden = true;
    return;
  }
  try {
    const clock = region.clock;
    const eventValue = element('event-at').value;
    const eventAt = eventValue ? localInputToInstant(eventValue, clock) : now();
    const state = STATES_WITHOUT_EVENT.includes(stateName)
      ? { state: 'queued' }
      : rules.stateFromEvent({ state: stateName, eventAt, clock });
    const preview = rules.previewEligibility({
      ...(child ? { childIin: child.iin } : { birthDate }),
      state,
      freeChoicePlaces: Number(element('free-choice').value) || 0,
      groupsWithFreePlaces: Number(element('groups-free').value) || 0,
      clock,
      now: now(),
    });
    const years = policy.minAgeYears;
    element('child').replaceChildren(...[
      [t.birthDate, formatDate(preview.birthDate), 'birthDate', preview.birthDate],
      [t.groupYear, String(preview.groupYear), 'groupYear', String(preview.groupYear)],
      [t.age, String(preview.ageYears), 'ageYears', String(preview.ageYears)],
      [fill(t.turnsMinAge, { years }), preview.turnsMinAgeOn ? formatDate(preview.turnsMinAgeOn) : '—', 'turnsMinAgeOn', preview.turnsMinAgeOn ?? ''],
    ].flatMap(([term, value, key, raw]) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.dataset.field = key;
      dd.dataset.value = raw;
      return [dt, dd];
    }));
    const decision = element('decision');
    decision.textContent = preview.eligibility.allowed ? t.allowed : t.notAllowed;
    decision.className = preview.eligibility.allowed ? 'allowed' : 'blocked';
    decision.dataset.allowed = String(preview.eligibility.allowed);
    element('reasons-block').hidden = preview.eligibility.allowed;
    element('reasons').replaceChildren(...preview.eligibility.reasons.map((reason) => {
      const text = fill(t.reason[reason.code] ?? reason.code, { years });
      const when = reason.allowedFrom ? ` — ${fill(t.from, { date: formatDate(reason.allowedFrom) })}` : '';
      return listItem(text + when, { code: reason.code, allowedFrom: reason.allowedFrom ?? '' });
    }));
    renderDeadlines(rules.applicationDeadlines({ state, clock }), clock);
    result.hidden = false;
    result.dataset.error = '';
  } catch (error) {
    result.hidden = false;
    result.dataset.error = error.code ?? 'other';
    element('decision').textContent = errorText(error);
    element('decision').className = 'blocked';
    element('decision').dataset.allowed = 'false';
    element('reasons').replaceChildren();
    element('deadlines').replaceChildren();
  }
}

/**
 * The pool's real free places (public read GET /regions/{region}/pools/{year}/places) for
 * the region and the child's group year, into the two pool fields, which are then read-only.
 */
async function loadPool() {
  if (api === null) return;
  const birthDate = birthDateOfChild();
  const region = currentRegion();
  if (!birthDate || !region?.served) return;
  const key = `${region.id}/${birthDate.slice(0, 4)}`;
  if (key === poolKey) return;
  poolKey = key;
  try {
    const response = await fetch(`${api}/regions/${region.id}/pools/${birthDate.slice(0, 4)}/places`);
    if (!response.ok || key !== poolKey) return;
    const places = await response.json();
    element('free-choice').value = String(places.counters.freeChoice);
    element('groups-free').value = String(places.groups.filter((group) => group.free > 0).length);
    for (const id of ['free-choice', 'groups-free']) element(id).readOnly = true;
    document.querySelector('[data-text="poolHint"]')?.setAttribute('data-text', 'poolLive');
    applyTexts();
    element('preview').dataset.pool = key;
    render();
  } catch {
    // The public read failed: the fields stay as typed.
  }
}

function setLanguage(next) {
  language = languages[next] ? next : 'kk';
  try {
    window.localStorage.setItem('kezek.language', language);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
  applyTexts();
  relabelForecast();
  render();
}

/** The child's birth date: from a valid IIN (the rules read it), else the date field. */
function birthDateOfChild() {
  const iin = element('iin').value;
  if (iin.length === 12) {
    try {
      return rules.checkIin({ iin }).birthDate;
    } catch {
      return element('birth-date').value;
    }
  }
  return element('birth-date').value;
}

/** The regions from the API's public read, or null when the page is served without it. */
async function apiRegions() {
  try {
    const base = (await config()).api;
    const response = await fetch(`${base}/regions`);
    if (!response.ok) return null;
    const answer = await response.json();
    api = base;
    return answer.regions.map((region) => ({ nameEn: region.nameRu, ...region }));
  } catch {
    return null;
  }
}

async function start() {
  await init();
  policy = rules.defaultPolicy();
  regions = await apiRegions() ?? await (await fetch('./data/regions.json')).json();
  language = params.get('lang') ?? storedLanguage() ?? 'kk';
  applyTexts();
  const firstServed = regions.find((region) => region.served);
  element('region').value = params.get('region') ?? firstServed.id;
  for (const button of document.querySelectorAll('button.language')) {
    button.addEventListener('click', () => setLanguage(button.dataset.language));
  }
  form.addEventListener('input', () => { render(); loadPool(); });
  form.addEventListener('change', () => { render(); loadPool(); });
  form.addEventListener('submit', (event) => event.preventDefault());
  relabelForecast = setupPreviewForecast(() => ({ api, texts: texts(), region: currentRegion(), birthDate: birthDateOfChild() }));
  render();
  document.body.dataset.ready = 'true';
}

start();
