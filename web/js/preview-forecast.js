// Issue 15 item 1 in the anonymous preview: "if we applied today, when would a place likely
// come?" — GET /transparency/{region}/{year}/forecast/{priority}/{birthDate} (no login; the
// rules over the pool's public log, the child counted behind everybody waiting), in words.
import { h } from './dom.js';
import { forecastBody, forecastFailure } from './forecast.js';

const element = (id) => document.getElementById(id);
const PRIORITIES = ['general', 'first_priority', 'out_of_turn'];

/**
 * Wires the preview's forecast section. `read()` gives `{ api, texts, region, birthDate }`
 * (api null when the page runs without the service: the section stays hidden). Returns
 * `relabel()`, for a change of language.
 */
export function setupPreviewForecast(read) {
  const section = element('forecast');
  const select = element('forecast-priority');
  const output = element('forecast-result');
  let last = null;
  const draw = () => {
    const { texts } = read();
    if (last === null) output.replaceChildren();
    else if (last.error) output.replaceChildren(last.error === 'needs' ? h('p', { class: 'hint', id: 'forecast-needs', text: texts.forecast.previewNeeds }) : forecastFailure(texts, last.error));
    else output.replaceChildren(...forecastBody(texts, last.answer).filter(Boolean));
  };
  const relabel = () => {
    const { api, texts } = read();
    section.hidden = api === null;
    const f = texts.forecast;
    element('forecast-heading').textContent = f.previewHeading;
    element('forecast-priority-label').textContent = f.priorityLabel;
    element('forecast-button').textContent = f.previewButton;
    const chosen = select.value || 'general';
    select.replaceChildren(...PRIORITIES.map((value) => h('option', { value, text: f.priority[value] })));
    select.value = chosen;
    draw();
  };
  element('forecast-button').addEventListener('click', async () => {
    const { api, texts, region, birthDate } = read();
    if (!region?.served || !birthDate) {
      last = { error: 'needs' };
      draw();
      return;
    }
    output.replaceChildren(h('p', { class: 'hint', text: texts.forecast.loading }));
    try {
      const response = await fetch(`${api}/transparency/${region.id}/${birthDate.slice(0, 4)}/forecast/${select.value}/${birthDate}`);
      const body = await response.json();
      last = response.ok ? { answer: body } : { error: body };
    } catch {
      last = { error: { code: 'network_unreachable' } };
    }
    draw();
  });
  relabel();
  return relabel;
}
