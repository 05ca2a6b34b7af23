// The public daily lists of a pool (issue 13 item 5), as Astana publishes them:
// `daily.html#/<region>/<year>[/<from>/<to>]` (default: the last 7 days). No login; from
// `GET /transparency/{region}/{year}/daily/{from}/{to}`, which the rules derive from the pool's
// public log. Applications appear only by their random ids.
import { get } from './api.js';
import { announce, h, show } from './dom.js';
import { formatDate, formatInstant } from './format.js';
import { startPages } from './frame.js';
import { fill, t } from './texts.js';

const ROUTE = /^#\/([A-Za-z0-9_-]{1,64})\/(\d{4})(?:\/(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2}))?$/;
const DAYS_DEFAULT = 7;

const isoDate = (date) => date.toISOString().slice(0, 10);
const short = (id) => id.slice(0, 8);

function list(id, heading, items, line) {
  if (items.length === 0) return null;
  return h('section', { class: 'daily-list', dataset: { list: id } },
    h('h4', { text: `${heading} (${items.length})` }),
    h('ul', {}, items.map((item) => h('li', { text: line(item) }))));
}

function day(texts, entry) {
  const d = texts.daily;
  const at = (item) => formatInstant(texts, item.at);
  const lists = [
    list('placesPublished', d.placesPublished, entry.placesPublished, (p) => fill(d.places, { count: p.count, group: p.groupId, at: at(p) })),
    list('placesVacated', d.placesVacated, entry.placesVacated, (p) => fill(d.places, { count: p.count, group: p.groupId, at: at(p) })),
    list('placesWithdrawn', d.placesWithdrawn, entry.placesWithdrawn, (p) => fill(d.places, { count: p.count, group: p.groupId, at: at(p) })),
    list('offers', d.offers, entry.offers, (o) => fill(d.offer, {
      id: short(o.applicationId), position: o.position + 1, priority: texts.priority[o.priority] ?? o.priority,
      registered: formatInstant(texts, o.registeredAt), at: at(o),
    })),
    list('referrals', d.referrals, entry.referrals, (r) => fill(d.referral, { id: short(r.applicationId), group: r.groupId ?? '', source: d.source[r.source] ?? r.source, at: at(r) })),
    list('offersExpired', d.offersExpired, entry.offersExpired, (id) => short(id)),
    list('lapses', d.lapses, entry.lapses, (id) => short(id)),
    list('removals', d.removals, entry.removals, (r) => fill(d.removal, { id: short(r.applicationId), reason: d.removalReason[r.reason] ?? r.reason, at: at(r) })),
  ].filter(Boolean);
  return h('section', { class: 'card', dataset: { date: entry.date } }, h('h3', { text: formatDate(texts, entry.date) }), ...lists);
}

async function dailyView(region, year, fromText, toText) {
  const texts = t();
  const d = texts.daily;
  const to = toText ?? isoDate(new Date());
  const from = fromText ?? isoDate(new Date(Date.now() - (DAYS_DEFAULT - 1) * 86_400_000));
  announce(d.loading);
  let answer;
  try {
    answer = await get(`/transparency/${region}/${year}/daily/${from}/${to}`, { anonymous: true });
  } catch (error) {
    show('daily', h('h2', { text: d.heading }), h('p', { text: d.intro }));
    return announce(fill(texts.refused, { reason: error.code }), 'alert', error.code);
  }
  announce('');
  show('daily',
    h('h2', { text: fill(d.poolHeading, { region, year }) }),
    h('p', { class: 'hint', id: 'daily-range', text: fill(d.range, { from: formatDate(texts, from), to: formatDate(texts, to) }) }),
    h('p', { text: d.intro }),
    answer.days.length === 0 ? h('p', { id: 'daily-empty', text: d.empty }) : h('div', { id: 'daily-days' }, answer.days.map((entry) => day(texts, entry))));
}

startPages({
  routes: [[ROUTE, dailyView], [/.*/, () => {
    const d = t().daily;
    show('daily', h('h2', { text: d.heading }), h('p', { text: d.intro }));
    announce(d.noPool, 'alert', 'pool_missing');
  }]],
  title: (texts) => texts.daily.title,
  sessions: false,
});
