// Issue 15 item 1 on the application's page: "when will we likely get a place?" for an
// application waiting in the queue, from GET /applications/{id}/forecast (the rules over the
// pool's public log). Loaded after the page is shown, so the page never waits for it.
import { get } from '../api.js';
import { h } from '../dom.js';
import { forecastBody, forecastFailure } from '../forecast.js';
import { t } from '../texts.js';

async function load(applicationId, output) {
  const texts = t();
  try {
    const answer = await get(`/applications/${applicationId}/forecast`);
    if (answer.forecast === null) {
      output.closest('section')?.remove();
      return;
    }
    output.replaceChildren(...forecastBody(texts, answer).filter(Boolean));
  } catch (error) {
    output.replaceChildren(forecastFailure(texts, error));
  }
}

/** The section for a waiting application; null for any other state. */
export function forecastCard(application) {
  if (application.state.state !== 'queued') return null;
  const f = t().forecast;
  const output = h('div', { id: 'forecast-result', 'aria-live': 'polite' }, h('p', { class: 'hint', text: f.loading }));
  load(application.id, output);
  return h('section', { class: 'card', id: 'forecast', 'aria-labelledby': 'forecast-heading' },
    h('h3', { id: 'forecast-heading', text: f.heading }),
    output);
}
