// Issue 15 item 1: "when will we likely get a place?" in words — the rules' forecast (computed
// from the pool's public log, the same code natively and in the module) as ranges of months,
// with how it is computed. Used by the application's page and by the anonymous preview.
import { h } from './dom.js';
import { fill } from '../i18n/index.js';

/** "March 2027" in the page's language, from a first day of a month "YYYY-MM-01". */
export function formatMonth(texts, isoDate) {
  const [year, month] = isoDate.split('-').map(Number);
  return fill(texts.monthFormat, { year, month: texts.monthsAlone[month - 1] });
}

function rangeLines(texts, forecast) {
  const f = texts.forecast;
  const from = formatMonth(texts, forecast.likelyFrom);
  const to = formatMonth(texts, forecast.likelyTo);
  const likely = from === to ? fill(f.likelySame, { from }) : fill(f.likely, { from, to });
  const ninety = forecast.byNinety === null ? f.ninetyBeyond : fill(f.ninety, { by: formatMonth(texts, forecast.byNinety) });
  return [
    h('p', { class: 'decision', id: 'forecast-likely', dataset: { from: forecast.likelyFrom, to: forecast.likelyTo }, text: likely }),
    h('p', { id: 'forecast-ninety', dataset: { by: forecast.byNinety ?? 'beyond' }, text: ninety }),
  ];
}

/** The forecast's body: the ranges (or "too little history"), the basis, how it is computed. */
export function forecastBody(texts, answer) {
  const f = texts.forecast;
  const { forecast } = answer;
  if (forecast === null) return [];
  const lines = forecast.kind === 'range'
    ? rangeLines(texts, forecast)
    : [h('p', { id: 'forecast-too-little', dataset: { have: String(forecast.monthsOfHistory) }, text: fill(f.tooLittle, { have: forecast.monthsOfHistory, need: forecast.monthsNeeded }) })];
  const basis = forecast.kind === 'range'
    ? h('p', { class: 'hint', id: 'forecast-basis', text: fill(f.basis, { size: answer.logSize, runs: forecast.runs, months: forecast.monthsOfHistory }) })
    : null;
  return [...lines, basis, h('details', {}, h('summary', { text: f.howHeading }), h('p', { id: 'forecast-how', text: f.how }))];
}

/** The failure in words (the service's code translated where the page knows it). */
export function forecastFailure(texts, error) {
  const reason = texts.refusal?.[error?.code] ?? error?.code ?? 'other';
  return h('p', { class: 'decision blocked', id: 'forecast-failed', dataset: { code: error?.code ?? 'other' }, text: fill(texts.forecast.failed, { reason }) });
}
