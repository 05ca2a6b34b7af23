// The application page's "Verify in your browser" section (issue 13 item 3): on request it
// loads the verifier module and checks the application's history in the pool's public log
// (js/log-check.js), then says "verified in your browser" with the tree size and the number
// of entries checked, or exactly which check failed and why (the rules' code, in words), and
// shows the history as the log's entries say it.
import { h } from '../dom.js';
import { formatInstant } from '../format.js';
import { LogCheckError, verifyApplicationLog } from '../log-check.js';
import { fill, t } from '../texts.js';

function verdict(kind, text, code = '') {
  return h('p', { id: 'log-verdict', class: `decision ${kind === 'verified' ? 'allowed' : kind === 'failed' ? 'blocked' : ''}`, dataset: { state: kind, code } },
    kind === 'verified' ? h('span', { 'aria-hidden': 'true', text: '✓ ' }) : kind === 'failed' ? h('span', { 'aria-hidden': 'true', text: '✗ ' }) : null,
    text);
}

function history(entries, clock) {
  const texts = t();
  const v = texts.logVerify;
  return h('ol', { id: 'log-history', 'aria-label': v.historyHeading },
    entries.map((entry) => h('li', { dataset: { kind: entry.kind, index: String(entry.index) } },
      h('span', { text: v.kind[entry.kind] ?? entry.kind }),
      h('span', { class: 'detail', text: ` — ${formatInstant(texts, entry.at, clock)}` }))));
}

function verifiedText(result) {
  const v = t().logVerify;
  const parts = [fill(v.verified, { count: result.entries.length, size: result.size })];
  if (result.seen !== null) parts.push(fill(v.consistentWithSeen, { seen: result.seen }));
  if (result.pending > 0) parts.push(fill(v.pending, { pending: result.pending }));
  return parts.join(' ');
}

/** "Nobody behind me got a place first" (issue 13 item 4): the server's answer by the rules
 * over the pool's whole log; the places that went to applications behind this one, each with
 * its legitimate reason or as out of order. */
function waiting(report, clock) {
  const texts = t();
  const v = texts.logVerify;
  if (!report) return null;
  const behind = report.placements.filter((placement) => placement.behindMe);
  const clean = report.nobodyBehindFirst;
  return h('div', { id: 'log-waiting', dataset: { state: clean ? 'clean' : 'out_of_order' } },
    h('p', { class: `decision ${clean ? 'allowed' : 'blocked'}`, text: clean ? fill(v.nobodyBehind, { count: report.placements.length }) : v.somebodyBehind }),
    behind.length === 0 ? null : h('ul', {},
      behind.map((placement) => h('li', { dataset: { reason: placement.reason ?? 'none' } },
        h('span', { text: fill(v.behindPlacement, { position: placement.theirPosition ?? '?', mine: placement.myPosition }) }),
        h('span', { class: 'detail', text: ` — ${v.behindReason[placement.reason ?? 'none']} (${formatInstant(texts, placement.at, clock)})` })))));
}

/** The failure in words: which check, and the rules' code translated (the code itself if unknown). */
export function failureText(error) {
  const v = t().logVerify;
  const reason = v.code[error.code] ?? error.code;
  const template = v.failed[error.check] ?? v.failed.other;
  return fill(template, { reason, index: error.details?.index ?? '', seen: error.details?.seen ?? '' });
}

async function run(applicationId, clock, output, button) {
  const v = t().logVerify;
  button.disabled = true;
  output.replaceChildren(verdict('checking', v.checking));
  try {
    const result = await verifyApplicationLog(applicationId);
    if (!result.checkpoint) {
      output.replaceChildren(verdict('waiting', v.noCheckpoint));
      return;
    }
    output.replaceChildren(verdict('verified', verifiedText(result)),
      h('h4', { text: v.historyHeading }), history(result.entries, clock),
      h('h4', { text: v.waitingHeading }), waiting(result.waiting, clock));
  } catch (error) {
    const failure = error instanceof LogCheckError ? error : new LogCheckError('other', error?.code ?? 'other');
    output.replaceChildren(verdict('failed', failureText(failure), failure.code));
  } finally {
    button.disabled = false;
  }
}

/** The section, with its button; nothing is loaded until the button is pressed. */
export function logVerificationCard(applicationId, clock) {
  const v = t().logVerify;
  const output = h('div', { id: 'log-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'secondary', id: 'verify-log', text: v.button });
  button.addEventListener('click', () => run(applicationId, clock, output, button));
  return h('section', { class: 'card', id: 'log-verification', 'aria-labelledby': 'log-heading' },
    h('h3', { id: 'log-heading', text: v.heading }),
    h('p', { class: 'hint', text: v.intro }),
    button,
    output);
}
