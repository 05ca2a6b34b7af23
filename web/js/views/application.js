// Seed steps 7–9 (R3, R4, R6): the application's page — state in the guide's words, live
// position, deadlines with dates and skipped days, and "Choose a state kindergarten" only
// when the rules (WebAssembly, over the real state and the pool's real free places) allow.
import { get } from '../api.js';
import { needSession, regionOf } from '../context.js';
import { facts, h, show } from '../dom.js';
import { formatDate, formatInstant } from '../format.js';
import { eligibilityOf } from '../rules.js';
import { serverNow } from '../session.js';
import { fill, regionName, t } from '../texts.js';
import { actionCards } from './application-actions.js';
import { chooseCard } from './eligibility.js';
import { forecastCard } from './forecast.js';
import { logVerificationCard } from './log-verification.js';
import { transferCard } from './transfer.js';
import { deadlineList, stateWords } from './state.js';

export async function applicationView(id) {
  if (!needSession()) return;
  const texts = t();
  const details = await get(`/applications/${id}`);
  const { application } = details;
  const region = await regionOf(application.pool.regionId);
  const clock = region?.clock;
  const freePlaces = await get(`/regions/${application.pool.regionId}/pools/${application.pool.groupYear}/places`, { anonymous: true });
  const eligibility = eligibilityOf(application, freePlaces, clock, serverNow());
  const position = details.position
    ? fill(texts.position, { ahead: details.position.ahead, waiting: details.position.waiting })
    : texts.noPosition;
  show('application',
    h('h2', { text: fill(texts.applicationHeading, { id: application.id }) }),
    facts([
      [texts.childLabel, `${application.childIin} (${formatDate(texts, application.childBirthDate)})`, 'child'],
      [texts.regionLabel, region ? regionName(region) : application.pool.regionId, 'region'],
      [texts.stateLabel, h('span', { id: 'state', dataset: { state: application.state.state } }, stateWords(application.state, clock)), 'state'],
      [texts.positionLabel, h('span', { id: 'position', dataset: details.position ? { ahead: String(details.position.ahead), waiting: String(details.position.waiting) } : {} }, position), 'position'],
      [texts.priorityLabel, texts.priority[application.priority], 'priority'],
      [texts.registeredLabel, formatInstant(texts, application.registeredAt, clock), 'registered'],
      application.lapses > 0 ? [texts.lapsesLabel, String(application.lapses), 'lapses'] : null,
    ]),
    forecastCard(application),
    chooseCard(details, eligibility, freePlaces, clock),
    h('section', { class: 'card', 'aria-labelledby': 'deadlines-heading' },
      h('h3', { id: 'deadlines-heading', text: texts.deadlinesHeading }),
      deadlineList(details.deadlines, clock)),
    actionCards(details, clock),
    await transferCard(details, clock),
    logVerificationCard(application.id, clock));
}
